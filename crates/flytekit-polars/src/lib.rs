//! polars `DataFrame`s in and out of a flytekit-rs `StructuredDataset`: the [`PolarsDataset`]
//! methods (`flytekit` re-exports this crate as its feature `polars`, the trait in its prelude).
//!
//! polars reads and writes the Parquet files itself, as flytekitplugins-polars does on the
//! Python side, so every type polars has goes through unchanged. What stays flytekit-rs' is
//! around it: the dataset's files and the declared columns are checked from the Parquet
//! footers before any data is read ([`StructuredDataset::checked_files`], the same checks and
//! messages as the Arrow reader), and a written frame becomes the file `<folder>/00000` in a
//! fresh folder of the attempt's working directory, which the runtime uploads to
//! `<raw output prefix>/<random>/00000` when the task ends.
//!
//! A crate of its own, not a module of flytekit-core: a binary that does not use polars then
//! links none of it, even when another crate of the same build does.

use std::fs::File;
use std::future::Future;
use std::io::BufWriter;
use std::path::Path;

use flytekit_core::types::structured::{
    new_dataset_folder, Columns, DatasetError, StructuredDataset, DEFAULT_ROW_GROUP_ROWS,
    PARQUET_FILE_NAME,
};
use flytekit_core::workflow::typing::describe;
use flytekit_idl::core::structured_dataset_type::DatasetColumn;
use flytekit_idl::core::{literal_type::Type, LiteralType, SimpleType};
use polars::frame::DataFrame;
use polars::io::parquet::read::ParquetReader;
use polars::io::parquet::write::{ParquetCompression, ParquetWriter};
use polars::io::SerReader;
use polars::prelude::DataType;

pub use polars;

/// A [`StructuredDataset`] read and written as a polars `DataFrame`.
///
/// ```
/// use flytekit_core::types::structured::StructuredDataset;
/// use flytekit_polars::PolarsDataset;
/// use polars::prelude::*;
///
/// let frame = df!("region" => ["north", "south"], "units" => [3i64, 5]).unwrap();
/// let table: StructuredDataset = StructuredDataset::from_polars(&frame).unwrap();
/// assert_eq!(table.read_polars().unwrap(), frame);
/// ```
pub trait PolarsDataset: Sized {
    /// Reads the dataset into a `DataFrame`: its declared columns when there are any, in their
    /// order (a missing column, or one of another type, is an error), else all of them. A
    /// remote dataset is downloaded first (blocking; in an `async` task use
    /// [`read_polars_async`](Self::read_polars_async)). A dataset of several files is one
    /// frame with a chunk per file.
    fn read_polars(&self) -> Result<DataFrame, DatasetError>;

    /// [`read_polars`](Self::read_polars) for async tasks: the download is awaited.
    fn read_polars_async(&self) -> impl Future<Output = Result<DataFrame, DatasetError>> + Send;

    /// Reads only the columns `names`, in that order, whatever the declared columns are.
    fn read_polars_columns(&self, names: &[&str]) -> Result<DataFrame, DatasetError>;

    /// Writes `frame` as a new dataset: a local Parquet file, snappy-compressed, which the
    /// runtime uploads to `<raw output prefix>/<random>/00000` when it is a task output. The
    /// frame must hold every declared column, with a matching type; it may hold more. Nothing
    /// is left behind when writing fails.
    ///
    /// The dataset names the file, not a folder, as flytekitplugins-polars names its frames:
    /// that plugin reads a file from object storage but not a folder, so a Python polars task
    /// can read what this writes; pandas and pyarrow tasks read either.
    fn from_polars(frame: &DataFrame) -> Result<Self, DatasetError>;
}

impl<C: Columns> PolarsDataset for StructuredDataset<C> {
    fn read_polars(&self) -> Result<DataFrame, DatasetError> {
        let local = self.download()?;
        read_frame(self, &local, &self.columns())
    }

    async fn read_polars_async(&self) -> Result<DataFrame, DatasetError> {
        let local = self.download_async().await?;
        read_frame(self, &local, &self.columns())
    }

    fn read_polars_columns(&self, names: &[&str]) -> Result<DataFrame, DatasetError> {
        let local = self.download()?;
        let columns: Vec<DatasetColumn> = names
            .iter()
            .map(|name| DatasetColumn {
                name: name.to_string(),
                literal_type: None,
            })
            .collect();
        read_frame(self, &local, &columns)
    }

