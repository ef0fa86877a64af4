//! [`StructuredDataset`]: a table passed between tasks as Parquet on object storage, flytekit's
//! `StructuredDataset` (what a Python task sees as a pandas / pyarrow / polars DataFrame).
//!
//! The literal is flytekit's: `scalar.structured_dataset{uri, metadata{structured_dataset_type
//! {columns, format, external_schema_type, external_schema_bytes}}}`, where `uri` is a folder
//! holding the Parquet file `00000`, as flytekit's pandas and pyarrow encoders write it. The
//! literal type in an interface is `structured_dataset_type{columns}` with the declared columns
//! (none for [`AnyColumns`]) and an empty ("any") format, as flytekit types `pd.DataFrame` and
//! `Annotated[StructuredDataset, kwtypes(...)]`.
//!
//! With the `arrow` feature, `DatasetWriter` writes record batches to a local Parquet file in
//! the attempt's working directory (the runtime uploads it under the raw output prefix when the
//! task ends, like a [`FlyteDirectory`](crate::types::FlyteDirectory)) and
//! `StructuredDataset::reader` streams the batches back one row group at a time, reading only
//! the declared columns.

mod columns;
mod error;

#[cfg(feature = "arrow")]
mod arrow;
#[cfg(test)]
mod tests;

#[cfg(feature = "arrow")]
pub use self::arrow::{
    arrow_type_matches, new_dataset_folder, schema_of, CheckedFiles, DatasetReader, DatasetWriter,
    DEFAULT_BATCH_ROWS, DEFAULT_ROW_GROUP_ROWS,
};
pub use columns::{column, AnyColumns, Columns};
pub use error::DatasetError;

use std::fmt;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use flytekit_idl::core::structured_dataset_type::DatasetColumn;
use flytekit_idl::core::{
    literal_type, scalar, Literal, LiteralType, StructuredDatasetMetadata, StructuredDatasetType,
};

use super::blob::{download_target, local_part};
use super::blob_store::blob_store;
use super::literal::{describe_literal, msgpack_of, resolve, scalar_literal, scalar_of};
use super::msgpack::{decode_msgpack, msgpack_kind, msgpack_str, write_map_len, write_str};
use super::{short_type_name, FlyteType, TypeError};

/// The format flytekit stores data frames in, and the one this SDK writes.
pub const PARQUET: &str = "parquet";

/// The name of the Parquet file inside a dataset folder, as flytekit names it (`f"{0:05}"`).
pub const PARQUET_FILE_NAME: &str = "00000";

/// flytekit's transformer name for datasets: the `structure.tag` of an
/// `Optional[StructuredDataset]` variant.
pub const UNION_TAG: &str = "StructuredDataset Transformer";

/// A table on storage: a location (a local path or an object-store URI), its format and its
/// columns. `C` is the column set the task declares ([`AnyColumns`] for all of them).
///
/// A task output is made with a `DatasetWriter` (feature `arrow`); a task input is read with
/// `StructuredDataset::reader` (the same feature), which downloads a remote dataset once into the
/// attempt's working directory and streams its record batches.
///
/// ```
/// use flytekit_core::types::structured::StructuredDataset;
/// use flytekit_core::FlyteType;
///
/// let table: StructuredDataset = StructuredDataset::new("s3://bucket/raw/3f07/");
/// let literal = table.to_literal().unwrap();
/// let back: StructuredDataset = StructuredDataset::from_literal(&literal).unwrap();
/// assert_eq!((back.uri(), back.format()), ("s3://bucket/raw/3f07/", "parquet"));
/// ```
pub struct StructuredDataset<C = AnyColumns> {
    uri: String,
    /// The dataset type the literal carries: the writer's columns and format, or what an input
    /// literal said (kept, so a dataset passed through keeps its literal as flytekit does).
    stored: StructuredDatasetType,
    /// The local copy of a remote dataset, once downloaded (shared by clones).
    local: Arc<OnceLock<PathBuf>>,
    columns: PhantomData<fn() -> C>,
}

impl<C: Columns> StructuredDataset<C> {
    /// The Parquet dataset at `uri` (a folder of Parquet files, or one file), with the columns
    /// of `C`.
    pub fn new(uri: impl Into<String>) -> Self {
        Self::with_type(
            uri,
            StructuredDatasetType {
                columns: C::columns(),
                format: PARQUET.to_string(),
                ..Default::default()
            },
        )
    }

    fn with_type(uri: impl Into<String>, stored: StructuredDatasetType) -> Self {
        StructuredDataset {
            uri: uri.into(),
            stored,
            local: Arc::new(OnceLock::new()),
            columns: PhantomData,
        }
    }

    /// The location: a local path while a task runs locally, an object-store URI on a cluster.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The storage format the literal names (`parquet`; empty when the writer did not say).
    pub fn format(&self) -> &str {
        &self.stored.format
    }

    /// The dataset type the literal carries (columns, format, external schema).
    pub fn stored_type(&self) -> &StructuredDatasetType {
        &self.stored
    }

    /// The columns a reader reads, by flytekit's rule: the columns of `C` when it declares any,
    /// else those the literal declares; empty for "all columns".
    pub fn columns(&self) -> Vec<DatasetColumn> {
        let declared = C::columns();
        if declared.is_empty() {
            self.stored.columns.clone()
        } else {
            declared
        }
    }

    /// The names of [`columns`](Self::columns).
    pub fn column_names(&self) -> Vec<String> {
        self.columns().into_iter().map(|c| c.name).collect()
    }

