//! Column sets: which columns a [`StructuredDataset`](super::StructuredDataset) declares.
//!
//! A column set is a type implementing [`Columns`]: its columns (name and Flyte type, in
//! declaration order) go into the dataset's literal type, as flytekit's
//! `Annotated[StructuredDataset, kwtypes(region=str, units=int)]` puts them there, and a reader
//! of a dataset typed with it reads only those columns. [`AnyColumns`] declares none: every
//! column, flytekit's plain `StructuredDataset` / `pd.DataFrame`.
//!
//! Declare one with `flytekit::dataset_columns!`, or implement the trait by hand with
//! [`column`].

use flytekit_idl::core::structured_dataset_type::DatasetColumn;

use crate::types::FlyteType;

/// A set of columns a dataset declares: the `columns` of its `structured_dataset_type`.
///
/// ```
/// use flytekit_core::types::structured::{column, Columns, StructuredDataset};
///
/// struct Sales;
/// impl Columns for Sales {
///     fn columns() -> Vec<flytekit_idl::core::structured_dataset_type::DatasetColumn> {
///         vec![column::<String>("region"), column::<i64>("units")]
///     }
/// }
/// let sales: StructuredDataset<Sales> = StructuredDataset::new("s3://bucket/sales");
/// assert_eq!(sales.column_names(), ["region", "units"]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a column set of a `StructuredDataset`",
    label = "not a column set",
    note = "declare the columns with `flytekit::dataset_columns! {{ pub struct Sales {{ region: String, units: i64 }} }}`, or use `StructuredDataset` (all columns)"
)]
pub trait Columns: 'static {
    /// The declared columns, in order; empty for "all columns".
    fn columns() -> Vec<DatasetColumn>;
}

/// Every column: no column list in the literal type, and readers read all the columns the data
/// has. flytekit's plain `StructuredDataset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AnyColumns;

impl Columns for AnyColumns {
    fn columns() -> Vec<DatasetColumn> {
        Vec::new()
    }
}

/// The column `name` of Rust type `T`, typed as flytekit types a column of the matching Python
/// type: `i64` INTEGER, `f64` FLOAT, `String` STRING, `bool` BOOLEAN, `DateTime<Utc>` DATETIME,
/// `Vec<T>` a collection. A raw identifier's `r#` is dropped (`r#type` is the column `type`).
pub fn column<T: FlyteType>(name: &str) -> DatasetColumn {
    DatasetColumn {
        name: name.strip_prefix("r#").unwrap_or(name).to_string(),
        literal_type: Some(T::literal_type()),
    }
}