    fn from_polars(frame: &DataFrame) -> Result<Self, DatasetError> {
        let folder = new_dataset_folder()?;
        let uri = folder.display().to_string();
        let file = folder.join(PARQUET_FILE_NAME);
        let written = check_frame::<C>(&uri, frame).and_then(|()| write_frame(&file, frame));
        if let Err(err) = written {
            // The folder is this call's own; a failed write must not look like a dataset.
            let _ = std::fs::remove_dir_all(&folder);
            return Err(err);
        }
        Ok(StructuredDataset::new(file.display().to_string()))
    }
}

fn parquet_error(path: &Path, err: impl std::fmt::Display) -> DatasetError {
    DatasetError::Parquet {
        message: format!("`{}` is not a readable Parquet file: {err}", path.display()),
    }
}

/// Checks the dataset's files against `columns` from their footers, then reads them with
/// polars, keeping only the requested columns in their order.
fn read_frame<C: Columns>(
    dataset: &StructuredDataset<C>,
    local: &Path,
    columns: &[DatasetColumn],
) -> Result<DataFrame, DatasetError> {
    let uri = dataset.uri();
    let checked = dataset.checked_files(local, columns)?;
    let (files, schema) = (checked.files, checked.schema);
    let names: Option<Vec<String>> =
        (!columns.is_empty()).then(|| columns.iter().map(|c| c.name.clone()).collect());
    let mut frame: Option<DataFrame> = None;
    for path in &files {
        let file = File::open(path).map_err(|err| DatasetError::Io {
            message: format!("cannot open `{}`: {err}", path.display()),
        })?;
        let mut part = ParquetReader::new(file)
            .with_columns(names.clone())
            .finish()
            .map_err(|err| parquet_error(path, err))?;
        if let Some(names) = &names {
            // Put the columns in the requested order, whatever order the projection keeps.
            part = part
                .select(names.iter().map(String::as_str))
                .map_err(|err| parquet_error(path, err))?;
        }
        stored_time_units(&mut part, &schema).map_err(|err| parquet_error(path, err))?;
        typed_null_columns(&mut part, columns).map_err(|err| parquet_error(path, err))?;
        match frame.as_mut() {
            None => frame = Some(part),
            Some(frame) => {
                frame
                    .vstack_mut_owned(part)
                    .map_err(|err| DatasetError::Parquet {
                        message: format!(
                            "the files of the dataset at `{uri}` differ: `{}` cannot follow the first file: {err}",
                            path.display()
                        ),
                    })?;
            }
        }
    }
    frame.ok_or_else(|| DatasetError::NoData {
        uri: uri.to_string(),
    })
}

/// Gives datetime and duration columns the unit the Parquet file stores them in, as pyarrow
/// (and so flytekitplugins-polars, which reads through pyarrow) reads them.
///
/// polars' own reader gives `ns` for the `us` timestamps of a frame flytekit's pandas encoder
/// wrote (`coerce_timestamps="us"`; the frame was `datetime64[ns]` in pandas), where pyarrow
/// and the Arrow reader of this crate give `us`: the values are right either way, but the dtype
/// would differ from a Python polars task's. The cast is exact: the stored unit holds every
/// stored value.
fn stored_time_units(
    frame: &mut DataFrame,
    stored: &arrow_schema::Schema,
) -> polars::prelude::PolarsResult<()> {
    use arrow_schema::{DataType as Arrow, TimeUnit as ArrowUnit};
    use polars::prelude::TimeUnit;
    let unit = |unit: &ArrowUnit| match unit {
        ArrowUnit::Nanosecond => Some(TimeUnit::Nanoseconds),
        ArrowUnit::Microsecond => Some(TimeUnit::Microseconds),
        ArrowUnit::Millisecond => Some(TimeUnit::Milliseconds),
        // polars has no unit of a second; it reads those in milliseconds, as pyarrow would not.
        ArrowUnit::Second => None,
    };
    for field in stored.fields() {
        let Some(current) = frame.schema().get(field.name().as_str()).cloned() else {
            continue;
        };
        let wanted = match (&current, field.data_type()) {
            (DataType::Datetime(have, zone), Arrow::Timestamp(want, _)) => unit(want)
                .filter(|want| want != have)
                .map(|want| DataType::Datetime(want, zone.clone())),
            (DataType::Duration(have), Arrow::Duration(want)) => unit(want)
                .filter(|want| want != have)
                .map(DataType::Duration),
            _ => None,
        };
        if let Some(wanted) = wanted {
            let column = frame.column(field.name())?.cast(&wanted)?;
            frame.replace(field.name(), column)?;
        }
    }
    Ok(())
}

