//! Arrow record batches in and out of a [`StructuredDataset`] (feature `arrow`).
//!
//! [`DatasetWriter`] streams batches into one Parquet file, `<folder>/00000`, in a fresh folder
//! of the attempt's working directory, snappy-compressed as pyarrow writes by default; memory
//! stays at about one row group however many rows go in. The runtime uploads the folder under
//! the raw output prefix when the task ends (`<prefix>/<random>/00000`, flytekit's layout).
//!
//! [`DatasetReader`] reads a dataset (a folder of Parquet files, or one file) back as an
//! iterator of batches, one row group at a time, decoding only the requested columns (a Parquet
//! projection), in the requested order, as flytekit's decoders subset columns.

use std::fs::File;
use std::io::BufWriter;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use flytekit_idl::core::structured_dataset_type::DatasetColumn;
use flytekit_idl::core::{literal_type::Type, LiteralType, SimpleType};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader,
    ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::{ArrowWriter, ProjectionMask};
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::{Columns, DatasetError, StructuredDataset, PARQUET, PARQUET_FILE_NAME};
use crate::workflow::typing::describe;

/// Rows per row group a [`DatasetWriter`] writes unless told otherwise: small enough that
/// writing and reading hold little memory, large enough for pandas and pyarrow to read fast.
pub const DEFAULT_ROW_GROUP_ROWS: usize = 128 * 1024;

/// Rows per batch a [`DatasetReader`] yields unless told otherwise.
pub const DEFAULT_BATCH_ROWS: usize = 8 * 1024;

impl<C: Columns> StructuredDataset<C> {
    /// Reads the dataset: its [`columns`](Self::columns) when any are declared (checked
    /// against the data: a missing column or one of another type is an error), else all of
    /// them. A remote dataset is downloaded first (blocking; in an `async` task use
    /// [`reader_async`](Self::reader_async)).
    pub fn reader(&self) -> Result<DatasetReader, DatasetError> {
        let local = self.download()?;
        DatasetReader::open(&self.uri, self.format(), &local, self.columns())
    }

    /// [`reader`](Self::reader) for async tasks: the download is awaited.
    pub async fn reader_async(&self) -> Result<DatasetReader, DatasetError> {
        let local = self.download_async().await?;
        DatasetReader::open(&self.uri, self.format(), &local, self.columns())
    }

    /// Reads only the columns `names`, in that order, whatever the declared columns are.
    pub fn reader_with_columns(&self, names: &[&str]) -> Result<DatasetReader, DatasetError> {
        let local = self.download()?;
        let columns = names
            .iter()
            .map(|name| DatasetColumn {
                name: name.to_string(),
                literal_type: None,
            })
            .collect();
        DatasetReader::open(&self.uri, self.format(), &local, columns)
    }

    /// Every batch of [`reader`](Self::reader), collected: the whole table in memory.
    pub fn read_all(&self) -> Result<Vec<RecordBatch>, DatasetError> {
        self.reader()?.collect()
    }

    /// Writes `batches` (each with schema `schema`) as a new dataset, with a [`DatasetWriter`].
    pub fn from_batches(
        schema: SchemaRef,
        batches: impl IntoIterator<Item = RecordBatch>,
    ) -> Result<Self, DatasetError> {
        let mut writer = DatasetWriter::<C>::new(schema)?;
        for batch in batches {
            writer.write(&batch)?;
        }
        writer.finish()
    }
}

/// Writes record batches as a Parquet dataset in the attempt's working directory, streaming:
/// each full row group goes to disk as soon as it is complete.
///
/// ```
/// use std::sync::Arc;
/// use flytekit_core::types::structured::{DatasetWriter, StructuredDataset};
/// use arrow_array::{Int64Array, RecordBatch, StringArray};
/// use arrow_schema::{DataType, Field, Schema};
///
/// let schema = Arc::new(Schema::new(vec![
///     Field::new("region", DataType::Utf8, true),
///     Field::new("units", DataType::Int64, true),
/// ]));
/// let mut writer: DatasetWriter = DatasetWriter::new(schema.clone()).unwrap();
/// writer.write(&RecordBatch::try_new(schema, vec![
///     Arc::new(StringArray::from(vec!["north", "south"])),
///     Arc::new(Int64Array::from(vec![3, 5])),
/// ]).unwrap()).unwrap();
/// let table: StructuredDataset = writer.finish().unwrap();
/// let rows: usize = table.reader().unwrap().map(|b| b.unwrap().num_rows()).sum();
/// assert_eq!(rows, 2);
/// ```
pub struct DatasetWriter<C = super::AnyColumns> {
    folder: PathBuf,
    file: PathBuf,
    writer: ArrowWriter<BufWriter<File>>,
    schema: SchemaRef,
    rows: usize,
    columns: PhantomData<fn() -> C>,
}

