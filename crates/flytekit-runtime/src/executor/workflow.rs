//! Scheduling one workflow: its node graph, the order nodes run in, failures and outputs.
//!
//! Consumes a `WorkflowTemplate` and its input literals; produces the output literals (the
//! workflow's output bindings evaluated at the end) or the first failure. Before anything runs,
//! the graph is checked: node ids unique and non-empty, every node id a binding or
//! `upstream_node_ids` names exists, no cycles; a malformed template is an error naming the
//! node. A node depends on the nodes its bindings read (for a branch, also those its cases'
//! nodes read) and on its `upstream_node_ids`; it starts as soon as all of them are done, so
//! independent nodes run concurrently. On a failure, `FAIL_IMMEDIATELY` (the default) starts
//! nothing more and aborts running nodes; `FAIL_AFTER_EXECUTABLE_NODES_COMPLETE` keeps running
//! every node that does not depend on a failed one. Then the failure node (`fn0`), if any, runs
//! with the workflow's inputs plus the error, and the workflow fails with the original error.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

use flytekit_core::registry;
use flytekit_core::types::scalar_literal;
use flytekit_idl::core::{
    if_else_block, literal_type, node, scalar, task_node, workflow_metadata::OnFailurePolicy,
    LiteralMap, Node, SimpleType, WorkflowTemplate,
};
use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};

use super::bindings::{eval_bindings, eval_outputs, is_start_node, promise_node_ids, Env};
use super::error::ExecutionError;
use super::events::NodePhase;
use super::node::{entity_name, run_node};
use super::Inner;

/// Where a workflow runs: the sub-workflows its nodes may reference, the id prefix of its nodes
/// (`n3-` inside node `n3`) and the workflows it is nested in (to refuse self-reference).
pub(crate) struct Frame<'a> {
    pub(crate) sub_workflows: &'a [WorkflowTemplate],
    pub(crate) prefix: String,
    pub(crate) stack: Vec<String>,
}

impl<'a> Frame<'a> {
    /// The frame of a top-level workflow.
    pub(crate) fn top(sub_workflows: &'a [WorkflowTemplate], name: &str) -> Self {
        Frame {
            sub_workflows,
            prefix: String::new(),
            stack: vec![name.to_string()],
        }
    }
}

/// The checked node graph of a workflow.
struct Graph<'a> {
    nodes: Vec<&'a Node>,
    /// Upstream node indexes of each node (unique).
    upstream: Vec<Vec<usize>>,
    /// Downstream node indexes of each node.
    downstream: Vec<Vec<usize>>,
    /// The ids each node's bindings read (its own and its branch cases').
    reads: Vec<Vec<String>>,
}

/// Every node id `node` depends on: promises of its bindings, its upstream ids and, for a
/// branch, the same for every case's node (they bind to the enclosing workflow).
fn dependencies<'a>(node: &'a Node, out: &mut Vec<&'a str>, depth: usize) -> Result<(), String> {
    if depth > 64 {
        return Err("branches nest more than 64 levels deep".to_string());
    }
    for binding in &node.inputs {
        if let Some(data) = &binding.binding {
            promise_node_ids(data, out);
        }
    }
    out.extend(node.upstream_node_ids.iter().map(String::as_str));
    if let Some(node::Target::BranchNode(branch)) = &node.target {
        if let Some(if_else) = branch.if_else.as_deref() {
            let cases = if_else.case.as_deref().into_iter().chain(&if_else.other);
            for then in cases.filter_map(|case| case.then_node.as_deref()) {
                dependencies(then, out, depth + 1)?;
            }
            if let Some(if_else_block::Default::ElseNode(otherwise)) = &if_else.default {
                dependencies(otherwise, out, depth + 1)?;
            }
        }
    }
    Ok(())
}

