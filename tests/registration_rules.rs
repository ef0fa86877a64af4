//! The registration check (`check_registration`, run by `package`) applies flytepropeller
//! v1.16.8's typed rules. Each test takes a workflow the macros build (which registers), breaks
//! it the way a wrong SDK or a hand-built workflow would, and asserts that the check rejects it
//! naming the node, the binding and propeller's error code.

use flytekit::core::glue::build_workflow;
use flytekit::core::registry;
use flytekit::core::workflow::{check_registration, CompiledWorkflow};
use flytekit::idl::core::{
    binding_data, boolean_expression, if_else_block, node, operand, primitive, promise_attribute,
    scalar, task_node, Binding, BindingData, BindingDataCollection, Identifier, Node, Primitive,
    PromiseAttribute, ResourceType, Scalar,
};
use flytekit::prelude::*;

/// A struct output whose fields nodes read.
#[derive(Debug, Clone, PartialEq, FlyteType)]
pub struct Stats {
    /// How many.
    pub count: i64,
    /// Their sum.
    pub total: i64,
}

/// A colour, an enum input.
#[derive(Debug, Clone, Copy, PartialEq, FlyteType)]
pub enum Color {
    /// Red.
    Red,
    /// Green.
    Green,
}

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

#[task]
fn stats(xs: Vec<i64>) -> (Stats, i64) {
    let total = xs.iter().sum();
    (
        Stats {
            count: xs.len() as i64,
            total,
        },
        total,
    )
}

#[task]
fn label(s: String) -> String {
    s
}

#[task]
fn paint(c: Color) -> String {
    format!("{c:?}")
}

/// n0 map, n1 stats, n2 double(s.total), n3 branch on the tuple output, n4 paint.
#[workflow]
fn wired(xs: Vec<i64>) -> (Vec<i64>, i64, i64, String) {
    let ys = map_task(double, xs);
    let (s, total) = stats(ys);
    let d = double(s.total);
    let picked = if total > 3 { double(total) } else { double(0) };
    let name = paint(Color::Red);
    (ys, d, picked, name)
}

fn compiled() -> CompiledWorkflow {
    let entry = registry::workflow("wired").expect("registered");
    build_workflow(entry).expect("builds")
}

fn node_mut<'a>(compiled: &'a mut CompiledWorkflow, id: &str) -> &'a mut Node {
    compiled
        .template
        .nodes
        .iter_mut()
        .find(|n| n.id == id)
        .unwrap_or_else(|| panic!("no node {id}"))
}

fn binding_mut<'a>(node: &'a mut Node, var: &str) -> &'a mut Binding {
    node.inputs
        .iter_mut()
        .find(|b| b.var == var)
        .unwrap_or_else(|| panic!("no binding {var}"))
}

fn promise_mut(binding: &mut Binding) -> &mut flytekit::idl::core::OutputReference {
    match binding.binding.as_mut().and_then(|b| b.value.as_mut()) {
        Some(binding_data::Value::Promise(p)) => p,
        other => panic!("not a promise: {other:?}"),
    }
}

fn scalar_binding(value: primitive::Value) -> BindingData {
    BindingData {
        value: Some(binding_data::Value::Scalar(Scalar {
            value: Some(scalar::Value::Primitive(Primitive { value: Some(value) })),
        })),
        union: None,
    }
}

/// Asserts that the check finds a problem containing every one of `parts`.
#[track_caller]
fn assert_rejected(compiled: &CompiledWorkflow, parts: &[&str]) {
    let problems = check_registration(compiled);
    assert!(
        problems
            .iter()
            .any(|p| parts.iter().all(|part| p.contains(part))),
        "no problem with {parts:?} in {problems:#?}"
    );
}

#[test]
fn the_workflow_as_built_registers() {
    assert_eq!(check_registration(&compiled()), Vec::<String>::new());
}

#[test]
fn an_array_node_calling_the_scalar_task_is_rejected() {
    // The shape flytekit-rs wrote before: the sub-node calls `double` itself.
    let mut compiled = compiled();
    let array = node_mut(&mut compiled, "n0");
    let Some(node::Target::ArrayNode(array)) = &mut array.target else {
        panic!("n0 is the map")
    };
    let sub = array.node.as_mut().unwrap();
    let Some(node::Target::TaskNode(task)) = &mut sub.target else {
        panic!()
    };
    let double = registry::task("double").unwrap().name();
    task.reference = Some(task_node::Reference::ReferenceId(Identifier {
        resource_type: ResourceType::Task as i32,
        name: double,
        ..Default::default()
    }));
    array.is_original_sub_node_interface = Some(true);
    compiled.map_tasks.clear();
    // The list bound to the scalar input, and the consumer of the map's output.
    assert_rejected(
        &compiled,
        &[
            "node `n0`",
            "input `x` is `integer`",
            "`xs` of the workflow inputs is `list<integer>`",
            "MismatchingVariables",
        ],
    );
    assert_rejected(
        &compiled,
        &[
            "node `n1`",
            "input `xs` is `list<integer>`",
            "`o0` of node `n0` is `integer`",
            "MismatchingVariables",
        ],
    );
}

