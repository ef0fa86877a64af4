//! Building registrable specs from registered entities: what `package` and `serialize` write
//! and what a cluster validates at registration.
//!
//! One file per kind of spec ([`task_spec`], [`workflow_spec`], [`default_launch_plan`] and
//! [`launch_plan`]), one for identifiers (filling project, domain and version), and
//! [`build_package`], which builds, validates and orders all of them.

mod dynamic;
mod identifiers;
mod launch_plan;
mod map_task;
mod package;
mod task;
mod workflow;

pub use dynamic::{
    dynamic_job_spec, read_serialized_context, serialized_context, SERIALIZED_CONTEXT_ENV,
};
pub use identifiers::{
    fill_launch_plan, fill_task_spec, fill_workflow_spec, visit_template_ids,
    visit_workflow_spec_ids,
};
pub use launch_plan::{default_launch_plan, launch_plan, parameters};
pub use map_task::{map_task_spec, BOUND_INPUTS_FLAG};
pub use package::{build_package, check_order, file_names, index_width, Spec};
pub use task::{container_args, shared_memory, task_spec, task_template, SerializationSettings};
pub use workflow::workflow_spec;