/// Gives a declared column that holds no values at all (pyarrow types an empty or all-`None`
/// object column of pandas as `null`) the declared type, so that a task reads a `String` column
/// it declared as one, whatever pandas made of an empty frame.
fn typed_null_columns(
    frame: &mut DataFrame,
    declared: &[DatasetColumn],
) -> polars::prelude::PolarsResult<()> {
    for column in declared {
        let is_null = matches!(
            frame.schema().get(column.name.as_str()),
            Some(DataType::Null)
        );
        let wanted = column.literal_type.as_ref().and_then(polars_type_of);
        if let (true, Some(wanted)) = (is_null, wanted) {
            let typed = frame.column(&column.name)?.cast(&wanted)?;
            frame.replace(&column.name, typed)?;
        }
    }
    Ok(())
}

/// The polars type of a Flyte column type, as
/// [`schema_of`](flytekit_core::types::structured::schema_of) gives the Arrow one.
fn polars_type_of(ty: &LiteralType) -> Option<DataType> {
    use polars::prelude::TimeUnit;
    if let Some(Type::CollectionType(item)) = &ty.r#type {
        return Some(DataType::List(Box::new(polars_type_of(item)?)));
    }
    let simple = match ty.r#type {
        Some(Type::Simple(s)) => SimpleType::try_from(s).ok()?,
        _ => return None,
    };
    Some(match simple {
        SimpleType::Integer => DataType::Int64,
        SimpleType::Float => DataType::Float64,
        SimpleType::String => DataType::String,
        SimpleType::Boolean => DataType::Boolean,
        SimpleType::Datetime => DataType::Datetime(TimeUnit::Microseconds, None),
        SimpleType::Duration => DataType::Duration(TimeUnit::Microseconds),
        _ => return None,
    })
}

/// Checks that `frame` holds every column `C` declares, with a type of it.
fn check_frame<C: Columns>(uri: &str, frame: &DataFrame) -> Result<(), DatasetError> {
    let schema = frame.schema();
    for declared in C::columns() {
        let Some(dtype) = schema.get(declared.name.as_str()) else {
            return Err(DatasetError::MissingColumn {
                column: declared.name,
                uri: uri.to_string(),
                available: frame
                    .get_column_names()
                    .iter()
                    .map(|n| n.to_string())
                    .collect(),
            });
        };
        if let Some(expected) = &declared.literal_type {
            if !polars_type_matches(expected, dtype) {
                return Err(DatasetError::ColumnType {
                    column: declared.name.clone(),
                    uri: uri.to_string(),
                    expected: describe(expected).to_uppercase(),
                    found: format!("polars {dtype}"),
                });
            }
        }
    }
    Ok(())
}

fn write_frame(file: &Path, frame: &DataFrame) -> Result<(), DatasetError> {
    let out = File::create(file).map_err(|err| DatasetError::Io {
        message: format!("cannot create `{}`: {err}", file.display()),
    })?;
    // polars rechunks the frame it writes; the clone shares the column buffers.
    let mut frame = frame.clone();
    ParquetWriter::new(BufWriter::new(out))
        .with_compression(ParquetCompression::Snappy)
        .with_row_group_size(Some(DEFAULT_ROW_GROUP_ROWS))
        .finish(&mut frame)
        .map_err(|err| DatasetError::Parquet {
            message: format!("cannot write `{}`: {err}", file.display()),
        })?;
    Ok(())
}

/// Whether a polars column of type `dtype` holds values of the Flyte column type `ty`, by the
/// rules of [`arrow_type_matches`](flytekit_core::types::structured::arrow_type_matches): INTEGER any integer, FLOAT any
/// float, STRING a string, BOOLEAN, DATETIME a datetime or date, DURATION a duration, a
/// collection a list of the item type; a `Null` column matches any. Other Flyte types are not
/// checked.
pub fn polars_type_matches(ty: &LiteralType, dtype: &DataType) -> bool {
    if matches!(dtype, DataType::Null) {
        return true;
    }
    if let Some(Type::CollectionType(item)) = &ty.r#type {
        return match dtype {
            DataType::List(inner) => polars_type_matches(item, inner),
            _ => false,
        };
    }
    let simple = match ty.r#type {
        Some(Type::Simple(s)) => SimpleType::try_from(s).ok(),
        _ => None,
    };
    match simple {
        Some(SimpleType::Integer) => dtype.is_integer(),
        Some(SimpleType::Float) => dtype.is_float(),
        Some(SimpleType::String) => matches!(dtype, DataType::String),
        Some(SimpleType::Boolean) => matches!(dtype, DataType::Boolean),
        Some(SimpleType::Datetime) => matches!(dtype, DataType::Datetime(..) | DataType::Date),
        Some(SimpleType::Duration) => matches!(dtype, DataType::Duration(_)),
        _ => true,
    }
}
