//! Files and directories: [`FlyteFile`] and [`FlyteDirectory`], Flyte's BLOB literals.
//!
//! A blob literal is a URI plus a type (single file or multipart directory, and a format such as
//! "csv"). Here a file or directory is that location: a local path while a task runs locally, an
//! object-store URI (`s3://...`) on a cluster. A task reads a remote one through
//! [`FlyteFile::download`] (or [`FlyteFile::download_async`] in an async task), which fetches it
//! once, on first use, into the attempt's working directory; a local one is used in place. Local
//! outputs are uploaded by the runtime under the raw output prefix when it is remote, as flytekit
//! does.

use std::fmt;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use flytekit_idl::core::{
    blob_type::BlobDimensionality, literal_type, scalar, Blob, BlobMetadata, BlobType, Literal,
    LiteralType,
};

use super::blob_store::{blob_store, block_on, FileError};
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
                    local: Arc::new(OnceLock::new()),
                    format: PhantomData,
                }
            }

            /// The local path or URI, as the literal names it.
            pub fn path(&self) -> &str {
                &self.path
            }

            /// The URI when the data lives on object storage (flytekit's `remote_source`),
            /// `None` for a local path or `file://` URI.
            pub fn remote_source(&self) -> Option<&str> {
                self.is_remote().then_some(self.path.as_str())
            }

            /// Where the data is on this machine without fetching anything: the local path, or
            /// where an earlier [`download`](Self::download) put a remote one; `None` for a remote
            /// location not downloaded yet.
            pub fn local_path(&self) -> Option<PathBuf> {
                if self.is_remote() {
                    self.local.get().cloned()
                } else {
                    Some(PathBuf::from(local_part(&self.path)))
                }
            }

            /// The local copy: a local location as it is; a remote one downloaded on the first
            /// call (into a fresh folder of the attempt's working directory, keeping its name)
            /// and reused by later calls on this value and its clones.
            ///
            /// This blocks the calling thread while the data moves; in an `async` task use
            /// [`download_async`](Self::download_async).
            pub fn download(&self) -> Result<PathBuf, FileError> {
                match self.cached_or_target()? {
                    Ok(done) => Ok(done),
                    Err(target) => block_on(self.fetch(target)),
                }
            }

            /// [`download`](Self::download) for async tasks: the same copy, awaited.
            pub async fn download_async(&self) -> Result<PathBuf, FileError> {
                match self.cached_or_target()? {
                    Ok(done) => Ok(done),
                    Err(target) => self.fetch(target).await,
                }
            }

            /// `Ok(Ok(path))` when nothing has to move, `Ok(Err(target))` with the local path a
            /// download goes to otherwise.
            fn cached_or_target(&self) -> Result<Result<PathBuf, PathBuf>, FileError> {
                if let Some(local) = self.local_path() {
                    return Ok(Ok(local));
                }
                Ok(Err(download_target(&self.path)?))
            }

            async fn fetch(&self, target: PathBuf) -> Result<PathBuf, FileError> {
                let store = blob_store(&self.path)?;
                let result = if $dimensionality == BlobDimensionality::Multipart {
                    store.download_dir(&self.path, &target).await
                } else {
                    store.download_file(&self.path, &target).await
                };
                result?;
                // Two clones downloading at once both succeed; the first copy is the one kept.
                Ok(self.local.get_or_init(|| target).clone())
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
                    local: self.local,
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
                    local: self.local.clone(),
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
///
/// ```no_run
/// use flytekit_core::types::FlyteFile;
/// use flytekit_core::TaskError;
///
/// fn count_lines(report: FlyteFile) -> Result<usize, TaskError> {
///     // Fetched once, on first use, when `report` is `s3://...`; a local path is read in place.
///     let local = report.download()?;
///     Ok(std::fs::read_to_string(local)?.lines().count())
/// }
/// ```
pub struct FlyteFile<F = GenericFormat> {
    path: String,
    /// The local copy of a remote file, once downloaded (shared by clones).
    local: Arc<OnceLock<PathBuf>>,
    format: PhantomData<fn() -> F>,
}

/// A directory (a multipart blob): a local path or a URI prefix. flytekit's `FlyteDirectory`.
///
/// [`files`](FlyteDirectory::files) lists it without downloading anything;
/// [`download`](FlyteDirectory::download) fetches all of it.
pub struct FlyteDirectory<F = GenericFormat> {
    path: String,
    /// The local copy of a remote directory, once downloaded (shared by clones).
    local: Arc<OnceLock<PathBuf>>,
    format: PhantomData<fn() -> F>,
}

impl<F: FileFormat> FlyteDirectory<F> {
    /// Every file in the directory and its subdirectories, sorted by location, without
    /// downloading any of them: local paths for a local directory, URIs for a remote one (each
    /// downloads on its own with [`FlyteFile::download`]). Symbolic links are not followed.
    ///
    /// This blocks while a remote store answers; in an `async` task use
    /// [`files_async`](Self::files_async).
    pub fn files(&self) -> Result<Vec<FlyteFile<F>>, FileError> {
        if !self.is_remote() {
            return list_local(local_part(&self.path));
        }
        let store = blob_store(&self.path)?;
        Ok(block_on(store.list(&self.path))?
            .into_iter()
            .map(FlyteFile::new)
            .collect())
    }

    /// [`files`](Self::files) for async tasks.
    pub async fn files_async(&self) -> Result<Vec<FlyteFile<F>>, FileError> {
        if !self.is_remote() {
            return list_local(local_part(&self.path));
        }
        let store = blob_store(&self.path)?;
        Ok(store
            .list(&self.path)
            .await?
            .into_iter()
            .map(FlyteFile::new)
            .collect())
    }
}

/// A local location without its `file://` scheme.
pub(crate) fn local_part(path: &str) -> &str {
    path.strip_prefix("file://").unwrap_or(path)
}

/// Every file under the local directory `root`, sorted, symbolic links not followed.
fn list_local<F: FileFormat>(root: &str) -> Result<Vec<FlyteFile<F>>, FileError> {
    let mut files = Vec::new();
    let mut pending = vec![PathBuf::from(root)];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => FileError::not_found(dir.display().to_string()),
            _ => FileError::new(
                dir.display().to_string(),
                format!("cannot list `{}`: {err}", dir.display()),
            ),
        })?;
        for entry in entries.flatten() {
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => pending.push(entry.path()),
                Ok(kind) if kind.is_file() => files.push(entry.path().display().to_string()),
                _ => {}
            }
        }
    }
    files.sort();
    Ok(files.into_iter().map(FlyteFile::new).collect())
}

