//! Reference entities in local runs: a launch-plan node whose identifier is a
//! `#[reference_workflow]` / `#[reference_launch_plan]` runs the reference's local stand-in
//! workflow; without a stand-in, any node of a reference fails with a message that names it and
//! says how to add one. (Reference tasks resolve to their stand-in in `registry::task`.)

use flytekit_core::reference::ReferenceEntry;
use flytekit_core::registry;
use flytekit_idl::core::{Identifier, LiteralMap};

use super::LaunchPlanTarget;

/// What a launch-plan node of a reference runs: `None` if `id` is no reference, else the
/// stand-in workflow as a launch-plan target (its defaults as the plan's defaults), or the
/// message saying it has no stand-in.
pub(crate) fn launch_plan_stand_in(id: &Identifier) -> Option<Result<LaunchPlanTarget, String>> {
    let reference = registry::reference(id)?;
    Some(stand_in_target(reference))
}

fn stand_in_target(reference: &ReferenceEntry) -> Result<LaunchPlanTarget, String> {
    let workflow = reference
        .stand_in_workflow()
        .ok_or_else(|| reference.no_stand_in_message())?;
    let compiled = flytekit_core::glue::build_workflow(workflow).map_err(|e| e.join("; "))?;
    let defaults = workflow.defaults().map_err(|err| {
        format!(
            "the stand-in of `{}`: a default of workflow `{}`: {err}",
            reference.name,
            workflow.name()
        )
    })?;
    Ok(LaunchPlanTarget {
        workflow: compiled.template,
        sub_workflows: compiled.sub_workflows,
        fixed_inputs: LiteralMap::default(),
        default_inputs: LiteralMap { literals: defaults },
    })
}

/// The message of a task node whose task is not in this binary: for a reference task without a
/// stand-in, says so (`None` for any other task).
pub(crate) fn missing_task_message(id: &Identifier) -> Option<String> {
    registry::reference(id)
        .or_else(|| registry::reference_task(&id.name))
        .map(ReferenceEntry::no_stand_in_message)
}
