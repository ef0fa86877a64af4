//! One node of any kind, given its evaluated inputs: task, sub-workflow, launch plan, branch,
//! gate or array node.
//!
//! Consumes a `Node`, its id path, its input literals and the [`Env`] its sub-nodes' bindings
//! read (a branch's then-node binds to the enclosing workflow's nodes); produces the node's
//! outputs. Reports `Started` and then `Succeeded` / `Failed` for the node, or `Aborted` when
//! its future is dropped before it finishes (the workflow stopped after another failure).

use std::collections::BTreeMap;
use std::time::Instant;

use flytekit_core::registry;
use flytekit_idl::core::{
    gate_node, if_else_block, node, task_node, workflow_node, BranchNode, Identifier, LiteralMap,
    Node,
};
use futures::future::BoxFuture;

use super::bindings::{eval_bindings, Env};
use super::error::ExecutionError;
use super::events::NodePhase;
use super::gate::{self, GateError};
use super::workflow::{run_workflow, Frame};
use super::{array, condition, task, Inner};

/// How deep sub-workflows and launch plans may nest.
const MAX_NESTING: usize = 32;

/// What a node runs, for events and errors: a task / workflow / launch-plan name, `branch
/// <name>`, `sleep 5s`, `signal <id>`, `approve <id>`, `map <task>`.
pub(crate) fn entity_name(node: &Node) -> String {
    match &node.target {
        None => String::new(),
        Some(node::Target::TaskNode(t)) => match &t.reference {
            Some(task_node::Reference::ReferenceId(id)) => id.name.clone(),
            None => String::new(),
        },
        Some(node::Target::WorkflowNode(w)) => match &w.reference {
            Some(workflow_node::Reference::SubWorkflowRef(id))
            | Some(workflow_node::Reference::LaunchplanRef(id)) => id.name.clone(),
            None => String::new(),
        },
        Some(node::Target::BranchNode(_)) => match node.metadata.as_ref().map(|m| &m.name) {
            Some(name) if !name.is_empty() => format!("branch {name}"),
            _ => "branch".to_string(),
        },
        Some(node::Target::GateNode(g)) => gate::describe(g),
        Some(node::Target::ArrayNode(a)) => match a.node.as_deref().map(entity_name) {
            // The sub-node calls the map-task entity; name the task it maps.
            Some(sub) if !sub.is_empty() => {
                let task = flytekit_core::workflow::mapped_task_name(&sub).unwrap_or(sub);
                format!("map {task}")
            }
            _ => "map".to_string(),
        },
    }
}

/// Reports `Aborted` if the node's future is dropped before it finishes.
struct AbortGuard<'a> {
    cx: &'a Inner,
    path: &'a str,
    entity: &'a str,
    finished: bool,
}

impl Drop for AbortGuard<'_> {
    fn drop(&mut self) {
        if !self.finished {
            self.cx.emit(self.path, self.entity, NodePhase::Aborted);
        }
    }
}

/// Runs `node` (at id path `path`) on `inputs`, reporting its progress.
pub(crate) fn run_node<'a>(
    cx: &'a Inner,
    frame: &'a Frame<'a>,
    node: &'a Node,
    path: String,
    inputs: LiteralMap,
    env: &'a Env,
    array_index: Option<usize>,
) -> BoxFuture<'a, Result<LiteralMap, ExecutionError>> {
    Box::pin(async move {
        let entity = entity_name(node);
        let started = Instant::now();
        cx.emit(&path, &entity, NodePhase::Started);
        let mut guard = AbortGuard {
            cx,
            path: &path,
            entity: &entity,
            finished: false,
        };
        let result = execute(cx, frame, node, &path, &entity, inputs, env, array_index).await;
        guard.finished = true;
        let elapsed = started.elapsed();
        match result {
            Ok((mut outputs, cached)) => {
                for alias in &node.output_aliases {
                    if let Some(value) = outputs.literals.get(&alias.var).cloned() {
                        outputs.literals.insert(alias.alias.clone(), value);
                    }
                }
                cx.emit(&path, &entity, NodePhase::Succeeded { cached, elapsed });
                Ok(outputs)
            }
            Err(error) => {
                let phase = NodePhase::Failed {
                    error: error.clone(),
                    elapsed,
                };
                cx.emit(&path, &entity, phase);
                Err(error)
            }
        }
    })
}