    /// The same data under another column set (what a reader reads changes, the location and
    /// the stored type do not).
    pub fn cast<D: Columns>(self) -> StructuredDataset<D> {
        StructuredDataset {
            uri: self.uri,
            stored: self.stored,
            local: self.local,
            columns: PhantomData,
        }
    }

    /// True when the location is a URI with a scheme other than `file://`.
    pub fn is_remote(&self) -> bool {
        match self.uri.split_once("://") {
            Some((scheme, _)) => scheme != "file",
            None => false,
        }
    }

    /// Where the data is on this machine without fetching anything: the local path, or where an
    /// earlier [`download`](Self::download) put a remote dataset.
    pub fn local_path(&self) -> Option<PathBuf> {
        if self.is_remote() {
            self.local.get().cloned()
        } else {
            Some(PathBuf::from(local_part(&self.uri)))
        }
    }

    /// The local copy (a folder, or a file when the URI names one): a local dataset as it is,
    /// a remote one downloaded into the attempt's working directory on the first call and reused
    /// after. Blocks while the data moves; in an `async` task use
    /// [`download_async`](Self::download_async).
    pub fn download(&self) -> Result<PathBuf, DatasetError> {
        if let Some(local) = self.local_path() {
            return Ok(local);
        }
        super::blob_store::block_on(self.fetch())
    }

    /// [`download`](Self::download) for async tasks.
    pub async fn download_async(&self) -> Result<PathBuf, DatasetError> {
        if let Some(local) = self.local_path() {
            return Ok(local);
        }
        self.fetch().await
    }

    async fn fetch(&self) -> Result<PathBuf, DatasetError> {
        let store = blob_store(&self.uri)?;
        let target = download_target(&self.uri)?;
        // A dataset is a folder (flytekit writes `<uri>/00000`), or a single object when a user
        // named one; an empty prefix is what a file looks like to a listing.
        match store.download_dir(&self.uri, &target).await {
            Ok(()) => {}
            Err(err) if err.is_not_found() => store.download_file(&self.uri, &target).await?,
            Err(err) => return Err(err.into()),
        }
        Ok(self.local.get_or_init(|| target).clone())
    }

    fn literal_value(&self) -> flytekit_idl::core::StructuredDataset {
        flytekit_idl::core::StructuredDataset {
            uri: self.uri.clone(),
            metadata: Some(StructuredDatasetMetadata {
                structured_dataset_type: Some(self.stored.clone()),
            }),
        }
    }
}

impl<C> Clone for StructuredDataset<C> {
    fn clone(&self) -> Self {
        StructuredDataset {
            uri: self.uri.clone(),
            stored: self.stored.clone(),
            local: self.local.clone(),
            columns: PhantomData,
        }
    }
}

impl<C> PartialEq for StructuredDataset<C> {
    fn eq(&self, other: &Self) -> bool {
        self.uri == other.uri && self.stored == other.stored
    }
}

impl<C: Columns> fmt::Debug for StructuredDataset<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StructuredDataset")
            .field("uri", &self.uri)
            .field("format", &self.stored.format)
            .field("columns", &self.column_names())
            .finish()
    }
}

impl<C> fmt::Display for StructuredDataset<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.uri)
    }
}

impl<C: Columns> FlyteType for StructuredDataset<C> {
    fn literal_type() -> LiteralType {
        LiteralType {
            r#type: Some(literal_type::Type::StructuredDatasetType(
                StructuredDatasetType {
                    columns: C::columns(),
                    ..Default::default()
                },
            )),
            ..Default::default()
        }
    }

    fn union_tag() -> &'static str {
        UNION_TAG
    }

    fn to_literal(&self) -> Result<Literal, TypeError> {
        Ok(scalar_literal(scalar::Value::StructuredDataset(Box::new(
            self.literal_value(),
        ))))
    }

    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        let literal = resolve(literal)?;
        match scalar_of(&literal) {
            Some(scalar::Value::StructuredDataset(sd)) => {
                let stored = sd
                    .metadata
                    .as_ref()
                    .and_then(|m| m.structured_dataset_type.clone())
                    .unwrap_or_default();
                return Ok(Self::with_type(sd.uri.clone(), stored));
            }
            // flytekit still reads the legacy FlyteSchema literal as a Parquet dataset.
            Some(scalar::Value::Schema(schema)) => return Ok(Self::new(schema.uri.clone())),
            _ => {}
        }
        if let Some(bytes) = msgpack_of(&literal) {
            return Self::read_msgpack(&decode_msgpack(bytes)?);
        }
        Err(TypeError::mismatch(
            &short_type_name::<Self>(),
            "STRUCTURED_DATASET",
            describe_literal(&literal),
        ))
    }

    fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError> {
        // flytekit writes a dataset inside a dataclass as {"uri": ..., "file_format": ...}.
        write_map_len(out, 2)?;
        write_str(out, "uri");
        write_str(out, &self.uri);
        write_str(out, "file_format");
        write_str(out, &self.stored.format);
        Ok(())
    }

    fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError> {
        let field = |name: &str| match value {
            rmpv::ValueRef::Map(entries) => entries
                .iter()
                .find(|(k, _)| msgpack_str(k) == Some(name))
                .and_then(|(_, v)| msgpack_str(v)),
            _ => None,
        };
        match field("uri") {
            Some(uri) => Ok(Self::with_type(
                uri,
                StructuredDatasetType {
                    columns: C::columns(),
                    format: field("file_format").unwrap_or_default().to_string(),
                    ..Default::default()
                },
            )),
            None => Err(TypeError::mismatch(
                &short_type_name::<Self>(),
                r#"STRUCTURED_DATASET as {"uri": ..., "file_format": ...}"#,
                msgpack_kind(value),
            )),
        }
    }
}
