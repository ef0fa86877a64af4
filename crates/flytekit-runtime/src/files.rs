//! Files and directories moving between a task and object storage.
//!
//! Leaving a task: a `FlyteFile` output that points at a local path is uploaded under the raw
//! output prefix and its literal rewritten to the uploaded URI, so the next task (on another
//! machine) can read it. The layout is flytekit's: a file goes to `<prefix>/<random>/<its name>`,
//! a directory's contents to `<prefix>/<random>/`, with a fresh 32-hex-digit random part each.
//!
//! Entering a task: [`install_blob_store`] gives `FlyteFile::download` and friends a store that
//! runs on an I/O runtime of its own, so a sync task can block on a download and an async one
//! await it, whatever runtime (if any) the caller is on.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use flytekit_core::types::{BlobFuture, BlobStore, FileError};
use flytekit_core::TaskError;
use flytekit_idl::core::{literal, scalar, Literal, LiteralMap};

use crate::storage::{is_remote, join, Storage, StorageError};

/// The error code of a failed upload of task data (flytekit's `FlyteUploadDataException`):
/// SYSTEM origin, recoverable.
pub const UPLOAD_DATA_ERROR: &str = "SYSTEM:UploadDataError";

/// The error code of a failed download of task data (flytekit's
/// `FlyteDownloadDataException`): SYSTEM origin, recoverable.
pub use flytekit_core::types::DOWNLOAD_DATA_ERROR;

/// Uploads the local files and directories among `outputs` under the raw output prefix (the
/// container contract: remote on a cluster, a local folder in tests), rewriting their literals to
/// where they went. A location already under the prefix, or on a remote store, is kept as it is.
pub async fn upload_local_blobs(
    mut outputs: LiteralMap,
    raw_output_prefix: &str,
    storage: &Storage,
) -> Result<LiteralMap, TaskError> {
    for literal in outputs.literals.values_mut() {
        upload_in(literal, raw_output_prefix, storage).await?;
    }
    Ok(outputs)
}

/// A fresh random path part, as flytekit's `get_random_string` (a uuid4 as 32 hex digits).
pub fn random_part() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness (never seen on Linux): fall back to the clock and a counter, which
        // are unique within this machine, and that is all a raw output prefix needs.
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let next = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        bytes = (nanos ^ (u128::from(next) << 64) ^ u128::from(std::process::id())).to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// True when `uri` is `prefix` or below it.
fn is_under(uri: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    uri.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn upload_in<'a>(
    literal: &'a mut Literal,
    prefix: &'a str,
    storage: &'a Storage,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), TaskError>> + Send + 'a>> {
    Box::pin(async move {
        match &mut literal.value {
            Some(literal::Value::Scalar(s)) => match &mut s.value {
                Some(scalar::Value::Blob(blob))
                    if !is_remote(&blob.uri) && !is_under(&blob.uri, prefix) =>
                {
                    blob.uri = upload_local(&blob.uri, "file", prefix, storage).await?;
                }
                // A dataset a task wrote (a local folder holding `00000`) goes where flytekit's
                // encoders put one: `<prefix>/<random>/00000`, the literal naming the folder.
                Some(scalar::Value::StructuredDataset(dataset))
                    if !is_remote(&dataset.uri) && !is_under(&dataset.uri, prefix) =>
                {
                    dataset.uri = upload_local(&dataset.uri, "dataset", prefix, storage).await?;
                }
                Some(scalar::Value::Union(union)) => {
                    if let Some(inner) = union.value.as_mut() {
                        upload_in(inner, prefix, storage).await?;
                    }
                }
                _ => {}
            },
            Some(literal::Value::Collection(c)) => {
                for item in c.literals.iter_mut() {
                    upload_in(item, prefix, storage).await?;
                }
            }
            Some(literal::Value::Map(m)) => {
                for item in m.literals.values_mut() {
                    upload_in(item, prefix, storage).await?;
                }
            }
            _ => {}
        }
        Ok(())
    })
}

/// Uploads the local file or folder `uri` to a fresh folder under `prefix`: a folder's
/// contents into it, a file into it under its own name. Returns where it went.
async fn upload_local(
    uri: &str,
    what: &str,
    prefix: &str,
    storage: &Storage,
) -> Result<String, TaskError> {
    let local = uri.strip_prefix("file://").unwrap_or(uri);
    let path = Path::new(local);
    let folder = join(prefix, &random_part());
    let (result, target) = if path.is_dir() {
        (storage.upload_dir(path, &folder).await, folder)
    } else {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "data".into());
        let target = join(&folder, &file_name);
        (storage.upload_file(path, &target).await, target)
    };
    // flytekit's FlyteUploadDataException: moving data is the platform's job, and a retry may
    // well succeed.
    result.map_err(|err| {
        TaskError::system(format!("cannot upload output {what} `{local}`: {err}"))
            .with_code(UPLOAD_DATA_ERROR)
    })?;
    Ok(target)
}

