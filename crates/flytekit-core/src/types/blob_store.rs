//! How a [`FlyteFile`](super::FlyteFile) or [`FlyteDirectory`](super::FlyteDirectory) that lives
//! on object storage reaches the task's disk.
//!
//! Core may not depend on tokio or object_store, so the runtime installs a [`BlobStore`] at
//! start-up ([`install_blob_store`]) and the file types call it. Its futures are `'static` and
//! carry their own executor (the runtime runs them on an I/O runtime of its own), so the same
//! future can be awaited from any async task or blocked on from a sync one ([`block_on`], a
//! thread-parking waker: no executor needed on the calling thread).

use std::future::Future;
use std::path::Path;
use std::pin::{pin, Pin};
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll, Wake, Waker};

/// The code of a failed download of task data: flytekit's `FlyteDownloadDataException`
/// (SYSTEM origin, recoverable: moving data is the platform's job, and a retry may succeed).
pub const DOWNLOAD_DATA_ERROR: &str = "SYSTEM:DownloadDataError";

/// Moving a file or directory between object storage and the local disk failed.
///
/// Returned by [`FlyteFile::download`](super::FlyteFile::download) and friends. With `?` in a
/// task it becomes a recoverable SYSTEM [`TaskError`](crate::TaskError) with the code
/// [`DOWNLOAD_DATA_ERROR`], as flytekit reports a failed download.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FileError {
    uri: String,
    message: String,
    not_found: bool,
}

impl FileError {
    /// Nothing is stored at `uri`.
    pub fn not_found(uri: impl Into<String>) -> Self {
        let uri = uri.into();
        FileError {
            message: format!("cannot read `{uri}`: it does not exist"),
            uri,
            not_found: true,
        }
    }

    /// Another failure at `uri`, described by `message`.
    pub fn new(uri: impl Into<String>, message: impl Into<String>) -> Self {
        FileError {
            uri: uri.into(),
            message: message.into(),
            not_found: false,
        }
    }

    /// The location that failed.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// True when the object does not exist.
    pub fn is_not_found(&self) -> bool {
        self.not_found
    }
}

/// A `'static` future of a [`BlobStore`] operation.
pub type BlobFuture<T> = Pin<Box<dyn Future<Output = Result<T, FileError>> + Send>>;

/// Object storage as the file types need it; implemented by the runtime over `object_store`.
pub trait BlobStore: Send + Sync {
    /// Downloads the object at `uri` into the local file `to` (its parent exists), streaming,
    /// so that `to` appears whole or not at all.
    fn download_file(&self, uri: &str, to: &Path) -> BlobFuture<()>;

    /// Downloads every object under the prefix `uri` into the local directory `to`, each at its
    /// key relative to the prefix.
    fn download_dir(&self, uri: &str, to: &Path) -> BlobFuture<()>;

    /// The URIs of every object under the prefix `uri`, sorted.
    fn list(&self, uri: &str) -> BlobFuture<Vec<String>>;

    /// The whole object at `uri`, in memory (for small objects such as offloaded literals).
    fn read(&self, uri: &str) -> BlobFuture<Vec<u8>>;

    /// Uploads the local file `from` to `uri`, streaming, atomically.
    fn upload_file(&self, from: &Path, uri: &str) -> BlobFuture<()>;

    /// Uploads every file under the local directory `from` to the prefix `uri`, each at its
    /// path relative to `from`.
    fn upload_dir(&self, from: &Path, uri: &str) -> BlobFuture<()>;
}

static STORE: RwLock<Option<Arc<dyn BlobStore>>> = RwLock::new(None);

/// Installs the store the file types download through (the runtime calls this at start-up;
/// a later call replaces the store).
pub fn install_blob_store(store: Arc<dyn BlobStore>) {
    // A poisoned lock only means a thread panicked while swapping; the slot is still valid.
    *STORE.write().unwrap_or_else(|e| e.into_inner()) = Some(store);
}

/// The installed store, if the runtime installed one.
pub(crate) fn installed_blob_store() -> Option<Arc<dyn BlobStore>> {
    STORE.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// The installed store, or an error naming `uri` when no runtime installed one.
pub(crate) fn blob_store(uri: &str) -> Result<Arc<dyn BlobStore>, FileError> {
    STORE
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .ok_or_else(|| {
            FileError::new(
                uri,
                format!(
                    "cannot read `{uri}`: no object storage is set up in this process; the \
                     flytekit runtime sets it up when it runs a task (`run`, `execute`, the \
                     local executor)"
                ),
            )
        })
}

/// Runs `future` to completion on the calling thread, parking it while the future waits.
///
/// Meant for futures that make progress elsewhere (a [`BlobStore`]'s run on the runtime's own
/// I/O threads), so a sync task can wait for a download without an executor of its own.
pub fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        match future.as_mut().poll(&mut context) {
            Poll::Ready(output) => return output,
            // A spurious unpark only costs one more poll.
            Poll::Pending => std::thread::park(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_on_waits_for_a_future_woken_from_another_thread() {
        let (sender, receiver) = std::sync::mpsc::channel::<Waker>();
        struct Later(
            Option<std::sync::mpsc::Receiver<u8>>,
            std::sync::mpsc::Sender<Waker>,
        );
        impl Future for Later {
            type Output = u8;
            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u8> {
                if let Ok(value) = self.0.as_ref().unwrap().try_recv() {
                    return Poll::Ready(value);
                }
                let _ = self.1.send(cx.waker().clone());
                Poll::Pending
            }
        }
        let (values, value_receiver) = std::sync::mpsc::channel();
        let waker_thread = std::thread::spawn(move || {
            let waker = receiver.recv().unwrap();
            values.send(7).unwrap();
            waker.wake();
        });
        assert_eq!(block_on(Later(Some(value_receiver), sender)), 7);
        waker_thread.join().unwrap();
    }

    #[test]
    fn file_errors_keep_their_uri_and_kind() {
        let err = FileError::new("s3://b/k", "x");
        assert_eq!(err.uri(), "s3://b/k");
        assert!(!err.is_not_found());
        assert!(FileError::not_found("s3://b/k").is_not_found());
    }
}
