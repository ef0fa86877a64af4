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

/// A node on a cycle (or downstream of one), if the graph has a cycle: the first by id.
fn find_cycle(edges: &BTreeMap<&str, BTreeSet<String>>) -> Option<String> {
    // Kahn's algorithm over positions in the sorted ids, linear in nodes + edges (a workflow of
    // thousands of nodes is checked at every `run` and `package`): whatever cannot be ordered
    // sits on a cycle or waits on one.
    let ids: Vec<&str> = edges.keys().copied().collect();
    let mut waiting_on = vec![0usize; ids.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); ids.len()];
    for (node, deps) in edges.values().enumerate() {
        for dep in deps {
            // Unknown ids are reported on their own; they order nothing.
            if let Ok(upstream) = ids.binary_search(&dep.as_str()) {
                waiting_on[node] += 1;
                dependents[upstream].push(node);
            }
        }
    }
    let mut ready: Vec<usize> = (0..ids.len()).filter(|&n| waiting_on[n] == 0).collect();
    while let Some(done) = ready.pop() {
        for &node in &dependents[done] {
            waiting_on[node] -= 1;
            if waiting_on[node] == 0 {
                ready.push(node);
            }
        }
    }
    waiting_on
        .iter()
        .position(|&count| count > 0)
        .map(|node| ids[node].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(pairs: &[(&'static str, &[&str])]) -> BTreeMap<&'static str, BTreeSet<String>> {
        pairs
            .iter()
            .map(|(node, deps)| (*node, deps.iter().map(|d| d.to_string()).collect()))
            .collect()
    }

    #[test]
    fn an_acyclic_graph_has_no_cycle() {
        let edges = graph(&[
            ("a", &[]),
            ("b", &["a"]),
            ("c", &["a", "b"]),
            ("d", &["zz"]),
        ]);
        assert_eq!(find_cycle(&edges), None);
    }

    #[test]
    fn a_cycle_is_reported_by_its_first_node() {
        let edges = graph(&[("a", &[]), ("b", &["a", "d"]), ("c", &["b"]), ("d", &["c"])]);
        assert_eq!(find_cycle(&edges).as_deref(), Some("b"));
        let edges = graph(&[("a", &[]), ("self", &["self"])]);
        assert_eq!(find_cycle(&edges).as_deref(), Some("self"));
    }

    #[test]
    fn a_long_chain_orders_and_a_loop_back_to_its_start_does_not() {
        let names: Vec<String> = (0..20_000).map(|i| format!("n{i:05}")).collect();
        let mut edges: BTreeMap<&str, BTreeSet<String>> = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let deps = if i == 0 {
                    BTreeSet::new()
                } else {
                    BTreeSet::from([names[i - 1].clone()])
                };
                (name.as_str(), deps)
            })
            .collect();
        assert_eq!(find_cycle(&edges), None);
        edges
            .get_mut("n00000")
            .unwrap()
            .insert("n19999".to_string());
        assert_eq!(find_cycle(&edges).as_deref(), Some("n00000"));
    }
}
