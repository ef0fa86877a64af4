//! Reference entities: tasks, workflows and launch plans registered elsewhere (for example
//! written in Python), declared in Rust as bodiless signatures so workflows can call them with
//! full type checking.
//!
//! `#[reference_task]`, `#[reference_workflow]` and `#[reference_launch_plan]` register a
//! [`ReferenceEntry`] in a linker section ([`crate::registry::references`]); they are never
//! packaged. A call becomes a node whose target carries the full identifier
//! ([`target`]): a task node for a task, and a launch-plan node for a launch plan and for a
//! workflow, whose default launch plan (same name and version) is what a registered workflow
//! calls: Flyte only embeds sub-workflows that are part of the same registration.
//!
//! Locally, a reference runs its stand-in (`local = ...`), a Rust `#[task]` or `#[workflow]` with
//! the same interface; without one, running fails with [`ReferenceEntry::no_stand_in_message`].

use flytekit_idl::core::{
    node, task_node, workflow_node, Identifier, NodeMetadata, ResourceType, RetryStrategy,
    TaskNode, TaskNodeOverrides, TypedInterface, WorkflowNode,
};

use std::collections::BTreeMap;

use flytekit_idl::core::Literal;

use crate::task::TaskEntry;
use crate::types::TypeError;
use crate::workflow::{Callee, WorkflowEntry};

/// What a reference refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceKind {
    /// A task (`#[reference_task]`).
    Task,
    /// A workflow, called through its default launch plan (`#[reference_workflow]`).
    Workflow,
    /// A launch plan (`#[reference_launch_plan]`).
    LaunchPlan,
}

impl ReferenceKind {
    /// `task`, `workflow` or `launch plan`.
    pub fn noun(self) -> &'static str {
        match self {
            ReferenceKind::Task => "task",
            ReferenceKind::Workflow => "workflow",
            ReferenceKind::LaunchPlan => "launch plan",
        }
    }

    /// The resource type of the identifier a call references: `TASK` for a task, `LAUNCH_PLAN`
    /// for a launch plan and for a workflow (its default launch plan).
    pub fn resource_type(self) -> ResourceType {
        match self {
            ReferenceKind::Task => ResourceType::Task,
            ReferenceKind::Workflow | ReferenceKind::LaunchPlan => ResourceType::LaunchPlan,
        }
    }
}

/// The local stand-in of a reference (`local = ...`).
#[derive(Debug, Clone, Copy)]
pub enum StandIn {
    /// A `#[task]` (for a reference task).
    Task(fn() -> &'static TaskEntry),
    /// A `#[workflow]` (for a reference workflow or launch plan).
    Workflow(fn() -> &'static WorkflowEntry),
}

/// The static description of one reference entity.
#[derive(Debug)]
pub struct ReferenceEntry {
    /// What it refers to.
    pub kind: ReferenceKind,
    /// The project it is registered in.
    pub project: &'static str,
    /// The domain it is registered in.
    pub domain: &'static str,
    /// Its registered name, such as `core.add`.
    pub name: &'static str,
    /// Its registered version.
    pub version: &'static str,
    /// `module_path!()` where the reference is declared.
    pub module_path: &'static str,
    /// The Rust name of the declaration.
    pub fn_name: &'static str,
    /// The source file.
    pub file: &'static str,
    /// The source line.
    pub line: u32,
    /// The interface the declaration gives it.
    pub interface: fn() -> TypedInterface,
    /// Literals of the inputs the declaration gives a default; `None` when none has.
    pub defaults: Option<crate::task::DefaultsFn>,
    /// What runs in its place locally.
    pub local: Option<StandIn>,
}

impl ReferenceEntry {
    /// Literals of the inputs that have a default.
    pub fn defaults(&self) -> Result<BTreeMap<String, Literal>, TypeError> {
        match self.defaults {
            Some(defaults) => defaults(),
            None => Ok(BTreeMap::new()),
        }
    }

    /// The full identifier a call references (see [`ReferenceKind::resource_type`]).
    pub fn identifier(&self) -> Identifier {
        Identifier {
            resource_type: self.kind.resource_type() as i32,
            project: self.project.to_string(),
            domain: self.domain.to_string(),
            name: self.name.to_string(),
            version: self.version.to_string(),
            org: String::new(),
        }
    }

    /// Whether `id` is what a call of this reference references. A field the declaration
    /// leaves empty is filled at registration (flytekit's `reference_task(project="", ...)`),
    /// so it matches whatever the identifier carries.
    pub fn matches(&self, id: &Identifier) -> bool {
        let field = |declared: &str, given: &str| declared.is_empty() || declared == given;
        id.resource_type == self.kind.resource_type() as i32
            && id.name == self.name
            && field(self.project, &id.project)
            && field(self.domain, &id.domain)
            && field(self.version, &id.version)
    }

    /// The stand-in task, for a reference task that has one.
    pub fn stand_in_task(&self) -> Option<&'static TaskEntry> {
        match self.local {
            Some(StandIn::Task(entry)) => Some(entry()),
            _ => None,
        }
    }

    /// The stand-in workflow, for a reference workflow or launch plan that has one.
    pub fn stand_in_workflow(&self) -> Option<&'static WorkflowEntry> {
        match self.local {
            Some(StandIn::Workflow(entry)) => Some(entry()),
            _ => None,
        }
    }

