//! [`DatasetError`]: what can go wrong reading or writing a structured dataset.

use crate::types::FileError;

/// Reading or writing a [`StructuredDataset`](super::StructuredDataset) failed.
///
/// With `?` in a task it becomes a [`TaskError`](crate::TaskError): a failed download is a
/// recoverable SYSTEM error (as a [`FileError`] is), anything else a user error with this
/// message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DatasetError {
    /// The data could not be fetched from object storage.
    #[error("{0}")]
    Download(#[from] FileError),
    /// A requested column is not in the data.
    #[error("column `{column}` is not in the dataset at `{uri}`; its columns are {}", list(.available))]
    MissingColumn {
        /// The column asked for.
        column: String,
        /// The dataset's location.
        uri: String,
        /// The columns the data has.
        available: Vec<String>,
    },
    /// A column holds another type than the one declared for it.
    #[error(
        "column `{column}` of the dataset at `{uri}` is declared {expected} but holds {found}"
    )]
    ColumnType {
        /// The column.
        column: String,
        /// The dataset's location.
        uri: String,
        /// The declared Flyte type.
        expected: String,
        /// The type found, named with its library: `Arrow Utf8`, `polars str`.
        found: String,
    },
    /// A declared column has a Flyte type `schema_of` (feature `arrow`) has no Arrow type
    /// for.
    #[error("column `{column}` is declared {declared}, which has no Arrow column type here; build the schema with the Arrow type you want")]
    NoArrowType {
        /// The column.
        column: String,
        /// Its declared Flyte type.
        declared: String,
    },
    /// The location holds no Parquet file.
    #[error("no Parquet file at `{uri}`: a dataset is a Parquet file or a folder of them")]
    NoData {
        /// The dataset's location.
        uri: String,
    },
    /// The dataset's format is not one this SDK reads.
    #[error("cannot read the dataset at `{uri}`: its format is `{format}`; only `parquet` (or an unspecified format) can be read")]
    Format {
        /// The dataset's location.
        uri: String,
        /// Its format.
        format: String,
    },
    /// A Parquet file is malformed, or a batch does not fit the file being written.
    #[error("{message}")]
    Parquet {
        /// What happened, naming the file.
        message: String,
    },
    /// A local file could not be read or written.
    #[error("{message}")]
    Io {
        /// What happened, naming the file.
        message: String,
    },
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "none".to_string();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl DatasetError {
    /// The download failure behind this error, if it is one.
    pub fn file_error(&self) -> Option<&FileError> {
        match self {
            DatasetError::Download(err) => Some(err),
            _ => None,
        }
    }
}
