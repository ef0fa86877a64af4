//! Executor tests on hand-built templates: malformed templates, branches, gates, sub-workflows
//! and a task registered by hand (the `#[task]` macro cannot be used inside the runtime crate;
//! tests/executor.rs covers real tasks).

use std::sync::{Arc, Mutex};

use flytekit_core::glue::VariableSpec;
use flytekit_core::task::{LiteralFn, TaskEntry, TaskFn, TaskRegistration};
use flytekit_core::types::simple_type;
use flytekit_core::{FlyteType, TaskConfig, TaskError};
use flytekit_idl::core::comparison_expression::Operator;
use flytekit_idl::core::{
    binding_data, gate_node, if_else_block, node, task_node, workflow_node, ApproveCondition,
    Binding, BindingData, BranchNode, Error, GateNode, Identifier, IfBlock, IfElseBlock, Literal,
    LiteralMap, Node, OutputReference, SignalCondition, SimpleType, SleepCondition, TaskNode,
    WorkflowNode, WorkflowTemplate,
};

use super::condition::tests::{cmp, int, var};
use super::*;

fn double(inputs: &LiteralMap) -> Result<LiteralMap, TaskError> {
    let x = inputs
        .literals
        .get("x")
        .map(i64::from_literal)
        .transpose()?
        .ok_or_else(|| TaskError::conversion("no x"))?;
    Ok(LiteralMap {
        literals: [("o0".to_string(), (2 * x).to_literal()?)].into(),
    })
}

static DOUBLE: TaskEntry = TaskEntry {
    module_path: "executor_unit",
    fn_name: "double",
    file: file!(),
    line: line!(),
    config: TaskConfig::DEFAULT,
    short_description: "",
    long_description: "",
    inputs: &[VariableSpec {
        name: "x",
        literal_type: i64::literal_type,
        description: "",
    }],
    outputs: &[VariableSpec {
        name: "o0",
        literal_type: i64::literal_type,
        description: "",
    }],
    defaults: None,
    run: TaskFn::Sync(&(double as LiteralFn)),
};

#[flytekit_core::linkme::distributed_slice(flytekit_core::task::FLYTEKIT_TASKS)]
#[linkme(crate = flytekit_core::linkme)]
static DOUBLE_REGISTRATION: TaskRegistration =
    TaskRegistration::new("executor_unit", "double", None, || &DOUBLE);

pub(crate) fn promise(node: &str, var: &str) -> BindingData {
    BindingData {
        value: Some(binding_data::Value::Promise(OutputReference {
            node_id: node.into(),
            var: var.into(),
            attr_path: vec![],
        })),
        ..Default::default()
    }
}

pub(crate) fn bind(var: &str, data: BindingData) -> Binding {
    Binding {
        var: var.into(),
        binding: Some(data),
    }
}

fn id(name: &str) -> Identifier {
    Identifier {
        name: name.into(),
        ..Default::default()
    }
}

fn task(node_id: &str, task: &str, inputs: Vec<Binding>) -> Node {
    Node {
        id: node_id.into(),
        inputs,
        target: Some(node::Target::TaskNode(TaskNode {
            reference: Some(task_node::Reference::ReferenceId(id(task))),
            ..Default::default()
        })),
        ..Default::default()
    }
}

fn gate(node_id: &str, condition: gate_node::Condition, inputs: Vec<Binding>) -> Node {
    Node {
        id: node_id.into(),
        inputs,
        target: Some(node::Target::GateNode(GateNode {
            condition: Some(condition),
        })),
        ..Default::default()
    }
}

/// An approve gate that passes `o0` through: a task-free node with an output.
fn pass(node_id: &str, signal: &str, from: BindingData) -> Node {
    gate(
        node_id,
        gate_node::Condition::Approve(ApproveCondition {
            signal_id: signal.into(),
        }),
        vec![bind("o0", from)],
    )
}

fn workflow(name: &str, nodes: Vec<Node>, outputs: Vec<Binding>) -> WorkflowTemplate {
    WorkflowTemplate {
        id: Some(id(name)),
        nodes,
        outputs,
        ..Default::default()
    }
}

fn inputs(x: i64) -> LiteralMap {
    LiteralMap {
        literals: [("x".to_string(), x.to_literal().unwrap())].into(),
    }
}

#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl ExecutionObserver for Recorder {
    fn event(&self, event: &NodeEvent) {
        let line = ProgressPrinter::line(event);
        let line = line.split(" in ").next().unwrap_or(&line).to_string();
        let line = line.split(" after ").next().unwrap_or(&line).to_string();
        self.0.lock().unwrap().push(line);
    }
}

