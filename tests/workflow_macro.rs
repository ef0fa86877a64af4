//! `#[workflow]` end to end at build time: the bodies below are lowered to WorkflowTemplates
//! with flytekit's naming, and every construct lands in the spec where Flyte expects it.

use flytekit::core::registry;
use flytekit::core::workflow::typing::describe;
use flytekit::core::workflow::CompiledWorkflow;
use flytekit::idl::core::{binding_data, node, BindingData, Node, WorkflowTemplate};
use flytekit::prelude::*;

/// Summary statistics, a struct output whose fields a workflow reads.
#[derive(Debug, Clone, PartialEq, FlyteType)]
pub struct Stats {
    /// The mean.
    pub mean: f64,
    /// How many values.
    pub count: i64,
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
fn double(x: i64) -> i64 {
    x * 2
}

#[task]
fn to_float(x: i64) -> f64 {
    x as f64
}

#[task]
fn stats(xs: Vec<i64>) -> Stats {
    Stats {
        mean: xs.iter().sum::<i64>() as f64 / xs.len().max(1) as f64,
        count: xs.len() as i64,
    }
}

#[task]
fn scale(x: i64, k: i64) -> i64 {
    x * k
}

#[task]
fn log(message: String) {
    let _ = message;
}

#[task]
fn clean_up(x: i64, err: Option<FlyteError>) {
    let _ = (x, err);
}

/// Adds one, twice.
#[workflow]
fn chain(x: i64) -> i64 {
    let a = add(x, 1);
    add(a, 1)
}

#[workflow]
fn inner(a: i64) -> i64 {
    add(a)
}

#[workflow(failure_policy = "fail_after_executable_nodes_complete", on_failure = clean_up)]
fn everything(
    x: i64,
    xs: Vec<i64>,
    #[default(1.0)] scale_by: f64,
) -> (i64, Stats, Vec<Option<i64>>, f64) {
    let total = inner(x).retries(2).timeout("5m").name("inner_call");
    let (lo, hi) = split(total);
    let note = log("starting").after(lo);
    let picked = if hi > 10 && scale_by < 1.5 {
        double(lo).after(note)
    } else if hi == 0 {
        add(lo, 100)
    } else {
        fail("hi is negative")
    };
    let summary = stats(xs);
    let count = to_float(summary.count);
    let scaled = map_task(scale, xs, fixed(3))
        .concurrency(2)
        .min_success_ratio(0.5);
    (picked, summary, scaled, count)
}

fn compiled(name: &str) -> CompiledWorkflow {
    let entry =
        registry::workflow(name).unwrap_or_else(|| panic!("workflow {name} not registered"));
    flytekit::core::glue::build_workflow(entry).unwrap_or_else(|errors| panic!("{errors:?}"))
}

fn node<'a>(template: &'a WorkflowTemplate, id: &str) -> &'a Node {
    template
        .nodes
        .iter()
        .find(|n| n.id == id)
        .unwrap_or_else(|| panic!("no node {id}"))
}

fn binding<'a>(node: &'a Node, var: &str) -> &'a BindingData {
    node.inputs
        .iter()
        .find(|b| b.var == var)
        .and_then(|b| b.binding.as_ref())
        .unwrap_or_else(|| panic!("{} has no input {var}", node.id))
}

fn promise(binding: &BindingData) -> (String, String) {
    match &binding.value {
        Some(binding_data::Value::Promise(p)) => (p.node_id.clone(), p.var.clone()),
        other => panic!("not a promise: {other:?}"),
    }
}

#[test]
fn a_chain_gets_flytekits_node_ids_and_bindings() {
    let wf = compiled("workflow_macro.chain").template;
    assert_eq!(wf.id.as_ref().unwrap().name, "workflow_macro.chain");
    assert_eq!(
        wf.nodes.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
        ["n0", "n1"]
    );
    assert_eq!(
        promise(binding(node(&wf, "n0"), "a")),
        ("".to_string(), "x".to_string())
    );
    assert_eq!(
        promise(binding(node(&wf, "n1"), "a")),
        ("n0".to_string(), "o0".to_string())
    );
    assert_eq!(node(&wf, "n1").upstream_node_ids, ["n0"]);
    assert_eq!(node(&wf, "n0").metadata.as_ref().unwrap().name, "add");
    assert_eq!(
        promise(wf.outputs[0].binding.as_ref().unwrap()),
        ("n1".to_string(), "o0".to_string())
    );
}

