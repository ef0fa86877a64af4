//! Executor tests that succeed: scheduling, bindings, branches, maps, sub-workflows, gates and
//! the cache.

use super::*;

fn position(events: &Events, node: &str, phase: &str) -> usize {
    events
        .summary()
        .iter()
        .position(|(n, p)| n == node && *p == phase)
        .unwrap_or_else(|| panic!("no `{phase}` event for `{node}`: {:?}", events.summary()))
}

/// A chain runs in order, each node on the previous one's output.
pub(crate) fn chain() {
    let events = Arc::new(Events::default());
    let wf = workflow(
        "chain",
        vec![
            task(
                "n0",
                "add",
                vec![bind("a", promise("", "x")), bind("b", value(1_i64))],
            ),
            task("n1", "double", vec![bind("x", promise("n0", "o0"))]),
            task(
                "n2",
                "add",
                vec![bind("a", promise("n1", "o0")), bind("b", value(10_i64))],
            ),
        ],
        vec![output("o0", "n2")],
    );
    let out = run_with(options(&events), &wf, &[], literals([("x", lit(4_i64))])).unwrap();
    assert_eq!(get::<i64>(&out, "o0"), 20);
    let summary = events.summary();
    let expected: Vec<(String, &str)> = ["n0", "n1", "n2"]
        .iter()
        .flat_map(|n| [(n.to_string(), "started"), (n.to_string(), "succeeded")])
        .collect();
    assert_eq!(summary, expected);
}

/// One node feeds three, whose outputs are gathered into one list input.
pub(crate) fn fan_out_fan_in() {
    let events = Arc::new(Events::default());
    let mut nodes = vec![task("n0", "double", vec![bind("x", promise("", "x"))])];
    for (i, k) in [1_i64, 2, 3].into_iter().enumerate() {
        nodes.push(task(
            &format!("n{}", i + 1),
            "add",
            vec![bind("a", promise("n0", "o0")), bind("b", value(k))],
        ));
    }
    let gathered = list(vec![
        promise("n1", "o0"),
        promise("n2", "o0"),
        promise("n3", "o0"),
    ]);
    nodes.push(task("n4", "sum", vec![bind("xs", gathered)]));
    let wf = workflow("fan", nodes, vec![output("o0", "n4")]);
    let out = run_with(options(&events), &wf, &[], literals([("x", lit(5_i64))])).unwrap();
    assert_eq!(get::<i64>(&out, "o0"), 11 + 12 + 13);
    let gather = position(&events, "n4", "started");
    for n in ["n1", "n2", "n3"] {
        assert!(position(&events, n, "started") > position(&events, "n0", "succeeded"));
        assert!(position(&events, n, "succeeded") < gather);
    }
}

/// Independent sync tasks run at the same time: their recorded intervals overlap. A node that
/// is ordered after them by `upstream_node_ids` alone starts after both ended.
pub(crate) fn independent_sync_tasks_overlap() {
    let events = Arc::new(Events::default());
    let mut nodes: Vec<Node> = ["a", "b"]
        .iter()
        .enumerate()
        .map(|(i, label)| {
            task(
                &format!("n{i}"),
                "span",
                vec![
                    bind("label", value(format!("overlap-{label}"))),
                    bind("ms", value(300_u64)),
                ],
            )
        })
        .collect();
    let last = task(
        "n2",
        "span",
        vec![
            bind("label", value("ordered-c".to_string())),
            bind("ms", value(1_u64)),
        ],
    );
    nodes.push(after(last, &["n0", "n1"]));
    let wf = workflow("overlap", nodes, vec![]);
    let options = ExecutorOptions {
        max_parallel_sync: 2,
        ..options(&events)
    };
    run_with(options, &wf, &[], LiteralMap::default()).unwrap();
    let both = spans("overlap-");
    assert_eq!(both.len(), 2);
    let ((_, a_start, a_end), (_, b_start, b_end)) = (&both[0], &both[1]);
    assert!(
        b_start < a_end && a_start < b_end,
        "the two tasks did not overlap: {both:?}"
    );
    let (_, c_start, _) = &spans("ordered-c")[0];
    assert!(c_start >= a_end && c_start >= b_end, "n2 started too early");
}

