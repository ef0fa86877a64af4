//! Reading and writing blobs by URI: local paths, `file://`, `s3://`, `gs://`, `abfs://` /
//! `az://` and `memory://`, all through `object_store`.
//!
//! Credentials and endpoints come from the standard environment variables of each store
//! (`AWS_*`, `GOOGLE_*`, `AZURE_*`), plus the variables Flyte's sandbox sets for its MinIO
//! (`FLYTE_AWS_ENDPOINT`, `FLYTE_AWS_ACCESS_KEY_ID`, `FLYTE_AWS_SECRET_ACCESS_KEY`). A `put` is
//! atomic on every store (a local file is written aside and renamed into place), so a reader
//! never sees half a file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use futures::StreamExt;
use object_store::buffered::BufWriter;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use tokio::io::AsyncWriteExt;

/// A storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// Nothing is stored at the URI.
    #[error("`{0}` does not exist")]
    NotFound(String),
    /// The URI's scheme is not supported or the URI is malformed.
    #[error("unsupported location `{uri}`: {reason}")]
    Unsupported {
        /// The URI.
        uri: String,
        /// Why.
        reason: String,
    },
    /// The store reported an error.
    #[error("`{uri}`: {source}")]
    Store {
        /// The URI.
        uri: String,
        /// The store's error.
        source: object_store::Error,
    },
}

/// Access to every supported store, with one client per bucket reused across calls.
#[derive(Clone, Default)]
pub struct Storage {
    stores: Arc<Mutex<HashMap<String, Arc<dyn ObjectStore>>>>,
}

/// The process-wide in-memory store behind `memory://` URIs (tests, local runs).
fn memory_store() -> Arc<dyn ObjectStore> {
    static MEMORY: OnceLock<Arc<InMemory>> = OnceLock::new();
    MEMORY.get_or_init(|| Arc::new(InMemory::new())).clone()
}

impl Storage {
    /// A storage client; stores are created on first use of each bucket.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the whole object at `uri`.
    pub async fn get(&self, uri: &str) -> Result<Bytes, StorageError> {
        let (store, path) = self.resolve(uri)?;
        let result = store.get(&path).await.map_err(|e| store_error(uri, e))?;
        result.bytes().await.map_err(|e| store_error(uri, e))
    }

    /// Writes `bytes` to `uri`, atomically.
    pub async fn put(&self, uri: &str, bytes: impl Into<Bytes>) -> Result<(), StorageError> {
        let (store, path) = self.resolve(uri)?;
        store
            .put(&path, PutPayload::from(bytes.into()))
            .await
            .map_err(|e| store_error(uri, e))?;
        Ok(())
    }

    /// Uploads a local file to `uri`, streaming it (a multipart upload above a few MiB), so a
    /// large file never sits in memory whole.
    pub async fn upload_file(&self, local: &Path, uri: &str) -> Result<(), StorageError> {
        let local_error = |e: std::io::Error| StorageError::Unsupported {
            uri: local.display().to_string(),
            reason: e.to_string(),
        };
        let mut file = tokio::fs::File::open(local).await.map_err(local_error)?;
        let (store, path) = self.resolve(uri)?;
        // 8 MiB parts (S3 takes 5 MiB and up), 2 in flight: memory stays near 30 MiB
        // whatever the file's size.
        let mut writer = BufWriter::with_capacity(store, path, 8 << 20).with_max_concurrency(2);
        let copied = tokio::io::copy(&mut file, &mut writer).await;
        match copied {
            Ok(_) => writer.shutdown().await.map_err(|e| io_store_error(uri, e)),
            Err(err) => {
                // Leave nothing half-written behind: a multipart upload is discarded.
                let _ = writer.abort().await;
                Err(io_store_error(uri, err))
            }
        }
    }

