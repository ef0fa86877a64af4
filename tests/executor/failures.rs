//! Executor tests of failures: retries, timeouts, failure policies, the failure node, isolated
//! mode (crashing tasks included) and malformed templates.

use super::*;

fn isolated(events: &Arc<Events>) -> ExecutorOptions {
    ExecutorOptions {
        isolated: true,
        ..options(events)
    }
}

fn fail_after(mut wf: WorkflowTemplate) -> WorkflowTemplate {
    wf.metadata = Some(WorkflowMetadata {
        on_failure: OnFailurePolicy::FailAfterExecutableNodesComplete as i32,
        ..Default::default()
    });
    wf
}

fn retrying_attempts(events: &Events, node: &str) -> Vec<u32> {
    events
        .phases(node)
        .iter()
        .filter_map(|p| match p {
            NodePhase::Retrying { attempt, .. } => Some(*attempt),
            _ => None,
        })
        .collect()
}

/// A recoverable error is retried, with the attempt number in the task's context; a node's
/// `retries` overrides the task's.
pub(crate) fn retries_of_recoverable_errors() {
    let events = Arc::new(Events::default());
    let wf = workflow(
        "retry",
        vec![task("n0", "flaky", vec![bind("n", value(2_u32))])],
        vec![output("o0", "n0")],
    );
    let out = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap();
    assert_eq!(get::<u32>(&out, "o0"), 2, "succeeded on attempt 2");
    assert_eq!(retrying_attempts(&events, "n0"), [1, 2]);

    let events = Arc::new(Events::default());
    let limited = workflow(
        "retry",
        vec![with_metadata(
            task("n0", "flaky", vec![bind("n", value(2_u32))]),
            1,
            None,
        )],
        vec![output("o0", "n0")],
    );
    let err = run_with(options(&events), &limited, &[], LiteralMap::default()).unwrap_err();
    let error = task_error(&err);
    assert_eq!(
        (error.code(), error.message()),
        ("USER:Recoverable", "attempt 1 failed")
    );
    assert_eq!(retrying_attempts(&events, "n0"), [1]);
}

/// A non-recoverable error fails at once, whatever the retries.
pub(crate) fn no_retry_of_fatal_errors() {
    let events = Arc::new(Events::default());
    let wf = workflow(
        "fatal",
        vec![task("n0", "fatal", vec![bind("x", value(3_i64))])],
        vec![output("o0", "n0")],
    );
    let err = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "node `n0` (`executor.fatal`) failed: USER:RuntimeError: cannot handle 3"
    );
    assert!(!task_error(&err).is_recoverable());
    assert_eq!(
        events.summary(),
        [("n0".to_string(), "started"), ("n0".into(), "failed")]
    );
}

/// An async task is cancelled at the node's timeout (or its own), and a timeout is recoverable.
pub(crate) fn timeouts_of_async_tasks() {
    let events = Arc::new(Events::default());
    let node = task("n0", "sleepy", vec![bind("ms", value(30_000_u64))]);
    let wf = workflow(
        "slow",
        vec![with_metadata(node, 1, Some(Duration::from_millis(100)))],
        vec![],
    );
    let err = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap_err();
    let error = task_error(&err);
    assert_eq!(error.code(), "USER:Timeout");
    assert_eq!(error.message(), "task timed out after 0.1s");
    assert!(error.is_recoverable());
    assert_eq!(
        retrying_attempts(&events, "n0"),
        [1],
        "a timeout is retried"
    );

    let wf = workflow("slow", vec![task("n0", "too_slow", vec![])], vec![]);
    let err = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap_err();
    assert_eq!(task_error(&err).message(), "task timed out after 0.2s");
}

fn failing_workflow(failure_task: &str) -> WorkflowTemplate {
    let mut wf = workflow(
        "with_cleanup",
        vec![task("n0", "fatal", vec![bind("x", promise("", "x"))])],
        vec![output("o0", "n0")],
    );
    wf.failure_node = Some(task("fn0", failure_task, vec![bind("x", promise("", "x"))]));
    wf
}

