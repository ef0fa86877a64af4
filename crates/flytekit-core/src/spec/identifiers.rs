//! Every [`Identifier`] of a spec, visited in one place: filling in project, domain and version
//! from the [`SerializationSettings`] (what `flytectl register files` otherwise does, FLYTE-CONTRACT
//! section 2.2 "hydration"), and listing what a spec references, for ordering a package.
//!
//! The builder leaves identifiers with a resource type and a name only. Filling touches only
//! empty fields, so an identifier that already names its project and version (a reference to
//! an entity registered elsewhere) keeps them.

use flytekit_idl::admin::{LaunchPlan, TaskSpec, WorkflowSpec};
use flytekit_idl::core::{
    if_else_block, node, task_node, workflow_node, Identifier, Node, WorkflowTemplate,
};

use super::SerializationSettings;

/// Calls `visit` on every identifier of a workflow template: its id, task references, launch
/// plan and sub-workflow references, in branch arms, array sub-nodes and the failure node.
pub fn visit_template_ids(template: &mut WorkflowTemplate, visit: &mut dyn FnMut(&mut Identifier)) {
    if let Some(id) = template.id.as_mut() {
        visit(id);
    }
    for node in template.nodes.iter_mut() {
        visit_node_ids(node, visit);
    }
    if let Some(node) = template.failure_node.as_mut() {
        visit_node_ids(node, visit);
    }
}

fn visit_node_ids(node: &mut Node, visit: &mut dyn FnMut(&mut Identifier)) {
    match node.target.as_mut() {
        Some(node::Target::TaskNode(task)) => {
            if let Some(task_node::Reference::ReferenceId(id)) = task.reference.as_mut() {
                visit(id);
            }
        }
        Some(node::Target::WorkflowNode(workflow)) => match workflow.reference.as_mut() {
            Some(workflow_node::Reference::LaunchplanRef(id))
            | Some(workflow_node::Reference::SubWorkflowRef(id)) => visit(id),
            None => {}
        },
        Some(node::Target::BranchNode(branch)) => {
            if let Some(if_else) = branch.if_else.as_mut() {
                let cases = if_else.case.iter_mut().map(|c| &mut **c);
                for case in cases.chain(if_else.other.iter_mut()) {
                    if let Some(then) = case.then_node.as_mut() {
                        visit_node_ids(then, visit);
                    }
                }
                if let Some(if_else_block::Default::ElseNode(other)) = if_else.default.as_mut() {
                    visit_node_ids(other, visit);
                }
            }
        }
        Some(node::Target::ArrayNode(array)) => {
            if let Some(sub) = array.node.as_mut() {
                visit_node_ids(sub, visit);
            }
        }
        Some(node::Target::GateNode(_)) | None => {}
    }
}

/// Calls `visit` on every identifier of a workflow spec, embedded sub-workflows included.
pub fn visit_workflow_spec_ids(spec: &mut WorkflowSpec, visit: &mut dyn FnMut(&mut Identifier)) {
    if let Some(template) = spec.template.as_mut() {
        visit_template_ids(template, visit);
    }
    for sub in spec.sub_workflows.iter_mut() {
        visit_template_ids(sub, visit);
    }
}

fn fill(id: &mut Identifier, settings: &SerializationSettings) {
    for (field, value) in [
        (&mut id.project, &settings.project),
        (&mut id.domain, &settings.domain),
        (&mut id.version, &settings.version),
    ] {
        if field.is_empty() {
            value.clone_into(field);
        }
    }
}

/// Fills project, domain and version of the task's id where empty.
pub fn fill_task_spec(spec: &mut TaskSpec, settings: &SerializationSettings) {
    if let Some(id) = spec.template.as_mut().and_then(|t| t.id.as_mut()) {
        fill(id, settings);
    }
}