#[allow(clippy::too_many_arguments)]
async fn execute(
    cx: &Inner,
    frame: &Frame<'_>,
    node: &Node,
    path: &str,
    entity: &str,
    inputs: LiteralMap,
    env: &Env,
    array_index: Option<usize>,
) -> Result<(LiteralMap, bool), ExecutionError> {
    let malformed = |message: String| ExecutionError::malformed(path, entity, message);
    match &node.target {
        None => Err(malformed(
            "the node has no target (a task, workflow, branch, gate or array node)".to_string(),
        )),
        Some(node::Target::TaskNode(task_node)) => {
            let Some(task_node::Reference::ReferenceId(id)) = &task_node.reference else {
                return Err(malformed("the task node references no task".to_string()));
            };
            let entry =
                registry::task(&id.name).ok_or_else(
                    || match super::reference::missing_task_message(id) {
                        Some(message) => ExecutionError::rule(path, entity, message),
                        None => malformed(format!(
                            "no task named `{}` in this binary (`list` shows its tasks)",
                            id.name
                        )),
                    },
                )?;
            let metadata = node.metadata.as_ref();
            task::run_task_node(cx, path, entity, entry, metadata, inputs, array_index).await
        }
        Some(node::Target::WorkflowNode(workflow_node)) => match &workflow_node.reference {
            None => Err(malformed(
                "the workflow node references no workflow".to_string(),
            )),
            Some(workflow_node::Reference::SubWorkflowRef(id)) => {
                let workflow = frame
                    .sub_workflows
                    .iter()
                    .find(|w| w.id.as_ref().is_some_and(|w| w.name == id.name))
                    .ok_or_else(|| {
                        let known: Vec<String> = frame
                            .sub_workflows
                            .iter()
                            .filter_map(|w| w.id.as_ref().map(|id| format!("`{}`", id.name)))
                            .collect();
                        malformed(format!(
                            "sub-workflow `{}` is not among the sub-workflows given ({})",
                            id.name,
                            if known.is_empty() {
                                "there are none".to_string()
                            } else {
                                known.join(", ")
                            }
                        ))
                    })?;
                let inner =
                    nested_frame(frame, path, id, frame.sub_workflows).map_err(malformed)?;
                let outputs = run_workflow(cx, inner, workflow, inputs)
                    .await
                    .map_err(|e| locate(e, path))?;
                Ok((outputs, false))
            }
            Some(workflow_node::Reference::LaunchplanRef(id)) => {
                let resolved = cx
                    .options
                    .launch_plans
                    .as_ref()
                    .and_then(|resolve| resolve(id));
                let stand_in = || super::reference::local_launch_plan(id);
                let target = match resolved.map(Ok).or_else(stand_in) {
                    Some(Ok(target)) => target,
                    Some(Err(message)) => return Err(ExecutionError::rule(path, entity, message)),
                    None if cx.options.launch_plans.is_none() => {
                        return Err(ExecutionError::rule(
                            path,
                            entity,
                            format!(
                                "launch plan `{}` cannot run locally: this executor has no \
                                 launch-plan resolver (ExecutorOptions::launch_plans)",
                                id.name
                            ),
                        ))
                    }
                    None => return Err(malformed(format!("unknown launch plan `{}`", id.name))),
                };
                let mut merged: BTreeMap<_, _> = target.default_inputs.literals.clone();
                merged.extend(inputs.literals);
                merged.extend(target.fixed_inputs.literals.clone());
                let inner =
                    nested_frame(frame, path, id, &target.sub_workflows).map_err(malformed)?;
                let outputs =
                    run_workflow(cx, inner, &target.workflow, LiteralMap { literals: merged })
                        .await
                        .map_err(|e| locate(e, path))?;
                Ok((outputs, false))
            }
        },
        Some(node::Target::BranchNode(branch)) => {
            let outputs = run_branch(cx, frame, branch, path, entity, &inputs, env).await?;
            Ok((outputs, false))
        }
        Some(node::Target::GateNode(gate)) => {
            // A signal or approval waits at most the node's timeout (a sleep is its own time).
            let waits = !matches!(gate.condition, Some(gate_node::Condition::Sleep(_)));
            let limit = task::node_timeout(node.metadata.as_ref()).filter(|_| waits);
            let result = match limit {
                Some(limit) => tokio::time::timeout(limit, gate::run_gate(cx, path, gate, inputs))
                    .await
                    .unwrap_or_else(|_| {
                        Err(GateError::Rule(format!(
                            "timed out after {} waiting for {entity}",
                            crate::attempt::humanize(limit)
                        )))
                    }),
                None => gate::run_gate(cx, path, gate, inputs).await,
            };
            match result {
                Ok(outputs) => Ok((outputs, false)),
                Err(GateError::Rule(message)) => Err(ExecutionError::rule(path, entity, message)),
                Err(GateError::Malformed(message)) => Err(malformed(message)),
            }
        }
        Some(node::Target::ArrayNode(array)) => {
            let outputs = array::run_array(cx, frame, array, path, entity, inputs, env).await?;
            Ok((outputs, false))
        }
    }
}