impl<C: Columns> DatasetWriter<C> {
    /// A writer of batches with schema `schema`, in row groups of [`DEFAULT_ROW_GROUP_ROWS`].
    /// The schema must hold every column `C` declares, with a matching type.
    pub fn new(schema: SchemaRef) -> Result<Self, DatasetError> {
        Self::with_row_group_rows(schema, DEFAULT_ROW_GROUP_ROWS)
    }

    /// [`new`](Self::new) with row groups of `rows` rows.
    pub fn with_row_group_rows(schema: SchemaRef, rows: usize) -> Result<Self, DatasetError> {
        let folder = new_dataset_folder()?;
        let uri = folder.display().to_string();
        for declared in C::columns() {
            let Some(field) = schema.fields().iter().find(|f| *f.name() == declared.name) else {
                return Err(DatasetError::MissingColumn {
                    column: declared.name,
                    uri,
                    available: schema.fields().iter().map(|f| f.name().clone()).collect(),
                });
            };
            check_type(&uri, &declared, field)?;
        }
        let file = folder.join(PARQUET_FILE_NAME);
        let out = File::create(&file).map_err(|err| DatasetError::Io {
            message: format!("cannot create `{}`: {err}", file.display()),
        })?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(rows.max(1)))
            .build();
        let writer = ArrowWriter::try_new(BufWriter::new(out), schema.clone(), Some(properties))
            .map_err(|err| parquet_error(&file, err))?;
        Ok(DatasetWriter {
            folder,
            file,
            writer,
            schema,
            rows: 0,
            columns: PhantomData,
        })
    }

    /// The schema every batch must have.
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// Appends a batch; it must have the writer's schema.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), DatasetError> {
        if batch.schema().fields() != self.schema.fields() {
            return Err(DatasetError::Parquet {
                message: format!(
                    "cannot write a batch with columns {} into `{}`, whose columns are {}",
                    fields(&batch.schema()),
                    self.file.display(),
                    fields(&self.schema)
                ),
            });
        }
        self.writer
            .write(batch)
            .map_err(|err| parquet_error(&self.file, err))?;
        self.rows += batch.num_rows();
        Ok(())
    }

    /// How many rows were written so far.
    pub fn rows_written(&self) -> usize {
        self.rows
    }

    /// Completes the file and returns the dataset: a local folder, which the runtime uploads
    /// under the raw output prefix when it is a task output.
    pub fn finish(self) -> Result<StructuredDataset<C>, DatasetError> {
        let file = self.file;
        self.writer
            .close()
            .map_err(|err| parquet_error(&file, err))?;
        Ok(StructuredDataset::new(self.folder.display().to_string()))
    }
}

/// A dataset's record batches, read one row group at a time.
///
/// Yields `Err` once (and then nothing) when a file turns out malformed; never a wrong value.
pub struct DatasetReader {
    uri: String,
    files: std::vec::IntoIter<PathBuf>,
    columns: Vec<DatasetColumn>,
    schema: SchemaRef,
    current: Option<FileBatches>,
    failed: bool,
}

/// The batches of one file, with the reordering that puts its projected columns in the
/// requested order.
struct FileBatches {
    path: PathBuf,
    batches: ParquetRecordBatchReader,
    order: Option<Vec<usize>>,
}

impl DatasetReader {
    fn open(
        uri: &str,
        format: &str,
        local: &Path,
        columns: Vec<DatasetColumn>,
    ) -> Result<Self, DatasetError> {
        if !format.is_empty() && !format.eq_ignore_ascii_case(PARQUET) {
            return Err(DatasetError::Format {
                uri: uri.to_string(),
                format: format.to_string(),
            });
        }
        let mut files = parquet_files(local)?.into_iter();
        let Some(first) = files.next() else {
            return Err(DatasetError::NoData {
                uri: uri.to_string(),
            });
        };
        let (first, schema) = open_file(uri, &first, &columns, DEFAULT_BATCH_ROWS)?;
        Ok(DatasetReader {
            uri: uri.to_string(),
            files,
            columns,
            schema,
            current: Some(first),
            failed: false,
        })
    }

