//! Launch-plan nodes and reference entities in local runs: a launch-plan node whose identifier
//! is a `#[reference_workflow]` / `#[reference_launch_plan]` runs the reference's local stand-in
//! workflow, and one of a `launch_plan!` of this binary runs the plan's workflow; without a
//! stand-in, any node of a reference fails with a message that names it and says how to add
//! one. (Reference tasks resolve to their stand-in in `registry::task`.)

use flytekit_core::launch_plan::LaunchPlanEntry;
use flytekit_core::reference::ReferenceEntry;
use flytekit_core::registry;
use flytekit_idl::core::{Identifier, LiteralMap};

use super::LaunchPlanTarget;

/// What a launch-plan node runs when no resolver knows it: for a reference, its stand-in
/// workflow as a launch-plan target (its defaults as the plan's defaults), or the message saying
/// it has no stand-in; for a `launch_plan!` of this binary, its workflow with the plan's fixed and
/// default inputs; `None` for anything else.
pub(crate) fn local_launch_plan(id: &Identifier) -> Option<Result<LaunchPlanTarget, String>> {
    if let Some(reference) = registry::reference(id) {
        return Some(stand_in_target(reference));
    }
    registry::launch_plan(&id.name).map(plan_target)
}

fn plan_target(plan: &LaunchPlanEntry) -> Result<LaunchPlanTarget, String> {
    let workflow = (plan.workflow)();
    let compiled = flytekit_core::glue::build_workflow(workflow).map_err(|e| e.join("; "))?;
    let problem =
        |err: flytekit_core::types::TypeError| format!("launch plan `{}`: {err}", plan.name());
    Ok(LaunchPlanTarget {
        workflow: compiled.template,
        sub_workflows: compiled.sub_workflows,
        fixed_inputs: LiteralMap {
            literals: (plan.fixed_inputs)().map_err(problem)?,
        },
        default_inputs: LiteralMap {
            literals: plan.caller_defaults().map_err(problem)?,
        },
    })
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