/// The frame of a workflow nested in node `path`; refuses workflows that call themselves.
fn nested_frame<'a>(
    frame: &Frame<'_>,
    path: &str,
    id: &Identifier,
    sub_workflows: &'a [flytekit_idl::core::WorkflowTemplate],
) -> Result<Frame<'a>, String> {
    if frame.stack.iter().any(|name| name == &id.name) {
        return Err(format!(
            "workflow `{}` runs itself (through {})",
            id.name,
            frame.stack.join(" -> ")
        ));
    }
    if frame.stack.len() >= MAX_NESTING {
        return Err(format!(
            "workflows nest more than {MAX_NESTING} levels deep"
        ));
    }
    let mut stack = frame.stack.clone();
    stack.push(id.name.clone());
    Ok(Frame {
        sub_workflows,
        prefix: format!("{path}-"),
        stack,
    })
}

/// A failure of a nested workflow as a whole belongs to the node that runs it.
fn locate(mut error: ExecutionError, path: &str) -> ExecutionError {
    if error.node_id.is_empty() {
        error.node_id = path.to_string();
    }
    error
}

async fn run_branch(
    cx: &Inner,
    frame: &Frame<'_>,
    branch: &BranchNode,
    path: &str,
    entity: &str,
    inputs: &LiteralMap,
    env: &Env,
) -> Result<LiteralMap, ExecutionError> {
    let malformed = |message: String| ExecutionError::malformed(path, entity, message);
    let if_else = branch
        .if_else
        .as_deref()
        .ok_or_else(|| malformed("the branch has no if_else block".to_string()))?;
    let case = if_else
        .case
        .as_deref()
        .ok_or_else(|| malformed("the branch has no first case".to_string()))?;
    let mut chosen = None;
    for (i, block) in std::iter::once(case).chain(&if_else.other).enumerate() {
        let condition = block
            .condition
            .as_ref()
            .ok_or_else(|| malformed(format!("case {i} of the branch has no condition")))?;
        let holds = condition::evaluate(condition, inputs).map_err(|e| {
            ExecutionError::rule(path, entity, format!("case {i} of the branch: {e}"))
        })?;
        if holds {
            let then = block
                .then_node
                .as_deref()
                .ok_or_else(|| malformed(format!("case {i} of the branch has no node")))?;
            chosen = Some(then);
            break;
        }
    }
    let then = match (chosen, &if_else.default) {
        (Some(then), _) => then,
        (None, Some(if_else_block::Default::ElseNode(node))) => node,
        (None, Some(if_else_block::Default::Error(error))) => {
            let message = if error.message.is_empty() {
                format!("branch `{path}` failed: no case matched")
            } else {
                error.message.clone()
            };
            return Err(ExecutionError::rule(path, entity, message));
        }
        (None, None) => {
            return Err(ExecutionError::rule(
                path,
                entity,
                format!("branch `{path}` matched no case and has no else"),
            ))
        }
    };
    let inner_path = format!("{path}-{}", then.id);
    let then_inputs = eval_bindings(&then.inputs, env)
        .map_err(|e| ExecutionError::malformed(&inner_path, entity_name(then), e))?;
    run_node(cx, frame, then, inner_path, then_inputs, env, None).await
}