/// Installs (once per process) the store behind `FlyteFile::download`, `FlyteDirectory::files`
/// and friends.
pub fn install_blob_store() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        flytekit_core::types::install_blob_store(Arc::new(RuntimeBlobStore {
            storage: Storage::new(),
        }))
    });
}

/// The I/O runtime the installed store runs on: its connections live as long as the process,
/// whichever runtime (or plain thread) asked for a download.
fn io_runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("flytekit-io")
            .enable_all()
            .build()
            .expect("the OS can start the flytekit-io threads")
    })
}

struct RuntimeBlobStore {
    storage: Storage,
}

impl RuntimeBlobStore {
    fn spawn<T: Send + 'static>(
        &self,
        uri: &str,
        work: impl FnOnce(Storage, String) -> BlobFuture<T>,
    ) -> BlobFuture<T> {
        let uri = uri.to_string();
        let task = io_runtime().spawn(work(self.storage.clone(), uri.clone()));
        Box::pin(async move {
            task.await.map_err(|err| {
                FileError::new(&uri, format!("the transfer of `{uri}` stopped: {err}"))
            })?
        })
    }
}

fn file_error(action: &str, uri: &str, error: StorageError) -> FileError {
    match error {
        StorageError::NotFound(_) => FileError::not_found(uri),
        other => FileError::new(uri, format!("cannot {action} `{uri}`: {other}")),
    }
}

impl BlobStore for RuntimeBlobStore {
    fn download_file(&self, uri: &str, to: &Path) -> BlobFuture<()> {
        let to: PathBuf = to.to_path_buf();
        self.spawn(uri, move |storage, uri| {
            Box::pin(async move {
                storage
                    .download_file(&uri, &to)
                    .await
                    .map_err(|err| file_error("download", &uri, err))
            })
        })
    }

    fn download_dir(&self, uri: &str, to: &Path) -> BlobFuture<()> {
        let to: PathBuf = to.to_path_buf();
        self.spawn(uri, move |storage, uri| {
            Box::pin(async move {
                let listed = storage
                    .list(&uri)
                    .await
                    .map_err(|err| file_error("list", &uri, err))?;
                if listed.is_empty() {
                    // An empty prefix is what a missing directory looks like on object storage.
                    return Err(FileError::not_found(&uri));
                }
                storage
                    .download_dir(&uri, &to)
                    .await
                    .map_err(|err| file_error("download", &uri, err))
            })
        })
    }

    fn upload_file(&self, from: &Path, uri: &str) -> BlobFuture<()> {
        let from: PathBuf = from.to_path_buf();
        self.spawn(uri, move |storage, uri| {
            Box::pin(async move {
                storage
                    .upload_file(&from, &uri)
                    .await
                    .map_err(|err| file_error("upload to", &uri, err))
            })
        })
    }

    fn upload_dir(&self, from: &Path, uri: &str) -> BlobFuture<()> {
        let from: PathBuf = from.to_path_buf();
        self.spawn(uri, move |storage, uri| {
            Box::pin(async move {
                storage
                    .upload_dir(&from, &uri)
                    .await
                    .map_err(|err| file_error("upload to", &uri, err))
            })
        })
    }

    fn read(&self, uri: &str) -> BlobFuture<Vec<u8>> {
        self.spawn(uri, move |storage, uri| {
            Box::pin(async move {
                storage
                    .get(&uri)
                    .await
                    .map(|bytes| bytes.to_vec())
                    .map_err(|err| file_error("read", &uri, err))
            })
        })
    }