/// The failure node runs after a failure with the workflow inputs and the error; if it fails
/// too, the workflow still fails with the original error.
pub(crate) fn failure_node_receives_the_error() {
    let events = Arc::new(Events::default());
    let wf = failing_workflow("on_failure");
    let err = run_with(options(&events), &wf, &[], literals([("x", lit(41_i64))])).unwrap_err();
    assert_eq!(err.node_id, "n0");
    let received = FAILURES
        .lock()
        .unwrap()
        .get(&41)
        .cloned()
        .expect("the failure node ran");
    assert_eq!(received.failed_node_id, "n0");
    assert_eq!(received.message, err.to_string());
    assert!(events.summary().contains(&("fn0".to_string(), "succeeded")));

    let events = Arc::new(Events::default());
    let wf = failing_workflow("failing_cleanup");
    let err = run_with(options(&events), &wf, &[], literals([("x", lit(42_i64))])).unwrap_err();
    assert_eq!(err.node_id, "n0", "the original error wins");
    assert!(events.summary().contains(&("fn0".to_string(), "failed")));
}

/// By default the first failure stops the workflow: running nodes are aborted, the rest skipped.
pub(crate) fn fail_immediately_aborts_the_rest() {
    let events = Arc::new(Events::default());
    let wf = workflow(
        "stop",
        vec![
            task("n0", "fatal", vec![bind("x", value(1_i64))]),
            task("n1", "sleepy", vec![bind("ms", value(20_000_u64))]),
            task("n2", "double", vec![bind("x", promise("n0", "o0"))]),
        ],
        vec![],
    );
    let started = Instant::now();
    let err = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap_err();
    assert_eq!(err.node_id, "n0");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "n1 was not cancelled"
    );
    let summary = events.summary();
    assert!(
        summary.contains(&("n1".to_string(), "aborted")),
        "{summary:?}"
    );
    assert!(
        summary.contains(&("n2".to_string(), "skipped")),
        "{summary:?}"
    );
}

/// `FAIL_AFTER_EXECUTABLE_NODES_COMPLETE` runs every node that does not depend on the failure.
pub(crate) fn fail_after_executable_nodes_complete() {
    let events = Arc::new(Events::default());
    let wf = fail_after(workflow(
        "keep_going",
        vec![
            task("n0", "fatal", vec![bind("x", value(1_i64))]),
            task("n1", "sleepy", vec![bind("ms", value(200_u64))]),
            task("n2", "double", vec![bind("x", promise("n0", "o0"))]),
            task("n3", "double", vec![bind("x", promise("n1", "o0"))]),
            task("n4", "double", vec![bind("x", promise("n2", "o0"))]),
        ],
        vec![],
    ));
    let err = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap_err();
    assert_eq!(err.node_id, "n0");
    let summary = events.summary();
    for (node, phase) in [
        ("n1", "succeeded"),
        ("n3", "succeeded"),
        ("n2", "skipped"),
        ("n4", "skipped"),
    ] {
        assert!(
            summary.contains(&(node.to_string(), phase)),
            "{node} {phase}: {summary:?}"
        );
    }
}

/// Isolated mode runs each attempt in another process (this binary's `execute`), attempt
/// numbers included, with the same results; map elements too.
pub(crate) fn isolated_runs_tasks_in_subprocesses() {
    let events = Arc::new(Events::default());
    let wf = workflow(
        "isolated",
        vec![
            task("n0", "process_id", vec![]),
            task(
                "n1",
                "add",
                vec![bind("a", promise("", "x")), bind("b", value(2_i64))],
            ),
            task("n2", "flaky", vec![bind("n", value(1_u32))]),
            map_node(
                "n3",
                "picky",
                vec![bind("x", list(vec![value(1_i64), value(3_i64)]))],
                ArrayNode {
                    success_criteria: Some(array_node::SuccessCriteria::MinSuccesses(1)),
                    ..Default::default()
                },
            ),
        ],
        vec![
            output("o0", "n0"),
            output("o1", "n1"),
            output("o2", "n2"),
            output("o3", "n3"),
        ],
    );
    let out = run_with(isolated(&events), &wf, &[], literals([("x", lit(40_i64))])).unwrap();
    assert_ne!(get::<u32>(&out, "o0"), std::process::id());
    assert_eq!(get::<i64>(&out, "o1"), 42);
    assert_eq!(
        get::<u32>(&out, "o2"),
        1,
        "the attempt number reaches the child"
    );
    assert_eq!(get::<Vec<Option<i64>>>(&out, "o3"), [Some(10), None]);
}