fn make(gates: &[(&str, GateValue)]) -> (Executor, Arc<Recorder>) {
    let recorder = Arc::new(Recorder::default());
    let options = ExecutorOptions {
        gate_values: gates
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        interactive: false,
        cache: CacheMode::Bypass,
        observer: Some(recorder.clone()),
        ..Default::default()
    };
    (Executor::new(options), recorder)
}

fn yes() -> GateValue {
    GateValue::Literal(true.to_literal().unwrap())
}

async fn run(
    wf: &WorkflowTemplate,
    subs: &[WorkflowTemplate],
    x: i64,
) -> Result<i64, ExecutionError> {
    let (executor, _) = make(&[("ok", yes())]);
    let outputs = executor.run_workflow(wf, subs, inputs(x)).await?;
    Ok(i64::from_literal(&outputs.literals["o0"]).unwrap())
}

fn branch(
    node_id: &str,
    cases: Vec<(BooleanExpr, Node)>,
    default: Option<if_else_block::Default>,
) -> Node {
    let mut blocks = cases.into_iter().map(|(condition, then)| IfBlock {
        condition: Some(condition),
        then_node: Some(Box::new(then)),
    });
    let case = blocks.next().map(Box::new);
    Node {
        id: node_id.into(),
        inputs: vec![bind(".x", promise("", "x"))],
        target: Some(node::Target::BranchNode(Box::new(BranchNode {
            if_else: Some(Box::new(IfElseBlock {
                case,
                other: blocks.collect(),
                default,
            })),
        }))),
        ..Default::default()
    }
}

type BooleanExpr = flytekit_idl::core::BooleanExpression;

#[tokio::test]
async fn a_chain_of_hand_registered_tasks() {
    let wf = workflow(
        "wf",
        vec![
            task(
                "n0",
                "executor_unit.double",
                vec![bind("x", promise("", "x"))],
            ),
            task(
                "n1",
                "executor_unit.double",
                vec![bind("x", promise("n0", "o0"))],
            ),
        ],
        vec![bind("o0", promise("n1", "o0"))],
    );
    assert_eq!(run(&wf, &[], 3).await.unwrap(), 12);
    fn assert_send<T: Send>(_: &T) {}
    let (executor, _) = make(&[]);
    let future = executor.run_workflow(&wf, &[], inputs(1));
    assert_send(&future);
}

#[tokio::test]
async fn branches_take_the_first_true_case_and_nest() {
    let inner = branch(
        "n0",
        vec![(
            cmp(Operator::Gt, var(".x"), int(100)),
            pass("n0", "ok", promise("", "x")),
        )],
        Some(if_else_block::Default::ElseNode(Box::new(task(
            "n1",
            "executor_unit.double",
            vec![bind("x", promise("", "x"))],
        )))),
    );
    let outer = branch(
        "n1",
        vec![
            (
                cmp(Operator::Lt, var(".x"), int(0)),
                pass("n0", "ok", promise("", "x")),
            ),
            (cmp(Operator::Gte, var(".x"), int(10)), inner),
        ],
        Some(if_else_block::Default::Error(Error {
            failed_node_id: "pick".into(),
            message: "x must be negative or at least 10".into(),
        })),
    );
    let wf = workflow("wf", vec![outer], vec![bind("o0", promise("n1", "o0"))]);
    assert_eq!(run(&wf, &[], -4).await.unwrap(), -4);
    assert_eq!(run(&wf, &[], 500).await.unwrap(), 500);
    let (executor, recorder) = make(&[]);
    let outputs = executor.run_workflow(&wf, &[], inputs(20)).await.unwrap();
    assert_eq!(i64::from_literal(&outputs.literals["o0"]).unwrap(), 40);
    assert_eq!(
        *recorder.0.lock().unwrap(),
        [
            "[n1] branch started",
            "[n1-n0] branch started",
            "[n1-n0-n1] executor_unit.double started",
            "[n1-n0-n1] executor_unit.double succeeded",
            "[n1-n0] branch succeeded",
            "[n1] branch succeeded",
        ]
    );
    let err = run(&wf, &[], 5).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "node `n1` (`branch`) failed: x must be negative or at least 10"
    );
    let no_else = branch(
        "n2",
        vec![(
            cmp(Operator::Lt, var(".x"), int(0)),
            pass("n0", "ok", promise("", "x")),
        )],
        None,
    );
    let wf = workflow("wf", vec![no_else], vec![]);
    let err = run(&wf, &[], 5).await.unwrap_err();
    assert_eq!(
        err.cause,
        FailureCause::Rule("branch `n2` matched no case and has no else".into())
    );
}

