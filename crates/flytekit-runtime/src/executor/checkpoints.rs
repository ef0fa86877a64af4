//! Where the attempts of a local run keep their checkpoints, so that a retried attempt restores
//! what the one before it saved, as on a cluster.
//!
//! One private folder per executor, made on the first attempt that asks and removed with the
//! executor; under it a folder per task node execution, and in that one `a<n>` per attempt.
//! Attempt `n` writes to `a<n>` and restores from `a<n-1>`. Nothing is created until a task
//! saves a checkpoint (the store creates the folders it writes into), so tasks that never
//! checkpoint cost one path formatted per attempt. The elements of a map get `e<i>` folders
//! under the map node's, shared by an element's first attempt and its retries.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use crate::local::private_dir;

/// The executor-wide folder, created on first use.
#[derive(Debug, Default)]
pub(crate) struct CheckpointRoot {
    dir: OnceLock<Option<PathBuf>>,
    next: AtomicU64,
}

impl CheckpointRoot {
    /// The checkpoint locations of a new execution of the task node `node_path`.
    pub(crate) fn node(&self, node_path: &str) -> NodeCheckpoints {
        let root = self
            .dir
            .get_or_init(|| match private_dir("checkpoints") {
                Ok(dir) => Some(dir),
                Err(err) => {
                    tracing::warn!("no checkpoints in this run: cannot create their folder: {err}");
                    None
                }
            })
            .clone();
        let label: String = node_path
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .take(64)
            .collect();
        let number = self.next.fetch_add(1, Ordering::Relaxed);
        NodeCheckpoints {
            dir: root.map(|root| root.join(format!("{label}-{number}"))),
        }
    }
}

impl Drop for CheckpointRoot {
    fn drop(&mut self) {
        if let Some(Some(dir)) = self.dir.get() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// The checkpoint folders of one task node's attempts.
#[derive(Debug, Clone)]
pub(crate) struct NodeCheckpoints {
    dir: Option<PathBuf>,
}

impl NodeCheckpoints {
    /// The checkpoint folders of element `index` of a map whose node these are: the first
    /// attempt (run in a batch or a lane) and the retries (run as the element's own node)
    /// share them, so a retry restores what the first attempt saved.
    pub(crate) fn element(&self, index: usize) -> NodeCheckpoints {
        NodeCheckpoints {
            dir: self.dir.as_ref().map(|dir| dir.join(format!("e{index}"))),
        }
    }

    /// The checkpoint path of the first attempt (`a0`) of element `index`: the path
    /// `element(index).of_attempt(0)` gives, in one `format!` (a map's batch runs an element in
    /// about 2.5 µs, so two path joins per element would show).
    pub(crate) fn first_attempt_of_element(&self, index: usize) -> Option<String> {
        self.dir
            .as_ref()
            .map(|dir| format!("{}/e{index}/a0", dir.display()))
    }

    /// `(checkpoint path, previous checkpoint)` of attempt `attempt`.
    pub(crate) fn of_attempt(&self, attempt: u32) -> (Option<String>, Option<String>) {
        let Some(dir) = &self.dir else {
            return (None, None);
        };
        let path = |n: u32| dir.join(format!("a{n}")).display().to_string();
        let previous = attempt.checked_sub(1).map(path);
        (Some(path(attempt)), previous)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_elements_first_attempt_is_attempt_0_of_its_folders() {
        let root = CheckpointRoot::default();
        let node = root.node("n0");
        assert_eq!(
            node.first_attempt_of_element(7),
            node.element(7).of_attempt(0).0
        );
        assert_eq!(
            node.element(7).of_attempt(1).1,
            node.first_attempt_of_element(7)
        );
    }

    #[test]
    fn attempts_restore_from_the_one_before() {
        let root = CheckpointRoot::default();
        let node = root.node("n0-n1");
        let (first, none) = node.of_attempt(0);
        assert!(none.is_none());
        let (second, previous) = node.of_attempt(1);
        assert_eq!(previous, first);
        assert_ne!(second, first);
        let other = root.node("n0-n1");
        assert_ne!(
            other.of_attempt(0).0,
            first,
            "each execution has its own folder"
        );
        let dir = root.dir.get().cloned().flatten().unwrap();
        assert!(dir.exists());
        drop(root);
        assert!(!dir.exists(), "the folder goes with the executor");
    }
}
