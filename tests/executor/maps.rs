//! Map tasks over sync tasks, whose elements the executor runs in time slices on the blocking
//! pool (not one blocking job each): the same retries, task context, failure accounting and
//! events as a node per element, and other sync tasks still get their turn.

use super::*;

fn ints(range: std::ops::Range<i64>) -> BindingData {
    list(range.map(value).collect())
}

/// The task error element `i` of map node `n0` failed with.
fn element_failure(events: &Events, i: usize) -> TaskError {
    events
        .phases(&format!("n0-{i}"))
        .into_iter()
        .find_map(|phase| match phase {
            NodePhase::Failed { error, .. } => Some(task_error(&error).clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("element {i} did not fail"))
}

/// A recoverable failure of an element is retried as that element alone, with the next
/// attempt number; every element sees its own index.
pub(crate) fn map_elements_retry_and_know_their_index() {
    let events = Arc::new(Events::default());
    let wf = workflow(
        "retrying_map",
        vec![map_node(
            "n0",
            "element_attempts",
            vec![bind("x", ints(0..6))],
            ArrayNode::default(),
        )],
        vec![output("o0", "n0")],
    );
    let out = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap();
    assert_eq!(
        get::<Vec<String>>(&out, "o0"),
        ["0:0:0", "1:1:1", "2:2:0", "3:3:1", "4:4:0", "5:5:1"]
    );
    let phases = events.phases("n0-3");
    assert!(
        matches!(
            phases.as_slice(),
            [
                NodePhase::Started,
                NodePhase::Retrying { attempt: 1, .. },
                NodePhase::Succeeded { .. }
            ]
        ),
        "{phases:?}"
    );
    let phases = events.phases("n0-2");
    assert!(
        matches!(
            phases.as_slice(),
            [NodePhase::Started, NodePhase::Succeeded { .. }]
        ),
        "{phases:?}"
    );
}

/// Retried elements count against the map's concurrency like first attempts do: with
/// `concurrency(1)` and four CPU permits, no two retries overlap.
pub(crate) fn map_retries_keep_the_concurrency() {
    let events = Arc::new(Events::default());
    let labels = list((0..6).map(|i| value(format!("retry-{i}"))).collect());
    let wf = workflow(
        "retrying_one_at_a_time",
        vec![map_node(
            "n0",
            "second_try_span",
            vec![bind("label", labels)],
            ArrayNode {
                parallelism_option: Some(array_node::ParallelismOption::Parallelism(1)),
                ..Default::default()
            },
        )],
        vec![output("o0", "n0")],
    );
    let four = ExecutorOptions {
        max_parallel_sync: 4,
        ..options(&events)
    };
    let out = run_with(four, &wf, &[], LiteralMap::default()).unwrap();
    assert_eq!(get::<Vec<i64>>(&out, "o0"), [1; 6]);
    let spans = spans("retry-");
    assert_eq!(spans.len(), 6);
    assert_eq!(max_overlap(&spans), 1, "{spans:?}");
}

/// A panicking element is a `USER:Panic` failure of that element, with where it panicked.
pub(crate) fn map_element_panics_fail_the_node() {
    let events = Arc::new(Events::default());
    let wf = workflow(
        "panicking_map",
        vec![map_node(
            "n0",
            "panic_now",
            vec![bind("x", ints(7..9))],
            ArrayNode::default(),
        )],
        vec![output("o0", "n0")],
    );
    let err = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap_err();
    assert_eq!(err.node_id, "n0");
    let message = err.to_string();
    assert!(message.contains("element 0"), "{message}");
    assert!(message.contains("no good value: 7"), "{message}");
    let error = element_failure(&events, 0);
    assert_eq!(error.code(), "USER:Panic");
    assert!(
        error.message().contains("tests/executor.rs"),
        "the panic's location: {}",
        error.message()
    );
}

/// Once more elements failed than the success criteria allow, no more start.
pub(crate) fn map_stops_after_too_many_failures() {
    let events = Arc::new(Events::default());
    let wf = workflow(
        "failing_map",
        vec![map_node(
            "n0",
            "always_fails",
            vec![bind("x", ints(0..500))],
            ArrayNode {
                success_criteria: Some(array_node::SuccessCriteria::MinSuccesses(498)),
                ..Default::default()
            },
        )],
        vec![output("o0", "n0")],
    );
    let one_at_a_time = ExecutorOptions {
        max_parallel_sync: 1,
        ..options(&events)
    };
    let err = run_with(one_at_a_time, &wf, &[], LiteralMap::default()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("3 of 500 elements failed (497 not started)"),
        "{message}"
    );
    assert!(
        message.contains("element 0: ") && message.contains("0 is never right"),
        "{message}"
    );
    assert_eq!(ALWAYS_FAILS_RUNS.load(Ordering::SeqCst), 3);
    assert!(events.phases("n0-3").is_empty(), "element 3 never started");
}

/// With one CPU permit, a map of 100 elements of 2 ms and an independent task: the task runs
/// while the map is still running (the map gives its permit back between time slices), and
/// never two at once.
pub(crate) fn long_maps_leave_turns_to_other_sync_tasks() {
    let events = Arc::new(Events::default());
    let labels = list((0..100).map(|i| value(format!("turns-map-{i}"))).collect());
    let wf = workflow(
        "long_map",
        vec![
            map_node(
                "n0",
                "span",
                vec![bind("label", labels), bind("ms", value(2_u64))],
                ArrayNode {
                    bound_inputs: vec!["ms".into()],
                    ..Default::default()
                },
            ),
            task(
                "n1",
                "span",
                vec![
                    bind("label", value("turns-other".to_string())),
                    bind("ms", value(1_u64)),
                ],
            ),
        ],
        vec![output("o0", "n0")],
    );
    let one_at_a_time = ExecutorOptions {
        max_parallel_sync: 1,
        ..options(&events)
    };
    let out = run_with(one_at_a_time, &wf, &[], LiteralMap::default()).unwrap();
    assert_eq!(get::<Vec<i64>>(&out, "o0"), [2; 100]);
    let all = spans("turns-");
    assert_eq!(all.len(), 101);
    assert_eq!(max_overlap(&all), 1, "one permit: {all:?}");
    let other = all.iter().position(|(label, ..)| label == "turns-other");
    assert!(
        other.is_some_and(|i| i < all.len() - 1),
        "the other task ran after the whole map: {:?}",
        all.iter().map(|(label, ..)| label).collect::<Vec<_>>()
    );
}

/// An element past the task's timeout is given up on as on the per-element path: reported as
/// a `USER:Timeout` retry, run again, and the elements that finished before it in the same
/// time slice keep their values (one at a time, so they share the slice).
pub(crate) fn map_elements_past_their_timeout_are_retried() {
    let events = Arc::new(Events::default());
    let wf = workflow(
        "timed_map",
        vec![map_node(
            "n0",
            "slow_third_once",
            vec![bind("x", ints(0..8))],
            ArrayNode {
                parallelism_option: Some(array_node::ParallelismOption::Parallelism(1)),
                ..Default::default()
            },
        )],
        vec![output("o0", "n0")],
    );
    let out = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap();
    assert_eq!(get::<Vec<i64>>(&out, "o0"), [0, 10, 20, 30, 40, 50, 60, 70]);
    let phases = events.phases("n0-3");
    let [NodePhase::Started, NodePhase::Retrying { attempt: 1, error }, NodePhase::Succeeded { .. }] =
        phases.as_slice()
    else {
        panic!("element 3: {phases:?}");
    };
    assert_eq!(error.code(), "USER:Timeout", "{error}");
    assert!(error.message().contains("timed out after 0.2s"), "{error}");
    for i in [0, 1, 2, 4, 7] {
        let phases = events.phases(&format!("n0-{i}"));
        assert!(
            matches!(
                phases.as_slice(),
                [NodePhase::Started, NodePhase::Succeeded { .. }]
            ),
            "element {i}: {phases:?}"
        );
    }
}

/// Without retries, the element past its timeout fails alone: with room for one failure the
/// node succeeds, that element is a none, and every other element has its own value.
pub(crate) fn map_elements_past_their_timeout_fail_alone() {
    let events = Arc::new(Events::default());
    let wf = workflow(
        "timed_out_map",
        vec![map_node(
            "n0",
            "slow_third_always",
            vec![bind("x", ints(0..6))],
            ArrayNode {
                success_criteria: Some(array_node::SuccessCriteria::MinSuccesses(5)),
                ..Default::default()
            },
        )],
        vec![output("o0", "n0")],
    );
    let out = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap();
    assert_eq!(
        get::<Vec<Option<i64>>>(&out, "o0"),
        [Some(0), Some(10), Some(20), None, Some(40), Some(50)]
    );
    assert_eq!(element_failure(&events, 3).code(), "USER:Timeout");
}

/// The elements of a map over an async task behave as nodes of their own: each knows its
/// index and attempt, a recoverable error is retried, a panic and a timeout fail that element
/// alone (here within the success criteria), and the events say so per element.
pub(crate) fn async_map_elements_as_nodes_of_their_own() {
    let events = Arc::new(Events::default());
    let wf = workflow(
        "async_map",
        vec![map_node(
            "n0",
            "async_element",
            vec![bind("x", ints(0..7))],
            ArrayNode {
                success_criteria: Some(array_node::SuccessCriteria::MinSuccesses(5)),
                parallelism_option: Some(array_node::ParallelismOption::Parallelism(3)),
                ..Default::default()
            },
        )],
        vec![output("o0", "n0")],
    );
    let out = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap();
    assert_eq!(
        get::<Vec<Option<String>>>(&out, "o0"),
        [
            Some("0:0:0".to_string()),
            Some("1:1:0".to_string()),
            Some("2:2:1".to_string()),
            Some("3:3:0".to_string()),
            None,
            None,
            Some("6:6:0".to_string()),
        ]
    );
    let phases = events.phases("n0-2");
    assert!(
        matches!(
            phases.as_slice(),
            [
                NodePhase::Started,
                NodePhase::Retrying { attempt: 1, .. },
                NodePhase::Succeeded { .. }
            ]
        ),
        "{phases:?}"
    );
    let panicked = element_failure(&events, 4);
    assert_eq!(panicked.code(), "USER:Panic");
    assert!(
        panicked.message().contains("no good async value: 4"),
        "{panicked}"
    );
    // Element 5 timed out at both attempts.
    assert_eq!(element_failure(&events, 5).code(), "USER:Timeout");
}

/// An element's first attempt runs in a time slice (sync) or a lane (async), its retry as a
/// node of its own: the retry restores the checkpoint the first attempt saved, as Flyte's
/// `--prev-checkpoint` would give it.
pub(crate) fn map_element_retries_resume_from_the_first_attempts_checkpoint() {
    for task in ["resumes_element", "resumes_element_async"] {
        let wf = workflow(
            "resuming_map",
            vec![map_node(
                "n0",
                task,
                vec![bind("x", ints(0..3))],
                ArrayNode::default(),
            )],
            vec![output("o0", "n0")],
        );
        let events = Arc::new(Events::default());
        let out = run_with(options(&events), &wf, &[], LiteralMap::default())
            .unwrap_or_else(|e| panic!("{task}: {e}"));
        assert_eq!(
            get::<Vec<String>>(&out, "o0"),
            [
                "0 saved by attempt 0 in attempt 1",
                "1 saved by attempt 0 in attempt 1",
                "2 saved by attempt 0 in attempt 1"
            ],
            "{task}"
        );
    }
}
