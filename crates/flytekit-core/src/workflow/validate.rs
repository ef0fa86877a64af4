//! The checks a Flyte cluster applies when a workflow is registered (FLYTE-CONTRACT section
//! 7.2), run before a spec is written so a mistake is reported here, naming the workflow, the
//! node and the input, instead of by `flytectl register` later.

use std::collections::{BTreeMap, BTreeSet};

use flytekit_idl::core::{binding_data, if_else_block, node, BindingData, Node};

use super::CompiledWorkflow;

/// Every problem found in `compiled`; empty when it would register.
pub fn validate(compiled: &CompiledWorkflow) -> Vec<String> {
    let template = &compiled.template;
    let name = template
        .id
        .as_ref()
        .map(|id| id.name.as_str())
        .unwrap_or("?");
    let mut problems = Vec::new();
    let mut say = |message: String| problems.push(format!("workflow `{name}`: {message}"));

    if template.nodes.is_empty() {
        say("has no nodes: Flyte rejects a workflow that calls nothing".to_string());
    }
    let inputs: BTreeSet<&str> = template
        .interface
        .iter()
        .flat_map(|i| i.inputs.iter())
        .flat_map(|v| v.variables.keys())
        .map(String::as_str)
        .collect();
    let outputs: Vec<&str> = template.outputs.iter().map(|b| b.var.as_str()).collect();
    for output in &outputs {
        if output.is_empty() || !output.chars().all(|c| c.is_alphanumeric() || c == '_') {
            say(format!(
                "output name `{output}` must be made of letters, digits and `_`"
            ));
        }
    }

    let mut ids = BTreeSet::new();
    for node in &template.nodes {
        if !ids.insert(node.id.as_str()) {
            say(format!("two nodes have the id `{}`", node.id));
        }
    }
    // Edges from promises and explicit ordering; every referenced node must exist.
    let mut edges: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for node in &template.nodes {
        let mut refs = BTreeSet::new();
        collect_node_refs(node, &mut refs, &inputs, &mut |m| {
            say(format!("node `{}`: {m}", node.id))
        });
        for upstream in node.upstream_node_ids.iter().chain(refs.iter()) {
            if !ids.contains(upstream.as_str()) {
                say(format!(
                    "node `{}` depends on `{upstream}`, which is not a node of this workflow",
                    node.id
                ));
            }
        }
        edges.insert(
            node.id.as_str(),
            node.upstream_node_ids.iter().cloned().chain(refs).collect(),
        );
        check_branches(node, &mut |m| say(format!("node `{}`: {m}", node.id)));
    }
    for output in &template.outputs {
        let mut refs = BTreeSet::new();
        if let Some(binding) = &output.binding {
            collect_refs(binding, &mut refs, &inputs, &mut |m| {
                say(format!("output `{}`: {m}", output.var))
            });
        }
        for node_id in refs {
            if !ids.contains(node_id.as_str()) {
                say(format!(
                    "output `{}` reads node `{node_id}`, which does not exist",
                    output.var
                ));
            }
        }
    }
    if let Some(cycle) = find_cycle(&edges) {
        say(format!("has a cycle through node `{cycle}`"));
    }
    problems
}

fn collect_node_refs(
    node: &Node,
    refs: &mut BTreeSet<String>,
    inputs: &BTreeSet<&str>,
    say: &mut dyn FnMut(String),
) {
    for binding in node.inputs.iter().filter_map(|b| b.binding.as_ref()) {
        collect_refs(binding, refs, inputs, say);
    }
}

fn collect_refs(
    binding: &BindingData,
    refs: &mut BTreeSet<String>,
    inputs: &BTreeSet<&str>,
    say: &mut dyn FnMut(String),
) {
    match &binding.value {
        Some(binding_data::Value::Promise(reference))
            if reference.node_id.is_empty() && !inputs.contains(reference.var.as_str()) =>
        {
            say(format!(
                "reads workflow input `{}`, which is not declared",
                reference.var
            ));
        }
        Some(binding_data::Value::Promise(reference)) if reference.node_id.is_empty() => {}
        Some(binding_data::Value::Promise(reference)) => {
            refs.insert(reference.node_id.clone());
        }
        Some(binding_data::Value::Collection(c)) => {
            for item in &c.bindings {
                collect_refs(item, refs, inputs, say);
            }
        }
        Some(binding_data::Value::Map(m)) => {
            for item in m.bindings.values() {
                collect_refs(item, refs, inputs, say);
            }
        }
        _ => {}
    }
}

fn check_branches(node: &Node, say: &mut dyn FnMut(String)) {
    let Some(node::Target::BranchNode(branch)) = &node.target else {
        return;
    };
    let Some(if_else) = &branch.if_else else {
        return say("branch has no cases".to_string());
    };
    let cases = if_else
        .case
        .iter()
        .map(|c| &**c)
        .chain(if_else.other.iter());
    let mut inner_ids = BTreeSet::new();
    for case in cases {
        if case.condition.is_none() {
            say("a branch case has no condition".to_string());
        }
        match &case.then_node {
            Some(then) => {
                inner_ids.insert(then.id.clone());
                check_branches(then, say);
            }
            None => say("a branch case runs nothing".to_string()),
        }
    }
    match &if_else.default {
        None => say("branch has no `else`: Flyte needs an else arm or a failure".to_string()),
        Some(if_else_block::Default::ElseNode(then)) => {
            if !inner_ids.insert(then.id.clone()) {
                say(format!(
                    "two arms of the branch have the node id `{}`",
                    then.id
                ));
            }
            check_branches(then, say);
        }
        Some(if_else_block::Default::Error(_)) => {}
    }
}

fn find_cycle(edges: &BTreeMap<&str, BTreeSet<String>>) -> Option<String> {
    // Kahn's algorithm: whatever cannot be ordered sits on a cycle.
    let mut remaining: BTreeMap<&str, BTreeSet<&str>> = edges
        .iter()
        .map(|(node, deps)| {
            (
                *node,
                deps.iter()
                    .map(String::as_str)
                    .filter(|d| edges.contains_key(d))
                    .collect(),
            )
        })
        .collect();
    loop {
        let ready: Vec<&str> = remaining
            .iter()
            .filter(|(_, deps)| deps.is_empty())
            .map(|(n, _)| *n)
            .collect();
        if ready.is_empty() {
            return remaining.keys().next().map(|n| n.to_string());
        }
        for node in ready {
            remaining.remove(node);
            for deps in remaining.values_mut() {
                deps.remove(node);
            }
        }
        if remaining.is_empty() {
            return None;
        }
    }
}
