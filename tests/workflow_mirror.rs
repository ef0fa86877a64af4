//! Structural equivalence with Python flytekit: the workflows of tests/python/wf_mirror are
//! written again here, and the WorkflowSpec flytekit-rs builds for each must equal the one
//! `pyflyte package` builds (nodes, bindings, branch conditions, interfaces, outputs), entity
//! names aside (`tests/python/mirror_specs.py` does the comparison).

use std::path::Path;

use flytekit::core::glue::build_workflow;
use flytekit::core::registry;
use flytekit::core::spec::{map_task_spec, task_template, SerializationSettings};
use flytekit::core::workflow::{check_registration, complete_pod_templates};
use flytekit::idl::admin::WorkflowSpec;
use flytekit::idl::prost::Message;
use flytekit::prelude::*;
use flytekit_tests::PythonEnv;

#[task]
fn inc(x: i64) -> i64 {
    x + 1
}

#[task]
fn add(a: i64, #[default(3)] b: i64) -> i64 {
    a + b
}

#[task]
fn split(x: i64) -> (i64, i64) {
    (x / 2, x - x / 2)
}

#[task]
fn greet(name: String, #[default(1)] times: i64) -> String {
    name.repeat(times as usize)
}

#[task]
fn square(x: i64) -> i64 {
    x * x
}

#[task]
fn clean_up(x: i64, err: Option<FlyteError>) {
    let _ = (x, err);
}

#[workflow]
fn chain(x: i64) -> i64 {
    let a = inc(x);
    let b = inc(a);
    inc(b)
}

#[workflow]
fn fan(x: i64) -> i64 {
    let a = inc(x);
    let b = square(x);
    add(a, b)
}

#[workflow]
fn tuples(x: i64) -> (i64, i64) {
    let (lo, hi) = split(x);
    (add(lo, hi), lo)
}

#[workflow]
fn literals(x: i64) -> (i64, i64, String) {
    (add(x), add(x, 5), greet("world"))
}

#[workflow]
fn inner(a: i64) -> i64 {
    add(a, 1)
}

#[workflow]
fn outer(x: i64) -> i64 {
    let y = inner(x);
    inner(y)
}

#[workflow]
fn branches(x: i64, f: f64) -> i64 {
    let t = inc(x);
    let pick = if t > 10 && f < 1.5 {
        square(t)
    } else if t == 5 {
        add(t, t)
    } else {
        fail("no case matched")
    };
    pick
}

#[workflow]
fn mapped(xs: Vec<i64>) -> Vec<Option<i64>> {
    map_task(square, xs).min_success_ratio(0.5).concurrency(2)
}

#[task]
fn scale(x: i64, factor: i64, offset: i64) -> i64 {
    x * factor + offset
}

#[task]
fn nums(n: i64) -> Vec<i64> {
    (0..n).collect()
}

#[workflow]
fn scaled(xs: Vec<i64>, f: i64) -> Vec<i64> {
    map_task(scale, xs, fixed(f), fixed(2)).concurrency(3)
}

#[workflow]
fn map_chain(n: i64) -> Vec<i64> {
    let xs = nums(n);
    let ys = map_task(square, xs);
    map_task(square, ys)
}

#[workflow]
fn map_branch(xs: Vec<i64>, x: i64) -> Vec<i64> {
    let pick_map = if x > 0 {
        map_task(square, xs)
    } else {
        map_task(inc, xs)
    };
    pick_map
}

#[workflow]
fn sub_map(xs: Vec<i64>) -> Vec<i64> {
    map_task(square, xs).concurrency(2)
}

#[workflow]
fn map_sub(n: i64) -> Vec<i64> {
    sub_map(nums(n))
}

/// The README quickstart's summary.
#[derive(Debug, Clone, PartialEq, FlyteType)]
pub struct Summary {
    /// How many numbers.
    pub count: i64,
    /// Their sum.
    pub total: i64,
}

#[task(cache(version = "1"))]
fn squared(x: i64) -> i64 {
    x * x
}

#[task]
fn summarize(values: Vec<i64>) -> (Summary, i64) {
    let total = values.iter().sum();
    let summary = Summary {
        count: values.len() as i64,
        total,
    };
    (summary, total)
}

#[task(retries = 2)]
fn celebrate(total: i64) -> String {
    format!("a big total: {total}")
}

#[task]
fn shrug(total: i64, #[default(100)] threshold: i64) -> String {
    format!("{total} is under {threshold}")
}

/// The README quickstart's workflow (its `numbers` is `nums` here).
#[workflow]
fn pipeline(n: i64) -> (Summary, String) {
    let xs = nums(n);
    let squares = map_task(squared, xs).concurrency(4);
    let (summary, total) = summarize(squares);
    let message = if total >= 100 {
        celebrate(summary.total)
    } else {
        shrug(summary.total)
    };
    (summary, message)
}

