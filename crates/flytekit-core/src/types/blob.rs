//! Files and directories: [`FlyteFile`] and [`FlyteDirectory`], Flyte's BLOB literals.
//!
//! A blob literal is a URI plus a type (single file or multipart directory, and a format such as
//! "csv"). Here a file or directory is just that location: a local path while a task runs
//! locally, an object-store URI (`s3://...`) on a cluster. Moving bytes between the two is the
//! runtime's job (it uploads local outputs under the raw output prefix and downloads inputs on
//! demand), so these types stay plain data.

use std::fmt;
use std::marker::PhantomData;

use flytekit_idl::core::{
    blob_type::BlobDimensionality, literal_type, scalar, Blob, BlobMetadata, BlobType, Literal,
    LiteralType,
};

use super::literal::{describe_literal, msgpack_of, resolve, scalar_literal, scalar_of};
use super::msgpack::{decode_msgpack, msgpack_kind, msgpack_str, write_map_len, write_str};
use super::{short_type_name, FlyteType, TypeError};

/// The format of a file type: the `format` of its BLOB literal type ("" = any format).
///
/// Flyte only compares formats when wiring tasks (an empty format matches every format), so a
/// format documents intent and catches a CSV output wired into a Parquet input. Declare your own
/// with a unit struct:
///
/// ```
/// use flytekit_core::types::{FileFormat, FlyteFile};
///
/// pub struct Jsonl;
/// impl FileFormat for Jsonl {
///     const FORMAT: &'static str = "jsonl";
/// }
/// let events: FlyteFile<Jsonl> = FlyteFile::new("s3://bucket/events.jsonl");
/// assert_eq!(events.path(), "s3://bucket/events.jsonl");
/// ```
pub trait FileFormat: 'static {
    /// The format name, as flytekit's `FlyteFile["csv"]` would write it.
    const FORMAT: &'static str;
}

/// Any format: flytekit's plain `FlyteFile` / `FlyteDirectory`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct GenericFormat;

impl FileFormat for GenericFormat {
    const FORMAT: &'static str = "";
}

/// Common file formats, for `FlyteFile<formats::Csv>` and friends.
pub mod formats {
    macro_rules! formats {
        ($($(#[$doc:meta])* $name:ident = $format:literal;)*) => {$(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
            pub struct $name;
            impl super::FileFormat for $name {
                const FORMAT: &'static str = $format;
            }
        )*};
    }
    formats! {
        /// Comma-separated values (`"csv"`).
        Csv = "csv";
        /// JSON (`"json"`).
        Json = "json";
        /// Apache Parquet (`"parquet"`).
        Parquet = "parquet";
        /// Plain text (`"txt"`).
        Text = "txt";
    }
}

/// Implements the parts shared by files and directories.
macro_rules! blob_type {
    ($name:ident, $dimensionality:expr, $tag:literal, $what:literal) => {
        impl<F: FileFormat> $name<F> {
            /// A reference to the local path or URI `path`.
            pub fn new(path: impl Into<String>) -> Self {
                $name {
                    path: path.into(),
                    format: PhantomData,
                }
            }

            /// The local path or URI.
            pub fn path(&self) -> &str {
                &self.path
            }

            /// True when the location is a URI with a scheme other than `file://`, such as
            /// `s3://bucket/key`.
            pub fn is_remote(&self) -> bool {
                match self.path.split_once("://") {
                    Some((scheme, _)) => scheme != "file",
                    None => false,
                }
            }

            /// The same location under another format.
            pub fn with_format<G: FileFormat>(self) -> $name<G> {
                $name {
                    path: self.path,
                    format: PhantomData,
                }
            }

            fn blob_type() -> BlobType {
                BlobType {
                    format: F::FORMAT.to_string(),
                    dimensionality: $dimensionality as i32,
                }
            }
        }

        impl<F> Clone for $name<F> {
            fn clone(&self) -> Self {
                $name {
                    path: self.path.clone(),
                    format: PhantomData,
                }
            }
        }

        impl<F> PartialEq for $name<F> {
            fn eq(&self, other: &Self) -> bool {
                self.path == other.path
            }
        }

        impl<F> Eq for $name<F> {}

        impl<F: FileFormat> fmt::Debug for $name<F> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("path", &self.path)
                    .field("format", &F::FORMAT)
                    .finish()
            }
        }

        impl<F> fmt::Display for $name<F> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.path)
            }
        }

        impl<F: FileFormat> FlyteType for $name<F> {
            fn literal_type() -> LiteralType {
                LiteralType {
                    r#type: Some(literal_type::Type::Blob(Self::blob_type())),
                    ..Default::default()
                }
            }

            fn union_tag() -> &'static str {
                $tag
            }

            fn to_literal(&self) -> Result<Literal, TypeError> {
                Ok(scalar_literal(scalar::Value::Blob(Blob {
                    metadata: Some(BlobMetadata {
                        r#type: Some(Self::blob_type()),
                    }),
                    uri: self.path.clone(),
                })))
            }

            fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
                let literal = resolve(literal)?;
                if let Some(scalar::Value::Blob(blob)) = scalar_of(&literal) {
                    return Ok(Self::new(blob.uri.clone()));
                }
                if let Some(bytes) = msgpack_of(&literal) {
                    return Self::read_msgpack(&decode_msgpack(bytes)?);
                }
                Err(TypeError::mismatch(
                    &short_type_name::<Self>(),
                    $what,
                    describe_literal(&literal),
                ))
            }

            fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError> {
                // flytekit writes a file or directory inside a dataclass as {"path": uri}.
                write_map_len(out, 1)?;
                write_str(out, "path");
                write_str(out, &self.path);
                Ok(())
            }

            fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError> {
                let path = match value {
                    rmpv::ValueRef::Map(entries) => entries
                        .iter()
                        .find(|(k, _)| msgpack_str(k) == Some("path"))
                        .and_then(|(_, v)| msgpack_str(v)),
                    other => msgpack_str(other),
                };
                match path {
                    Some(path) => Ok(Self::new(path)),
                    None => Err(TypeError::mismatch(
                        &short_type_name::<Self>(),
                        concat!($what, r#" as {"path": uri}"#),
                        msgpack_kind(value),
                    )),
                }
            }
        }
    };
}

/// A file: a local path or a URI, with an optional [`FileFormat`]. flytekit's `FlyteFile`.
pub struct FlyteFile<F = GenericFormat> {
    path: String,
    format: PhantomData<fn() -> F>,
}

/// A directory (a multipart blob): a local path or a URI prefix. flytekit's `FlyteDirectory`.
pub struct FlyteDirectory<F = GenericFormat> {
    path: String,
    format: PhantomData<fn() -> F>,
}

blob_type!(
    FlyteFile,
    BlobDimensionality::Single,
    "FlyteFilePath",
    "BLOB (file)"
);
blob_type!(
    FlyteDirectory,
    BlobDimensionality::Multipart,
    "FlyteDirectory",
    "BLOB (directory)"
);