    /// Uploads every file under a local directory to the prefix `uri`, each at its path relative
    /// to the directory.
    ///
    /// A symbolic link inside the directory is uploaded as what it points to when that is inside
    /// the directory too; one pointing outside is an error (uploading it could publish any file
    /// of the machine, and skipping it would lose data silently).
    pub async fn upload_dir(&self, local: &Path, uri: &str) -> Result<(), StorageError> {
        let local_error = |path: &Path, reason: String| StorageError::Unsupported {
            uri: path.display().to_string(),
            reason,
        };
        let root = tokio::fs::canonicalize(local)
            .await
            .map_err(|e| local_error(local, e.to_string()))?;
        let mut seen_dirs = std::collections::HashSet::from([root.clone()]);
        let mut pending = vec![local.to_path_buf()];
        while let Some(dir) = pending.pop() {
            let mut entries = tokio::fs::read_dir(&dir)
                .await
                .map_err(|e| local_error(&dir, e.to_string()))?;
            while let Some(entry) = entries
                .next_entry()
                .await
                .map_err(|e| local_error(&dir, e.to_string()))?
            {
                let path = entry.path();
                let kind = entry
                    .file_type()
                    .await
                    .map_err(|e| local_error(&path, e.to_string()))?;
                let is_dir = if kind.is_symlink() {
                    let target = tokio::fs::canonicalize(&path)
                        .await
                        .map_err(|e| local_error(&path, format!("a broken symbolic link: {e}")))?;
                    if !target.starts_with(&root) {
                        return Err(local_error(
                            &path,
                            format!(
                                "a symbolic link to `{}`, outside the directory being uploaded; \
                                 copy what it points to into the directory instead",
                                target.display()
                            ),
                        ));
                    }
                    // A link back up the tree would walk forever.
                    if target.is_dir() && !seen_dirs.insert(target.clone()) {
                        continue;
                    }
                    target.is_dir()
                } else {
                    kind.is_dir()
                };
                if is_dir {
                    pending.push(path);
                } else if let Ok(relative) = path.strip_prefix(local) {
                    let relative: Vec<String> = relative
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect();
                    let target = join(uri, &relative.join("/"));
                    self.upload_file(&path, &target).await?;
                }
            }
        }
        Ok(())
    }