#[task]
fn total(xs: Vec<i64>) -> i64 {
    xs.iter().sum()
}

#[task]
fn render(m: std::collections::HashMap<String, i64>) -> String {
    let mut pairs: Vec<String> = m.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.sort();
    pairs.join(",")
}

/// Lists and maps of promises and values, as flytekit writes `total(xs=[d, b, 3])`.
#[workflow]
fn collections(a: i64, b: i64) -> (i64, i64, String) {
    let d = inc(a);
    let t = total(vec![d, b, 3]);
    let u = total([d, b]);
    let r = render(std::collections::HashMap::from([
        ("first", d),
        ("second", b),
        ("fixed", 2),
    ]));
    (t, u, r)
}

#[task]
fn locate(name: String, #[default("eu")] region: String) -> String {
    format!("{name}@{region}")
}

/// A string default, bound as a literal where the call leaves it out.
#[workflow]
fn regions(#[default("ada")] name: String) -> String {
    locate(name)
}

/// Ordering without data: `.after(node)` on a gate and on a branch (flytekit's `a >> b`).
#[workflow]
fn ordered(x: i64) -> i64 {
    let a = inc(x);
    let pause = sleep("5s").after(a);
    let b = inc(x).after(pause);
    let picked = if x > 0 { inc(x) } else { inc(1) }.after(b);
    picked
}

/// An imperative workflow (flytekit's `ImperativeWorkflow`): nodes added by a function.
fn build_imperative(b: &mut flytekit::WorkflowBuilder) {
    let x = b.input::<i64>("x", "");
    let first = b.call::<inc>().bind::<0, _>(&x).finish();
    let second = b.call::<add>().bind::<0, _>(first).bind::<1, _>(x).finish();
    b.output("o0", second);
}

flytekit::imperative_workflow!(imperative = build_imperative);

/// Node overrides of the extended resources, of resources and of the pod (flytekit's
/// `with_overrides`).
#[workflow]
fn overridden(x: i64) -> i64 {
    let a = inc(x).accelerator("nvidia-tesla-t4").shared_memory("2Gi");
    let b = inc(a).shared_memory("");
    let c = inc(b).resources(cpu = "1", mem = ("1Gi", "2Gi"));
    inc(c).pod_template(
        flytekit::PodTemplate::new(serde_json::json!({
            "containers": [{"name": "main", "env": [{"name": "OWN", "value": "1"}]}],
            "tolerations": [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}],
            "nodeSelector": {"pool": "gpu"},
        }))
        .primary_container_name("main")
        .label("team", "ml")
        .annotation("example.com/owner", "data"),
    )
}

/// A task registered elsewhere in the same project, domain and version as this package:
/// registration fills the empty fields.
#[reference_task(project = "", domain = "", name = "shared.double", version = "")]
fn shared_double(x: i64) -> i64;

/// A launch plan registered elsewhere, likewise.
#[reference_launch_plan(project = "", domain = "", name = "shared.nightly", version = "")]
fn shared_nightly(x: i64) -> i64;

#[workflow]
fn uses_reference(x: i64) -> i64 {
    shared_nightly(shared_double(inc(x)))
}

dataset_columns! {
    /// The sales table (`SALES` in Python).
    pub struct Sales {
        /// Where.
        pub region: String,
        /// How many.
        pub units: i64,
        /// At what price.
        pub price: f64,
        /// Whether it went well.
        pub ok: bool,
        /// When.
        pub at: chrono::DateTime<chrono::Utc>,
    }

    /// A subset of it (`UNITS`).
    pub struct Units {
        /// How many.
        pub units: i64,
        /// Where.
        pub region: String,
    }
}

#[task]
fn make_sales(n: i64) -> StructuredDataset<Sales> {
    let _ = n;
    StructuredDataset::new("s3://bucket/sales")
}

#[task]
fn copy_table(table: StructuredDataset) -> StructuredDataset {
    table
}

#[task]
fn units_total(sales: StructuredDataset<Units>) -> i64 {
    sales.column_names().len() as i64
}

/// A table between tasks: all its columns to one, a subset of them to another.
#[workflow]
fn tables(n: i64) -> (i64, StructuredDataset) {
    let sales = make_sales(n);
    let copied = copy_table(sales as StructuredDataset);
    (units_total(sales as StructuredDataset<Units>), copied)
}

#[task]
fn tally(xs: Vec<i64>, bonus: i64, owner: String) -> String {
    format!("{owner}: {}", xs.iter().sum::<i64>() + bonus)
}

