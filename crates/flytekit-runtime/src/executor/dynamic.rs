//! A dynamic task node: its body builds a sub-workflow from the node's input values, which then
//! runs inline, on this executor, as a cluster runs the `futures.pb` of a dynamic task.
//!
//! Consumes a registered dynamic task, the node's metadata and input literals; produces the
//! outputs of the sub-workflow (or, when the body called nothing, the plain values it
//! returned). The body is retried like a task's code (recoverable errors, the node's or the
//! task's retry budget) and limited by the timeout (in isolated mode it runs through `execute`
//! in a subprocess, and its `futures.pb` is what runs); the sub-workflow's nodes have their own
//! retries, timeouts and cache, and their failures name them by path (`n1-dn0`). The cache of a
//! cached dynamic task wraps all of it (see `task::run_task_node`).

use std::sync::Arc;
use std::time::Duration;

use flytekit_core::task::TaskEntry;
use flytekit_core::workflow::dynamic::literal_outputs;
use flytekit_core::workflow::identifier;
use flytekit_core::workflow::CompiledWorkflow;
use flytekit_core::TaskError;
use flytekit_idl::core::{
    DynamicJobSpec, LiteralMap, NodeMetadata, ResourceType, WorkflowTemplate,
};

use super::error::ExecutionError;
use super::task::{retries, timeout, with_retries};
use super::workflow::{run_workflow, Frame};
use super::{isolated, Inner};
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
    let inputs = &inputs;
    let built = with_retries(cx, path, entity, retries, |attempt| {
        body_attempt(cx, path, entry, inputs, attempt, timeout)
    })
    .await?;
    let compiled = match built {
        Built::Outputs(outputs) => return Ok(outputs),
        Built::Workflow(compiled) => *compiled,
    };
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

/// What one run of the body built.
enum Built {
    /// A sub-workflow to run.
    Workflow(Box<CompiledWorkflow>),
    /// No node: the outputs themselves.
    Outputs(LiteralMap),
}

/// One run of the body, holding a CPU permit (only while the body runs: the sub-workflow's
/// tasks need them). In isolated mode the body runs through `execute` in a subprocess, which
/// writes `futures.pb` as on a cluster.
async fn body_attempt(
    cx: &Inner,
    path: &str,
    entry: &'static TaskEntry,
    inputs: &LiteralMap,
    attempt: u32,
    timeout: Option<Duration>,
) -> Result<Built, TaskError> {
    let _permit = cx
        .sync_slots
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| TaskError::system("the executor is shutting down"))?;
    if cx.options.isolated {
        let run = isolated::Attempt {
            task: entry.name(),
            node_path: path,
            attempt,
            timeout,
            array_index: None,
            // A dynamic body builds nodes; what it would checkpoint is its children's business.
            checkpoint_path: None,
            prev_checkpoint: None,
        };
        return match isolated::run_any(cx, run, inputs).await? {
            isolated::Produced::Outputs(outputs) => Ok(Built::Outputs(outputs)),
            isolated::Produced::Futures(spec) => {
                Ok(Built::Workflow(Box::new(from_job_spec(entry, spec))))
            }
        };
    }
    let context = local_context(entry, attempt)?;
    let working_dir = context.working_dir.clone();
    let (result, end) =
        run_dynamic_body_reporting(entry, inputs.clone(), Arc::new(context), timeout).await;
    release_dir(&entry.name(), working_dir, end);
    let compiled = result?;
    match literal_outputs(&compiled) {
        Some(outputs) => outputs.map(Built::Outputs),
        None => Ok(Built::Workflow(Box::new(compiled))),
    }
}

/// The sub-workflow a `DynamicJobSpec` describes, as propeller builds it: its nodes and output
/// bindings under the task's interface, with its sub-workflows. Its tasks are this binary's.
fn from_job_spec(entry: &TaskEntry, spec: DynamicJobSpec) -> CompiledWorkflow {
    CompiledWorkflow {
        template: WorkflowTemplate {
            id: Some(identifier(ResourceType::Workflow, &entry.name())),
            interface: Some(entry.interface()),
            nodes: spec.nodes,
            outputs: spec.outputs,
            ..Default::default()
        },
        sub_workflows: spec.subworkflows,
        map_tasks: Vec::new(),
    }
}