fn build_graph<'a>(
    workflow: &'a WorkflowTemplate,
    prefix: &str,
    name: &str,
) -> Result<Graph<'a>, ExecutionError> {
    let nodes: Vec<&Node> = workflow.nodes.iter().collect();
    let mut index = HashMap::new();
    for (i, node) in nodes.iter().enumerate() {
        if node.id.is_empty() || is_start_node(&node.id) || node.id == "end-node" {
            return Err(ExecutionError::malformed(
                "",
                name,
                format!(
                    "node #{i} ({}) has the id {:?}; node ids must be non-empty and not \
                     `start-node` or `end-node`",
                    entity_name(node),
                    node.id
                ),
            ));
        }
        if index.insert(node.id.as_str(), i).is_some() {
            return Err(ExecutionError::malformed(
                "",
                name,
                format!("two nodes have the id `{}`", node.id),
            ));
        }
    }
    let mut upstream = vec![Vec::new(); nodes.len()];
    let mut downstream = vec![Vec::new(); nodes.len()];
    let mut reads = vec![Vec::new(); nodes.len()];
    for (i, node) in nodes.iter().enumerate() {
        let path = format!("{prefix}{}", node.id);
        let malformed = |m: String| ExecutionError::malformed(&path, entity_name(node), m);
        let mut ids = Vec::new();
        dependencies(node, &mut ids, 0).map_err(malformed)?;
        let mut seen = BTreeSet::new();
        for id in ids.into_iter().filter(|id| !is_start_node(id)) {
            let j = *index.get(id).ok_or_else(|| {
                malformed(format!(
                    "it depends on node `{id}`, which is not in workflow `{name}`"
                ))
            })?;
            if j == i {
                return Err(malformed("it depends on itself".to_string()));
            }
            if seen.insert(j) {
                upstream[i].push(j);
                downstream[j].push(i);
                reads[i].push(id.to_string());
            }
        }
    }
    // Kahn's algorithm: whatever cannot be ordered is on (or behind) a cycle.
    let mut waiting: Vec<usize> = upstream.iter().map(Vec::len).collect();
    let mut queue: VecDeque<usize> = (0..nodes.len()).filter(|&i| waiting[i] == 0).collect();
    let mut ordered = 0;
    while let Some(i) = queue.pop_front() {
        ordered += 1;
        for &j in &downstream[i] {
            waiting[j] -= 1;
            if waiting[j] == 0 {
                queue.push_back(j);
            }
        }
    }
    if ordered < nodes.len() {
        let stuck: Vec<String> = (0..nodes.len())
            .filter(|&i| waiting[i] > 0)
            .map(|i| format!("`{}`", nodes[i].id))
            .collect();
        return Err(ExecutionError::malformed(
            "",
            name,
            format!(
                "its nodes depend on each other in a cycle: {}",
                stuck.join(", ")
            ),
        ));
    }
    for output in &workflow.outputs {
        let mut ids = Vec::new();
        if let Some(data) = &output.binding {
            promise_node_ids(data, &mut ids);
        }
        if let Some(id) = ids
            .into_iter()
            .find(|id| !is_start_node(id) && !index.contains_key(id))
        {
            return Err(ExecutionError::malformed(
                "",
                name,
                format!(
                    "output `{}` reads node `{id}`, which is not in the workflow",
                    output.var
                ),
            ));
        }
    }
    Ok(Graph {
        nodes,
        upstream,
        downstream,
        reads,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    Running,
    Done,
    Failed,
    Skipped,
}

/// Runs `workflow` in `frame` on `inputs`.
pub(crate) fn run_workflow<'a>(
    cx: &'a Inner,
    frame: Frame<'a>,
    workflow: &'a WorkflowTemplate,
    inputs: LiteralMap,
) -> BoxFuture<'a, Result<LiteralMap, ExecutionError>> {
    Box::pin(async move {
        let name = workflow
            .id
            .as_ref()
            .map(|id| id.name.clone())
            .unwrap_or_default();
        check_inputs(workflow, &inputs, &name)?;
        let graph = build_graph(workflow, &frame.prefix, &name)?;
        let fail_immediately = workflow.metadata.as_ref().is_none_or(|m| {
            m.on_failure != OnFailurePolicy::FailAfterExecutableNodesComplete as i32
        });
        let inputs = Arc::new(inputs);
        let total = graph.nodes.len();
        let mut state = vec![State::Pending; total];
        let mut waiting: Vec<usize> = graph.upstream.iter().map(Vec::len).collect();
        let mut outputs: HashMap<String, Arc<LiteralMap>> = HashMap::new();
        let mut ready: VecDeque<usize> = (0..total).filter(|&i| waiting[i] == 0).collect();
        let mut failure: Option<(usize, ExecutionError)> = None;
        // Which node futures were polled at least once: a node that failed on its first poll
        // can end the run before its siblings are polled, and those must still report that
        // they were aborted (a polled one reports it itself, as its future is dropped).
        let polled: Vec<std::sync::atomic::AtomicBool> =
            (0..total).map(|_| Default::default()).collect();
        let polled = &polled;
        let mut running = FuturesUnordered::new();
        let frame = &frame;
        let path_of = |i: usize| format!("{}{}", frame.prefix, graph.nodes[i].id);

        loop {
            while let Some(i) = ready.pop_front() {
                let node = graph.nodes[i];
                let env = Env {
                    inputs: inputs.clone(),
                    nodes: graph.reads[i]
                        .iter()
                        .filter_map(|id| outputs.get(id).map(|o| (id.clone(), o.clone())))
                        .collect(),
                };
                let path = path_of(i);
                state[i] = State::Running;
                running.push(async move {
                    polled[i].store(true, std::sync::atomic::Ordering::Relaxed);
                    match eval_bindings(&node.inputs, &env) {
                        Ok(node_inputs) => {
                            let result =
                                run_node(cx, frame, node, path, node_inputs, &env, None).await;
                            (i, result)
                        }
                        Err(message) => {
                            let entity = entity_name(node);
                            let error = ExecutionError::malformed(&path, &entity, message);
                            let elapsed = std::time::Duration::ZERO;
                            let phase = NodePhase::Failed {
                                error: error.clone(),
                                elapsed,
                            };
                            cx.emit(&path, &entity, phase);
                            (i, Err(error))
                        }
                    }
                });
            }
            let Some((i, result)) = running.next().await else {
                break;
            };
            match result {
                Ok(node_outputs) => {
                    state[i] = State::Done;
                    outputs.insert(graph.nodes[i].id.clone(), Arc::new(node_outputs));
                    for &j in &graph.downstream[i] {
                        waiting[j] -= 1;
                        if waiting[j] == 0 && state[j] == State::Pending {
                            ready.push_back(j);
                        }
                    }
                }
                Err(error) => {
                    state[i] = State::Failed;
                    match &failure {
                        None => failure = Some((i, error)),
                        Some(_) => tracing::warn!("another node failed too: {error}"),
                    }
                    if fail_immediately {
                        break;
                    }
                    skip_downstream(cx, &graph, &mut state, i, &path_of(i), &frame.prefix);
                }
            }
        }
        // Nodes still running are aborted (each reports it as its future is dropped).
        drop(running);
        for (i, state) in state.iter().enumerate() {
            if *state == State::Running && !polled[i].load(std::sync::atomic::Ordering::Relaxed) {
                cx.emit(
                    &path_of(i),
                    &entity_name(graph.nodes[i]),
                    NodePhase::Aborted,
                );
            }
        }

        let Some((failed, error)) = failure else {
            if let Some(i) = state.iter().position(|s| *s != State::Done) {
                return Err(ExecutionError::malformed(
                    &path_of(i),
                    entity_name(graph.nodes[i]),
                    "the node never became ready",
                ));
            }
            let env = Env {
                inputs,
                nodes: outputs,
            };
            return eval_outputs(&workflow.outputs, &env)
                .map_err(|e| ExecutionError::malformed("", &name, e));
        };
        let reason = format!("node `{}` failed", path_of(failed));
        for (i, node_state) in state.iter_mut().enumerate() {
            if *node_state == State::Pending {
                *node_state = State::Skipped;
                let phase = NodePhase::Skipped {
                    reason: reason.clone(),
                };
                cx.emit(&path_of(i), &entity_name(graph.nodes[i]), phase);
            }
        }
        if let Some(failure_node) = &workflow.failure_node {
            let env = Env {
                inputs,
                nodes: outputs,
            };
            run_failure_node(cx, frame, failure_node, &env, &error).await;
        }
        Err(error)
    })
}

