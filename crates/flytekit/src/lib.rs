//! flytekit-rs: write Flyte tasks and workflows in Rust.
//!
//! This is the crate users depend on. It re-exports the pieces of the SDK:
//!
//! - [`idl`]: the Flyte v1 IDL types (`flyteidl.core`, `flyteidl.admin`), wire-compatible with
//!   Flyte and Python flytekit;
//! - [`core`]: what entities are (types, interfaces, specs);
//! - [`runtime`]: how they run (local executor, container entrypoint, CLI).
//!
//! May depend on every crate of flytekit-rs; nothing depends on it but users and examples.

pub use flytekit_core as core;
pub use flytekit_idl as idl;
pub use flytekit_runtime as runtime;