#[test]
fn left_out_inputs_take_the_callees_default() {
    let wf = compiled("inner").template;
    let b = binding(node(&wf, "n0"), "b");
    assert!(
        matches!(b.value, Some(binding_data::Value::Scalar(_))),
        "{b:?}"
    );
}

#[test]
fn every_construct_lands_in_the_spec() {
    let CompiledWorkflow {
        template: wf,
        sub_workflows,
        map_tasks,
    } = compiled("everything");
    // Sub-workflow node with overrides, its template embedded.
    let n0 = node(&wf, "n0");
    assert!(matches!(n0.target, Some(node::Target::WorkflowNode(_))));
    let metadata = n0.metadata.as_ref().unwrap();
    assert_eq!(
        (
            metadata.name.as_str(),
            metadata.retries.as_ref().unwrap().retries
        ),
        ("inner_call", 2)
    );
    assert_eq!(metadata.timeout.as_ref().unwrap().seconds, 300);
    assert_eq!(
        sub_workflows
            .iter()
            .map(|s| s.id.as_ref().unwrap().name.as_str())
            .collect::<Vec<_>>(),
        ["workflow_macro.inner"]
    );
    // Tuple outputs and explicit ordering.
    assert_eq!(
        promise(binding(node(&wf, "n1"), "x")),
        ("n0".to_string(), "o0".to_string())
    );
    assert_eq!(node(&wf, "n2").upstream_node_ids, ["n1"]);
    // The branch.
    let branch = node(&wf, "n3");
    assert_eq!(branch.metadata.as_ref().unwrap().name, "picked");
    let vars: Vec<&str> = branch.inputs.iter().map(|b| b.var.as_str()).collect();
    assert_eq!(vars, [".scale_by", "n1.o1"]);
    let Some(node::Target::BranchNode(b)) = &branch.target else {
        panic!()
    };
    let if_else = b.if_else.as_ref().unwrap();
    assert_eq!(
        if_else
            .case
            .as_ref()
            .unwrap()
            .then_node
            .as_ref()
            .unwrap()
            .id,
        "n0"
    );
    assert_eq!(if_else.other[0].then_node.as_ref().unwrap().id, "n1");
    assert!(matches!(
        if_else.default,
        Some(flytekit::idl::core::if_else_block::Default::Error(_))
    ));
    // Struct field access is an attribute path.
    let Some(binding_data::Value::Promise(field)) = &binding(node(&wf, "n5"), "x").value else {
        panic!()
    };
    assert_eq!(
        (
            field.node_id.as_str(),
            field.var.as_str(),
            field.attr_path.len()
        ),
        ("n4", "o0", 1)
    );
    // The map task.
    let Some(node::Target::ArrayNode(array)) = &node(&wf, "n6").target else {
        panic!()
    };
    assert_eq!(array.bound_inputs, ["k"]);
    assert!(matches!(
        array.parallelism_option,
        Some(flytekit::idl::core::array_node::ParallelismOption::Parallelism(2))
    ));
    assert!(
        matches!(array.success_criteria, Some(flytekit::idl::core::array_node::SuccessCriteria::MinSuccessRatio(r)) if r == 0.5)
    );
    // The array node calls the map-task entity, whose interface lists the mapped input and
    // the (optional) outputs and keeps the bound `k` as it is.
    assert_eq!(array.is_original_sub_node_interface, Some(false));
    let [map_task] = map_tasks.as_slice() else {
        panic!("{map_tasks:?}")
    };
    let sub = array.node.as_ref().unwrap();
    assert_eq!(sub.id, map_task.name);
    assert!(map_task.name.ends_with("-arraynode"), "{}", map_task.name);
    assert_eq!(map_task.bound_inputs, ["k"]);
    let inputs = &map_task.interface.inputs.as_ref().unwrap().variables;
    let kind = |name: &str| describe(inputs[name].r#type.as_ref().unwrap());
    assert_eq!(
        (kind("x"), kind("k")),
        ("list<integer>".to_string(), "integer".to_string())
    );
    let outputs = &map_task.interface.outputs.as_ref().unwrap().variables;
    assert_eq!(
        describe(outputs["o0"].r#type.as_ref().unwrap()),
        "list<union<integer, none>>"
    );
    // Outputs, failure node and policy.
    assert_eq!(
        wf.outputs
            .iter()
            .map(|o| o.var.as_str())
            .collect::<Vec<_>>(),
        ["o0", "o1", "o2", "o3"]
    );
    assert_eq!(wf.failure_node.as_ref().unwrap().id, "fn0");
    assert_eq!(wf.metadata.as_ref().unwrap().on_failure, 1);
}

/// Named outputs: `outputs(...)` names the values of the returned tuple.
#[task(outputs(quotient, remainder))]
fn divide(a: i64, b: i64) -> (i64, i64) {
    (a / b, a % b)
}

#[workflow(outputs(q, r))]
fn named(a: i64) -> (i64, i64) {
    let (quotient, remainder) = divide(a, 3);
    (double(quotient), remainder)
}

#[test]
fn named_outputs_name_the_variables() {
    let outputs = registry::task("divide")
        .unwrap()
        .interface()
        .outputs
        .unwrap()
        .variables;
    assert_eq!(
        outputs.keys().collect::<Vec<_>>(),
        ["quotient", "remainder"]
    );
    let wf = compiled("named").template;
    assert_eq!(
        promise(binding(node(&wf, "n1"), "x")),
        ("n0".to_string(), "quotient".to_string())
    );
    assert_eq!(
        wf.outputs
            .iter()
            .map(|o| o.var.as_str())
            .collect::<Vec<_>>(),
        ["q", "r"]
    );
    assert_eq!(
        promise(wf.outputs[1].binding.as_ref().unwrap()),
        ("n0".to_string(), "remainder".to_string())
    );
    assert_eq!(named(7), (4, 1));
}

/// A body longer than one part (`#[workflow]` builds bodies of more than 32 statements in
/// parts): names bound in one part, shadowed across parts, or used two parts later, and a
/// tuple binding, all keep their values.
#[workflow]
fn long_body(x: i64) -> (i64, i64) {
    let (lo, hi) = split(x);
    let a = add(lo, 1);
    let y = double(a);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let (lo2, hi2) = split(y);
    let b = add(hi, lo2);
    let c = add(hi2, b);
    (c, lo)
}

#[test]
fn long_bodies_keep_every_binding_across_parts() {
    assert_eq!(long_body(5), (69, 2));
    let wf = compiled("workflow_macro.long_body").template;
    assert_eq!(wf.nodes.len(), 66);
    let ids: Vec<String> = (0..66).map(|i| format!("n{i}")).collect();
    assert_eq!(
        wf.nodes.iter().map(|n| n.id.clone()).collect::<Vec<_>>(),
        ids
    );
    // `b = add(hi, lo2)`: `hi` from the first node, `lo2` from the second split.
    let b = node(&wf, "n64");
    assert_eq!(
        promise(binding(b, "a")),
        ("n0".to_string(), "o1".to_string())
    );
    assert_eq!(
        promise(binding(b, "b")),
        ("n63".to_string(), "o0".to_string())
    );
    assert_eq!(
        promise(wf.outputs[1].binding.as_ref().unwrap()),
        ("n0".to_string(), "o0".to_string())
    );
}

/// Doubles each number, one node per number.
#[dynamic]
fn double_each(xs: Vec<i64>) -> Vec<i64> {
    let mut out = Vec::new();
    for x in xs {
        out.push(add(x, x));
    }
    out
}

/// A dynamic task in a branch arm: an ordinary task node.
#[workflow]
fn dynamic_in_a_branch(xs: Vec<i64>, n: i64) -> Vec<i64> {
    if n > 0 {
        double_each(xs)
    } else {
        double_each(vec![n])
    }
}

/// Maps a dynamic task, which Flyte cannot do.
#[workflow]
fn maps_a_dynamic_task(xss: Vec<Vec<i64>>) -> Vec<Vec<i64>> {
    map_task(double_each, xss)
}

#[test]
fn a_dynamic_task_runs_in_a_branch_arm() {
    assert_eq!(dynamic_in_a_branch(vec![1, 2], 1), vec![2, 4]);
    assert_eq!(dynamic_in_a_branch(vec![1, 2], -3), vec![-6]);
}

#[test]
fn a_map_over_a_dynamic_task_is_refused_naming_it() {
    let entry = registry::workflow("workflow_macro.maps_a_dynamic_task").expect("registered");
    let errors = flytekit::core::glue::build_workflow(entry).expect_err("refused");
    assert!(
        errors
            .iter()
            .any(|e| e
                .contains("`map_task` cannot map `workflow_macro.double_each`, a dynamic task")),
        "{errors:#?}"
    );
}

/// A map in a dynamic body, its lists from the inputs and a fixed value.
#[dynamic]
fn add_each(xs: Vec<i64>, ys: Vec<i64>, k: i64) -> (Vec<i64>, Vec<i64>) {
    let sums = map_task(add, xs, ys).concurrency(2);
    let shifted = map_task(add, sums.clone(), fixed(k));
    (sums, shifted)
}

#[test]
fn a_dynamic_map_called_from_rust_is_the_loop_it_stands_for() {
    assert_eq!(
        add_each(vec![1, 2, 3], vec![10, 20, 30], 100),
        (vec![11, 22, 33], vec![111, 122, 133])
    );
    assert_eq!(add_each(vec![], vec![], 1), (vec![], vec![]));
}

#[test]
#[should_panic(expected = "map_task(add, ..): the mapped lists have different lengths, [2, 1]")]
fn a_dynamic_map_of_lists_of_different_lengths_panics_called_from_rust() {
    let _ = add_each(vec![1, 2], vec![10], 0);
}

/// `add_each` as a node: its maps run as array nodes of its sub-workflow.
#[workflow]
fn add_each_flow(xs: Vec<i64>, ys: Vec<i64>, k: i64) -> (Vec<i64>, Vec<i64>) {
    add_each(xs, ys, k)
}

#[test]
fn a_dynamic_map_runs_as_array_nodes() {
    assert_eq!(
        add_each_flow(vec![1, 2, 3], vec![10, 20, 30], 100),
        (vec![11, 22, 33], vec![111, 122, 133])
    );
}

/// Links to its source.
#[workflow(source_code = "https://github.com/example/repo/blob/main/src/flows.rs")]
fn linked(x: i64) -> i64 {
    add(x, 1)
}

#[test]
fn a_source_code_link_reaches_the_workflow_spec() {
    let entry = registry::workflow("workflow_macro.linked").expect("registered");
    let compiled = flytekit::core::glue::build_workflow(entry).expect("builds");
    let spec = flytekit::core::spec::workflow_spec(entry, &compiled);
    let description = spec.description.expect("a description");
    assert_eq!(
        description.source_code.expect("a source link").link,
        "https://github.com/example/repo/blob/main/src/flows.rs"
    );
    assert_eq!(description.short_description, "Links to its source.");
}

/// `a`, `b` and `c` as the digits of a number, and as text: which input went where shows.
#[task]
fn digits(a: i64, b: i64, c: i64) -> (i64, String) {
    (a * 100 + b * 10 + c, format!("{a}{b}{c}"))
}

/// `digits` as a workflow.
#[workflow]
fn digits_flow(a: i64, b: i64, #[default(9)] c: i64) -> (i64, String) {
    digits(a, b, c)
}

flytekit::launch_plan! {
    /// The first input fixed, the last with the plan's default.
    pub digits_from_one = digits_flow { fixed: { a: 1 }, defaults: { c: 5 } }
}

flytekit::launch_plan! {
    /// The middle input fixed.
    pub digits_with_two = digits_flow { fixed: { b: 2 } }
}

#[test]
fn a_launch_plan_called_from_rust_runs_its_workflow_with_the_fixed_inputs() {
    assert_eq!(digits_from_one(2, 3), (123, "123".to_string()));
    assert_eq!(digits_with_two(4, 5), (425, "425".to_string()));
}

/// Launch plans of this binary in a dynamic body: a launch-plan node per call.
#[dynamic]
fn plan_digits(xs: Vec<i64>) -> (Vec<i64>, Vec<String>) {
    let mut numbers = Vec::new();
    let mut texts = Vec::new();
    for x in xs {
        let (number, text) = digits_from_one(x, x);
        numbers.push(number);
        texts.push(text);
        numbers.push(digits_with_two(x, 7).0);
    }
    (numbers, texts)
}

/// `plan_digits` as a node.
#[workflow]
fn plan_digits_flow(xs: Vec<i64>) -> (Vec<i64>, Vec<String>) {
    plan_digits(xs)
}

#[test]
fn launch_plans_in_a_dynamic_body_run_called_from_rust_and_as_nodes() {
    let expected = (
        vec![133, 327, 144, 427],
        vec!["133".to_string(), "144".to_string()],
    );
    assert_eq!(plan_digits(vec![3, 4]), expected);
    assert_eq!(plan_digits_flow(vec![3, 4]), expected);
}

/// Overrides in a dynamic body, some from the data.
#[dynamic]
fn tuned_adds(xs: Vec<i64>) -> Vec<i64> {
    let mut out = Vec::new();
    for (i, x) in xs.into_iter().enumerate() {
        let first = add(x, 1).name(&format!("first-{i}")).retries(i as u32);
        out.push(
            add(x, 2)
                .after(first.clone())
                .resources(mem = ("1Gi", "2Gi")),
        );
        out.push(first);
    }
    out
}

/// `tuned_adds` as a node.
#[workflow]
fn tuned_adds_flow(xs: Vec<i64>) -> Vec<i64> {
    tuned_adds(xs)
}

#[test]
fn overrides_in_a_dynamic_body_are_dropped_called_from_rust_and_kept_as_nodes() {
    assert_eq!(tuned_adds(vec![10, 20]), vec![12, 11, 22, 21]);
    assert_eq!(tuned_adds_flow(vec![10, 20]), vec![12, 11, 22, 21]);
}

/// Memory from an input: the quantity is checked when the sub-workflow is built.
#[dynamic]
fn sized_adds(xs: Vec<i64>, mem: String) -> Vec<i64> {
    xs.into_iter()
        .map(|x| add(x, 0).requests(mem = mem.clone()))
        .collect::<Vec<_>>()
}

/// `sized_adds` as a node.
#[workflow]
fn sized_adds_flow(xs: Vec<i64>, mem: String) -> Vec<i64> {
    sized_adds(xs, mem)
}

#[test]
fn a_computed_quantity_is_checked_when_the_dynamic_workflow_is_built() {
    assert_eq!(sized_adds_flow(vec![1, 2], "2Gi".to_string()), vec![1, 2]);
    let failed = std::panic::catch_unwind(|| sized_adds_flow(vec![1], "lots".to_string()));
    let message = *failed.expect_err("refused").downcast::<String>().unwrap();
    assert!(
        message.contains("a call of `workflow_macro.add`: invalid `mem` quantity \"lots\""),
        "{message}"
    );
}

/// A quantity from a constant in a workflow: checked by the builder too.
#[workflow]
fn constant_memory(x: i64) -> i64 {
    add(x, 1).requests(mem = self::TOO_MUCH)
}

/// Not a quantity.
const TOO_MUCH: &str = "1 GB";

#[test]
fn a_workflow_with_a_bad_computed_quantity_does_not_build() {
    let entry = registry::workflow("workflow_macro.constant_memory").expect("registered");
    let errors = flytekit::core::glue::build_workflow(entry).expect_err("refused");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("invalid `mem` quantity \"1 GB\"")),
        "{errors:#?}"
    );
}