/// Marks every node downstream of `failed` (transitively) as skipped.
fn skip_downstream(
    cx: &Inner,
    graph: &Graph<'_>,
    state: &mut [State],
    failed: usize,
    failed_path: &str,
    prefix: &str,
) {
    let mut pending = graph.downstream[failed].clone();
    while let Some(j) = pending.pop() {
        if state[j] == State::Pending {
            state[j] = State::Skipped;
            let phase = NodePhase::Skipped {
                reason: format!("upstream node `{failed_path}` failed"),
            };
            let path = format!("{prefix}{}", graph.nodes[j].id);
            cx.emit(&path, &entity_name(graph.nodes[j]), phase);
            pending.extend(graph.downstream[j].iter().copied());
        }
    }
}

/// Inputs the workflow does not declare are an error (when it declares its inputs).
fn check_inputs(
    workflow: &WorkflowTemplate,
    inputs: &LiteralMap,
    name: &str,
) -> Result<(), ExecutionError> {
    let Some(declared) = workflow.interface.as_ref().and_then(|i| i.inputs.as_ref()) else {
        return Ok(());
    };
    if let Some(unknown) = inputs
        .literals
        .keys()
        .find(|k| !declared.variables.contains_key(*k))
    {
        return Err(ExecutionError::malformed(
            "",
            name,
            format!(
                "it has no input `{unknown}`; its inputs are {}",
                super::bindings::names(declared.variables.keys())
            ),
        ));
    }
    Ok(())
}