#[test]
fn a_branch_on_a_struct_field_is_rejected_twice() {
    // `if s.total > 3`: the branch input reads n1.o0 with an attribute path.
    let mut compiled = compiled();
    let branch = node_mut(&mut compiled, "n3");
    let binding = branch.inputs.first_mut().unwrap();
    let promise = promise_mut(binding);
    promise.var = "o0".to_string();
    promise.attr_path = vec![PromiseAttribute {
        value: Some(promise_attribute::Value::StringValue("total".to_string())),
    }];
    assert_rejected(
        &compiled,
        &[
            "node `n3`",
            "input `n1.o1`",
            "is `integer`",
            "MismatchingVariables",
        ],
    );
    assert_rejected(
        &compiled,
        &[
            "node `n3`",
            "the condition compares",
            "`struct`",
            "`integer`",
            "MismatchingTypes",
        ],
    );
}

#[test]
fn condition_operands_must_have_one_type() {
    let mut compiled = compiled();
    let Some(node::Target::BranchNode(branch)) = &mut node_mut(&mut compiled, "n3").target else {
        panic!("n3 is the branch")
    };
    let case = branch.if_else.as_mut().unwrap().case.as_mut().unwrap();
    let Some(boolean_expression::Expr::Comparison(comparison)) =
        &mut case.condition.as_mut().unwrap().expr
    else {
        panic!()
    };
    comparison.right_value = Some(flytekit::idl::core::Operand {
        val: Some(operand::Val::Primitive(Primitive {
            value: Some(primitive::Value::FloatValue(3.0)),
        })),
    });
    assert_rejected(
        &compiled,
        &[
            "node `n3`",
            "compares `integer` with `float`",
            "MismatchingTypes",
        ],
    );
}

#[test]
fn branch_arms_must_agree_on_output_types() {
    let mut compiled = compiled();
    let Some(node::Target::BranchNode(branch)) = &mut node_mut(&mut compiled, "n3").target else {
        panic!()
    };
    let Some(if_else_block::Default::ElseNode(else_node)) =
        &mut branch.if_else.as_mut().unwrap().default
    else {
        panic!()
    };
    let Some(node::Target::TaskNode(task)) = &mut else_node.target else {
        panic!()
    };
    task.reference = Some(task_node::Reference::ReferenceId(Identifier {
        resource_type: ResourceType::Task as i32,
        name: registry::task("label").unwrap().name(),
        ..Default::default()
    }));
    else_node.inputs = vec![Binding {
        var: "s".to_string(),
        binding: Some(scalar_binding(primitive::Value::StringValue("a".into()))),
    }];
    assert_rejected(
        &compiled,
        &[
            "node `n3`",
            "output `o0`",
            "`integer`",
            "`string`",
            "MismatchingTypes",
        ],
    );
}

