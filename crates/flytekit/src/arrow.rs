//! The Arrow and Parquet side of [`StructuredDataset`](crate::StructuredDataset): the types a
//! task builds and reads tables with (feature `arrow`, on by default).
//!
//! A task writes a table with a [`DatasetWriter`] (or [`StructuredDataset::from_batches`]) and
//! reads one with [`StructuredDataset::reader`], an iterator of [`RecordBatch`]es streamed one
//! row group at a time. The [`array`](mod@array) and [`datatypes`] modules are the `arrow-array` and
//! `arrow-schema` crates, so a task needs no Arrow dependency of its own (and cannot pick a
//! mismatched version).
//!
//! [`StructuredDataset::from_batches`]: crate::StructuredDataset::from_batches
//! [`StructuredDataset::reader`]: crate::StructuredDataset::reader

pub use arrow_array as array;
pub use arrow_array::{Array, ArrayRef, RecordBatch};
pub use arrow_schema as datatypes;
pub use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef, TimeUnit};
pub use flytekit_core::types::structured::{
    arrow_type_matches, schema_of, DatasetReader, DatasetWriter, DEFAULT_BATCH_ROWS,
    DEFAULT_ROW_GROUP_ROWS,
};