/// `max_parallel_sync` bounds how many sync tasks run at once.
pub(crate) fn max_parallel_bounds_sync_tasks() {
    let events = Arc::new(Events::default());
    let nodes = (0..3)
        .map(|i| {
            task(
                &format!("n{i}"),
                "span",
                vec![
                    bind("label", value(format!("bound-{i}"))),
                    bind("ms", value(100_u64)),
                ],
            )
        })
        .collect();
    let wf = workflow("bounded", nodes, vec![]);
    let options = ExecutorOptions {
        max_parallel_sync: 1,
        ..options(&events)
    };
    run_with(options, &wf, &[], LiteralMap::default()).unwrap();
    let spans = spans("bound-");
    assert_eq!(spans.len(), 3);
    assert_eq!(max_overlap(&spans), 1, "{spans:?}");
}

/// A branch on a task's output runs one case's task, bound to outer nodes; nested node ids are
/// `<branch>-<case node>`.
pub(crate) fn branches_with_tasks() {
    let then_add = task(
        "n0",
        "add",
        vec![bind("a", promise("n0", "o0")), bind("b", value(100_i64))],
    );
    let else_double = task("n0", "double", vec![bind("x", promise("n0", "o0"))]);
    let wf = workflow(
        "branchy",
        vec![
            task("n0", "double", vec![bind("x", promise("", "x"))]),
            branch(
                "n1",
                vec![bind("n0.o0", promise("n0", "o0"))],
                vec![(compare(Operator::Gt, "n0.o0", int(10)), then_add)],
                Some(if_else_block::Default::ElseNode(Box::new(else_double))),
            ),
        ],
        vec![output("o0", "n1")],
    );
    for (x, expected, entity) in [(6, 112, "executor.add"), (2, 8, "executor.double")] {
        let events = Arc::new(Events::default());
        let out = run_with(options(&events), &wf, &[], literals([("x", lit(x))])).unwrap();
        assert_eq!(get::<i64>(&out, "o0"), expected);
        let inner = events.0.lock().unwrap();
        let inner: Vec<_> = inner.iter().filter(|e| e.node_id == "n1-n0").collect();
        assert_eq!(inner.len(), 2);
        assert_eq!(inner[0].entity, entity);
    }
}

/// Promises with an `attr_path` read fields of a struct output, in bindings and in branch
/// conditions (an integer constant compares with the float field).
pub(crate) fn attr_paths_into_struct_outputs() {
    let events = Arc::new(Events::default());
    let big = task("n0", "shout", vec![bind("s", value("big".to_string()))]);
    let small = task("n0", "shout", vec![bind("s", value("small".to_string()))]);
    let wf = workflow(
        "fields",
        vec![
            task("n0", "make_point", vec![bind("x", promise("", "x"))]),
            task("n1", "half", vec![bind("v", attr("n0", "o0", &["x"]))]),
            task(
                "n2",
                "shout",
                vec![bind("s", attr("n0", "o0", &["tags", "1"]))],
            ),
            task("n3", "half", vec![bind("v", attr("n0", "o0", &["y"]))]),
            branch(
                "n4",
                vec![bind("n0.o0.x", attr("n0", "o0", &["x"]))],
                vec![(compare(Operator::Gt, "n0.o0.x", int(2)), big)],
                Some(if_else_block::Default::ElseNode(Box::new(small))),
            ),
        ],
        vec![
            output("o0", "n1"),
            output("o1", "n2"),
            output("o2", "n3"),
            output("o3", "n4"),
            bind("o4", attr("n0", "o0", &["tags"])),
        ],
    );
    let out = run_with(options(&events), &wf, &[], literals([("x", lit(3.0_f64))])).unwrap();
    assert_eq!(get::<f64>(&out, "o0"), 1.5);
    assert_eq!(get::<String>(&out, "o1"), "SECOND");
    assert_eq!(get::<f64>(&out, "o2"), -1.5);
    assert_eq!(get::<String>(&out, "o3"), "BIG");
    assert_eq!(get::<Vec<String>>(&out, "o4"), ["first", "second"]);
    let out = run_with(options(&events), &wf, &[], literals([("x", lit(1.0_f64))])).unwrap();
    assert_eq!(get::<String>(&out, "o3"), "SMALL");

    let missing = workflow(
        "fields",
        vec![
            task("n0", "make_point", vec![bind("x", promise("", "x"))]),
            task("n1", "half", vec![bind("v", attr("n0", "o0", &["z"]))]),
        ],
        vec![],
    );
    let err = run_with(
        options(&events),
        &missing,
        &[],
        literals([("x", lit(3.0_f64))]),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "node `n1` (`executor.half`) is malformed: input `v`: node `n0`, output `o0.z`: the \
         struct has no field `z`"
    );
}

