//! A package: every spec of the binary, validated and in registration order, as `package` and
//! `serialize` write them (FLYTE-CONTRACT section 2.1).
//!
//! Order: every task (by name), then the map-task entities the workflows' maps call (by name),
//! then the workflows, each after the workflows it embeds and the
//! launch plans it calls, each followed by its default launch plan and then its declared launch
//! plans (by name): the order in which flytekit's recursive walk emits them. Files are named
//! `<index>_<name>_<kind>.pb`, the index zero-padded to `ceil(log10(N))` digits, so that
//! `flytectl register files`, which registers in file-name order, sees every entity after what
//! it references. [`check_order`] proves that for any list of specs.
//!
//! Nothing is written here: [`build_package`] returns the specs or every problem found (each
//! naming its entity), and the runtime writes the files.

use std::collections::{BTreeMap, BTreeSet};

use flytekit_idl::admin::{LaunchPlan, TaskSpec, WorkflowSpec};
use flytekit_idl::core::{Identifier, ResourceType};
use prost::Message;

use super::identifiers::{
    fill_launch_plan, fill_task_spec, fill_workflow_spec, visit_workflow_spec_ids,
};
use super::{
    default_launch_plan, launch_plan, map_task_spec, task_spec, workflow_spec,
    SerializationSettings,
};
use crate::registry;

/// One registrable spec.
#[derive(Debug, Clone, PartialEq)]
pub enum Spec {
    /// `NN_<name>_1.pb`.
    Task(TaskSpec),
    /// `NN_<name>_2.pb`.
    Workflow(WorkflowSpec),
    /// `NN_<name>_3.pb`.
    LaunchPlan(LaunchPlan),
}

impl Spec {
    /// The entity's identifier.
    pub fn id(&self) -> Option<&Identifier> {
        match self {
            Spec::Task(t) => t.template.as_ref().and_then(|t| t.id.as_ref()),
            Spec::Workflow(w) => w.template.as_ref().and_then(|t| t.id.as_ref()),
            Spec::LaunchPlan(l) => l.id.as_ref(),
        }
    }

    /// The entity name.
    pub fn name(&self) -> &str {
        self.id().map(|id| id.name.as_str()).unwrap_or("")
    }

    /// The file-name suffix: 1 task, 2 workflow, 3 launch plan.
    pub fn kind(&self) -> u8 {
        match self {
            Spec::Task(_) => 1,
            Spec::Workflow(_) => 2,
            Spec::LaunchPlan(_) => 3,
        }
    }

    /// The protobuf bytes of the message the file holds.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Spec::Task(t) => t.encode_to_vec(),
            Spec::Workflow(w) => w.encode_to_vec(),
            Spec::LaunchPlan(l) => l.encode_to_vec(),
        }
    }

    /// Fills project, domain and version of every identifier where empty.
    pub fn fill_identifiers(&mut self, settings: &SerializationSettings) {
        match self {
            Spec::Task(t) => fill_task_spec(t, settings),
            Spec::Workflow(w) => fill_workflow_spec(w, settings),
            Spec::LaunchPlan(l) => fill_launch_plan(l, settings),
        }
    }

    /// The entities this one needs registered first: tasks and launch plans its nodes call
    /// (sub-workflows are embedded, not registered), or a launch plan's workflow.
    pub fn references(&self) -> Vec<Identifier> {
        let mut found = Vec::new();
        match self {
            Spec::Task(_) => {}
            Spec::Workflow(w) => {
                let mut w = w.clone();
                visit_workflow_spec_ids(&mut w, &mut |id| {
                    let kind = id.resource_type;
                    if kind == ResourceType::Task as i32 || kind == ResourceType::LaunchPlan as i32
                    {
                        found.push(id.clone());
                    }
                });
            }
            Spec::LaunchPlan(l) => {
                found.extend(l.spec.as_ref().and_then(|s| s.workflow_id.clone()));
            }
        }
        found
    }
}

/// The digits of the index of a package of `count` files: `ceil(log10(count))`, at least 1.
pub fn index_width(count: usize) -> usize {
    let mut width = 0;
    let mut reach = 1usize;
    while reach < count {
        reach = reach.saturating_mul(10);
        width += 1;
    }
    width.max(1)
}

