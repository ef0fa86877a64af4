//! Running a `#[workflow]` function's workflow locally, from plain (non-async) code: what
//! calling a workflow function does.

use flytekit_core::workflow::WorkflowEntry;
use flytekit_idl::core::LiteralMap;

use crate::executor::{Executor, ExecutorOptions};

/// Builds and runs a workflow, blocking until it is done. It runs on a thread of its own with
/// its own async runtime, so it works from sync code and from inside an async runtime alike.
pub fn run_workflow_blocking(
    entry: &'static WorkflowEntry,
    inputs: LiteralMap,
) -> Result<LiteralMap, String> {
    let handle = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let result = runtime.block_on(run_workflow(entry, inputs, ExecutorOptions::default()));
        // Dropping the runtime would wait for the thread of a sync task that timed out, which
        // may never end; the workflow's result is known, so leave that thread behind.
        runtime.shutdown_background();
        result
    });
    handle
        .join()
        .map_err(|_| "the workflow's thread panicked".to_string())?
}

/// Builds and runs a workflow with the given executor options.
pub async fn run_workflow(
    entry: &'static WorkflowEntry,
    inputs: LiteralMap,
    options: ExecutorOptions,
) -> Result<LiteralMap, String> {
    let compiled =
        flytekit_core::glue::build_workflow(entry).map_err(|errors| errors.join("\n"))?;
    let inputs = with_defaults(entry, inputs)?;
    Executor::new(options)
        .run_workflow(&compiled.template, &compiled.sub_workflows, inputs)
        .await
        .map_err(|err| err.to_string())
}

/// Fills the inputs not given with the workflow's declared defaults.
pub fn with_defaults(entry: &WorkflowEntry, mut inputs: LiteralMap) -> Result<LiteralMap, String> {
    let defaults = entry
        .defaults()
        .map_err(|err| format!("a default of workflow `{}`: {err}", entry.name()))?;
    for (name, literal) in defaults {
        inputs.literals.entry(name).or_insert(literal);
    }
    Ok(inputs)
}