/// A map whose success criteria allow failures gives `None` where elements failed; with the
/// default criteria one failure fails the node, naming the element's error.
pub(crate) fn map_with_partial_failure() {
    let events = Arc::new(Events::default());
    let xs = value_list(&[1, 2, 3, 4, 5, 6]);
    let partial = ArrayNode {
        success_criteria: Some(array_node::SuccessCriteria::MinSuccesses(4)),
        ..Default::default()
    };
    let wf = workflow(
        "partial",
        vec![map_node(
            "n0",
            "picky",
            vec![bind("x", xs.clone())],
            partial,
        )],
        vec![output("o0", "n0")],
    );
    let out = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap();
    assert_eq!(
        get::<Vec<Option<i64>>>(&out, "o0"),
        [Some(10), Some(20), None, Some(40), Some(50), None]
    );
    let Some(flytekit::idl::core::literal::Value::Collection(c)) = &out.literals["o0"].value else {
        panic!("not a list: {:?}", out.literals["o0"])
    };
    assert_eq!(
        c.literals[2],
        none_literal(),
        "a failed element is a none literal"
    );
    assert!(events
        .phases("n0-2")
        .iter()
        .any(|p| matches!(p, NodePhase::Failed { .. })));

    for criteria in [
        None,
        Some(array_node::SuccessCriteria::MinSuccessRatio(0.9)),
    ] {
        let strict = ArrayNode {
            success_criteria: criteria,
            ..Default::default()
        };
        let wf = workflow(
            "strict",
            vec![map_node("n0", "picky", vec![bind("x", xs.clone())], strict)],
            vec![output("o0", "n0")],
        );
        let err = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap_err();
        let FailureCause::Rule(message) = &err.cause else {
            panic!("{err}")
        };
        assert_eq!(err.node_id, "n0");
        assert!(message.contains("elements failed"), "{message}");
        assert!(message.contains("at least 6 must succeed"), "{message}");
        assert!(message.contains("is a multiple of 3"), "{message}");
    }
}

fn value_list(xs: &[i64]) -> BindingData {
    list(xs.iter().map(|x| value(*x)).collect())
}