#[tokio::test]
async fn gates_take_given_values_or_say_how_to_give_them() {
    let signal = gate(
        "n0",
        gate_node::Condition::Signal(SignalCondition {
            signal_id: "threshold".into(),
            r#type: Some(simple_type(SimpleType::Integer)),
            output_variable_name: "o0".into(),
        }),
        vec![],
    );
    let wf = workflow(
        "wf",
        vec![signal, pass("n1", "ok", promise("n0", "o0"))],
        vec![bind("o0", promise("n1", "o0"))],
    );
    for value in [
        GateValue::Text("7".into()),
        GateValue::Literal(7_i64.to_literal().unwrap()),
    ] {
        let (executor, _) = make(&[("threshold", value), ("ok", GateValue::Text("yes".into()))]);
        let out = executor
            .run_workflow(&wf, &[], LiteralMap::default())
            .await
            .unwrap();
        assert_eq!(i64::from_literal(&out.literals["o0"]).unwrap(), 7);
    }
    let (executor, _) = make(&[("ok", yes())]);
    let err = executor
        .run_workflow(&wf, &[], LiteralMap::default())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "node `n0` (`signal threshold`) failed: node `n0` waits for signal `threshold` (INTEGER) \
         and no value was given; give it with `--signal threshold=VALUE`"
    );
    let (executor, _) = make(&[("threshold", GateValue::Text("x".into()))]);
    let err = executor
        .run_workflow(&wf, &[], LiteralMap::default())
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("the value given for signal `threshold`"),
        "{err}"
    );
    let (executor, _) = make(&[("threshold", GateValue::Text("1".into()))]);
    let err = executor
        .run_workflow(&wf, &[], LiteralMap::default())
        .await
        .unwrap_err();
    assert!(
        err.to_string().ends_with("approve it with `--approve ok`"),
        "{err}"
    );
    let no = GateValue::Literal(false.to_literal().unwrap());
    let (executor, _) = make(&[("threshold", GateValue::Text("1".into())), ("ok", no)]);
    let err = executor
        .run_workflow(&wf, &[], LiteralMap::default())
        .await
        .unwrap_err();
    assert_eq!(
        err.cause,
        FailureCause::Rule("not approved: `ok` was rejected".into())
    );
}

#[tokio::test]
async fn sleep_gates_order_nodes() {
    let sleep = gate(
        "n0",
        gate_node::Condition::Sleep(SleepCondition {
            duration: Some(prost_types::Duration {
                seconds: 0,
                nanos: 50_000_000,
            }),
        }),
        vec![],
    );
    let mut after = pass("n1", "ok", promise("", "x"));
    after.upstream_node_ids = vec!["n0".into()];
    let wf = workflow(
        "wf",
        vec![after, sleep],
        vec![bind("o0", promise("n1", "o0"))],
    );
    let (executor, recorder) = make(&[("ok", yes())]);
    let started = std::time::Instant::now();
    executor.run_workflow(&wf, &[], inputs(1)).await.unwrap();
    assert!(started.elapsed() >= std::time::Duration::from_millis(50));
    let events = recorder.0.lock().unwrap();
    assert_eq!(events[0], "[n0] sleep 0.05s started");
    assert_eq!(events[2], "[n1] approve ok started");
}

