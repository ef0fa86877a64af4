//! The type engine: Rust values <-> Flyte literals, byte-compatible with Python flytekit.
//!
//! [`FlyteType`] is implemented here for the standard types a task passes around, and derived for
//! user structs and enums with `#[derive(FlyteType)]`. Every conversion either succeeds or
//! returns a [`TypeError`] that names the expected Rust type, the literal found and the path
//! inside the value; no input, however malformed, panics.
//!
//! | Rust | Flyte literal type | literal |
//! |---|---|---|
//! | `i8`..`i64`, `u8`..`u64`, `isize`, `usize` | INTEGER | `integer` (range-checked both ways) |
//! | `f32`, `f64` | FLOAT | `float_value` |
//! | `bool` | BOOLEAN | `boolean` |
//! | `String` | STRING | `string_value` |
//! | `chrono::DateTime<Utc>`, `chrono::NaiveDate` | DATETIME | `datetime` |
//! | `std::time::Duration`, `chrono::Duration` | DURATION | `duration` |
//! | `()` | NONE | `none_type` |
//! | `Vec<T>` | collection of T | `collection` |
//! | `HashMap<String, T>`, `BTreeMap<String, T>` | map of T | `map` |
//! | `Option<T>` | union of T and NONE, flytekit's variant tags | `union` |
//! | `serde_json::Value` | STRUCT (flytekit's untyped `dict`) | msgpack `binary` |
//! | [`Bytes`] | BINARY | `binary` |
//! | [`FlyteFile`], [`FlyteDirectory`] | BLOB single / multipart | `blob` |
//! | [`StructuredDataset`] | STRUCTURED_DATASET | `structured_dataset` (Parquet) |
//! | `#[derive(FlyteType)] struct` | STRUCT with `dataclass_type` | msgpack `binary` (a dataclass) |
//! | `#[derive(FlyteType)] enum` (unit variants) | ENUM | `string_value` |

mod blob;
pub(crate) mod blob_store;
mod bytes;
mod collections;
mod derive_support;
mod error;
mod flyte_error;
pub mod json;
mod literal;
mod msgpack;
mod offloaded;
mod primitives;
pub mod structured;
mod time;
pub(crate) mod untyped;

pub use blob::formats;
pub use blob::{FileFormat, FlyteDirectory, FlyteFile, GenericFormat};
pub use blob_store::{
    block_on, install_blob_store, BlobFuture, BlobStore, FileError, DOWNLOAD_DATA_ERROR,
};
pub use bytes::Bytes;
pub use derive_support::{
    enum_from_literal, enum_literal_type, enum_read_msgpack, enum_to_literal, struct_field,
    struct_from_literal, struct_header, struct_key, struct_literal_type, struct_map,
    struct_read_fields, struct_slot, struct_slot_value, struct_to_literal, UNION_TAG_DATACLASS,
    UNION_TAG_ENUM,
};
pub use error::{PathSegment, TypeError};
pub use flyte_error::FlyteError;
pub use literal::{
    describe_literal, is_none, literal_kind, msgpack_annotation, msgpack_literal, msgpack_of,
    none_literal, primitive_literal, primitive_of, resolve, scalar_literal, scalar_of, simple_type,
    MSGPACK_TAG,
};
pub use msgpack::{decode_msgpack, msgpack_kind, msgpack_str, MsgpackReader};
pub use offloaded::{set_offloaded_literal_fetcher, OffloadedFetcher};
pub use structured::{AnyColumns, Columns, DatasetError, StructuredDataset};

use flytekit_idl::core::{Literal, LiteralType};

