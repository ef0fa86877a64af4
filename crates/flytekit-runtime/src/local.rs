//! Running entities locally with cluster semantics: a task is retried on recoverable errors up
//! to its `retries`, each attempt limited by its `timeout`, with the attempt number in its
//! context, exactly as Flyte would.

use std::sync::Arc;

use flytekit_core::task::TaskEntry;
use flytekit_core::{TaskContext, TaskError};
use flytekit_idl::core::LiteralMap;

use crate::attempt::run_attempt;

/// Where local runs keep their scratch data.
pub fn local_context(entry: &TaskEntry, attempt: u32) -> TaskContext {
    let working_dir = std::env::temp_dir()
        .join("flytekit-local")
        .join(entry.name());
    let _ = std::fs::create_dir_all(&working_dir);
    TaskContext {
        task_id: flytekit_core::context::TaskId {
            name: entry.name(),
            ..Default::default()
        },
        execution_id: flytekit_core::context::ExecutionId {
            name: "local".into(),
            ..Default::default()
        },
        attempt,
        raw_output_prefix: working_dir.join("raw").display().to_string(),
        working_dir,
        ..Default::default()
    }
}

/// Runs a task with its retries and timeout; returns the outputs of the first successful
/// attempt, or the error of the last one.
pub async fn run_task(
    entry: &'static TaskEntry,
    inputs: LiteralMap,
) -> Result<LiteralMap, TaskError> {
    let retries = entry.config.retries;
    let mut attempt = 0;
    loop {
        let context = Arc::new(local_context(entry, attempt));
        match run_attempt(entry, inputs.clone(), context, entry.config.timeout).await {
            Ok(outputs) => return Ok(outputs),
            Err(error) if error.is_recoverable() && attempt < retries => {
                tracing::warn!(task = %entry.name(), attempt, "attempt failed, retrying: {error}");
                attempt += 1;
            }
            Err(error) => return Err(error),
        }
    }
}

/// Builds and runs a workflow locally, blocking the calling thread until it is done. Runs on a
/// thread of its own with its own async runtime, so it works from sync code and from inside an
/// async runtime alike.
pub fn run_workflow_blocking(
    entry: &'static flytekit_core::workflow::WorkflowEntry,
    inputs: LiteralMap,
) -> Result<LiteralMap, String> {
    let handle = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(run_workflow(entry, inputs))
    });
    handle
        .join()
        .map_err(|_| "the workflow thread panicked".to_string())?
}

/// Builds and runs a workflow locally.
pub async fn run_workflow(
    entry: &'static flytekit_core::workflow::WorkflowEntry,
    inputs: LiteralMap,
) -> Result<LiteralMap, String> {
    let compiled =
        flytekit_core::glue::build_workflow(entry).map_err(|errors| errors.join("\n"))?;
    let _ = (compiled, inputs);
    Err("local execution of workflows needs the executor".to_string())
}
