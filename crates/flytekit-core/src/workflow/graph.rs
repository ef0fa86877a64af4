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
    // An array node is named after its map-task entity; the task it maps says more.
    let name = match &node.target {
        Some(node::Target::ArrayNode(_)) => super::mapped_task_name(name),
        _ => None,
    }
    .unwrap_or_else(|| name.to_string());
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

/// What differs between the two formats: how nodes, branch clusters and edges are written.
/// The walk over the workflow ([`render`], [`write_node`]) is shared.
trait Syntax {
    /// The id of the end node (`end` is a keyword in Mermaid).
    const END: &'static str;
    fn header(&self, out: &mut String, name: &str);
    fn footer(&self, out: &mut String);
    /// A node without arms.
    fn leaf(&self, out: &mut String, indent: &str, id: &str, node: &Node);
    /// A branch node and the opening of the cluster of its arms.
    fn open_branch(&self, out: &mut String, indent: &str, id: &str, node: &Node);
    fn close_branch(&self, out: &mut String, indent: &str);
    fn edge(&self, out: &mut String, indent: &str, from: &str, to: &str, label: Option<&str>);
}

struct Dot;

impl Syntax for Dot {
    const END: &'static str = "end";

    fn header(&self, out: &mut String, name: &str) {
        let _ = writeln!(out, "digraph \"{name}\" {{\n  rankdir=LR;\n  start [shape=circle];\n  end [shape=doublecircle];");
    }

    fn footer(&self, out: &mut String) {
        out.push_str("}\n");
    }

    fn leaf(&self, out: &mut String, indent: &str, id: &str, node: &Node) {
        let shape = match &node.target {
            Some(node::Target::ArrayNode(_)) => "box3d",
            Some(node::Target::GateNode(_)) => "octagon",
            _ => "box",
        };
        let _ = writeln!(
            out,
            "{indent}{id} [shape={shape}, label=\"{}\"];",
            label(node)
        );
    }

    fn open_branch(&self, out: &mut String, indent: &str, id: &str, node: &Node) {
        let label = label(node);
        let _ = writeln!(out, "{indent}{id} [shape=diamond, label=\"{label}\"];");
        let _ = writeln!(
            out,
            "{indent}subgraph cluster_{id} {{\n{indent}  label=\"{label}\";"
        );
    }

    fn close_branch(&self, out: &mut String, indent: &str) {
        let _ = writeln!(out, "{indent}}}");
    }

    fn edge(&self, out: &mut String, indent: &str, from: &str, to: &str, label: Option<&str>) {
        let _ = match label {
            Some(label) => writeln!(out, "{indent}{from} -> {to} [label=\"{label}\"];"),
            None => writeln!(out, "{indent}{from} -> {to};"),
        };
    }
}

struct Mermaid;

impl Syntax for Mermaid {
    const END: &'static str = "end_";

    fn header(&self, out: &mut String, _name: &str) {
        out.push_str("flowchart LR\n  start((start))\n  end_((end))\n");
    }

    fn footer(&self, _out: &mut String) {}

    fn leaf(&self, out: &mut String, indent: &str, id: &str, node: &Node) {
        let text = mermaid_text(node);
        let shape = match &node.target {
            Some(node::Target::ArrayNode(_)) => format!("[[\"{text}\"]]"),
            Some(node::Target::GateNode(_)) => format!("{{{{\"{text}\"}}}}"),
            _ => format!("[\"{text}\"]"),
        };
        let _ = writeln!(out, "{indent}{id}{shape}");
    }

    fn open_branch(&self, out: &mut String, indent: &str, id: &str, node: &Node) {
        let text = mermaid_text(node);
        let _ = writeln!(out, "{indent}{id}{{\"{text}\"}}");
        let _ = writeln!(out, "{indent}subgraph {id}_arms [\"{text}\"]");
    }

    fn close_branch(&self, out: &mut String, indent: &str) {
        let _ = writeln!(out, "{indent}end");
    }

    fn edge(&self, out: &mut String, indent: &str, from: &str, to: &str, label: Option<&str>) {
        let _ = match label {
            Some(label) => writeln!(out, "{indent}{from} -->|{label}| {to}"),
            None => writeln!(out, "{indent}{from} --> {to}"),
        };
    }
}

/// A node's label inside Mermaid's quoted text, which cannot hold `"`.
fn mermaid_text(node: &Node) -> String {
    label(node).replace('"', "'")
}

/// Renders `workflow` in `format`.
pub fn render(workflow: &WorkflowTemplate, format: GraphFormat) -> String {
    match format {
        GraphFormat::Dot => render_with(&Dot, workflow),
        GraphFormat::Mermaid => render_with(&Mermaid, workflow),
    }
}

fn render_with<S: Syntax>(syntax: &S, workflow: &WorkflowTemplate) -> String {
    let name = workflow
        .id
        .as_ref()
        .map(|i| i.name.as_str())
        .unwrap_or("workflow");
    // Workflow inputs come from `start`, which keeps its name in both formats.
    let source_id = |source: String| {
        if source == "start" {
            source
        } else {
            id("", &source)
        }
    };
    let mut out = String::new();
    syntax.header(&mut out, name);
    for node in &workflow.nodes {
        write_node(syntax, &mut out, node, "", 1);
        for source in sources(node) {
            let from = source_id(source);
            syntax.edge(&mut out, "  ", &from, &id("", &node.id), None);
        }
    }
    for output in &workflow.outputs {
        if let Some(binding) = &output.binding {
            let mut from = Vec::new();
            promise_sources(binding, &mut from);
            for source in from {
                let from = source_id(source);
                syntax.edge(&mut out, "  ", &from, S::END, Some(&output.var));
            }
        }
    }
    syntax.footer(&mut out);
    out
}

/// Writes `node`; a branch becomes a cluster of its arms, each linked from the branch node.
fn write_node<S: Syntax>(syntax: &S, out: &mut String, node: &Node, prefix: &str, depth: usize) {
    let indent = "  ".repeat(depth);
    let node_id = id(prefix, &node.id);
    let arms = arms(node);
    if arms.is_empty() {
        syntax.leaf(out, &indent, &node_id, node);
        return;
    }
    syntax.open_branch(out, &indent, &node_id, node);
    let inner_prefix = format!("{node_id}_");
    let inner_indent = format!("{indent}  ");
    for (arm, then) in &arms {
        write_node(syntax, out, then, &inner_prefix, depth + 1);
        let to = id(&inner_prefix, &then.id);
        syntax.edge(out, &inner_indent, &node_id, &to, Some(arm));
    }
    syntax.close_branch(out, &indent);
}