/// The file names of `specs`, in order: `<index>_<name>_<kind>.pb`.
pub fn file_names(specs: &[Spec]) -> Vec<String> {
    let width = index_width(specs.len());
    specs
        .iter()
        .enumerate()
        .map(|(i, spec)| format!("{i:0width$}_{}_{}.pb", spec.name(), spec.kind()))
        .collect()
}

fn key(id: &Identifier) -> (i32, &str) {
    (id.resource_type, id.name.as_str())
}

/// Checks that `specs` can be registered in this order: every task and launch plan a spec
/// references comes earlier (unless it names its own version: an entity registered
/// elsewhere), every sub-workflow a workflow calls is embedded in it, and no entity comes
/// twice. Returns every problem, naming the entity.
pub fn check_order(specs: &[Spec]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen: BTreeSet<(i32, String)> = BTreeSet::new();
    for spec in specs {
        let what = match spec {
            Spec::Task(_) => "task",
            Spec::Workflow(_) => "workflow",
            Spec::LaunchPlan(_) => "launch plan",
        };
        let name = spec.name();
        for reference in spec.references() {
            let (kind, target) = key(&reference);
            // A declared reference registered elsewhere may leave its version empty (filled at
            // registration): it need not be in this package.
            if reference.version.is_empty()
                && !seen.contains(&(kind, target.to_string()))
                && registry::reference(&reference).is_none()
            {
                let kind = ResourceType::try_from(kind)
                    .map(|k| k.as_str_name().to_lowercase().replace('_', " "))
                    .unwrap_or_default();
                problems.push(format!(
                    "{what} `{name}` references {kind} `{target}`, which is not registered before it"
                ));
            }
        }
        if let Spec::Workflow(w) = spec {
            let embedded: BTreeSet<&str> = w
                .sub_workflows
                .iter()
                .filter_map(|t| t.id.as_ref())
                .map(|id| id.name.as_str())
                .collect();
            let mut w = w.clone();
            let mut missing = Vec::new();
            visit_workflow_spec_ids(&mut w, &mut |id| {
                if id.resource_type == ResourceType::Workflow as i32
                    && !embedded.contains(id.name.as_str())
                    && Some(id.name.as_str()) != Some(name)
                {
                    missing.push(id.name.clone());
                }
            });
            for sub in missing {
                problems.push(format!(
                    "workflow `{name}` calls sub-workflow `{sub}`, which is not embedded in its spec"
                ));
            }
        }
        if let Some(id) = spec.id() {
            if !seen.insert((id.resource_type, id.name.clone())) {
                problems.push(format!("{what} `{name}` comes twice in the package"));
            }
        }
    }
    problems
}

/// One workflow with its launch plans, before ordering.
struct Unit {
    spec: WorkflowSpec,
    plans: Vec<LaunchPlan>,
    /// Workflows to register first: those it embeds and those whose launch plans it calls.
    needs: BTreeSet<String>,
}

