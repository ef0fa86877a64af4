//! Pictures of a compiled workflow: Graphviz DOT and Mermaid flowcharts, with branches drawn as
//! clusters (subgraphs) of their arms and array nodes marked, for `graph` on the command line
//! and for documentation.

use std::fmt::Write;

use flytekit_idl::core::{binding_data, if_else_block, node, BindingData, Node, WorkflowTemplate};

/// The output format of [`render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
}

fn label(node: &Node) -> String {
    let name = node
        .metadata
        .as_ref()
        .map(|m| m.name.as_str())
        .unwrap_or_default();
    let kind = match &node.target {
        Some(node::Target::TaskNode(_)) => "",
        Some(node::Target::WorkflowNode(_)) => " (workflow)",
        Some(node::Target::BranchNode(_)) => " (branch)",
        Some(node::Target::GateNode(_)) => " (gate)",
        Some(node::Target::ArrayNode(_)) => " (map)",
        None => "",
    };
    format!("{}: {name}{kind}", node.id)
}

fn promise_sources(binding: &BindingData, out: &mut Vec<String>) {
    match &binding.value {
        Some(binding_data::Value::Promise(p)) => out.push(if p.node_id.is_empty() {
            "start".into()
        } else {
            p.node_id.clone()
        }),
        Some(binding_data::Value::Collection(c)) => {
            c.bindings.iter().for_each(|b| promise_sources(b, out))
        }
        Some(binding_data::Value::Map(m)) => {
            m.bindings.values().for_each(|b| promise_sources(b, out))
        }
        _ => {}
    }
}

/// The nodes each node depends on (data and ordering), `start` for workflow inputs.
fn sources(node: &Node) -> Vec<String> {
    let mut out = Vec::new();
    for binding in node.inputs.iter().filter_map(|b| b.binding.as_ref()) {
        promise_sources(binding, &mut out);
    }
    out.extend(node.upstream_node_ids.iter().cloned());
    if out.is_empty() {
        out.push("start".into());
    }
    out.sort();
    out.dedup();
    out
}

fn arms(node: &Node) -> Vec<(String, &Node)> {
    let Some(node::Target::BranchNode(branch)) = &node.target else {
        return Vec::new();
    };
    let Some(if_else) = &branch.if_else else {
        return Vec::new();
    };
    let mut arms = Vec::new();
    for (i, case) in if_else
        .case
        .iter()
        .map(|c| &**c)
        .chain(if_else.other.iter())
        .enumerate()
    {
        if let Some(then) = &case.then_node {
            arms.push((format!("case {i}"), &**then));
        }
    }
    if let Some(if_else_block::Default::ElseNode(node)) = &if_else.default {
        arms.push(("else".to_string(), &**node));
    }
    arms
}

fn id(prefix: &str, node_id: &str) -> String {
    format!("{prefix}{}", node_id.replace(['-', '.'], "_"))
}

/// Renders `workflow` in `format`.
pub fn render(workflow: &WorkflowTemplate, format: GraphFormat) -> String {
    let name = workflow
        .id
        .as_ref()
        .map(|i| i.name.as_str())
        .unwrap_or("workflow");
    let mut out = String::new();
    match format {
        GraphFormat::Dot => {
            let _ = writeln!(out, "digraph \"{name}\" {{\n  rankdir=LR;\n  start [shape=circle];\n  end [shape=doublecircle];");
            for node in &workflow.nodes {
                dot_node(&mut out, node, "", 1);
                for source in sources(node) {
                    let _ = writeln!(
                        out,
                        "  {} -> {};",
                        if source == "start" {
                            source
                        } else {
                            id("", &source)
                        },
                        id("", &node.id)
                    );
                }
            }
            for output in &workflow.outputs {
                if let Some(binding) = &output.binding {
                    let mut from = Vec::new();
                    promise_sources(binding, &mut from);
                    for source in from {
                        let source = if source == "start" {
                            source
                        } else {
                            id("", &source)
                        };
                        let _ = writeln!(out, "  {source} -> end [label=\"{}\"];", output.var);
                    }
                }
            }
            out.push_str("}\n");
        }
        GraphFormat::Mermaid => {
            out.push_str("flowchart LR\n  start((start))\n  end_((end))\n");
            for node in &workflow.nodes {
                mermaid_node(&mut out, node, "", 1);
                for source in sources(node) {
                    let _ = writeln!(
                        out,
                        "  {} --> {}",
                        if source == "start" {
                            source
                        } else {
                            id("", &source)
                        },
                        id("", &node.id)
                    );
                }
            }
            for output in &workflow.outputs {
                if let Some(binding) = &output.binding {
                    let mut from = Vec::new();
                    promise_sources(binding, &mut from);
                    for source in from {
                        let source = if source == "start" {
                            source
                        } else {
                            id("", &source)
                        };
                        let _ = writeln!(out, "  {source} -->|{}| end_", output.var);
                    }
                }
            }
        }
    }
    out
}

fn dot_node(out: &mut String, node: &Node, prefix: &str, depth: usize) {
    let indent = "  ".repeat(depth);
    let node_id = id(prefix, &node.id);
    let arms = arms(node);
    if arms.is_empty() {
        let shape = match &node.target {
            Some(node::Target::ArrayNode(_)) => "box3d",
            Some(node::Target::GateNode(_)) => "octagon",
            _ => "box",
        };
        let _ = writeln!(
            out,
            "{indent}{node_id} [shape={shape}, label=\"{}\"];",
            label(node)
        );
        return;
    }
    let _ = writeln!(
        out,
        "{indent}{node_id} [shape=diamond, label=\"{}\"];",
        label(node)
    );
    let _ = writeln!(
        out,
        "{indent}subgraph cluster_{node_id} {{\n{indent}  label=\"{}\";",
        label(node)
    );
    for (arm, then) in &arms {
        let inner_prefix = format!("{node_id}_");
        dot_node(out, then, &inner_prefix, depth + 1);
        let _ = writeln!(
            out,
            "{indent}  {node_id} -> {} [label=\"{arm}\"];",
            id(&inner_prefix, &then.id)
        );
    }
    let _ = writeln!(out, "{indent}}}");
}

fn mermaid_node(out: &mut String, node: &Node, prefix: &str, depth: usize) {
    let indent = "  ".repeat(depth);
    let node_id = id(prefix, &node.id);
    let arms = arms(node);
    let text = label(node).replace('"', "'");
    if arms.is_empty() {
        let shape = match &node.target {
            Some(node::Target::ArrayNode(_)) => format!("[[\"{text}\"]]"),
            Some(node::Target::GateNode(_)) => format!("{{{{\"{text}\"}}}}"),
            _ => format!("[\"{text}\"]"),
        };
        let _ = writeln!(out, "{indent}{node_id}{shape}");
        return;
    }
    let _ = writeln!(out, "{indent}{node_id}{{\"{text}\"}}");
    let _ = writeln!(out, "{indent}subgraph {node_id}_arms [\"{text}\"]");
    for (arm, then) in &arms {
        let inner_prefix = format!("{node_id}_");
        mermaid_node(out, then, &inner_prefix, depth + 1);
        let _ = writeln!(
            out,
            "{indent}  {node_id} -->|{arm}| {}",
            id(&inner_prefix, &then.id)
        );
    }
    let _ = writeln!(out, "{indent}end");
}