#[test]
fn the_builder_refuses_unknown_resources_and_bad_quantities() {
    let mut b = flytekit::WorkflowBuilder::new("demo.sized");
    let x = b.input::<i64>("x", "the value");
    let out = b
        .call::<add>()
        .bind::<0, _>(x)
        .bind::<1, _>(1)
        .requests(&[("disk", "1Gi"), ("mem", "lots"), ("cpu", "2")])
        .shared_memory("a lot")
        .finish();
    b.output("o0", out);
    let errors = b.finish().unwrap_err();
    assert_eq!(
        errors,
        [
            "a call of `workflow_macro.add`: unknown resource `disk`; expected `cpu`, `mem`, `gpu` or `ephemeral_storage`",
            "a call of `workflow_macro.add`: invalid `mem` quantity \"lots\": not a number with an optional unit suffix",
            "a call of `workflow_macro.add`: invalid `shared_memory` quantity \"a lot\": not a number with an optional unit suffix",
        ]
    );
}

/// Gates in a dynamic body.
#[dynamic]
fn gated_adds(xs: Vec<i64>) -> Vec<i64> {
    xs.into_iter()
        .map(|x| {
            let a = add(x, 1);
            sleep("1h").after(&a);
            approve(a, &format!("ok-{x}"), "1h")
        })
        .collect::<Vec<_>>()
}

#[test]
fn gates_do_not_wait_in_a_dynamic_function_called_from_rust() {
    assert_eq!(gated_adds(vec![1, 2]), vec![2, 3]);
}

/// Waits for a number.
#[dynamic]
fn asks(x: i64) -> i64 {
    let k = wait_for_input::<i64>("k", "1h");
    add(x, k)
}

#[test]
#[should_panic(
    expected = "`wait_for_input(\"k\")` has no value when a `#[dynamic]` function is called from Rust"
)]
fn a_signal_has_no_value_in_a_dynamic_function_called_from_rust() {
    asks(1);
}
