//! The entity registry: every task, workflow and launch plan linked into the binary, found
//! from the linker sections their macros add them to (`linkme`).
//!
//! Registration order is unspecified (it depends on the linker), so the registry sorts by
//! entity name: `list`, `package` and everything else see the same order on every build.

use std::sync::OnceLock;

use crate::launch_plan::{LaunchPlanEntry, FLYTEKIT_LAUNCH_PLANS};
use crate::reference::{ReferenceEntry, ReferenceKind, FLYTEKIT_REFERENCES};
use crate::task::{TaskEntry, TaskRegistration, FLYTEKIT_TASKS};
use crate::workflow::{WorkflowEntry, FLYTEKIT_WORKFLOWS};

/// Two entities share a name; Flyte would keep only one of them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("two entities are named `{name}`: one at {first}, one at {second}; give one of them a `name = \"...\"`")]
pub struct DuplicateName {
    /// The shared name.
    pub name: String,
    /// Where the first is defined.
    pub first: String,
    /// Where the second is defined.
    pub second: String,
}

fn sorted_tasks() -> &'static [(String, &'static TaskEntry)] {
    static TASKS: OnceLock<Vec<(String, &'static TaskEntry)>> = OnceLock::new();
    TASKS.get_or_init(|| {
        let mut tasks: Vec<_> = FLYTEKIT_TASKS
            .iter()
            .map(|r| {
                let entry = r.entry();
                (entry.name(), entry)
            })
            .collect();
        tasks.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| a.1.location().cmp(&b.1.location()))
        });
        tasks
    })
}

/// Every registered task, sorted by name.
pub fn tasks() -> impl Iterator<Item = &'static TaskEntry> {
    sorted_tasks().iter().map(|(_, entry)| *entry)
}

/// The task with this entity name, or the task a map-task entity of a workflow maps, or, if
/// `name` has no dot, the only task whose function has this name (so `run add` works when `add`
/// is unambiguous).
pub fn task(name: &str) -> Option<&'static TaskEntry> {
    let tasks = sorted_tasks();
    if let Ok(i) = tasks.binary_search_by(|(n, _)| n.as_str().cmp(name)) {
        return Some(tasks[i].1);
    }
    // A map-task entity (`<module>.map_<fn>_<md5>-arraynode`) runs the task it maps.
    if let Some(mapped) = crate::workflow::mapped_task_name(name) {
        return task(&mapped);
    }
    // A reference task runs its local stand-in (`local = ...`), if it has one.
    if let Some(stand_in) = reference_task(name).and_then(ReferenceEntry::stand_in_task) {
        return Some(stand_in);
    }
    if name.contains('.') {
        return None;
    }
    let mut matches = tasks
        .iter()
        .filter(|(_, entry)| entry.fn_name == name && entry.config.name.is_none());
    match (matches.next(), matches.next()) {
        (Some((_, entry)), None) => Some(entry),
        _ => None,
    }
}

/// The task `execute` runs, found the way [`task`] finds it but without naming, sorting or
/// even building every entity of the binary: it compares name keys and builds only the entries
/// that match, since a container's start must not grow with the number of tasks linked in
/// (issue 23). Two tasks with exactly this name are an error, as they are for every other
/// command (see [`check_unique_names`]); clashes between other names do not concern this task.
pub fn task_to_execute(name: &str) -> Result<Option<&'static TaskEntry>, DuplicateName> {
    let key = crate::entity_key::of_name(name);
    let mut named = FLYTEKIT_TASKS
        .iter()
        .filter(|r| r.may_be_named(key))
        .map(TaskRegistration::entry)
        .filter(|entry| entry.has_name(name));
    let Some(first) = named.next() else {
        // A map-task entity, a reference stand-in or a bare function name: rare in a container
        // (a map's elements run under the entity name, resolved here without the full list).
        if let Some(mapped) = crate::workflow::mapped_task_name(name) {
            return task_to_execute(&mapped);
        }
        if let Some(stand_in) = reference_task(name).and_then(ReferenceEntry::stand_in_task) {
            return Ok(Some(stand_in));
        }
        if !name.contains('.') {
            // `execute -- add`: the only task whose function is `add`, as `task` takes it
            // (this builds every entry; `package` always writes the full name).
            let mut matches = FLYTEKIT_TASKS
                .iter()
                .map(TaskRegistration::entry)
                .filter(|entry| entry.fn_name == name && entry.config.name.is_none());
            return Ok(match (matches.next(), matches.next()) {
                (Some(entry), None) => Some(entry),
                _ => None,
            });
        }
        return Ok(None);
    };
    match named.next() {
        None => Ok(Some(first)),
        Some(second) => {
            let (first, second) = if first.location() <= second.location() {
                (first, second)
            } else {
                (second, first)
            };
            Err(DuplicateName {
                name: name.to_string(),
                first: first.location(),
                second: second.location(),
            })
        }
    }
}