/// The name of the failure node's error input: the input its task declares with type ERROR
/// (possibly inside a union, like `Optional[FlyteError]`), else `error`.
fn error_input_name(node: &Node) -> String {
    let is_error = |ty: &flytekit_idl::core::LiteralType| {
        match &ty.r#type {
        Some(literal_type::Type::Simple(s)) => *s == SimpleType::Error as i32,
        Some(literal_type::Type::UnionType(u)) => u.variants.iter().any(|v| {
            matches!(v.r#type, Some(literal_type::Type::Simple(s)) if s == SimpleType::Error as i32)
        }),
        _ => false,
    }
    };
    if let Some(node::Target::TaskNode(t)) = &node.target {
        if let Some(task_node::Reference::ReferenceId(id)) = &t.reference {
            if let Some(entry) = registry::task(&id.name) {
                let interface = entry.interface();
                let found = interface
                    .inputs
                    .iter()
                    .flat_map(|v| &v.variables)
                    .find(|(_, v)| v.r#type.as_ref().is_some_and(is_error));
                if let Some((name, _)) = found {
                    return name.clone();
                }
            }
        }
    }
    "error".to_string()
}

/// Runs the failure node with the workflow's inputs and the error; its own failure is only
/// logged (the workflow fails with the original error either way).
async fn run_failure_node(
    cx: &Inner,
    frame: &Frame<'_>,
    node: &Node,
    env: &Env,
    error: &ExecutionError,
) {
    let id = if node.id.is_empty() { "fn0" } else { &node.id };
    let path = format!("{}{id}", frame.prefix);
    let mut inputs = match eval_bindings(&node.inputs, env) {
        Ok(inputs) => inputs,
        Err(message) => {
            let entity = entity_name(node);
            let failed = ExecutionError::malformed(&path, &entity, message);
            tracing::error!("the failure node cannot run: {failed}");
            let phase = NodePhase::Failed {
                error: failed,
                elapsed: std::time::Duration::ZERO,
            };
            cx.emit(&path, &entity, phase);
            return;
        }
    };
    let error_literal = scalar_literal(scalar::Value::Error(error.to_core_error()));
    inputs
        .literals
        .insert(error_input_name(node), error_literal);
    match run_node(cx, frame, node, path, inputs, env, None).await {
        Ok(_) => tracing::info!("the failure node ran"),
        Err(failed) => tracing::error!("the failure node failed too: {failed}"),
    }
}