    /// The schema of every batch: the requested columns, in order.
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn next_batch(&mut self) -> Result<Option<RecordBatch>, DatasetError> {
        loop {
            if let Some(current) = self.current.as_mut() {
                match current.batches.next() {
                    Some(Ok(batch)) => {
                        return match &current.order {
                            Some(order) => batch
                                .project(order)
                                .map(Some)
                                .map_err(|err| parquet_error(&current.path, err)),
                            None => Ok(Some(batch)),
                        };
                    }
                    Some(Err(err)) => return Err(parquet_error(&current.path, err)),
                    None => self.current = None,
                }
            }
            let Some(path) = self.files.next() else {
                return Ok(None);
            };
            let (next, schema) = open_file(&self.uri, &path, &self.columns, DEFAULT_BATCH_ROWS)?;
            same_columns(&self.uri, &path, &schema, &self.schema)?;
            self.current = Some(next);
        }
    }
}

/// The Parquet files of a dataset on this machine, checked: what a reader other than
/// [`DatasetReader`] (polars, DataFusion) reads, so that it fails exactly as `DatasetReader`
/// does, before reading any data.
#[derive(Debug, Clone)]
pub struct CheckedFiles {
    /// The files, in the order to read them (a folder's, sorted by name, hidden ones skipped).
    pub files: Vec<PathBuf>,
    /// The schema of the requested columns, in their order (every column when none were
    /// requested), as the Arrow reader sees them.
    pub schema: SchemaRef,
}

impl<C: Columns> StructuredDataset<C> {
    /// Checks the dataset's local copy `local` (what [`download`](Self::download) returns)
    /// against `columns` (by name, and by type where one is given; all columns when empty):
    /// its format, that it holds Parquet files, and each file's footer, reading no data. The
    /// errors are [`reader`](Self::reader)'s, and so are its messages.
    pub fn checked_files(
        &self,
        local: &Path,
        columns: &[DatasetColumn],
    ) -> Result<CheckedFiles, DatasetError> {
        let reader = DatasetReader::open(&self.uri, self.format(), local, columns.to_vec())?;
        let mut files: Vec<PathBuf> = reader.current.iter().map(|c| c.path.clone()).collect();
        for path in reader.files {
            let (_, schema) = open_file(&self.uri, &path, columns, DEFAULT_BATCH_ROWS)?;
            same_columns(&self.uri, &path, &schema, &reader.schema)?;
            files.push(path);
        }
        Ok(CheckedFiles {
            files,
            schema: reader.schema,
        })
    }
}

/// A later file of a dataset must have the (requested) columns of its first.
fn same_columns(
    uri: &str,
    path: &Path,
    schema: &Schema,
    first: &Schema,
) -> Result<(), DatasetError> {
    if schema.fields() == first.fields() {
        return Ok(());
    }
    Err(DatasetError::Parquet {
        message: format!(
            "the files of the dataset at `{uri}` differ: `{}` has columns {}, the first file {}",
            path.display(),
            fields(schema),
            fields(first)
        ),
    })
}

impl Iterator for DatasetReader {
    type Item = Result<RecordBatch, DatasetError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let next = self.next_batch();
        if next.is_err() {
            self.failed = true;
        }
        next.transpose()
    }
}