/// A task process that aborts fails only its node, with a recoverable SYSTEM error naming the
/// signal; a panic in the child arrives as the task's error through error.pb.
pub(crate) fn isolated_crashes_fail_only_their_node() {
    let events = Arc::new(Events::default());
    let wf = fail_after(workflow(
        "crash",
        vec![
            task("n0", "abort_now", vec![bind("x", value(1_i64))]),
            task(
                "n1",
                "add",
                vec![bind("a", value(1_i64)), bind("b", value(2_i64))],
            ),
        ],
        vec![],
    ));
    let err = run_with(isolated(&events), &wf, &[], LiteralMap::default()).unwrap_err();
    assert_eq!(err.node_id, "n0");
    let error = task_error(&err);
    assert_eq!(error.code(), "SYSTEM:ProcessCrashed");
    assert!(error.is_recoverable());
    assert!(
        error.message().contains("was killed by signal 6 (SIGABRT)"),
        "{}",
        error.message()
    );
    assert!(events.summary().contains(&("n1".to_string(), "succeeded")));

    let wf = workflow(
        "panic",
        vec![task("n0", "panic_now", vec![bind("x", value(5_i64))])],
        vec![],
    );
    let err = run_with(isolated(&events), &wf, &[], LiteralMap::default()).unwrap_err();
    let error = task_error(&err);
    assert_eq!(error.code(), "USER:Panic");
    assert!(!error.is_recoverable());
    assert!(
        error.message().contains("no good value: 5"),
        "{}",
        error.message()
    );
}

/// The executor keeps the timeout in isolated mode: the child is killed.
pub(crate) fn isolated_timeouts_kill_the_child() {
    let events = Arc::new(Events::default());
    let wf = workflow("slow", vec![task("n0", "too_slow", vec![])], vec![]);
    let started = Instant::now();
    let err = run_with(isolated(&events), &wf, &[], LiteralMap::default()).unwrap_err();
    assert_eq!(task_error(&err).code(), "USER:Timeout");
    assert!(started.elapsed() < Duration::from_secs(20));
}

/// Malformed templates are errors naming the node, never panics.
pub(crate) fn malformed_templates() {
    let events = Arc::new(Events::default());
    let cases = [
        (
            workflow("bad", vec![task("n0", "no_such_task", vec![])], vec![]),
            "node `n0` (`executor.no_such_task`) is malformed: no task named \
             `executor.no_such_task` in this binary (`list` shows its tasks)",
        ),
        (
            workflow(
                "bad",
                vec![
                    task("n0", "double", vec![bind("x", value(1_i64))]),
                    task("n1", "double", vec![bind("x", promise("n0", "o3"))]),
                ],
                vec![],
            ),
            "node `n1` (`executor.double`) is malformed: input `x`: node `n0` has no output \
             `o3`; it has `o0`",
        ),
        (
            workflow(
                "bad",
                vec![map_node(
                    "n0",
                    "double",
                    vec![bind("x", value(1_i64))],
                    ArrayNode::default(),
                )],
                vec![],
            ),
            "node `n0` (`map executor.double`) is malformed: the array node has no list input \
             to map over; its inputs are `x`",
        ),
        (
            workflow(
                "bad",
                vec![branch(
                    "n0",
                    vec![],
                    vec![(
                        compare(Operator::Eq, "n9.o0", int(1)),
                        task("n0", "double", vec![]),
                    )],
                    None,
                )],
                vec![],
            ),
            "node `n0` (`branch`) failed: case 0 of the branch: the condition reads `n9.o0`, \
             which is not an input of the branch node; its inputs are nothing",
        ),
    ];
    for (wf, expected) in cases {
        let err = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap_err();
        assert_eq!(err.to_string(), expected);
    }
    let bad_scalar = BindingData {
        value: Some(binding_data::Value::Scalar(Scalar::default())),
        ..Default::default()
    };
    let wf = workflow(
        "bad",
        vec![task("n0", "double", vec![bind("x", bad_scalar)])],
        vec![],
    );
    let err = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap_err();
    assert_eq!(err.node_id, "n0");
}