/// A fresh local path for a download of `uri`: a new folder in the running attempt's working
/// directory, holding the object's own name (so a tool that looks at extensions still works).
pub(crate) fn download_target(uri: &str) -> Result<PathBuf, FileError> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let context = crate::context::current_context();
    let name = uri
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|name| !name.is_empty() && !name.contains("://"))
        .unwrap_or("data");
    let downloads = context.working_dir.join("flytekit-downloads");
    loop {
        let folder = downloads.join(format!(
            "{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        match std::fs::create_dir_all(downloads.as_path())
            .and_then(|()| std::fs::create_dir(&folder))
        {
            Ok(()) => return Ok(folder.join(name)),
            // Another process sharing the working dir took this number; take the next.
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(err) => {
                return Err(FileError::new(
                    uri,
                    format!(
                        "cannot download `{uri}`: cannot create a folder in `{}`: {err}",
                        downloads.display()
                    ),
                ))
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_locations_are_used_in_place_and_listed() {
        let root = std::env::temp_dir().join(format!("flytekit-blob-{}", std::process::id()));
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("a.txt"), "a").unwrap();
        std::fs::write(root.join("sub/b.txt"), "b").unwrap();
        let file: FlyteFile = FlyteFile::new(format!("file://{}/a.txt", root.display()));
        assert_eq!(file.download().unwrap(), root.join("a.txt"));
        assert_eq!(file.remote_source(), None);
        let dir: FlyteDirectory = FlyteDirectory::new(root.display().to_string());
        let listed: Vec<String> = dir
            .files()
            .unwrap()
            .iter()
            .map(|f| f.path().to_string())
            .collect();
        assert_eq!(
            listed,
            [
                root.join("a.txt").display().to_string(),
                root.join("sub/b.txt").display().to_string()
            ]
        );
        std::fs::remove_dir_all(&root).unwrap();
        let err = dir.files().unwrap_err();
        assert!(err.is_not_found(), "{err}");
    }

    #[test]
    fn remote_locations_say_where_they_are_before_any_download() {
        let file: FlyteFile = FlyteFile::new("s3://bucket/data/report.csv");
        assert_eq!(file.remote_source(), Some("s3://bucket/data/report.csv"));
        assert_eq!(file.local_path(), None);
        // A failed download is the platform's failure, retried: flytekit's
        // FlyteDownloadDataException, whatever the task's own error type.
        let error = crate::TaskError::from(FileError::not_found("s3://bucket/x"));
        assert_eq!(error.code(), DOWNLOAD_DATA_ERROR_CODE);
        assert!(error.is_recoverable());
    }

    const DOWNLOAD_DATA_ERROR_CODE: &str = "SYSTEM:DownloadDataError";
}
