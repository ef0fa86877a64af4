//! Checkpoints: what an attempt saves so that the next attempt of the same task resumes from it
//! instead of starting over (flytekit's `SyncCheckpoint`).
//!
//! On a cluster Flyte gives every attempt a checkpoint prefix (`--checkpoint-path`) and, from the
//! second attempt on, the previous attempt's (`--prev-checkpoint`); locally the executor does the
//! same with folders of its own. The layout is flytekit's: [`Checkpoint::write`] stores one object
//! `_dst_cp` under the prefix, [`Checkpoint::save`] a file under its own name or a directory's
//! files under their relative paths, and [`Checkpoint::read`] expects exactly one file.
//!
//! ```no_run
//! use flytekit_core::{current_context, TaskError};
//!
//! fn train(epochs: u32) -> Result<u32, TaskError> {
//!     let checkpoint = current_context().checkpoint();
//!     let start = match checkpoint.read()? {
//!         Some(bytes) => String::from_utf8_lossy(&bytes).parse().unwrap_or(0),
//!         None => 0,
//!     };
//!     for epoch in start..epochs {
//!         // ... one epoch of work ...
//!         checkpoint.write((epoch + 1).to_string().as_bytes())?;
//!     }
//!     Ok(epochs)
//! }
//! ```

use std::path::{Path, PathBuf};

use crate::types::blob_store::{blob_store, block_on};
use crate::types::FileError;

/// The object [`Checkpoint::write`] stores under the checkpoint prefix (flytekit's
/// `SyncCheckpoint.TMP_DST_PATH`).
pub const WRITTEN_CHECKPOINT: &str = "_dst_cp";

/// The checkpoint handle of one attempt; get it with
/// [`TaskContext::checkpoint`](crate::TaskContext::checkpoint).
#[derive(Debug, Clone)]
pub struct Checkpoint {
    destination: Option<String>,
    previous: Option<String>,
    working_dir: PathBuf,
}

impl Checkpoint {
    /// A handle writing under `destination` and restoring from `previous`, downloading into
    /// `working_dir`.
    pub fn new(
        destination: Option<String>,
        previous: Option<String>,
        working_dir: impl Into<PathBuf>,
    ) -> Self {
        let present = |s: Option<String>| s.filter(|s| !s.is_empty());
        Checkpoint {
            destination: present(destination),
            previous: present(previous),
            working_dir: working_dir.into(),
        }
    }

    /// True when an earlier attempt may have left a checkpoint (Flyte gave its prefix).
    pub fn prev_exists(&self) -> bool {
        self.previous.is_some()
    }

    /// Where this attempt's checkpoint goes, if checkpointing is available.
    pub fn destination(&self) -> Option<&str> {
        self.destination.as_deref()
    }

    /// The previous attempt's checkpoint in a local folder (downloaded on the first call, the
    /// same folder after), or `None` on a first attempt.
    pub fn restore(&self) -> Result<Option<PathBuf>, FileError> {
        block_on(self.restore_async())
    }

    /// [`restore`](Self::restore) for async tasks.
    pub async fn restore_async(&self) -> Result<Option<PathBuf>, FileError> {
        let Some(previous) = &self.previous else {
            return Ok(None);
        };
        let local = self
            .working_dir
            .join("flytekit-checkpoint")
            .join("previous");
        if local.exists() {
            return Ok(Some(local));
        }
        let partial = local.with_extension("partial");
        let _ = std::fs::remove_dir_all(&partial);
        std::fs::create_dir_all(&partial).map_err(|err| {
            FileError::new(
                previous,
                format!(
                    "cannot restore the checkpoint into `{}`: {err}",
                    partial.display()
                ),
            )
        })?;
        let store = blob_store(previous)?;
        match store.download_dir(previous, &partial).await {
            Ok(()) => {}
            // An attempt that saved nothing leaves an empty prefix: nothing to restore.
            Err(err) if err.is_not_found() => {}
            Err(err) => return Err(err),
        }
        std::fs::rename(&partial, &local).map_err(|err| {
            FileError::new(
                previous,
                format!(
                    "cannot restore the checkpoint into `{}`: {err}",
                    local.display()
                ),
            )
        })?;
        Ok(Some(local))
    }

