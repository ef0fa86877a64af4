//! How Flyte entities run: the local DAG executor, the task container entrypoint, storage, the
//! local cache, the task context and the command line of the user's binary.
//!
//! May depend on: `flytekit-core`, `flytekit-idl`, tokio, object_store, clap. Never on syn,
//! quote or proc-macro2 (those belong to the build, not to the binary).