    fn list(&self, uri: &str) -> BlobFuture<Vec<String>> {
        self.spawn(uri, move |storage, uri| {
            Box::pin(async move {
                storage
                    .list(&uri)
                    .await
                    .map_err(|err| file_error("list", &uri, err))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_parts_are_fresh_32_digit_hex() {
        let (a, b) = (random_part(), random_part());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn only_locations_below_the_prefix_count_as_under_it() {
        assert!(is_under("s3://b/raw/x/f.txt", "s3://b/raw"));
        assert!(is_under("s3://b/raw/x", "s3://b/raw/"));
        assert!(!is_under("s3://b/rawer/x", "s3://b/raw"));
        assert!(!is_under("/tmp/w/f.txt", "s3://b/raw"));
    }

    #[tokio::test]
    async fn local_outputs_go_under_the_prefix_in_flytekit_layout() {
        use flytekit_core::types::FlyteFile;
        use flytekit_core::FlyteType;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("report.csv");
        std::fs::write(&file, "x").unwrap();
        let mut outputs = LiteralMap::default();
        outputs.literals.insert(
            "o0".into(),
            FlyteFile::<flytekit_core::types::GenericFormat>::new(file.display().to_string())
                .to_literal()
                .unwrap(),
        );
        let storage = Storage::new();
        let outputs = upload_local_blobs(outputs, "memory://layout/raw", &storage)
            .await
            .unwrap();
        let uri =
            FlyteFile::<flytekit_core::types::GenericFormat>::from_literal(&outputs.literals["o0"])
                .unwrap()
                .path()
                .to_string();
        let rest = uri.strip_prefix("memory://layout/raw/").unwrap();
        let (random, name) = rest.split_once('/').unwrap();
        assert_eq!((random.len(), name), (32, "report.csv"));
        assert_eq!(storage.get(&uri).await.unwrap().as_ref(), b"x");
    }

    #[tokio::test]
    async fn a_local_dataset_goes_under_the_prefix_as_a_folder_holding_00000() {
        use flytekit_core::types::StructuredDataset;
        use flytekit_core::FlyteType;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("00000"), "parquet bytes").unwrap();
        let mut outputs = LiteralMap::default();
        let table: StructuredDataset = StructuredDataset::new(dir.path().display().to_string());
        outputs
            .literals
            .insert("o0".into(), table.to_literal().unwrap());
        let storage = Storage::new();
        let outputs = upload_local_blobs(outputs, "memory://datasets/raw", &storage)
            .await
            .unwrap();
        let uploaded = StructuredDataset::<flytekit_core::types::AnyColumns>::from_literal(
            &outputs.literals["o0"],
        )
        .unwrap();
        let random = uploaded
            .uri()
            .strip_prefix("memory://datasets/raw/")
            .unwrap();
        assert_eq!(random.len(), 32, "{}", uploaded.uri());
        assert_eq!(uploaded.format(), "parquet");
        let file = format!("{}/00000", uploaded.uri());
        assert_eq!(storage.get(&file).await.unwrap().as_ref(), b"parquet bytes");
        // Already remote: kept as it is.
        let again = upload_local_blobs(outputs.clone(), "memory://elsewhere", &storage)
            .await
            .unwrap();
        assert_eq!(again, outputs);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn offloaded_literals_and_remote_files_come_through_the_installed_store() {
        use flytekit_core::types::FlyteFile;
        use flytekit_core::FlyteType;
        use flytekit_idl::core::LiteralOffloadedMetadata;
        use prost::Message;
        install_blob_store();
        let storage = Storage::new();
        let stored = 41i64.to_literal().unwrap();
        storage
            .put("memory://installed/lit.pb", stored.encode_to_vec())
            .await
            .unwrap();
        let offloaded = Literal {
            value: Some(literal::Value::OffloadedMetadata(Box::new(
                LiteralOffloadedMetadata {
                    uri: "memory://installed/lit.pb".into(),
                    ..Default::default()
                },
            ))),
            ..Default::default()
        };
        assert_eq!(i64::from_literal(&offloaded).unwrap(), 41);

        storage
            .put("memory://installed/dir/a b~1.txt", b"hello".to_vec())
            .await
            .unwrap();
        let file: FlyteFile = FlyteFile::new("memory://installed/dir/a b~1.txt");
        let local = file.download_async().await.unwrap();
        assert_eq!(local.file_name().unwrap(), "a b~1.txt");
        assert_eq!(std::fs::read(&local).unwrap(), b"hello");
        assert_eq!(file.clone().local_path(), Some(local.clone()));
        // The sync form, from a blocking thread, finds the same copy.
        let again = tokio::task::spawn_blocking(move || file.download().unwrap())
            .await
            .unwrap();
        assert_eq!(again, local);
        let missing: FlyteFile = FlyteFile::new("memory://installed/nothing");
        let err = missing.download_async().await.unwrap_err();
        assert!(err.is_not_found(), "{err}");
        let _ = std::fs::remove_dir_all(local.parent().unwrap());
    }
}