    /// The bytes of the previous attempt's checkpoint, when it saved exactly one file; `None`
    /// when there is no previous checkpoint or it is empty.
    pub fn read(&self) -> Result<Option<Vec<u8>>, FileError> {
        block_on(self.read_async())
    }

    /// [`read`](Self::read) for async tasks.
    pub async fn read_async(&self) -> Result<Option<Vec<u8>>, FileError> {
        let Some(local) = self.restore_async().await? else {
            return Ok(None);
        };
        let files = files_under(&local).map_err(|err| {
            FileError::new(
                local.display().to_string(),
                format!("cannot read the restored checkpoint: {err}"),
            )
        })?;
        match files.as_slice() {
            [] => Ok(None),
            [one] => std::fs::read(one).map(Some).map_err(|err| {
                FileError::new(
                    one.display().to_string(),
                    format!("cannot read the restored checkpoint: {err}"),
                )
            }),
            many => Err(FileError::new(
                self.previous.clone().unwrap_or_default(),
                format!(
                    "the previous checkpoint holds {} files, not one; use restore() to get them all",
                    many.len()
                ),
            )),
        }
    }

    /// Replaces this attempt's checkpoint by `bytes` (the object `_dst_cp` under the prefix).
    pub fn write(&self, bytes: &[u8]) -> Result<(), FileError> {
        block_on(self.write_async(bytes))
    }

    /// [`write`](Self::write) for async tasks.
    pub async fn write_async(&self, bytes: &[u8]) -> Result<(), FileError> {
        let destination = self.require_destination()?;
        let folder = self.working_dir.join("flytekit-checkpoint");
        let local = folder.join(WRITTEN_CHECKPOINT);
        std::fs::create_dir_all(&folder)
            .and_then(|()| std::fs::write(&local, bytes))
            .map_err(|err| {
                FileError::new(
                    destination,
                    format!(
                        "cannot stage the checkpoint in `{}`: {err}",
                        local.display()
                    ),
                )
            })?;
        let target = format!("{}/{WRITTEN_CHECKPOINT}", destination.trim_end_matches('/'));
        blob_store(destination)?.upload_file(&local, &target).await
    }

    /// Saves a local file (under its own name) or directory (its files at their relative
    /// paths) as this attempt's checkpoint.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), FileError> {
        block_on(self.save_async(path.as_ref()))
    }

    /// [`save`](Self::save) for async tasks.
    pub async fn save_async(&self, path: &Path) -> Result<(), FileError> {
        let destination = self.require_destination()?;
        let store = blob_store(destination)?;
        if path.is_dir() {
            return store.upload_dir(path, destination).await;
        }
        let Some(name) = path.file_name() else {
            return Err(FileError::new(
                path.display().to_string(),
                "a checkpoint file needs a file name",
            ));
        };
        let target = format!(
            "{}/{}",
            destination.trim_end_matches('/'),
            name.to_string_lossy()
        );
        store.upload_file(path, &target).await
    }

    fn require_destination(&self) -> Result<&str, FileError> {
        self.destination.as_deref().ok_or_else(|| {
            FileError::new(
                "",
                "this attempt has no checkpoint location: Flyte passes `--checkpoint-path` to \
                 `execute`, and `run` gives every task attempt one; a task called as a plain \
                 function has none",
            )
        })
    }
}

/// Every file under `root`, sorted.
fn files_under(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                pending.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_attempt_has_nothing_to_restore() {
        let checkpoint = Checkpoint::new(Some("s3://b/cp/0".into()), Some(String::new()), "/tmp");
        assert!(!checkpoint.prev_exists());
        assert_eq!(checkpoint.restore().unwrap(), None);
        assert_eq!(checkpoint.read().unwrap(), None);
        assert_eq!(checkpoint.destination(), Some("s3://b/cp/0"));
    }

    #[test]
    fn without_a_location_writing_says_why() {
        let checkpoint = Checkpoint::new(None, None, "/tmp");
        let err = checkpoint.write(b"x").unwrap_err();
        assert!(err.to_string().contains("no checkpoint location"), "{err}");
    }
}
