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
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

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

    /// Uploads a local file to `uri`.
    pub async fn upload_file(&self, local: &Path, uri: &str) -> Result<(), StorageError> {
        let bytes = tokio::fs::read(local)
            .await
            .map_err(|e| StorageError::Unsupported {
                uri: local.display().to_string(),
                reason: e.to_string(),
            })?;
        self.put(uri, bytes).await
    }

    /// Uploads every file under a local directory to the prefix `uri`.
    pub async fn upload_dir(&self, local: &Path, uri: &str) -> Result<(), StorageError> {
        let mut pending = vec![local.to_path_buf()];
        while let Some(dir) = pending.pop() {
            let mut entries =
                tokio::fs::read_dir(&dir)
                    .await
                    .map_err(|e| StorageError::Unsupported {
                        uri: dir.display().to_string(),
                        reason: e.to_string(),
                    })?;
            while let Ok(Some(entry)) = entries.next_entry().await {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else if let Ok(relative) = path.strip_prefix(local) {
                    let target = join(uri, &relative.to_string_lossy());
                    self.upload_file(&path, &target).await?;
                }
            }
        }
        Ok(())
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
            "memory" => Ok((memory_store(), ObjectPath::from(rest))),
            "s3" | "s3a" | "gs" | "gcs" | "abfs" | "abfss" | "az" | "azure" => {
                let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
                if bucket.is_empty() {
                    return Err(unsupported("no bucket in the URI"));
                }
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
                Ok((store, ObjectPath::from(key)))
            }
            other => Err(unsupported(&format!(
                "the scheme `{other}://` is not supported; use a local path, file://, s3://, gs://, abfs://, az:// or memory://"
            ))),
        }
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
            if let Some(endpoint) = env("FLYTE_AWS_ENDPOINT").or_else(|| env("AWS_ENDPOINT_URL")) {
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
}