    /// Downloads the object at `uri` into the local file `to`, streaming: the bytes go to a
    /// temporary file next to `to`, renamed into place once complete.
    pub async fn download_file(&self, uri: &str, to: &Path) -> Result<(), StorageError> {
        let (store, path) = self.resolve(uri)?;
        let result = store.get(&path).await.map_err(|e| store_error(uri, e))?;
        let mut stream = result.into_stream();
        let local_error = |e: std::io::Error| StorageError::Unsupported {
            uri: to.display().to_string(),
            reason: e.to_string(),
        };
        let parent = to.parent().unwrap_or(Path::new("."));
        let partial = tempfile::NamedTempFile::new_in(parent).map_err(local_error)?;
        let mut file = tokio::fs::File::from_std(partial.reopen().map_err(local_error)?);
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| store_error(uri, e))?;
            file.write_all(&chunk).await.map_err(local_error)?;
        }
        file.flush().await.map_err(local_error)?;
        drop(file);
        partial.persist(to).map_err(|e| local_error(e.error))?;
        Ok(())
    }

    /// Downloads every object under the prefix `uri` into the local directory `to` (created),
    /// each at its key relative to the prefix; a few at a time.
    pub async fn download_dir(&self, uri: &str, to: &Path) -> Result<(), StorageError> {
        let objects = self.list_relative(uri).await?;
        let local_error = |path: &Path, e: std::io::Error| StorageError::Unsupported {
            uri: path.display().to_string(),
            reason: e.to_string(),
        };
        tokio::fs::create_dir_all(to)
            .await
            .map_err(|e| local_error(to, e))?;
        let downloads = objects
            .into_iter()
            .map(|(object_uri, relative)| async move {
                // Keys come from the store: a `..` segment would step out of `to`.
                if relative
                    .split('/')
                    .any(|part| part == ".." || part == "." || part.is_empty())
                {
                    return Err(StorageError::Unsupported {
                        uri: object_uri,
                        reason: "the key has an empty, `.` or `..` segment below the directory"
                            .into(),
                    });
                }
                let target = to.join(&relative);
                if let Some(parent) = target.parent() {
                    tokio::fs::create_dir_all(parent)
                        .await
                        .map_err(|e| local_error(parent, e))?;
                }
                self.download_file(&object_uri, &target).await
            });
        let mut running = futures::stream::iter(downloads).buffer_unordered(8);
        while let Some(result) = running.next().await {
            result?;
        }
        Ok(())
    }

    /// The URIs of every object under the prefix `uri`, sorted.
    pub async fn list(&self, uri: &str) -> Result<Vec<String>, StorageError> {
        Ok(self
            .list_relative(uri)
            .await?
            .into_iter()
            .map(|(uri, _)| uri)
            .collect())
    }

    /// Every object under the prefix `uri`: its URI and its key relative to the prefix, sorted.
    async fn list_relative(&self, uri: &str) -> Result<Vec<(String, String)>, StorageError> {
        let (store, prefix) = self.resolve(uri)?;
        let base = uri.trim_end_matches('/');
        let mut listing = store.list(Some(&prefix));
        let mut objects = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(|e| store_error(uri, e))?;
            let Some(parts) = meta.location.prefix_match(&prefix) else {
                continue;
            };
            let relative = parts
                .map(|part| part.as_ref().to_string())
                .collect::<Vec<_>>()
                .join("/");
            objects.push((join(base, &relative), relative));
        }
        objects.sort();
        Ok(objects)
    }

    /// The store and object path for a URI.
    fn resolve(&self, uri: &str) -> Result<(Arc<dyn ObjectStore>, ObjectPath), StorageError> {
        let unsupported = |reason: &str| StorageError::Unsupported {
            uri: uri.to_string(),
            reason: reason.to_string(),
        };
        let Some((scheme, rest)) = uri.split_once("://") else {
            return local_location(uri).ok_or_else(|| unsupported("not a valid path"));
        };
        match scheme {
            "file" => local_location(rest).ok_or_else(|| unsupported("not a valid path")),
            "memory" => Ok((memory_store(), object_key(uri, rest)?)),
            "s3" | "s3a" | "gs" | "gcs" | "abfs" | "abfss" | "az" | "azure" => {
                let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
                if bucket.is_empty() {
                    return Err(unsupported("no bucket in the URI"));
                }
                let key = object_key(uri, key)?;
                let store_key = format!("{scheme}://{bucket}");
                let mut stores = self.stores.lock().unwrap_or_else(|e| e.into_inner());
                let store = match stores.get(&store_key) {
                    Some(store) => store.clone(),
                    None => {
                        let store = cloud_store(scheme, bucket, uri).map_err(|e| store_error(uri, e))?;
                        stores.insert(store_key, store.clone());
                        store
                    }
                };
                Ok((store, key))
            }
            other => Err(unsupported(&format!(
                "the scheme `{other}://` is not supported; use a local path, file://, s3://, gs://, abfs://, az:// or memory://"
            ))),
        }
    }
}

/// The object key of a URI, exactly as written: no percent-encoding added, nothing collapsed.
///
/// `object_store`'s `Path::from` would encode `~`, `%`, `[`, `]`... and drop empty segments,
/// so `s3://b/x~1` would be requested as `x%7E1` (and sent as `x%257E1`) and `a//b` as `a/b`:
/// another object, or NotFound. `Path::parse` keeps the key as it is, and refuses what it cannot
/// address (an empty, `.` or `..` segment); that is an error here rather than another object.
fn object_key(uri: &str, key: &str) -> Result<ObjectPath, StorageError> {
    let key = key.strip_suffix('/').unwrap_or(key);
    ObjectPath::parse(key).map_err(|err| StorageError::Unsupported {
        uri: uri.to_string(),
        reason: format!(
            "this object key cannot be addressed without changing it ({err}); keys with an empty, \
             `.` or `..` segment (such as `a//b`) are not supported"
        ),
    })
}