/// `parallelism` bounds the elements running at once; `bound_inputs` are passed whole, and
/// without them the input one list deeper than declared is the mapped one.
pub(crate) fn map_parallelism_and_bound_inputs() {
    let events = Arc::new(Events::default());
    let labels = list((0..4).map(|i| value(format!("mapped-{i}"))).collect());
    let array = ArrayNode {
        parallelism_option: Some(array_node::ParallelismOption::Parallelism(2)),
        bound_inputs: vec!["ms".into()],
        ..Default::default()
    };
    let wf = workflow(
        "bounded_map",
        vec![map_node(
            "n0",
            "span",
            vec![bind("label", labels), bind("ms", value(100_u64))],
            array,
        )],
        vec![output("o0", "n0")],
    );
    let four = ExecutorOptions {
        max_parallel_sync: 4,
        ..options(&events)
    };
    let out = run_with(four, &wf, &[], LiteralMap::default()).unwrap();
    assert_eq!(get::<Vec<i64>>(&out, "o0"), [100; 4]);
    let spans = spans("mapped-");
    assert_eq!(spans.len(), 4);
    assert!(max_overlap(&spans) <= 2, "{spans:?}");

    let wf = workflow(
        "by_depth",
        vec![map_node(
            "n0",
            "add",
            vec![bind("a", value_list(&[1, 2, 3])), bind("b", value(10_i64))],
            ArrayNode::default(),
        )],
        vec![output("o0", "n0")],
    );
    let out = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap();
    assert_eq!(get::<Vec<i64>>(&out, "o0"), [11, 12, 13]);
}

/// Sub-workflow nodes run the referenced template nested, with ids `<node>-<inner node>`.
pub(crate) fn sub_workflow() {
    let events = Arc::new(Events::default());
    let inner = workflow(
        "executor.inner",
        vec![
            task("n0", "double", vec![bind("x", promise("", "x"))]),
            task(
                "n1",
                "add",
                vec![bind("a", promise("n0", "o0")), bind("b", promise("", "x"))],
            ),
        ],
        vec![output("o0", "n1")],
    );
    let call = |id: &str, from: BindingData| Node {
        id: id.into(),
        inputs: vec![bind("x", from)],
        target: Some(node::Target::WorkflowNode(WorkflowNode {
            reference: Some(workflow_node::Reference::SubWorkflowRef(ident(
                "executor.inner",
            ))),
        })),
        ..Default::default()
    };
    let wf = workflow(
        "outer",
        vec![
            call("n0", promise("", "x")),
            call("n1", promise("n0", "o0")),
        ],
        vec![output("o0", "n1")],
    );
    let out = run_with(
        options(&events),
        &wf,
        &[inner],
        literals([("x", lit(1_i64))]),
    )
    .unwrap();
    assert_eq!(get::<i64>(&out, "o0"), 9);
    assert!(position(&events, "n1-n1", "succeeded") < position(&events, "n1", "succeeded"));
    assert!(position(&events, "n0", "succeeded") < position(&events, "n1-n0", "started"));
}

/// A signal feeds a task; an approval passes its input through; missing values say how to give
/// them.
pub(crate) fn gates_with_tasks() {
    let signal = Node {
        id: "n0".into(),
        target: Some(node::Target::GateNode(flytekit::idl::core::GateNode {
            condition: Some(gate_node::Condition::Signal(SignalCondition {
                signal_id: "factor".into(),
                r#type: Some(i64::literal_type()),
                output_variable_name: "o0".into(),
            })),
        })),
        ..Default::default()
    };
    let approve = Node {
        id: "n2".into(),
        inputs: vec![bind("o0", promise("n1", "o0"))],
        target: Some(node::Target::GateNode(flytekit::idl::core::GateNode {
            condition: Some(gate_node::Condition::Approve(ApproveCondition {
                signal_id: "publish".into(),
            })),
        })),
        ..Default::default()
    };
    let wf = workflow(
        "gated",
        vec![
            signal,
            task(
                "n1",
                "add",
                vec![bind("a", promise("", "x")), bind("b", promise("n0", "o0"))],
            ),
            approve,
        ],
        vec![output("o0", "n2")],
    );
    let events = Arc::new(Events::default());
    let mut given = options(&events);
    given.gate_values = BTreeMap::from([
        ("factor".to_string(), GateValue::Text("5".into())),
        ("publish".to_string(), GateValue::Literal(lit(true))),
    ]);
    let out = run_with(given.clone(), &wf, &[], literals([("x", lit(1_i64))])).unwrap();
    assert_eq!(get::<i64>(&out, "o0"), 6);
    given.gate_values.remove("publish");
    let err = run_with(given, &wf, &[], literals([("x", lit(1_i64))])).unwrap_err();
    assert_eq!(err.node_id, "n2");
    assert!(
        err.to_string()
            .ends_with("approve it with `--approve publish`"),
        "{err}"
    );
}