/// Fills project, domain and version of every identifier of the workflow spec where empty.
pub fn fill_workflow_spec(spec: &mut WorkflowSpec, settings: &SerializationSettings) {
    visit_workflow_spec_ids(spec, &mut |id| fill(id, settings));
}

/// Fills project, domain and version of the launch plan's id and workflow id where empty.
pub fn fill_launch_plan(plan: &mut LaunchPlan, settings: &SerializationSettings) {
    if let Some(id) = plan.id.as_mut() {
        fill(id, settings);
    }
    if let Some(id) = plan.spec.as_mut().and_then(|s| s.workflow_id.as_mut()) {
        fill(id, settings);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flytekit_idl::core::{
        ArrayNode, BranchNode, IfBlock, IfElseBlock, ResourceType, TaskNode, WorkflowNode,
    };

    fn task_node(name: &str) -> Node {
        Node {
            target: Some(node::Target::TaskNode(TaskNode {
                reference: Some(task_node::Reference::ReferenceId(
                    crate::workflow::identifier(ResourceType::Task, name),
                )),
                overrides: None,
            })),
            ..Default::default()
        }
    }

    #[test]
    fn fills_every_identifier_but_keeps_given_fields() {
        let branch = Node {
            target: Some(node::Target::BranchNode(Box::new(BranchNode {
                if_else: Some(Box::new(IfElseBlock {
                    case: Some(Box::new(IfBlock {
                        condition: None,
                        then_node: Some(Box::new(task_node("then"))),
                    })),
                    other: vec![],
                    default: Some(if_else_block::Default::ElseNode(Box::new(task_node(
                        "else",
                    )))),
                })),
            }))),
            ..Default::default()
        };
        let array = Node {
            target: Some(node::Target::ArrayNode(Box::new(ArrayNode {
                node: Some(Box::new(task_node("mapped"))),
                ..Default::default()
            }))),
            ..Default::default()
        };
        let mut reference = task_node("elsewhere");
        if let Some(node::Target::TaskNode(TaskNode {
            reference: Some(task_node::Reference::ReferenceId(id)),
            ..
        })) = reference.target.as_mut()
        {
            id.project = "other".into();
            id.version = "v9".into();
        }
        let lp = Node {
            target: Some(node::Target::WorkflowNode(WorkflowNode {
                reference: Some(workflow_node::Reference::LaunchplanRef(
                    crate::workflow::identifier(ResourceType::LaunchPlan, "lp"),
                )),
            })),
            ..Default::default()
        };
        let template = WorkflowTemplate {
            id: Some(crate::workflow::identifier(ResourceType::Workflow, "wf")),
            nodes: vec![branch, array, reference, lp],
            failure_node: Some(task_node("on_failure")),
            ..Default::default()
        };
        let mut spec = WorkflowSpec {
            template: Some(template.clone()),
            sub_workflows: vec![template],
            description: None,
        };
        let settings = SerializationSettings {
            project: "p".into(),
            domain: "d".into(),
            version: "v1".into(),
            ..Default::default()
        };
        fill_workflow_spec(&mut spec, &settings);
        let mut seen = Vec::new();
        visit_workflow_spec_ids(&mut spec, &mut |id| {
            seen.push(format!(
                "{}/{}/{}/{}",
                id.project, id.domain, id.name, id.version
            ))
        });
        assert_eq!(
            seen,
            [
                "p/d/wf/v1",
                "p/d/then/v1",
                "p/d/else/v1",
                "p/d/mapped/v1",
                "other/d/elsewhere/v9",
                "p/d/lp/v1",
                "p/d/on_failure/v1",
            ]
            .repeat(2)
        );
    }

    #[test]
    fn empty_settings_leave_identifiers_empty() {
        let mut plan =
            super::super::default_launch_plan("wf", &Default::default(), &Default::default());
        fill_launch_plan(&mut plan, &SerializationSettings::default());
        let id = plan.id.unwrap();
        assert_eq!((id.project.as_str(), id.version.as_str()), ("", ""));
    }
}
