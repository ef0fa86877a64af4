//! A dynamic task node: its body builds a sub-workflow from the node's input values, which then
//! runs inline, on this executor, as a cluster runs the `futures.pb` of a dynamic task.
//!
//! Consumes a registered dynamic task, the node's metadata and input literals; produces the
//! outputs of the sub-workflow (or, when the body called nothing, the plain values it
//! returned). The body is retried like a task's code (recoverable errors, the node's or the
//! task's retry budget) and limited by the timeout; the sub-workflow's nodes have their own
//! retries, timeouts and cache, and their failures name them by path (`n1-dn0`). The cache of a
//! cached dynamic task wraps all of it (see `task::run_task_node`).

use std::sync::Arc;
use std::time::Duration;

use flytekit_core::task::TaskEntry;
use flytekit_core::workflow::dynamic::literal_outputs;
use flytekit_core::workflow::CompiledWorkflow;
use flytekit_core::TaskError;
use flytekit_idl::core::{LiteralMap, NodeMetadata};

use super::error::ExecutionError;
use super::events::NodePhase;
use super::task::{retries, timeout};
use super::workflow::{run_workflow, Frame};
use super::Inner;
use crate::attempt::run_dynamic_body_reporting;
use crate::local::{local_context, release_dir};

/// How deep dynamic tasks may nest (a dynamic task whose body calls dynamic tasks, ...).
const MAX_DEPTH: usize = 32;

/// Runs dynamic task node `path`.
pub(crate) async fn run_dynamic(
    cx: &Inner,
    path: &str,
    entity: &str,
    entry: &'static TaskEntry,
    metadata: Option<&NodeMetadata>,
    inputs: LiteralMap,
) -> Result<LiteralMap, ExecutionError> {
    if path.matches("-dn").count() >= MAX_DEPTH {
        return Err(ExecutionError::rule(
            path,
            entity,
            format!("dynamic tasks nest more than {MAX_DEPTH} levels deep"),
        ));
    }
    let retries = retries(entry, metadata);
    let timeout = timeout(entry, metadata);
    let mut attempt = 0;
    let compiled = loop {
        match body_attempt(cx, entry, &inputs, attempt, timeout).await {
            Ok(compiled) => break compiled,
            Err(error) if error.is_recoverable() && attempt < retries => {
                tracing::info!(node = path, task = entity, attempt, "retrying: {error}");
                attempt += 1;
                cx.emit(path, entity, NodePhase::Retrying { attempt, error });
            }
            Err(error) => return Err(ExecutionError::task(path, entity, error)),
        }
    };
    if let Some(outputs) = literal_outputs(&compiled) {
        return outputs.map_err(|error| ExecutionError::task(path, entity, error));
    }
    let frame = Frame {
        sub_workflows: &compiled.sub_workflows,
        prefix: format!("{path}-"),
        stack: vec![entry.name()],
    };
    run_workflow(cx, frame, &compiled.template, LiteralMap::default())
        .await
        .map_err(|mut error| {
            // A failure of the sub-workflow as a whole belongs to this node.
            if error.node_id.is_empty() {
                error.node_id = path.to_string();
            }
            error
        })
}

/// One run of the body, holding a CPU permit (only while the body runs: the sub-workflow's
/// tasks need them).
async fn body_attempt(
    cx: &Inner,
    entry: &'static TaskEntry,
    inputs: &LiteralMap,
    attempt: u32,
    timeout: Option<Duration>,
) -> Result<CompiledWorkflow, TaskError> {
    let _permit = cx
        .sync_slots
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| TaskError::system("the executor is shutting down"))?;
    let context = local_context(entry, attempt)?;
    let working_dir = context.working_dir.clone();
    let (result, end) =
        run_dynamic_body_reporting(entry, inputs.clone(), Arc::new(context), timeout).await;
    release_dir(&entry.name(), working_dir, end);
    result
}
