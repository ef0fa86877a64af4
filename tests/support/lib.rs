//! Shared helpers of the cross-crate integration tests.
//!
//! The interop tests compare flytekit-rs with the real Python flytekit. [`PythonEnv`] creates the
//! venv they need on first use (under `target/`, so later runs reuse it) and runs the helper
//! scripts in `tests/python/`. [`browser`] renders decks in headless Chromium; [`datasets`]
//! runs a task binary's `execute` against flytekit's StructuredDataset encoders.

pub mod browser;
pub mod datasets;
mod python;
mod s3;

use std::path::{Path, PathBuf};

pub use python::{python_dir, PythonEnv};
pub use s3::{with_server, S3Server, BUCKET};

/// An empty dir for one test: `<target_tmp>/<group>/<name>`, emptied if an earlier run left it.
/// Pass `env!("CARGO_TARGET_TMPDIR")` (set only when integration tests are compiled) and the
/// test file's name as `group`, so test binaries running in parallel never share a dir.
pub fn scratch_dir(target_tmp: &str, group: &str, name: &str) -> PathBuf {
    let dir = Path::new(target_tmp).join(group).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|err| panic!("cannot create {}: {err}", dir.display()));
    dir
}
