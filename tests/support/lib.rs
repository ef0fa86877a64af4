//! Shared helpers of the cross-crate integration tests.
//!
//! The interop tests compare flytekit-rs with the real Python flytekit. [`PythonEnv`] creates the
//! venv they need on first use (under `target/`, so later runs reuse it) and runs the helper
//! scripts in `tests/python/`.

mod python;

pub use python::{python_dir, PythonEnv};