/// Checks that no two entities of one kind share a name (tasks, workflows, launch plans; a
/// launch plan may not take the name of a workflow either, which is its default launch plan's),
/// reporting every clash with both locations.
pub fn check_unique_names() -> Result<(), Vec<DuplicateName>> {
    fn clashes(sorted: &[(String, String)]) -> Vec<DuplicateName> {
        sorted
            .windows(2)
            .filter(|pair| pair[0].0 == pair[1].0)
            .map(|pair| DuplicateName {
                name: pair[0].0.clone(),
                first: pair[0].1.clone(),
                second: pair[1].1.clone(),
            })
            .collect()
    }
    let tasks: Vec<(String, String)> = sorted_tasks()
        .iter()
        .map(|(name, entry)| (name.clone(), entry.location()))
        .collect();
    let mut plans: Vec<(String, String)> = sorted_workflows()
        .iter()
        .map(|(name, entry)| (name.clone(), entry.location()))
        .collect();
    let mut all = clashes(&tasks);
    all.extend(clashes(&plans));
    plans.extend(
        sorted_launch_plans()
            .iter()
            .map(|(name, entry)| (name.clone(), entry.location())),
    );
    plans.sort();
    for clash in clashes(&plans) {
        if !all.iter().any(|c| c.name == clash.name) {
            all.push(clash);
        }
    }
    if all.is_empty() {
        Ok(())
    } else {
        Err(all)
    }
}

fn sorted_workflows() -> &'static [(String, &'static WorkflowEntry)] {
    static WORKFLOWS: OnceLock<Vec<(String, &'static WorkflowEntry)>> = OnceLock::new();
    WORKFLOWS.get_or_init(|| {
        let mut workflows: Vec<_> = FLYTEKIT_WORKFLOWS
            .iter()
            .map(|r| (r.0.name(), r.0))
            .collect();
        workflows.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| a.1.location().cmp(&b.1.location()))
        });
        workflows
    })
}

/// Every registered workflow, sorted by name.
pub fn workflows() -> impl Iterator<Item = &'static WorkflowEntry> {
    sorted_workflows().iter().map(|(_, entry)| *entry)
}

/// The workflow with this entity name, or, if `name` has no dot, the only workflow whose
/// function has this name.
pub fn workflow(name: &str) -> Option<&'static WorkflowEntry> {
    let workflows = sorted_workflows();
    if let Ok(i) = workflows.binary_search_by(|(n, _)| n.as_str().cmp(name)) {
        return Some(workflows[i].1);
    }
    if name.contains('.') {
        return None;
    }
    let mut matches = workflows
        .iter()
        .filter(|(_, e)| e.fn_name == name && e.name_override.is_none());
    match (matches.next(), matches.next()) {
        (Some((_, entry)), None) => Some(entry),
        _ => None,
    }
}

fn sorted_launch_plans() -> &'static [(String, &'static LaunchPlanEntry)] {
    static PLANS: OnceLock<Vec<(String, &'static LaunchPlanEntry)>> = OnceLock::new();
    PLANS.get_or_init(|| {
        let mut plans: Vec<_> = FLYTEKIT_LAUNCH_PLANS
            .iter()
            .map(|r| (r.0.name(), r.0))
            .collect();
        plans.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| a.1.location().cmp(&b.1.location()))
        });
        plans
    })
}

/// Every launch plan declared with `launch_plan!`, sorted by name (default launch plans of
/// workflows are not declared: they are built from the workflows).
pub fn launch_plans() -> impl Iterator<Item = &'static LaunchPlanEntry> {
    sorted_launch_plans().iter().map(|(_, entry)| *entry)
}

/// The declared launch plan with this name.
pub fn launch_plan(name: &str) -> Option<&'static LaunchPlanEntry> {
    let plans = sorted_launch_plans();
    plans
        .binary_search_by(|(n, _)| n.as_str().cmp(name))
        .ok()
        .map(|i| plans[i].1)
}

fn sorted_references() -> &'static [(String, &'static ReferenceEntry)] {
    static REFERENCES: OnceLock<Vec<(String, &'static ReferenceEntry)>> = OnceLock::new();
    REFERENCES.get_or_init(|| {
        let mut references: Vec<_> = FLYTEKIT_REFERENCES
            .iter()
            .map(|r| (r.0.name.to_string(), r.0))
            .collect();
        references.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| a.1.location().cmp(&b.1.location()))
        });
        references
    })
}

/// Every reference entity (`#[reference_task]`, `#[reference_workflow]`,
/// `#[reference_launch_plan]`), sorted by name. They are never packaged: they name entities
/// registered elsewhere.
pub fn references() -> impl Iterator<Item = &'static ReferenceEntry> {
    sorted_references().iter().map(|(_, entry)| *entry)
}

/// The reference task named `name` (the first one declared, if several versions are).
pub fn reference_task(name: &str) -> Option<&'static ReferenceEntry> {
    references().find(|r| r.kind == ReferenceKind::Task && r.name == name)
}

/// The reference whose calls reference exactly `id` (resource type, project, domain, name and
/// version).
pub fn reference(id: &flytekit_idl::core::Identifier) -> Option<&'static ReferenceEntry> {
    references().find(|r| r.matches(id))
}