fn io_store_error(uri: &str, error: std::io::Error) -> StorageError {
    // BufWriter reports the store's own errors wrapped in io::Error.
    match error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<object_store::Error>())
    {
        Some(object_store::Error::NotFound { .. }) => StorageError::NotFound(uri.to_string()),
        _ => StorageError::Unsupported {
            uri: uri.to_string(),
            reason: error.to_string(),
        },
    }
}

fn store_error(uri: &str, error: object_store::Error) -> StorageError {
    match error {
        object_store::Error::NotFound { .. } => StorageError::NotFound(uri.to_string()),
        source => StorageError::Store {
            uri: uri.to_string(),
            source,
        },
    }
}

fn local_location(path: &str) -> Option<(Arc<dyn ObjectStore>, ObjectPath)> {
    static LOCAL: OnceLock<Arc<LocalFileSystem>> = OnceLock::new();
    let path = PathBuf::from(path);
    let absolute = if path.is_absolute() {
        path
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let object_path = ObjectPath::from_absolute_path(&absolute).ok()?;
    let store: Arc<dyn ObjectStore> = LOCAL
        .get_or_init(|| Arc::new(LocalFileSystem::new()))
        .clone();
    Some((store, object_path))
}

fn cloud_store(
    scheme: &str,
    bucket: &str,
    uri: &str,
) -> Result<Arc<dyn ObjectStore>, object_store::Error> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    Ok(match scheme {
        "s3" | "s3a" => {
            let mut builder =
                object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
            // Flyte's sandbox points tasks at its MinIO with these.
            let endpoint = env("FLYTE_AWS_ENDPOINT").or_else(|| env("AWS_ENDPOINT_URL"));
            if let Some(endpoint) = &endpoint {
                builder = builder
                    .with_allow_http(endpoint.starts_with("http://"))
                    .with_endpoint(endpoint);
            }
            if let Some(key) = env("FLYTE_AWS_ACCESS_KEY_ID") {
                builder = builder.with_access_key_id(key);
            }
            if let Some(secret) = env("FLYTE_AWS_SECRET_ACCESS_KEY") {
                builder = builder.with_secret_access_key(secret);
            }
            // Without credentials in the environment, object_store asks the instance-metadata
            // service (169.254.169.254), which is right on a cloud node with an instance role
            // but hangs until a timeout anywhere else. Fail at once where it cannot help: a
            // custom endpoint (MinIO, a test server) or metadata switched off as in the AWS SDKs.
            let has_credentials = ["FLYTE_AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID"]
                .iter()
                .any(|name| env(name).is_some())
                || env("AWS_WEB_IDENTITY_TOKEN_FILE").is_some()
                || env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
                || env("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_some()
                || env("AWS_SKIP_SIGNATURE").is_some_and(|v| v == "true");
            let metadata_off = env("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v == "true");
            if !has_credentials && (metadata_off || endpoint.is_some()) {
                return Err(object_store::Error::Generic {
                    store: "S3",
                    source: format!(
                        "no credentials for `{uri}`: set FLYTE_AWS_ACCESS_KEY_ID and \
                         FLYTE_AWS_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and \
                         AWS_SECRET_ACCESS_KEY){}",
                        match &endpoint {
                            Some(endpoint) => format!(" for the endpoint {endpoint}"),
                            None => String::new(),
                        }
                    )
                    .into(),
                });
            }
            if env("AWS_REGION").is_none() && env("AWS_DEFAULT_REGION").is_none() {
                builder = builder.with_region("us-east-1");
            }
            Arc::new(builder.build()?)
        }
        "gs" | "gcs" => Arc::new(
            object_store::gcp::GoogleCloudStorageBuilder::from_env()
                .with_bucket_name(bucket)
                .build()?,
        ),
        _ => Arc::new(
            object_store::azure::MicrosoftAzureBuilder::from_env()
                .with_url(uri)
                .build()?,
        ),
    })
}

/// `prefix` and `name` joined with exactly one `/`.
pub fn join(prefix: &str, name: &str) -> String {
    format!(
        "{}/{}",
        prefix.trim_end_matches('/'),
        name.trim_start_matches('/')
    )
}

/// True when `uri` names a location on a remote store rather than this machine.
pub fn is_remote(uri: &str) -> bool {
    matches!(uri.split_once("://"), Some((scheme, _)) if scheme != "file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_and_memory_round_trip() {
        let storage = Storage::new();
        let dir = std::env::temp_dir().join(format!("flytekit-storage-{}", std::process::id()));
        let file = dir.join("nested/outputs.pb");
        storage
            .put(&file.display().to_string(), vec![1, 2, 3])
            .await
            .unwrap();
        assert_eq!(
            storage
                .get(&format!("file://{}", file.display()))
                .await
                .unwrap()
                .as_ref(),
            [1, 2, 3]
        );
        storage.put("memory://bucket/key", vec![4]).await.unwrap();
        assert_eq!(
            storage.get("memory://bucket/key").await.unwrap().as_ref(),
            [4]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn missing_objects_and_unknown_schemes_are_clear_errors() {
        let storage = Storage::new();
        let err = storage.get("memory://bucket/missing").await.unwrap_err();
        assert_eq!(err.to_string(), "`memory://bucket/missing` does not exist");
        let err = storage.get("ftp://host/file").await.unwrap_err();
        assert!(
            err.to_string()
                .contains("the scheme `ftp://` is not supported"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn keys_are_used_exactly_as_written() {
        let storage = Storage::new();
        for key in ["tilde~1", "a b", "100%", "%7E", "[1]", "ünï ✓", "sub/x+y"] {
            let uri = format!("memory://exact/{key}");
            storage.put(&uri, key.as_bytes().to_vec()).await.unwrap();
            let (_, path) = storage.resolve(&uri).unwrap();
            assert_eq!(path.as_ref(), format!("exact/{key}"));
            assert_eq!(storage.get(&uri).await.unwrap().as_ref(), key.as_bytes());
        }
        let listed = storage.list("memory://exact/").await.unwrap();
        assert_eq!(listed.len(), 7, "{listed:?}");
        assert!(listed.contains(&"memory://exact/sub/x+y".to_string()));
        for bad in [
            "memory://exact/a//b",
            "memory://exact/./b",
            "memory://exact/../b",
        ] {
            let err = storage.get(bad).await.unwrap_err().to_string();
            assert!(
                err.contains("cannot be addressed without changing it"),
                "{err}"
            );
        }
    }

    #[tokio::test]
    async fn directories_upload_and_download_without_leaving_them() {
        let storage = Storage::new();
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("a.txt"), "a").unwrap();
        std::fs::write(dir.join("sub/b.txt"), "b").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.join("a.txt"), dir.join("link.txt")).unwrap();
        storage.upload_dir(&dir, "memory://dirs/up").await.unwrap();
        let mut expected = vec!["memory://dirs/up/a.txt", "memory://dirs/up/sub/b.txt"];
        if cfg!(unix) {
            expected.insert(1, "memory://dirs/up/link.txt");
        }
        assert_eq!(storage.list("memory://dirs/up").await.unwrap(), expected);
        let back = root.path().join("back");
        storage
            .download_dir("memory://dirs/up", &back)
            .await
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(back.join("sub/b.txt")).unwrap(),
            "b"
        );

        // A link out of the directory would publish what it points to: refused.
        #[cfg(unix)]
        {
            let secret = root.path().join("secret.txt");
            std::fs::write(&secret, "s").unwrap();
            std::os::unix::fs::symlink(&secret, dir.join("escape.txt")).unwrap();
            let err = storage
                .upload_dir(&dir, "memory://dirs/escape")
                .await
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("outside the directory being uploaded"),
                "{err}"
            );
        }
    }
}