#[tokio::test]
async fn sub_workflows_run_nested_and_cannot_call_themselves() {
    let sub = workflow(
        "sub",
        vec![task(
            "n0",
            "executor_unit.double",
            vec![bind("x", promise("", "x"))],
        )],
        vec![bind("o0", promise("n0", "o0"))],
    );
    let call = |node_id: &str, name: &str, from: BindingData| Node {
        id: node_id.into(),
        inputs: vec![bind("x", from)],
        target: Some(node::Target::WorkflowNode(WorkflowNode {
            reference: Some(workflow_node::Reference::SubWorkflowRef(id(name))),
        })),
        ..Default::default()
    };
    let wf = workflow(
        "wf",
        vec![
            call("n0", "sub", promise("", "x")),
            call("n1", "sub", promise("n0", "o0")),
        ],
        vec![bind("o0", promise("n1", "o0"))],
    );
    assert_eq!(run(&wf, std::slice::from_ref(&sub), 5).await.unwrap(), 20);
    let err = run(&wf, &[], 5).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "node `n0` (`sub`) is malformed: sub-workflow `sub` is not among the sub-workflows given \
         (there are none)"
    );
    let looping = workflow("sub", vec![call("n0", "sub", promise("", "x"))], vec![]);
    let err = run(&wf, &[looping], 5).await.unwrap_err();
    assert_eq!(err.node_id, "n0-n0");
    assert!(
        err.to_string()
            .contains("workflow `sub` runs itself (through wf -> sub)"),
        "{err}"
    );
    let lp = Node {
        target: Some(node::Target::WorkflowNode(WorkflowNode {
            reference: Some(workflow_node::Reference::LaunchplanRef(id("lp"))),
        })),
        ..call("n0", "", promise("", "x"))
    };
    let err = run(&workflow("wf", vec![lp.clone()], vec![]), &[], 1)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("launch plan `lp` cannot run locally"),
        "{err}"
    );
    let resolver: LaunchPlanResolver = Arc::new(move |ident: &Identifier| {
        (ident.name == "lp").then(|| LaunchPlanTarget {
            workflow: sub.clone(),
            fixed_inputs: inputs(100),
            ..Default::default()
        })
    });
    let executor = Executor::new(ExecutorOptions {
        launch_plans: Some(resolver),
        interactive: false,
        ..Default::default()
    });
    let wf = workflow("wf", vec![lp], vec![bind("o0", promise("n0", "o0"))]);
    let out = executor.run_workflow(&wf, &[], inputs(1)).await.unwrap();
    assert_eq!(
        i64::from_literal(&out.literals["o0"]).unwrap(),
        200,
        "fixed inputs win"
    );
}

#[tokio::test]
async fn malformed_templates_are_errors_naming_the_node() {
    let double = |node_id: &str, from: BindingData| {
        task(node_id, "executor_unit.double", vec![bind("x", from)])
    };
    let cases: Vec<(WorkflowTemplate, &str)> = vec![
        (
            workflow("wf", vec![double("n0", promise("n9", "o0"))], vec![]),
            "node `n0` (`executor_unit.double`) is malformed: it depends on node `n9`, which is \
             not in workflow `wf`",
        ),
        (
            workflow(
                "wf",
                vec![
                    double("n0", promise("n1", "o0")),
                    double("n1", promise("n0", "o0")),
                ],
                vec![],
            ),
            "workflow `wf` is malformed: its nodes depend on each other in a cycle: `n0`, `n1`",
        ),
        (
            workflow("wf", vec![double("n0", promise("n0", "o0"))], vec![]),
            "node `n0` (`executor_unit.double`) is malformed: it depends on itself",
        ),
        (
            workflow(
                "wf",
                vec![
                    double("n0", promise("", "x")),
                    double("n0", promise("", "x")),
                ],
                vec![],
            ),
            "workflow `wf` is malformed: two nodes have the id `n0`",
        ),
        (
            workflow("wf", vec![task("n0", "nope.missing", vec![])], vec![]),
            "node `n0` (`nope.missing`) is malformed: no task named `nope.missing` in this binary \
             (`list` shows its tasks)",
        ),
        (
            workflow(
                "wf",
                vec![double("n0", promise("", "x"))],
                vec![bind("o0", promise("n0", "o7"))],
            ),
            "workflow `wf` is malformed: output `o0`: node `n0` has no output `o7`; it has \
             `o0`",
        ),
        (
            workflow("wf", vec![double("n0", promise("", "y"))], vec![]),
            "node `n0` (`executor_unit.double`) is malformed: input `x`: the workflow has no \
             input `y`; it has `x`",
        ),
        (
            workflow(
                "wf",
                vec![Node {
                    id: "n0".into(),
                    ..Default::default()
                }],
                vec![],
            ),
            "node `n0` is malformed: the node has no target (a task, workflow, branch, gate or \
             array node)",
        ),
        (
            workflow(
                "wf",
                vec![Node {
                    id: "n0".into(),
                    target: Some(node::Target::BranchNode(Box::default())),
                    ..Default::default()
                }],
                vec![],
            ),
            "node `n0` (`branch`) is malformed: the branch has no if_else block",
        ),
    ];
    for (wf, expected) in cases {
        let err = run(&wf, &[], 1).await.unwrap_err();
        assert_eq!(err.to_string(), expected);
    }
    let mut wf = workflow("wf", vec![], vec![]);
    wf.interface = Some(flytekit_core::glue::interface(
        vec![("x", i64::literal_type(), "")],
        vec![],
    ));
    let (executor, _) = make(&[]);
    let mut extra = inputs(1);
    extra.literals.insert("z".into(), Literal::default());
    let err = executor.run_workflow(&wf, &[], extra).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "workflow `wf` is malformed: it has no input `z`; its inputs are `x`"
    );
}