/// Opens one Parquet file with a projection onto `columns` (all when empty), returning its
/// batches and their schema.
fn open_file(
    uri: &str,
    path: &Path,
    columns: &[DatasetColumn],
    batch_rows: usize,
) -> Result<(FileBatches, SchemaRef), DatasetError> {
    let file = File::open(path).map_err(|err| DatasetError::Io {
        message: format!("cannot open `{}`: {err}", path.display()),
    })?;
    let mut metadata = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())
        .map_err(|err| parquet_error(path, err))?;
    if let Some(hint) = declared_strings_as_utf8(metadata.schema(), columns) {
        let options = ArrowReaderOptions::new().with_schema(hint);
        metadata = ArrowReaderMetadata::try_new(metadata.metadata().clone(), options)
            .map_err(|err| parquet_error(path, err))?;
    }
    let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, metadata)
        .with_batch_size(batch_rows);
    let file_schema = builder.schema().clone();
    if columns.is_empty() {
        let batches = builder.build().map_err(|err| parquet_error(path, err))?;
        let path = path.to_path_buf();
        return Ok((
            FileBatches {
                path,
                batches,
                order: None,
            },
            file_schema,
        ));
    }
    let mut indices = Vec::with_capacity(columns.len());
    for column in columns {
        let Some((index, field)) = file_schema.column_with_name(&column.name) else {
            return Err(DatasetError::MissingColumn {
                column: column.name.clone(),
                uri: uri.to_string(),
                available: file_schema
                    .fields()
                    .iter()
                    .map(|f| f.name().clone())
                    .collect(),
            });
        };
        check_type(uri, column, field)?;
        if indices.contains(&index) {
            return Err(DatasetError::Parquet {
                message: format!("column `{}` is requested twice", column.name),
            });
        }
        indices.push(index);
    }
    // A projection keeps the file's column order; put the columns back in the requested one.
    let mut sorted = indices.clone();
    sorted.sort_unstable();
    let order: Vec<usize> = indices
        .iter()
        .map(|i| sorted.binary_search(i).unwrap_or_default())
        .collect();
    let in_order = order.iter().enumerate().all(|(i, o)| i == *o);
    let mask = ProjectionMask::roots(builder.parquet_schema(), sorted.iter().copied());
    let batches = builder
        .with_projection(mask)
        .build()
        .map_err(|err| parquet_error(path, err))?;
    let schema = Arc::new(
        file_schema
            .project(&indices)
            .map_err(|err| parquet_error(path, err))?,
    );
    Ok((
        FileBatches {
            path: path.to_path_buf(),
            batches,
            order: (!in_order).then_some(order),
        },
        schema,
    ))
}

/// The file's schema with every declared STRING column that it stores as `LargeUtf8` or
/// `Utf8View` (as polars writes strings) read as `Utf8`, the type [`schema_of`] declares:
/// `None` when there is none. The values are the same; a task that declared `String` gets the
/// `StringArray` it expects whichever library wrote the file.
fn declared_strings_as_utf8(file: &SchemaRef, columns: &[DatasetColumn]) -> Option<SchemaRef> {
    let is_string = |name: &str| {
        columns.iter().any(|c| {
            c.name == name && c.literal_type.as_ref().and_then(simple) == Some(SimpleType::String)
        })
    };
    let mut changed = false;
    let fields: Vec<Field> = file
        .fields()
        .iter()
        .map(|field| {
            let wide = matches!(field.data_type(), DataType::LargeUtf8 | DataType::Utf8View);
            if wide && is_string(field.name()) {
                changed = true;
                field.as_ref().clone().with_data_type(DataType::Utf8)
            } else {
                field.as_ref().clone()
            }
        })
        .collect();
    changed.then(|| Arc::new(Schema::new_with_metadata(fields, file.metadata().clone())))
}

