//! How Flyte entities run: the local executor, the task container entrypoint, storage, and the
//! command line of the user's binary.
//!
//! A user's binary calls [`main`] (re-exported as `flytekit::main`), which offers:
//!
//! - `list`: the tasks, workflows and launch plans linked into the binary;
//! - `run <task> --input value ...`: run locally with cluster semantics (retries of recoverable
//!   errors, timeouts) and print the outputs as JSON;
//! - `execute ...`: the container entrypoint Flyte runs on a cluster;
//! - `package` / `serialize`: every task, workflow and launch plan as the files
//!   `flytectl register files` takes (a `.tgz`, or a folder).
//!
//! May depend on: `flytekit-core`, `flytekit-idl`, tokio, object_store, clap, tracing. Never on
//! syn, quote or proc-macro2 (those belong to the build, not to the binary).

pub mod attempt;
mod cli;
pub mod cli_inputs;
pub mod dockerfile;
pub mod entrypoint;
pub mod executor;
pub mod files;
pub mod local;
pub mod package;
pub mod storage;
pub mod workflow_run;

pub use cli::run_cli;

/// The entry point of a binary of Flyte tasks: parses the command line, does what it asks and
/// exits with its status.
///
/// Call it as the whole body of your `main`: `fn main() { flytekit::main() }`.
pub fn main() -> ! {
    let code = run_cli(std::env::args_os());
    std::process::exit(code)
}