/// Every spec of the binary's registry, validated (workflows as in FLYTE-CONTRACT section 7.2,
/// launch plans as in 7.3, references, order) and in registration order, with identifiers
/// filled from `settings` where given; or every problem found, each naming its entity.
pub fn build_package(settings: &SerializationSettings) -> Result<Vec<Spec>, Vec<String>> {
    let mut problems = Vec::new();
    if let Err(clashes) = registry::check_unique_names() {
        problems.extend(clashes.iter().map(|c| c.to_string()));
    }
    let mut specs: Vec<Spec> = registry::tasks()
        .map(|task| Spec::Task(task_spec(task, settings)))
        .collect();
    let task_names: BTreeSet<String> = registry::tasks().map(|t| t.name()).collect();
    let mut map_tasks: BTreeMap<String, crate::workflow::MapTask> = BTreeMap::new();

    // Which workflow each launch plan launches (default launch plans share its name).
    let mut plan_owner: BTreeMap<String, String> = BTreeMap::new();
    let mut units: BTreeMap<String, Unit> = BTreeMap::new();
    for entry in registry::workflows() {
        let name = entry.name();
        let compiled = match crate::glue::build_workflow(entry) {
            Ok(compiled) => compiled,
            Err(errors) => {
                let prefix = format!("workflow `{name}`");
                problems.extend(errors.into_iter().map(|e| {
                    if e.starts_with(&prefix) {
                        e
                    } else {
                        format!("{prefix}: {e}")
                    }
                }));
                continue;
            }
        };
        problems.extend(crate::workflow::validate(&compiled));
        problems.extend(crate::workflow::check_registration(&compiled));
        for map_task in &compiled.map_tasks {
            match map_tasks.get(&map_task.name) {
                Some(known) if known != map_task => problems.push(format!(
                    "workflow `{name}`: map task `{}` is made twice with different interfaces",
                    map_task.name
                )),
                Some(_) => {}
                None => {
                    map_tasks.insert(map_task.name.clone(), map_task.clone());
                }
            }
        }
        let inputs = compiled
            .template
            .interface
            .as_ref()
            .and_then(|i| i.inputs.clone())
            .unwrap_or_default();
        let defaults = match entry.defaults() {
            Ok(defaults) => defaults,
            Err(err) => {
                problems.push(format!("workflow `{name}`: the default of input {err}"));
                continue;
            }
        };
        let mut plans = vec![default_launch_plan(&name, &inputs, &defaults)];
        for plan in registry::launch_plans().filter(|p| std::ptr::eq((p.workflow)(), entry)) {
            match launch_plan(plan, &name, &inputs, &defaults) {
                Ok(built) => plans.push(built),
                Err(err) => problems.push(err),
            }
        }
        for plan in &plans {
            problems.extend(crate::launch_plan::validate(plan, &inputs));
            if let Some(id) = &plan.id {
                plan_owner.insert(id.name.clone(), name.clone());
            }
        }
        let mut needs: BTreeSet<String> = compiled
            .sub_workflows
            .iter()
            .filter_map(|t| t.id.as_ref())
            .map(|id| id.name.clone())
            .collect();
        let mut spec = workflow_spec(entry, &compiled);
        // Pod template overrides take their task's container, which needs the settings.
        crate::workflow::complete_pod_templates(&mut spec, &|task| {
            let template = super::task::task_template(registry::task(task)?, settings);
            match template.target {
                Some(flytekit_idl::core::task_template::Target::Container(container)) => {
                    Some(container)
                }
                _ => None,
            }
        });
        let mut plan_refs = Vec::new();
        visit_workflow_spec_ids(&mut spec, &mut |id| {
            if registry::reference(id).is_some() {
                // Declared with `#[reference_*]`: registered elsewhere, whatever its version.
            } else if id.resource_type == ResourceType::LaunchPlan as i32 && id.version.is_empty() {
                plan_refs.push(id.name.clone());
            } else if id.resource_type == ResourceType::Task as i32
                && id.version.is_empty()
                && !task_names.contains(&id.name)
                && !map_tasks.contains_key(&id.name)
            {
                problems.push(format!(
                    "workflow `{name}` calls task `{}`, which is not in this binary",
                    id.name
                ));
            }
        });
        needs.extend(plan_refs.into_iter().map(|lp| format!("\u{0}{lp}")));
        units.insert(name, Unit { spec, plans, needs });
    }
    // Launch-plan references become the owning workflow, once every owner is known.
    for unit in units.values_mut() {
        let needs = std::mem::take(&mut unit.needs);
        for need in needs {
            match need.strip_prefix('\u{0}') {
                Some(plan) => match plan_owner.get(plan) {
                    Some(owner) => {
                        unit.needs.insert(owner.clone());
                    }
                    None => problems.push(format!(
                        "workflow `{}` calls launch plan `{plan}`, which is not in this binary",
                        unit.spec
                            .template
                            .as_ref()
                            .and_then(|t| t.id.as_ref())
                            .map(|id| id.name.as_str())
                            .unwrap_or("")
                    )),
                },
                None => {
                    unit.needs.insert(need);
                }
            }
        }
    }
    for map_task in map_tasks.values() {
        match registry::task(&map_task.task) {
            Some(entry) => specs.push(Spec::Task(map_task_spec(entry, map_task, settings))),
            None => problems.push(format!(
                "map task `{}` maps task `{}`, which is not in this binary",
                map_task.name, map_task.task
            )),
        }
    }
    let order = order_units(&units, &mut problems);
    for name in order {
        if let Some(unit) = units.remove(&name) {
            specs.push(Spec::Workflow(unit.spec));
            specs.extend(unit.plans.into_iter().map(Spec::LaunchPlan));
        }
    }
    if problems.is_empty() {
        problems.extend(check_order(&specs));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    for spec in specs.iter_mut() {
        spec.fill_identifiers(settings);
    }
    Ok(specs)
}

/// Workflows in dependency order (depth first, by name), reporting cycles.
fn order_units(units: &BTreeMap<String, Unit>, problems: &mut Vec<String>) -> Vec<String> {
    fn visit(
        name: &str,
        units: &BTreeMap<String, Unit>,
        state: &mut BTreeMap<String, bool>,
        path: &mut Vec<String>,
        order: &mut Vec<String>,
        problems: &mut Vec<String>,
    ) {
        match state.get(name) {
            Some(true) => return,
            Some(false) => {
                problems.push(format!(
                    "workflow `{name}` depends on itself through launch plans ({} -> {name}): nothing in the cycle can be registered first",
                    path.join(" -> ")
                ));
                return;
            }
            None => {}
        }
        let Some(unit) = units.get(name) else {
            return;
        };
        state.insert(name.to_string(), false);
        path.push(name.to_string());
        for need in &unit.needs {
            visit(need, units, state, path, order, problems);
        }
        path.pop();
        state.insert(name.to_string(), true);
        order.push(name.to_string());
    }
    let mut state = BTreeMap::new();
    let mut order = Vec::new();
    for name in units.keys() {
        visit(
            name,
            units,
            &mut state,
            &mut Vec::new(),
            &mut order,
            problems,
        );
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_width_is_ceil_log10() {
        assert_eq!(
            [1, 2, 5, 10, 11, 16, 100, 101, 1000].map(index_width),
            [1, 1, 1, 1, 2, 2, 2, 3, 3]
        );
    }

    #[test]
    fn check_order_finds_what_comes_too_late() {
        use crate::workflow::identifier;
        use flytekit_idl::core::workflow_node::Reference;
        use flytekit_idl::core::{
            node, task_node, Node, TaskNode, TaskTemplate, WorkflowNode, WorkflowTemplate,
        };
        let task = Spec::Task(TaskSpec {
            template: Some(TaskTemplate {
                id: Some(identifier(ResourceType::Task, "t")),
                ..Default::default()
            }),
            description: None,
        });
        let calls = |target| Node {
            target: Some(target),
            ..Default::default()
        };
        let workflow = Spec::Workflow(WorkflowSpec {
            template: Some(WorkflowTemplate {
                id: Some(identifier(ResourceType::Workflow, "w")),
                nodes: vec![
                    calls(node::Target::TaskNode(TaskNode {
                        reference: Some(task_node::Reference::ReferenceId(identifier(
                            ResourceType::Task,
                            "t",
                        ))),
                        overrides: None,
                    })),
                    calls(node::Target::WorkflowNode(WorkflowNode {
                        reference: Some(Reference::SubWorkflowRef(identifier(
                            ResourceType::Workflow,
                            "sub",
                        ))),
                    })),
                ],
                ..Default::default()
            }),
            ..Default::default()
        });
        let plan = Spec::LaunchPlan(default_launch_plan(
            "w",
            &Default::default(),
            &Default::default(),
        ));
        assert_eq!(
            check_order(&[plan.clone(), workflow.clone(), task.clone(), task.clone()]),
            [
                "launch plan `w` references workflow `w`, which is not registered before it",
                "workflow `w` references task `t`, which is not registered before it",
                "workflow `w` calls sub-workflow `sub`, which is not embedded in its spec",
                "task `t` comes twice in the package",
            ]
        );
        assert_eq!(
            file_names(&[task, workflow, plan]),
            ["0_t_1.pb", "1_w_2.pb", "2_w_3.pb"]
        );
    }
}