/// The Parquet files of a dataset: the file itself, or every file under the folder, sorted,
/// skipping names starting with `.` or `_` (as pyarrow does: `_SUCCESS`, `.crc` files).
fn parquet_files(local: &Path) -> Result<Vec<PathBuf>, DatasetError> {
    let io = |path: &Path, err: std::io::Error| DatasetError::Io {
        message: format!("cannot read `{}`: {err}", path.display()),
    };
    let metadata = std::fs::metadata(local).map_err(|err| io(local, err))?;
    if metadata.is_file() {
        return Ok(vec![local.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut pending = vec![local.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|err| io(&dir, err))? {
            let entry = entry.map_err(|err| io(&dir, err))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || name.starts_with('_') {
                continue;
            }
            let kind = entry.file_type().map_err(|err| io(&entry.path(), err))?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A fresh, empty folder for a dataset being written, `flytekit-datasets/<pid>-<n>` in the
/// attempt's working directory, as [`DatasetWriter`] uses: a writer of another library puts
/// its Parquet file there, and a [`StructuredDataset`] of the folder (or of the file) is a task
/// output the runtime uploads under the raw output prefix.
pub fn new_dataset_folder() -> Result<PathBuf, DatasetError> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let base = crate::context::current_context()
        .working_dir
        .join("flytekit-datasets");
    std::fs::create_dir_all(&base).map_err(|err| DatasetError::Io {
        message: format!("cannot create `{}`: {err}", base.display()),
    })?;
    loop {
        let folder = base.join(format!(
            "{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        match std::fs::create_dir(&folder) {
            Ok(()) => return Ok(folder),
            // Another process sharing the working dir took this number; take the next.
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(err) => {
                return Err(DatasetError::Io {
                    message: format!("cannot create `{}`: {err}", folder.display()),
                })
            }
        }
    }
}

fn parquet_error(path: &Path, err: impl std::fmt::Display) -> DatasetError {
    DatasetError::Parquet {
        message: format!("`{}` is not a readable Parquet file: {err}", path.display()),
    }
}

fn fields(schema: &Schema) -> String {
    schema
        .fields()
        .iter()
        .map(|f| format!("`{}` ({})", f.name(), f.data_type()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_type(uri: &str, column: &DatasetColumn, field: &Field) -> Result<(), DatasetError> {
    match &column.literal_type {
        Some(expected) if !arrow_type_matches(expected, field.data_type()) => {
            Err(DatasetError::ColumnType {
                column: column.name.clone(),
                uri: uri.to_string(),
                expected: describe(expected).to_uppercase(),
                found: format!("Arrow {}", field.data_type()),
            })
        }
        _ => Ok(()),
    }
}

fn simple(ty: &LiteralType) -> Option<SimpleType> {
    match ty.r#type {
        Some(Type::Simple(s)) => SimpleType::try_from(s).ok(),
        _ => None,
    }
}

/// Whether an Arrow column of type `data_type` holds values of the Flyte column type `ty`, as
/// flytekit maps pandas dtypes: INTEGER any integer, FLOAT any float, STRING any string (or a
/// dictionary of strings, pandas' categorical), BOOLEAN, DATETIME a timestamp or date, DURATION
/// a duration, a collection a list of the item type; a column of Arrow type `Null` (no values,
/// as pyarrow types an empty object column) matches any. Other Flyte types are not checked.
pub fn arrow_type_matches(ty: &LiteralType, data_type: &DataType) -> bool {
    use DataType as D;
    // A column with no values at all (pyarrow types an empty or all-`None` object column so).
    if matches!(data_type, D::Null) {
        return true;
    }
    if let D::Dictionary(_, values) = data_type {
        return arrow_type_matches(ty, values);
    }
    if let Some(Type::CollectionType(item)) = &ty.r#type {
        return match data_type {
            D::List(field) | D::LargeList(field) | D::FixedSizeList(field, _) => {
                arrow_type_matches(item, field.data_type())
            }
            _ => false,
        };
    }
    match simple(ty) {
        Some(SimpleType::Integer) => data_type.is_integer(),
        Some(SimpleType::Float) => data_type.is_floating(),
        Some(SimpleType::String) => matches!(data_type, D::Utf8 | D::LargeUtf8 | D::Utf8View),
        Some(SimpleType::Boolean) => matches!(data_type, D::Boolean),
        Some(SimpleType::Datetime) => matches!(data_type, D::Timestamp(..) | D::Date32 | D::Date64),
        Some(SimpleType::Duration) => matches!(data_type, D::Duration(_)),
        _ => true,
    }
}

/// The Arrow schema of the columns `C` declares, all nullable (as pandas writes them): INTEGER
/// `Int64`, FLOAT `Float64`, STRING `Utf8`, BOOLEAN `Boolean`, DATETIME `Timestamp(µs)`
/// without a time zone (what pandas writes for a `datetime64` column through flytekit),
/// DURATION `Duration(µs)`, a collection a `List`. A column of another type is an error.
pub fn schema_of<C: Columns>() -> Result<SchemaRef, DatasetError> {
    let fields = C::columns()
        .into_iter()
        .map(|column| {
            let ty = column.literal_type.clone().unwrap_or_default();
            match arrow_type_of(&ty) {
                Some(data_type) => Ok(Field::new(column.name, data_type, true)),
                None => Err(DatasetError::NoArrowType {
                    column: column.name,
                    declared: describe(&ty).to_uppercase(),
                }),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Arc::new(Schema::new(fields)))
}

fn arrow_type_of(ty: &LiteralType) -> Option<DataType> {
    if let Some(Type::CollectionType(item)) = &ty.r#type {
        let item = arrow_type_of(item)?;
        return Some(DataType::List(Arc::new(Field::new("item", item, true))));
    }
    Some(match simple(ty)? {
        SimpleType::Integer => DataType::Int64,
        SimpleType::Float => DataType::Float64,
        SimpleType::String => DataType::Utf8,
        SimpleType::Boolean => DataType::Boolean,
        SimpleType::Datetime => DataType::Timestamp(TimeUnit::Microsecond, None),
        SimpleType::Duration => DataType::Duration(TimeUnit::Microsecond),
        _ => return None,
    })
}