/// The workflow the launch plans below launch.
#[workflow]
fn report(xs: Vec<i64>, bonus: i64, #[default("nobody")] owner: String) -> String {
    tally(xs, bonus, owner)
}

flytekit::launch_plan! {
    /// `report` with a default bonus.
    pub weekly_report = report { defaults: { bonus: 10 } }
}

flytekit::launch_plan! {
    /// `report` with a bonus no caller may change.
    pub fixed_report = report { fixed: { bonus: 100 }, defaults: { owner: "team" } }
}

/// Launch plans of this binary called as nodes (flytekit's `lp(xs=xs)`).
#[workflow]
fn calls_plans(xs: Vec<i64>) -> (String, String, String) {
    let a = weekly_report(xs);
    let b = weekly_report(xs, 1, "ada");
    let c = fixed_report(xs);
    (a, b, c)
}

#[workflow(on_failure = clean_up)]
fn with_failure(x: i64) -> i64 {
    inc(x)
}

#[test]
fn workflow_specs_match_what_flytekit_builds() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("workflow_mirror");
    let _ = std::fs::remove_dir_all(&dir);
    let map_dir = dir.join("map_tasks");
    std::fs::create_dir_all(&map_dir).unwrap();
    for name in [
        "chain",
        "fan",
        "tuples",
        "literals",
        "outer",
        "branches",
        "mapped",
        "with_failure",
        "scaled",
        "map_chain",
        "map_branch",
        "sub_map",
        "map_sub",
        "pipeline",
        "collections",
        "regions",
        "ordered",
        "imperative",
        "overridden",
        "uses_reference",
        "tables",
        "calls_plans",
    ] {
        let entry = registry::workflow(name).unwrap_or_else(|| panic!("{name} is not registered"));
        let compiled = build_workflow(entry).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let problems = check_registration(&compiled);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        for map_task in &compiled.map_tasks {
            let task = registry::task(&map_task.task).unwrap();
            let spec = map_task_spec(task, map_task, &SerializationSettings::default());
            let short = map_task.name.rsplit('.').next().unwrap();
            std::fs::write(map_dir.join(format!("{short}.pb")), spec.encode_to_vec()).unwrap();
        }
        let mut spec = WorkflowSpec {
            template: Some(compiled.template),
            sub_workflows: compiled.sub_workflows,
            description: None,
        };
        // As `package` does, with `pyflyte package --image`'s image.
        let settings = SerializationSettings {
            image: "ghcr.io/example/app:1".to_string(),
            ..Default::default()
        };
        complete_pod_templates(&mut spec, &|task| match task_template(
            registry::task(task)?,
            &settings,
        )
        .target
        {
            Some(flytekit::idl::core::task_template::Target::Container(c)) => Some(c),
            _ => None,
        });
        std::fs::write(dir.join(format!("{name}.pb")), spec.encode_to_vec()).unwrap();
    }
    let python = PythonEnv::get(env!("CARGO_TARGET_TMPDIR"));
    let report = python.run_script("mirror_specs.py", &[dir.as_os_str()]);
    assert!(report.contains(", 0 differences"), "{report}");
}

#[test]
fn workflow_functions_run_their_dag_locally() {
    assert_eq!(chain(1), 4);
    assert_eq!(fan(3), 13);
    assert_eq!(tuples(7), (7, 3));
    assert_eq!(literals(1), (4, 6, "world".to_string()));
    assert_eq!(outer(1), 3);
    // Branch both ways: t = 11 > 10 and f < 1.5 -> square; t == 5 -> add(t, t).
    assert_eq!(branches(10, 1.0), 121);
    assert_eq!(branches(4, 9.0), 10);
    assert_eq!(mapped(vec![1, 2, 3]), vec![Some(1), Some(4), Some(9)]);
    assert_eq!(with_failure(1), 2);
    assert_eq!(scaled(vec![1, 2], 10), vec![12, 22]);
    assert_eq!(map_chain(3), vec![0, 1, 16]);
    assert_eq!(map_branch(vec![2, 3], 1), vec![4, 9]);
    assert_eq!(map_branch(vec![2, 3], 0), vec![3, 4]);
    assert_eq!(map_sub(3), vec![0, 1, 4]);
    assert_eq!(regions("bo".to_string()), "bo@eu");
    // Node overrides (resources, pod template) change nothing in a local run.
    assert_eq!(overridden(1), 5);
    // The plans' defaults, a caller's values, and a fixed input the caller cannot pass.
    assert_eq!(
        calls_plans(vec![1, 2]),
        (
            "nobody: 13".to_string(),
            "ada: 4".to_string(),
            "team: 103".to_string()
        )
    );
    let defaults = registry::workflow("regions").unwrap().defaults().unwrap();
    assert_eq!(String::from_literal(&defaults["name"]).unwrap(), "ada");
    assert_eq!(
        collections(1, 10),
        (15, 12, "first=2,fixed=2,second=10".to_string())
    );
}

