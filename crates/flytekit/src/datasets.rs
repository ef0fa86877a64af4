//! [`dataset_columns!`](crate::dataset_columns): column sets of a
//! [`StructuredDataset`](crate::StructuredDataset) declared as structs.

/// Declares a column set: a struct whose fields name the columns of a
/// [`StructuredDataset`](crate::StructuredDataset) and give their types, as flytekit's
/// `kwtypes(region=str, units=int)` does.
///
/// The struct is kept as written (use it as a row type if that is handy) and implements
/// [`Columns`](crate::Columns): `StructuredDataset<Sales>` then declares these columns in the
/// task interface, and reading it reads only these columns, in this order. Field types map as
/// flytekit maps Python column types: integers INTEGER, floats FLOAT, `String` STRING, `bool`
/// BOOLEAN, `chrono::DateTime<Utc>` DATETIME, `Vec<T>` a list of T.
///
/// ```
/// use flytekit::prelude::*;
///
/// dataset_columns! {
///     /// One row per sale.
///     pub struct Sales {
///         pub region: String,
///         pub units: i64,
///     }
/// }
///
/// let sales: StructuredDataset<Sales> = StructuredDataset::new("s3://bucket/raw/sales");
/// assert_eq!(sales.column_names(), ["region", "units"]);
/// ```
#[macro_export]
macro_rules! dataset_columns {
    ($(
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $($(#[$field_meta:meta])* $field_vis:vis $field:ident : $ty:ty),* $(,)?
        }
    )*) => {$(
        $(#[$meta])*
        $vis struct $name {
            $($(#[$field_meta])* $field_vis $field: $ty),*
        }

        impl $crate::__private::types::structured::Columns for $name {
            fn columns() -> ::std::vec::Vec<$crate::__private::DatasetColumn> {
                ::std::vec![$(
                    $crate::__private::types::structured::column::<$ty>(::std::stringify!($field))
                ),*]
            }
        }
    )*};
}
