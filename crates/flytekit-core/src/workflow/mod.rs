//! Workflows: the typed builder that `#[workflow]` targets (and users may call by hand), the
//! entities it calls, and the registration of workflows.

mod branch;
mod builder;
mod call;
pub mod dynamic;
mod entity;
mod gate;
pub mod graph;
mod map;
mod pod_template;
mod promise;
mod registration;
pub mod typing;
mod validate;

pub use branch::{and, compare, is_true, never, or, Branch, Compare, Condition, Operand};
pub use builder::{identifier, FailurePolicy, WorkflowBuilder};
pub use call::Call;
pub use entity::{
    Callee, CalleeKind, DefaultsFrom, Entity, EntityInput, MapPromises, NodePromises,
};
pub mod gates {
    //! Gate nodes: `sleep`, `approve`, `wait_for_input`.
    pub use super::gate::{approve, sleep, wait_for_input};
}
pub use map::{map_task_name, mapped_task_name, MapCall, MapTask, MAP_TASK_SUFFIX};
pub use pod_template::{complete_pod_templates, PodTemplate};
pub use promise::{
    cast_promise, literal_to_binding, Bound, CastPromise, IntoBinding, ListOf, MapOf, NodeRef,
    Promise, Upstream, UpstreamRef,
};
pub use registration::check_registration;
pub use validate::validate;

use std::collections::BTreeMap;

use flytekit_idl::core::{Literal, WorkflowTemplate};

use crate::types::TypeError;

/// A struct whose fields can be read from a promise of it (`point.x` in a workflow), as
/// attribute-path promises. `#[derive(FlyteType)]` implements it for structs with named fields.
pub trait HasFields: Sized {
    /// One promise per field.
    type Fields;
    /// The field promises of `promise`.
    fn fields(builder: &mut WorkflowBuilder, promise: Promise<Self>) -> Self::Fields;
}

/// The field promises of a struct promise (what `p.x` in a workflow lowers to).
pub fn fields<T: HasFields>(builder: &mut WorkflowBuilder, promise: Promise<T>) -> T::Fields {
    T::fields(builder, promise)
}

/// A built workflow: its template and the templates of the sub-workflows it calls (nested ones
/// included), as `WorkflowSpec` carries them.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledWorkflow {
    /// The workflow.
    pub template: WorkflowTemplate,
    /// Every sub-workflow it calls, directly or not, sorted by name.
    pub sub_workflows: Vec<WorkflowTemplate>,
    /// The map-task entities its maps call, its sub-workflows' included, sorted by name:
    /// registered as tasks beside it.
    pub map_tasks: Vec<MapTask>,
}

/// The static description of one workflow: what `#[workflow]` registers.
#[derive(Debug)]
pub struct WorkflowEntry {
    /// `module_path!()` where the workflow is defined.
    pub module_path: &'static str,
    /// The Rust function's name.
    pub fn_name: &'static str,
    /// `name = "..."`, if given.
    pub name_override: Option<&'static str>,
    /// The source file.
    pub file: &'static str,
    /// The source line.
    pub line: u32,
    /// First paragraph of the doc comment.
    pub short_description: &'static str,
    /// The rest of the doc comment, without its `# Arguments` and `# Returns` sections.
    pub long_description: &'static str,
    /// `source_code = "..."`: a link to the workflow's source (empty when not given).
    pub source_code: &'static str,
    /// Adds the workflow's inputs, nodes and outputs to a builder made for it (the lowered
    /// body; see [`crate::glue::build_workflow`]).
    pub build: fn(&mut WorkflowBuilder),
    /// Literals of the inputs that have a default; `None` when none has.
    pub defaults: Option<crate::task::DefaultsFn>,
}

impl WorkflowEntry {
    /// The entity name: `name = "..."` or `<crate>.<module path>.<fn>`.
    pub fn name(&self) -> String {
        match self.name_override {
            Some(name) => name.to_string(),
            None => format!("{}.{}", self.module_path.replace("::", "."), self.fn_name),
        }
    }

    /// Where the workflow is defined, as `file:line`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// Literals of the inputs that have a default.
    pub fn defaults(&self) -> Result<BTreeMap<String, Literal>, TypeError> {
        match self.defaults {
            Some(defaults) => defaults(),
            None => Ok(BTreeMap::new()),
        }
    }
}

/// A workflow as a type: `#[workflow] fn wf(...)` defines a hidden type `wf` implementing this.
pub trait Workflow: Entity {
    /// The registered description.
    fn entry() -> &'static WorkflowEntry;
}

/// Registration record that `#[workflow]` adds to [`FLYTEKIT_WORKFLOWS`].
pub struct WorkflowRegistration(pub &'static WorkflowEntry);

/// Every workflow linked into the binary, gathered by the linker into one section (`linkme`;
/// see [`crate::task::FLYTEKIT_TASKS`] for why not `inventory`).
#[linkme::distributed_slice]
pub static FLYTEKIT_WORKFLOWS: [WorkflowRegistration];