#[test]
#[should_panic(expected = "no case matched")]
fn a_branch_that_fails_fails_the_workflow_function() {
    branches(0, 9.0);
}

/// The package of this binary, in project `flytesnacks`, domain `development`, version `v7`.
fn package() -> Vec<flytekit::core::spec::Spec> {
    let settings = SerializationSettings {
        image: "ghcr.io/x/app:1".to_string(),
        project: "flytesnacks".to_string(),
        domain: "development".to_string(),
        version: "v7".to_string(),
        ..Default::default()
    };
    flytekit::core::spec::build_package(&settings)
        .unwrap_or_else(|problems| panic!("{problems:#?}"))
}

#[test]
fn the_package_of_these_workflows_registers_and_fills_empty_reference_fields() {
    use flytekit::core::spec::Spec;
    use flytekit::idl::core::{node, task_node};
    let specs = package();
    let workflow = specs
        .iter()
        .find_map(|spec| match spec {
            Spec::Workflow(w) if spec.name().ends_with(".uses_reference") => w.template.clone(),
            _ => None,
        })
        .expect("uses_reference is packaged");
    let Some(node::Target::TaskNode(task)) = &workflow.nodes[1].target else {
        panic!("n1 calls the reference task")
    };
    let Some(task_node::Reference::ReferenceId(id)) = &task.reference else {
        panic!()
    };
    assert_eq!(
        (
            id.project.as_str(),
            id.domain.as_str(),
            id.name.as_str(),
            id.version.as_str()
        ),
        ("flytesnacks", "development", "shared.double", "v7")
    );
}

#[test]
fn launch_plans_called_as_nodes_are_registered_before_their_callers() {
    use flytekit::core::spec::Spec;
    use flytekit::idl::core::{node, workflow_node};
    let specs = package();
    let position = |name: &str, kind: u8| {
        specs
            .iter()
            .position(|s| s.kind() == kind && s.name() == name)
            .unwrap_or_else(|| panic!("{name} is not packaged"))
    };
    let caller = specs
        .iter()
        .find(|s| s.kind() == 2 && s.name().ends_with(".calls_plans"))
        .unwrap();
    let report = specs
        .iter()
        .find(|s| s.kind() == 2 && s.name().ends_with(".report"))
        .unwrap();
    let caller_at = position(caller.name(), 2);
    // flyteadmin compiles a workflow against the launch plans it calls, which must exist.
    assert!(position(report.name(), 2) < position("weekly_report", 3));
    assert!(position("weekly_report", 3) < caller_at);
    assert!(position("fixed_report", 3) < caller_at);
    let Spec::Workflow(spec) = caller else {
        panic!()
    };
    let template = spec.template.as_ref().unwrap();
    let Some(node::Target::WorkflowNode(call)) = &template.nodes[2].target else {
        panic!("n2 calls a launch plan")
    };
    let Some(workflow_node::Reference::LaunchplanRef(id)) = &call.reference else {
        panic!("n2 references a launch plan")
    };
    assert_eq!(
        (
            id.project.as_str(),
            id.domain.as_str(),
            id.name.as_str(),
            id.version.as_str()
        ),
        ("flytesnacks", "development", "fixed_report", "v7")
    );
    assert!(
        spec.sub_workflows.is_empty(),
        "a launch plan is not embedded"
    );
}

#[test]
fn package_completes_a_pod_template_override_with_the_tasks_container() {
    use flytekit::core::spec::Spec;
    use flytekit::idl::core::node;
    let specs = package();
    let Some(Spec::Workflow(spec)) = specs
        .iter()
        .find(|s| s.kind() == 2 && s.name().ends_with(".overridden"))
    else {
        panic!("overridden is packaged")
    };
    let Some(node::Target::TaskNode(task)) = &spec.template.as_ref().unwrap().nodes[3].target
    else {
        panic!("n3 is a task node")
    };
    let pod = task
        .overrides
        .as_ref()
        .unwrap()
        .pod_template
        .as_ref()
        .unwrap();
    assert_eq!(pod.primary_container_name, "main");
    let spec = serde_json::to_value(
        pod.pod_spec
            .as_ref()
            .unwrap()
            .fields
            .iter()
            .map(|(k, v)| (k.clone(), format!("{v:?}")))
            .collect::<std::collections::BTreeMap<_, _>>(),
    )
    .unwrap();
    let containers = spec["containers"].as_str().unwrap();
    assert!(containers.contains("ghcr.io/x/app:1"), "{containers}");
    assert!(containers.contains("\"execute\""), "{containers}");
    assert!(containers.contains("OWN"), "{containers}");
}