#[test]
fn bindings_follow_bindings_go() {
    // An input the task does not have, and the one it has left unbound.
    let mut wrong_name = compiled();
    binding_mut(node_mut(&mut wrong_name, "n2"), "x").var = "y".to_string();
    assert_rejected(
        &wrong_name,
        &["node `n2`", "binds `y`", "VariableNameNotFound"],
    );
    assert_rejected(
        &wrong_name,
        &["node `n2`", "input `x` is not bound", "ParameterNotBound"],
    );

    let mut twice = compiled();
    let n2 = node_mut(&mut twice, "n2");
    let again = n2.inputs[0].clone();
    n2.inputs.push(again);
    assert_rejected(
        &twice,
        &[
            "node `n2`",
            "binds `x` more than once",
            "ParameterBoundMoreThanOnce",
        ],
    );

    // A field the struct does not have (resolved through `dataclass_type`).
    let mut no_field = compiled();
    let promise = promise_mut(binding_mut(node_mut(&mut no_field, "n2"), "x"));
    promise.attr_path[0].value = Some(promise_attribute::Value::StringValue("mean".into()));
    assert_rejected(&no_field, &["node `n2`", "field `mean`", "FieldNotFound"]);

    // An output the upstream node does not have, and one that is no output name.
    let mut no_output = compiled();
    promise_mut(binding_mut(node_mut(&mut no_output, "n2"), "x")).var = "o7".to_string();
    assert_rejected(
        &no_output,
        &["node `n2`", "reads `o7`", "VariableNameNotFound"],
    );
    let mut bad_syntax = compiled();
    promise_mut(binding_mut(node_mut(&mut bad_syntax, "n2"), "x")).var = "o-0".to_string();
    assert_rejected(&bad_syntax, &["node `n2`", "`o-0`", "SyntaxError"]);

    // A literal of another type, a list where a number goes, an enum value not in the enum.
    let mut literal = compiled();
    binding_mut(node_mut(&mut literal, "n2"), "x").binding =
        Some(scalar_binding(primitive::Value::StringValue("two".into())));
    assert_rejected(
        &literal,
        &[
            "node `n2`",
            "input `x` is `integer`",
            "literal bound to it is `string`",
            "MismatchingTypes",
        ],
    );
    let mut list = compiled();
    binding_mut(node_mut(&mut list, "n2"), "x").binding = Some(BindingData {
        value: Some(binding_data::Value::Collection(BindingDataCollection {
            bindings: vec![scalar_binding(primitive::Value::Integer(1))],
        })),
        union: None,
    });
    assert_rejected(
        &list,
        &["node `n2`", "a list is bound to it", "MismatchingBindings"],
    );
    let mut colour = compiled();
    binding_mut(node_mut(&mut colour, "n4"), "c").binding =
        Some(scalar_binding(primitive::Value::StringValue("Blue".into())));
    assert_rejected(
        &colour,
        &["node `n4`", "`Blue` is not one of", "IllegalEnumValue"],
    );
}

#[test]
fn workflow_outputs_are_bound_like_the_end_nodes_inputs() {
    let mut compiled = compiled();
    // o1 (an i64) bound to the whole struct output.
    let output = compiled
        .template
        .outputs
        .iter_mut()
        .find(|o| o.var == "o1")
        .unwrap();
    let promise = promise_mut(output);
    promise.node_id = "n1".to_string();
    promise.var = "o0".to_string();
    promise.attr_path.clear();
    assert_rejected(
        &compiled,
        &[
            "node `end-node`",
            "input `o1` is `integer`",
            "is `struct`",
            "MismatchingVariables",
        ],
    );
}

/// The workflow the plan below launches.
#[workflow]
fn scaled_sum(xs: Vec<i64>, factor: i64, #[default(0)] offset: i64) -> i64 {
    let total = stats(xs).1;
    let _ = (factor, offset);
    double(total)
}

flytekit::launch_plan! {
    /// `scaled_sum` with a fixed factor.
    pub tripled = scaled_sum { fixed: { factor: 3 } }
}

/// n0 calls the plan with `xs` only: `offset` keeps the workflow's default, `factor` is fixed.
#[workflow]
fn calls_plan(xs: Vec<i64>) -> i64 {
    tripled(xs)
}

fn plan_call() -> CompiledWorkflow {
    build_workflow(registry::workflow("calls_plan").expect("registered")).expect("builds")
}

#[test]
fn launch_plan_nodes_are_checked_against_the_plans_expected_inputs() {
    let compiled = plan_call();
    assert_eq!(check_registration(&compiled), Vec::<String>::new());
    let vars: Vec<&str> = compiled.template.nodes[0]
        .inputs
        .iter()
        .map(|b| b.var.as_str())
        .collect();
    assert_eq!(vars, ["offset", "xs"], "a fixed input is never bound");

    // Binding the fixed input: admin leaves it out of the plan's expected inputs.
    let mut fixed = plan_call();
    fixed.template.nodes[0].inputs.push(Binding {
        var: "factor".to_string(),
        binding: Some(scalar_binding(primitive::Value::Integer(4))),
    });
    assert_rejected(&fixed, &["node `n0`", "`factor`", "VariableNameNotFound"]);

    // Leaving out a required input.
    let mut missing = plan_call();
    missing.template.nodes[0].inputs.retain(|b| b.var != "xs");
    assert_rejected(&missing, &["node `n0`", "`xs`"]);

    // An input of the wrong type.
    let mut wrong = plan_call();
    *binding_mut(&mut wrong.template.nodes[0], "offset") = Binding {
        var: "offset".to_string(),
        binding: Some(scalar_binding(primitive::Value::StringValue("x".into()))),
    };
    assert_rejected(&wrong, &["node `n0`", "`offset`", "MismatchingTypes"]);
}