    /// Says that this reference cannot run locally and how to make it.
    pub fn no_stand_in_message(&self) -> String {
        let (example, what) = match self.kind {
            ReferenceKind::Task => ("my_add", "`#[task]`"),
            ReferenceKind::Workflow | ReferenceKind::LaunchPlan => ("my_workflow", "`#[workflow]`"),
        };
        format!(
            "`{}` is a reference {} ({}/{}, version {}) with no local stand-in; add `local = \
             {example}` to run it locally, where `{example}` is a {what} with the same interface",
            self.name,
            self.kind.noun(),
            self.project,
            self.domain,
            self.version
        )
    }

    /// Where the reference is declared, as `file:line`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// Registration record that the reference macros add to [`FLYTEKIT_REFERENCES`].
pub struct ReferenceRegistration(pub &'static ReferenceEntry);

/// Every reference entity declared in the binary, gathered by the linker into one section
/// (`linkme`; see [`crate::task::FLYTEKIT_TASKS`] for why not `inventory`).
#[linkme::distributed_slice]
pub static FLYTEKIT_REFERENCES: [ReferenceRegistration];

/// The node target of a call of a reference: a task node, or a launch-plan node.
pub fn target(entry: &ReferenceEntry) -> node::Target {
    match entry.kind {
        ReferenceKind::Task => node::Target::TaskNode(TaskNode {
            reference: Some(task_node::Reference::ReferenceId(entry.identifier())),
            overrides: Some(TaskNodeOverrides::default()),
        }),
        ReferenceKind::Workflow | ReferenceKind::LaunchPlan => {
            node::Target::WorkflowNode(WorkflowNode {
                reference: Some(workflow_node::Reference::LaunchplanRef(entry.identifier())),
            })
        }
    }
}

/// The metadata of a call of a reference: its Rust name, no retries; a launch-plan node is not
/// interruptible, like a sub-workflow node.
pub fn node_metadata(entry: &ReferenceEntry) -> NodeMetadata {
    NodeMetadata {
        // flytekit names the node after the registered entity's last segment (`core.add` ->
        // `add`), not after the Python function that declares the reference.
        name: entry
            .name
            .rsplit('.')
            .next()
            .unwrap_or(entry.name)
            .to_string(),
        // Like flytekit's launch-plan nodes (a reference workflow is called through its launch
        // plan), no `interruptible` is written.
        retries: Some(RetryStrategy::default()),
        ..Default::default()
    }
}

/// `A` is the same type as `B`: the compile-time check that a stand-in's inputs and outputs are
/// the reference's.
#[diagnostic::on_unimplemented(
    message = "the local stand-in does not match the reference: it has `{Self}` where the reference declares `{T}`",
    label = "this stand-in has a different interface",
    note = "`local = ...` must name a `#[task]` (or `#[workflow]`) with the same inputs, in the same order, and the same outputs"
)]
pub trait SameAs<T> {}

impl<T> SameAs<T> for T {}

/// Compiles only when `A` is `B` (see [`SameAs`]).
pub fn same_as<A: SameAs<B>, B>() {}

/// Whether input number `index` of `callee` is named `name`, in a `const` context (the
/// stand-in's input names). An input it does not have passes: the type check of the same input
/// reports that one.
pub const fn input_named(callee: &Callee, index: usize, name: &str) -> bool {
    index >= callee.input_names.len() || same_name(callee.input_names[index], name)
}

/// Whether two strings are equal, in a `const` context.
pub const fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_interface() -> TypedInterface {
        TypedInterface::default()
    }

    static ADD: ReferenceEntry = ReferenceEntry {
        kind: ReferenceKind::Task,
        project: "flytesnacks",
        domain: "development",
        name: "core.add",
        version: "v1",
        module_path: "m",
        fn_name: "py_add",
        file: "f.rs",
        line: 1,
        interface: no_interface,
        defaults: None,
        local: None,
    };

    #[test]
    fn message_names_the_reference() {
        assert_eq!(
            ADD.no_stand_in_message(),
            "`core.add` is a reference task (flytesnacks/development, version v1) with no local \
             stand-in; add `local = my_add` to run it locally, where `my_add` is a `#[task]` \
             with the same interface"
        );
        assert!(ADD.matches(&ADD.identifier()));
        assert!(same_name("ab", "ab") && !same_name("ab", "a") && !same_name("ab", "ac"));
    }

    #[test]
    fn stand_in_input_names_are_checked_by_position() {
        const CALLEE: Callee = Callee {
            input_names: &["a", "b"],
            output_names: &["o0"],
            kind: crate::workflow::CalleeKind::Reference(&ADD),
        };
        const { assert!(input_named(&CALLEE, 1, "b")) };
        assert!(!input_named(&CALLEE, 0, "b"));
        // A missing input is the type check's to report, not this one's.
        assert!(input_named(&CALLEE, 2, "c"));
    }
}