/// A cached task runs once; the second run is a hit (the observer says so); `Bypass` ignores
/// the cache; `Overwrite` runs again and replaces the entry. Ignored inputs do not count.
pub(crate) fn cache_hit_bypass_and_overwrite() {
    let cache_dir = scratch("cache");
    let wf = |note: &str| {
        workflow(
            "cached",
            vec![task(
                "n0",
                "cached_square",
                vec![
                    bind("x", value(7_i64)),
                    bind("note", value(note.to_string())),
                ],
            )],
            vec![output("o0", "n0")],
        )
    };
    let run = |mode: CacheMode, note: &str| {
        let events = Arc::new(Events::default());
        let options = ExecutorOptions {
            cache: mode,
            cache_dir: cache_dir.clone(),
            ..options(&events)
        };
        let out = run_with(options, &wf(note), &[], LiteralMap::default()).unwrap();
        assert_eq!(get::<i64>(&out, "o0"), 49);
        let cached = events
            .phases("n0")
            .iter()
            .any(|p| matches!(p, NodePhase::Succeeded { cached: true, .. }));
        (cached, cache_runs(7))
    };
    assert_eq!(run(CacheMode::Use, "first"), (false, 1));
    assert_eq!(run(CacheMode::Use, "ignored input changed"), (true, 1));
    assert_eq!(run(CacheMode::Bypass, "first"), (false, 2));
    assert_eq!(run(CacheMode::Use, "first"), (true, 2));
    assert_eq!(run(CacheMode::Overwrite, "first"), (false, 3));
    assert_eq!(run(CacheMode::Use, "first"), (true, 3));
    let entries = std::fs::read_dir(cache_dir.join("executor.cached_square"))
        .unwrap()
        .count();
    assert_eq!(entries, 1, "one entry, replaced in place");
}

/// With `serialize`, identical concurrent runs wait for the first and reuse its outputs.
pub(crate) fn cache_serialize() {
    let events = Arc::new(Events::default());
    let nodes = (0..3)
        .map(|i| {
            task(
                &format!("n{i}"),
                "serialized_square",
                vec![bind("x", value(8_i64))],
            )
        })
        .collect();
    let wf = workflow("serialized", nodes, vec![output("o0", "n2")]);
    let options = ExecutorOptions {
        cache: CacheMode::Use,
        cache_dir: scratch("serialize-cache"),
        max_parallel_sync: 3,
        ..options(&events)
    };
    let out = run_with(options, &wf, &[], LiteralMap::default()).unwrap();
    assert_eq!(get::<i64>(&out, "o0"), 64);
    assert_eq!(cache_runs(8), 1);
    let summary = events.summary();
    assert_eq!(summary.iter().filter(|(_, p)| *p == "cached").count(), 2);
    assert_eq!(summary.iter().filter(|(_, p)| *p == "succeeded").count(), 1);
}

/// `Executor::run_task` runs one task as node `n0` with its retries.
pub(crate) fn run_task_directly() {
    let events = Arc::new(Events::default());
    let executor = Executor::new(options(&events));
    let entry = flytekit::core::registry::task("executor.flaky").unwrap();
    let out = runtime()
        .block_on(executor.run_task(entry, literals([("n", lit(1_u32))])))
        .unwrap();
    assert_eq!(get::<u32>(&out, "o0"), 1);
    assert_eq!(
        events.summary(),
        [
            ("n0".to_string(), "started"),
            ("n0".into(), "retrying"),
            ("n0".into(), "succeeded")
        ]
    );
}