/// A Rust type that can cross a Flyte task boundary: it has a Flyte [`LiteralType`] and converts
/// to and from a [`Literal`] exactly as Python flytekit does for the equivalent Python type.
///
/// Implemented for the standard types listed in the [module docs](self); derive it for your own
/// structs (they become flytekit dataclasses) and unit-variant enums (they become Flyte enums):
///
/// ```
/// use flytekit_core::types::FlyteType;
///
/// let literal = vec![1.5_f64, 2.5].to_literal().unwrap();
/// assert_eq!(Vec::<f64>::from_literal(&literal).unwrap(), vec![1.5, 2.5]);
/// let err = Vec::<i64>::from_literal(&literal).unwrap_err();
/// assert_eq!(err.to_string(), "at `[0]`: expected `i64` (INTEGER), found FLOAT 1.5");
/// ```
// Implementations for concrete types (`i64`, `String`, ...) are marked
// `#[diagnostic::do_not_recommend]`: the `note` below already names them, so the error for an
// unsupported type lists only the generic containers (`Vec<T>`, `Option<T>`, ...) and the user's
// own derived types. Mark new concrete implementations the same way.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot cross a Flyte task boundary: it does not implement `FlyteType`",
    label = "not a Flyte type",
    note = "task inputs and outputs, and the fields of a `#[derive(FlyteType)]` struct, must be \
            Flyte types: integers, floats, `bool`, `String`, chrono date-times, durations, \
            `Vec<T>`, `HashMap<String, T>`, `Option<T>`, `serde_json::Value`, `FlyteFile`, \
            `FlyteDirectory`, `StructuredDataset`, or a struct or enum of yours with `#[derive(FlyteType)]`"
)]
pub trait FlyteType: Sized {
    /// The Flyte type of this Rust type, as it appears in a task interface.
    fn literal_type() -> LiteralType;

    /// flytekit's name for this type when it is one variant of a union (`Optional[T]`): the
    /// `structure.tag` a Python reader uses to pick the variant ("int", "str", "Typed List", ...).
    fn union_tag() -> &'static str;

    /// The value as a Flyte literal.
    fn to_literal(&self) -> Result<Literal, TypeError>;

    /// The value of a Flyte literal. Accepts what flytekit accepts: union-wrapped or bare
    /// literals, msgpack-encoded scalars, offloaded literals (fetched through the registered
    /// [`OffloadedFetcher`]).
    fn from_literal(literal: &Literal) -> Result<Self, TypeError>;

    /// Appends the value in flytekit's msgpack form, used when it is a field of a dataclass or a
    /// value of an untyped dict.
    fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError>;

    /// Reads the value from flytekit's msgpack form.
    fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError>;

    /// Reads the value from the front of a msgpack stream: what [`read_msgpack`] reads, without
    /// building the value's tree first. The default reads the value as a tree and calls
    /// [`read_msgpack`]; structs, lists, maps and options override it to walk their entries in
    /// place (a tree costs an allocation per map), floats and strings to read their bytes
    /// directly, and all of them fall back to [`read_msgpack`] for anything else, so both
    /// accept the same input and give the same errors.
    ///
    /// [`read_msgpack`]: FlyteType::read_msgpack
    fn read_msgpack_from(reader: &mut MsgpackReader<'_>) -> Result<Self, TypeError> {
        Self::read_msgpack(&reader.read_value()?)
    }

    /// The value of a struct field that is missing from the msgpack map, if the type has one
    /// (`Option<T>` is `None`); `None` here makes a missing field an error.
    fn msgpack_default() -> Option<Self> {
        None
    }
}

/// The name of a Rust type without module paths, for error messages (`Vec<i64>`, not
/// `alloc::vec::Vec<i64>`).
pub fn short_type_name<T: ?Sized>() -> String {
    let full = std::any::type_name::<T>();
    let mut out = String::with_capacity(full.len());
    let mut segment = String::new();
    for c in full.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            segment.push(c);
        } else {
            out.push_str(segment.rsplit("::").next().unwrap_or(&segment));
            segment.clear();
            out.push(c);
        }
    }
    out.push_str(segment.rsplit("::").next().unwrap_or(&segment));
    out
}

#[cfg(test)]
mod tests;
