//! The local executor on hand-built `WorkflowTemplate`s with real `#[task]`s: scheduling and
//! concurrency, bindings, branches, map tasks, sub-workflows, retries, timeouts, the cache,
//! failure handling, gates, and isolated mode.
//!
//! This test has its own `main` (`harness = false` in Cargo.toml): the test binary is a flytekit
//! binary like a user's, so isolated mode runs the tasks below through this very binary's
//! `execute` entrypoint (`<current exe> execute ...`), exactly as it does in production. Tests
//! run in parallel threads, each with its own runtime and executor; `cargo test --test executor
//! -- NAME` runs the tests whose name contains NAME.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use flytekit::core::types::{none_literal, FlyteError};
use flytekit::idl::core::comparison_expression::Operator;
use flytekit::idl::core::workflow_metadata::OnFailurePolicy;
use flytekit::idl::core::{
    array_node, binding_data, boolean_expression, gate_node, if_else_block, node, operand,
    primitive, promise_attribute, task_node, workflow_node, ApproveCondition, ArrayNode, Binding,
    BindingData, BindingDataCollection, BooleanExpression, BranchNode, ComparisonExpression,
    Identifier, IfBlock, IfElseBlock, Literal, LiteralMap, Node, NodeMetadata, Operand,
    OutputReference, Primitive, PromiseAttribute, RetryStrategy, Scalar, SignalCondition, TaskNode,
    WorkflowMetadata, WorkflowNode, WorkflowTemplate,
};
use flytekit::prelude::*;
use flytekit::runtime::executor::{
    CacheMode, ExecutionError, ExecutionObserver, Executor, ExecutorOptions, FailureCause,
    GateValue, NodeEvent, NodePhase,
};

// ---------------------------------------------------------------------------------------------
// Tasks

/// Saves a checkpoint in its first attempt and fails recoverably; the retry resumes from it.
#[task(retries = 1)]
fn resumes_element(x: i64) -> Result<String, TaskError> {
    let context = current_context();
    let checkpoint = context.checkpoint();
    match checkpoint.read()? {
        Some(saved) => Ok(format!(
            "{} in attempt {}",
            String::from_utf8_lossy(&saved),
            context.attempt
        )),
        None => {
            checkpoint.write(format!("{x} saved by attempt {}", context.attempt).as_bytes())?;
            Err(TaskError::recoverable("stopping after the first half"))
        }
    }
}

/// [`resumes_element`] as an async task (its map runs in lanes).
#[task(retries = 1)]
async fn resumes_element_async(x: i64) -> Result<String, TaskError> {
    let context = current_context();
    let checkpoint = context.checkpoint();
    match checkpoint.read_async().await? {
        Some(saved) => Ok(format!(
            "{} in attempt {}",
            String::from_utf8_lossy(&saved),
            context.attempt
        )),
        None => {
            let saved = format!("{x} saved by attempt {}", context.attempt);
            checkpoint.write_async(saved.as_bytes()).await?;
            Err(TaskError::recoverable("stopping after the first half"))
        }
    }
}

#[task]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[task]
fn double(x: i64) -> i64 {
    2 * x
}

#[task]
fn sum(xs: Vec<i64>) -> i64 {
    xs.iter().sum()
}

/// When each `span` ran, by label.
static SPANS: Mutex<Vec<(String, Instant, Instant)>> = Mutex::new(Vec::new());

/// Records when it starts and ends (a sync, CPU-style task that takes `ms`).
#[task]
fn span(label: String, ms: u64) -> i64 {
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(ms));
    SPANS.lock().unwrap().push((label, start, Instant::now()));
    ms as i64
}

fn spans(prefix: &str) -> Vec<(String, Instant, Instant)> {
    let mut spans: Vec<_> = SPANS
        .lock()
        .unwrap()
        .iter()
        .filter(|(label, ..)| label.starts_with(prefix))
        .cloned()
        .collect();
    spans.sort_by_key(|(_, start, _)| *start);
    spans
}

/// Most intervals open at the same instant.
fn max_overlap(spans: &[(String, Instant, Instant)]) -> usize {
    spans
        .iter()
        .map(|(_, at, _)| spans.iter().filter(|(_, s, e)| s <= at && at < e).count())
        .max()
        .unwrap_or(0)
}

/// Fails recoverably until attempt `n`, then returns the attempt number.
#[task(retries = 3)]
fn flaky(n: u32) -> Result<u32, TaskError> {
    let attempt = current_context().attempt;
    if attempt < n {
        Err(TaskError::recoverable(format!("attempt {attempt} failed")))
    } else {
        Ok(attempt)
    }
}

static FATAL_RUNS: AtomicUsize = AtomicUsize::new(0);

/// Fails for good, whatever its retries.
#[task(retries = 3)]
fn fatal(x: i64) -> Result<i64, String> {
    FATAL_RUNS.fetch_add(1, Ordering::SeqCst);
    Err(format!("cannot handle {x}"))
}

/// Sleeps (async, so it can be cancelled).
#[task]
async fn sleepy(ms: u64) -> i64 {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    ms as i64
}

/// Times out through its own option.
#[task(timeout = "200ms")]
async fn too_slow() -> i64 {
    tokio::time::sleep(Duration::from_secs(30)).await;
    1
}

/// How often each cached task really ran, by `x`.
static CACHE_RUNS: Mutex<BTreeMap<i64, usize>> = Mutex::new(BTreeMap::new());

fn cache_runs(x: i64) -> usize {
    CACHE_RUNS.lock().unwrap().get(&x).copied().unwrap_or(0)
}

#[task(cache(version = "1", ignored_inputs = ["note"]))]
fn cached_square(x: i64, note: String) -> i64 {
    let _ = note;
    *CACHE_RUNS.lock().unwrap().entry(x).or_default() += 1;
    x * x
}

#[task(cache(version = "1", serialize))]
fn serialized_square(x: i64) -> i64 {
    std::thread::sleep(Duration::from_millis(200));
    *CACHE_RUNS.lock().unwrap().entry(x).or_default() += 1;
    x * x
}

/// `cached_square`, async: a map of it runs in lanes.
#[task(cache(version = "1"))]
async fn cached_cube(x: i64) -> i64 {
    *CACHE_RUNS.lock().unwrap().entry(x).or_default() += 1;
    x * x * x
}

/// Cached, and fails on multiples of 3: failures are not cached.
#[task(cache(version = "1"))]
fn cached_picky(x: i64) -> Result<i64, String> {
    *CACHE_RUNS.lock().unwrap().entry(x).or_default() += 1;
    if x % 3 == 0 {
        return Err(format!("{x} is a multiple of 3"));
    }
    Ok(x)
}

/// Cached, and says which element of its map it ran as.
#[task(cache(version = "1"))]
fn cached_index(x: i64) -> String {
    format!(
        "{x}@{}",
        current_context().array_index.unwrap_or(usize::MAX)
    )
}

/// Cached, without outputs, and fails on odd numbers: what fails is not cached as a success.
#[task(cache(version = "1"))]
fn cached_even_check(x: i64) -> Result<(), String> {
    *CACHE_RUNS.lock().unwrap().entry(x).or_default() += 1;
    if x % 2 != 0 {
        return Err(format!("{x} is odd"));
    }
    Ok(())
}

/// Fails on multiples of 3.
#[task]
fn picky(x: i64) -> Result<i64, String> {
    if x % 3 == 0 {
        Err(format!("{x} is a multiple of 3"))
    } else {
        Ok(x * 10)
    }
}

#[derive(Debug, Clone, PartialEq, FlyteType)]
struct Point {
    x: f64,
    y: f64,
    tags: Vec<String>,
}

#[task]
fn make_point(x: f64) -> Point {
    Point {
        x,
        y: -x,
        tags: vec!["first".into(), "second".into()],
    }
}

#[task]
fn half(v: f64) -> f64 {
    v / 2.0
}

#[task]
fn shout(s: String) -> String {
    s.to_uppercase()
}

/// What failure nodes received, by the workflow input `x`.
static FAILURES: Mutex<BTreeMap<i64, FlyteError>> = Mutex::new(BTreeMap::new());

#[task]
fn on_failure(x: i64, error: FlyteError) {
    FAILURES.lock().unwrap().insert(x, error);
}

#[task]
fn failing_cleanup(x: i64, error: FlyteError) -> Result<(), String> {
    Err(format!(
        "cleanup for {x} failed too ({})",
        error.failed_node_id
    ))
}

#[task]
fn process_id() -> u32 {
    std::process::id()
}

#[task]
fn abort_now(x: i64) -> i64 {
    if x >= 0 {
        std::process::abort();
    }
    x
}

#[task]
fn panic_now(x: i64) -> i64 {
    panic!("no good value: {x}")
}

/// Fails recoverably at its first attempt for odd `x`; says which element and attempt it was.
#[task(retries = 2)]
fn element_attempts(x: i64) -> Result<String, TaskError> {
    let context = current_context();
    if x % 2 == 1 && context.attempt == 0 {
        return Err(TaskError::recoverable(format!("{x} needs another try")));
    }
    let index = context.array_index.map_or(-1, |i| i as i64);
    Ok(format!("{x}:{index}:{}", context.attempt))
}

/// An async element: retried once for `x == 2`, panics for `x == 4`, sleeps past its timeout
/// for `x == 5`; says which element and attempt it was.
#[task(timeout = "300ms", retries = 1)]
async fn async_element(x: i64) -> Result<String, TaskError> {
    let context = current_context();
    match x {
        2 if context.attempt == 0 => return Err(TaskError::recoverable("once more")),
        4 => panic!("no good async value: {x}"),
        5 => tokio::time::sleep(Duration::from_secs(30)).await,
        _ => tokio::task::yield_now().await,
    }
    let index = context.array_index.map_or(-1, |i| i as i64);
    Ok(format!("{x}:{index}:{}", context.attempt))
}

/// Tenfold `x`; element 3's first attempt sleeps 2 s, past the 200 ms timeout, and is retried.
#[task(timeout = "200ms", retries = 1)]
fn slow_third_once(x: i64) -> i64 {
    if x == 3 && current_context().attempt == 0 {
        std::thread::sleep(Duration::from_secs(2));
    }
    x * 10
}

/// Tenfold `x`; element 3 always sleeps 2 s, past the 200 ms timeout (no retries).
#[task(timeout = "200ms")]
fn slow_third_always(x: i64) -> i64 {
    if x == 3 {
        std::thread::sleep(Duration::from_secs(2));
    }
    x * 10
}

/// Fails its first attempt (recoverably); the second records its span like `span`.
#[task(retries = 1)]
fn second_try_span(label: String) -> Result<i64, TaskError> {
    if current_context().attempt == 0 {
        return Err(TaskError::recoverable("first attempts fail"));
    }
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(20));
    SPANS.lock().unwrap().push((label, start, Instant::now()));
    Ok(1)
}

static ALWAYS_FAILS_RUNS: AtomicUsize = AtomicUsize::new(0);

/// Fails for good (no retries).
#[task]
fn always_fails(x: i64) -> Result<i64, String> {
    ALWAYS_FAILS_RUNS.fetch_add(1, Ordering::SeqCst);
    Err(format!("{x} is never right"))
}

/// Writes `text` to `out.txt` in its working dir and returns that file: two runs that shared a
/// working dir would return each other's bytes.
#[task]
fn write_out(text: String) -> FlyteFile {
    let path = current_context().working_dir.join("out.txt");
    std::fs::write(&path, &text).expect("the working dir is writable");
    FlyteFile::new(path.display().to_string())
}

/// `write_out`, cached.
#[task(cache(version = "1"))]
fn cached_write_out(text: String) -> FlyteFile {
    let path = current_context().working_dir.join("out.txt");
    std::fs::write(&path, &text).expect("the working dir is writable");
    FlyteFile::new(path.display().to_string())
}

// ---------------------------------------------------------------------------------------------
// Template helpers

fn t(name: &str) -> String {
    format!("executor.{name}")
}

fn promise(node: &str, var: &str) -> BindingData {
    BindingData {
        value: Some(binding_data::Value::Promise(OutputReference {
            node_id: node.into(),
            var: var.into(),
            attr_path: vec![],
        })),
        ..Default::default()
    }
}

fn attr(node: &str, var: &str, path: &[&str]) -> BindingData {
    let attr_path = path
        .iter()
        .map(|step| PromiseAttribute {
            value: Some(match step.parse::<i32>() {
                Ok(index) => promise_attribute::Value::IntValue(index),
                Err(_) => promise_attribute::Value::StringValue(step.to_string()),
            }),
        })
        .collect();
    BindingData {
        value: Some(binding_data::Value::Promise(OutputReference {
            node_id: node.into(),
            var: var.into(),
            attr_path,
        })),
        ..Default::default()
    }
}

fn value<T: FlyteType>(v: T) -> BindingData {
    let literal = v.to_literal().unwrap();
    match literal.value {
        Some(flytekit::idl::core::literal::Value::Scalar(s)) => BindingData {
            value: Some(binding_data::Value::Scalar(*s)),
            ..Default::default()
        },
        _ => panic!("not a scalar"),
    }
}

fn list(items: Vec<BindingData>) -> BindingData {
    BindingData {
        value: Some(binding_data::Value::Collection(BindingDataCollection {
            bindings: items,
        })),
        ..Default::default()
    }
}

fn bind(var: &str, data: BindingData) -> Binding {
    Binding {
        var: var.into(),
        binding: Some(data),
    }
}

fn ident(name: &str) -> Identifier {
    Identifier {
        name: name.into(),
        ..Default::default()
    }
}

fn task(id: &str, name: &str, inputs: Vec<Binding>) -> Node {
    Node {
        id: id.into(),
        inputs,
        target: Some(node::Target::TaskNode(TaskNode {
            reference: Some(task_node::Reference::ReferenceId(ident(&t(name)))),
            ..Default::default()
        })),
        ..Default::default()
    }
}

fn after(mut node: Node, upstream: &[&str]) -> Node {
    node.upstream_node_ids = upstream.iter().map(|s| s.to_string()).collect();
    node
}

fn with_metadata(mut node: Node, retries: u32, timeout: Option<Duration>) -> Node {
    node.metadata = Some(NodeMetadata {
        retries: Some(RetryStrategy { retries }),
        timeout: timeout.map(|d| prost_types::Duration {
            seconds: d.as_secs() as i64,
            nanos: d.subsec_nanos() as i32,
        }),
        ..Default::default()
    });
    node
}

fn workflow(name: &str, nodes: Vec<Node>, outputs: Vec<Binding>) -> WorkflowTemplate {
    WorkflowTemplate {
        id: Some(ident(name)),
        nodes,
        outputs,
        ..Default::default()
    }
}

fn output(var: &str, node: &str) -> Binding {
    bind(var, promise(node, "o0"))
}

fn compare(op: Operator, var: &str, constant: Primitive) -> BooleanExpression {
    BooleanExpression {
        expr: Some(boolean_expression::Expr::Comparison(ComparisonExpression {
            operator: op as i32,
            left_value: Some(Operand {
                val: Some(operand::Val::Var(var.into())),
            }),
            right_value: Some(Operand {
                val: Some(operand::Val::Primitive(constant)),
            }),
        })),
    }
}

fn int(i: i64) -> Primitive {
    Primitive {
        value: Some(primitive::Value::Integer(i)),
    }
}

fn branch(
    id: &str,
    inputs: Vec<Binding>,
    cases: Vec<(BooleanExpression, Node)>,
    default: Option<if_else_block::Default>,
) -> Node {
    let mut blocks = cases.into_iter().map(|(condition, then)| IfBlock {
        condition: Some(condition),
        then_node: Some(Box::new(then)),
    });
    let case = blocks.next().map(Box::new);
    Node {
        id: id.into(),
        inputs,
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

fn map_node(id: &str, name: &str, inputs: Vec<Binding>, array: ArrayNode) -> Node {
    Node {
        id: id.into(),
        inputs: inputs.clone(),
        target: Some(node::Target::ArrayNode(Box::new(ArrayNode {
            node: Some(Box::new(task(&t(name), name, inputs))),
            ..array
        }))),
        ..Default::default()
    }
}

fn literals<const N: usize>(pairs: [(&str, Literal); N]) -> LiteralMap {
    LiteralMap {
        literals: pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    }
}

fn lit<T: FlyteType>(v: T) -> Literal {
    v.to_literal().unwrap()
}

fn get<T: FlyteType>(outputs: &LiteralMap, name: &str) -> T {
    T::from_literal(&outputs.literals[name]).unwrap()
}

/// Records every event, in order.
#[derive(Default)]
struct Events(Mutex<Vec<NodeEvent>>);

impl ExecutionObserver for Events {
    fn event(&self, event: &NodeEvent) {
        self.0.lock().unwrap().push(event.clone());
    }
}

impl Events {
    fn phases(&self, node: &str) -> Vec<NodePhase> {
        let events = self.0.lock().unwrap();
        events
            .iter()
            .filter(|e| e.node_id == node)
            .map(|e| e.phase.clone())
            .collect()
    }

    /// `(node, short phase name)` of every event.
    fn summary(&self) -> Vec<(String, &'static str)> {
        let events = self.0.lock().unwrap();
        events
            .iter()
            .map(|e| {
                let phase = match &e.phase {
                    NodePhase::Started => "started",
                    NodePhase::Retrying { .. } => "retrying",
                    NodePhase::Succeeded { cached: true, .. } => "cached",
                    NodePhase::Succeeded { .. } => "succeeded",
                    NodePhase::Failed { .. } => "failed",
                    NodePhase::Skipped { .. } => "skipped",
                    NodePhase::Aborted => "aborted",
                    NodePhase::DeckWritten { .. } => "deck",
                    _ => "other",
                };
                (e.node_id.clone(), phase)
            })
            .collect()
    }
}

/// A fresh dir for one test, under the target dir (not the system temp dir, which CI shares):
/// `target/tmp/executor/<pid>/<name>`.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("executor")
        .join(std::process::id().to_string())
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn options(events: &Arc<Events>) -> ExecutorOptions {
    ExecutorOptions {
        interactive: false,
        cache: CacheMode::Bypass,
        cache_dir: scratch("unused-cache"),
        observer: Some(events.clone()),
        ..Default::default()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn run_with(
    options: ExecutorOptions,
    wf: &WorkflowTemplate,
    subs: &[WorkflowTemplate],
    inputs: LiteralMap,
) -> Result<LiteralMap, ExecutionError> {
    runtime().block_on(Executor::new(options).run_workflow(wf, subs, inputs))
}

fn task_error(err: &ExecutionError) -> &TaskError {
    err.task_error()
        .unwrap_or_else(|| panic!("not a task failure: {err}"))
}

#[path = "executor/cache_faults.rs"]
mod cache_faults;
#[path = "executor/cases.rs"]
mod cases;
#[path = "executor/failures.rs"]
mod failures;
#[path = "executor/files.rs"]
mod files;
#[path = "executor/map_cache.rs"]
mod map_cache;
#[path = "executor/maps.rs"]
mod maps;

/// Every test, by name.
const CASES: &[(&str, fn())] = &[
    ("chain", cases::chain),
    ("fan_out_fan_in", cases::fan_out_fan_in),
    (
        "independent_sync_tasks_overlap",
        cases::independent_sync_tasks_overlap,
    ),
    (
        "max_parallel_bounds_sync_tasks",
        cases::max_parallel_bounds_sync_tasks,
    ),
    ("branches_with_tasks", cases::branches_with_tasks),
    (
        "attr_paths_into_struct_outputs",
        cases::attr_paths_into_struct_outputs,
    ),
    ("map_with_partial_failure", cases::map_with_partial_failure),
    (
        "map_parallelism_and_bound_inputs",
        cases::map_parallelism_and_bound_inputs,
    ),
    (
        "map_elements_retry_and_know_their_index",
        maps::map_elements_retry_and_know_their_index,
    ),
    (
        "map_retries_keep_the_concurrency",
        maps::map_retries_keep_the_concurrency,
    ),
    (
        "map_element_panics_fail_the_node",
        maps::map_element_panics_fail_the_node,
    ),
    (
        "map_stops_after_too_many_failures",
        maps::map_stops_after_too_many_failures,
    ),
    (
        "long_maps_leave_turns_to_other_sync_tasks",
        maps::long_maps_leave_turns_to_other_sync_tasks,
    ),
    (
        "async_map_elements_as_nodes_of_their_own",
        maps::async_map_elements_as_nodes_of_their_own,
    ),
    (
        "map_elements_past_their_timeout_are_retried",
        maps::map_elements_past_their_timeout_are_retried,
    ),
    (
        "map_elements_past_their_timeout_fail_alone",
        maps::map_elements_past_their_timeout_fail_alone,
    ),
    (
        "map_element_retries_resume_from_the_first_attempts_checkpoint",
        maps::map_element_retries_resume_from_the_first_attempts_checkpoint,
    ),
    ("sub_workflow", cases::sub_workflow),
    ("gates_with_tasks", cases::gates_with_tasks),
    (
        "cache_hit_bypass_and_overwrite",
        cases::cache_hit_bypass_and_overwrite,
    ),
    ("cache_serialize", cases::cache_serialize),
    ("run_task_directly", cases::run_task_directly),
    (
        "retries_of_recoverable_errors",
        failures::retries_of_recoverable_errors,
    ),
    (
        "no_retry_of_fatal_errors",
        failures::no_retry_of_fatal_errors,
    ),
    ("timeouts_of_async_tasks", failures::timeouts_of_async_tasks),
    (
        "failure_node_receives_the_error",
        failures::failure_node_receives_the_error,
    ),
    (
        "fail_immediately_aborts_the_rest",
        failures::fail_immediately_aborts_the_rest,
    ),
    (
        "fail_after_executable_nodes_complete",
        failures::fail_after_executable_nodes_complete,
    ),
    (
        "isolated_runs_tasks_in_subprocesses",
        failures::isolated_runs_tasks_in_subprocesses,
    ),
    (
        "isolated_crashes_fail_only_their_node",
        failures::isolated_crashes_fail_only_their_node,
    ),
    (
        "isolated_timeouts_kill_the_child",
        failures::isolated_timeouts_kill_the_child,
    ),
    ("malformed_templates", failures::malformed_templates),
    (
        "nodes_of_one_task_get_their_own_files",
        files::nodes_of_one_task_get_their_own_files,
    ),
    (
        "map_elements_get_their_own_files",
        files::map_elements_get_their_own_files,
    ),
    (
        "cached_files_keep_their_bytes",
        files::cached_files_keep_their_bytes,
    ),
    (
        "bad_cache_entries_are_misses",
        cache_faults::bad_cache_entries_are_misses,
    ),
    (
        "concurrent_runs_share_a_cache_dir",
        cache_faults::concurrent_runs_share_a_cache_dir,
    ),
    (
        "cached_maps_run_only_their_misses",
        map_cache::cached_maps_run_only_their_misses,
    ),
    (
        "cached_async_maps_run_only_their_misses",
        map_cache::cached_async_maps_run_only_their_misses,
    ),
    (
        "overwriting_a_cached_map_replaces_entries",
        map_cache::overwriting_a_cached_map_replaces_entries,
    ),
    (
        "failed_map_elements_are_not_cached",
        map_cache::failed_map_elements_are_not_cached,
    ),
    (
        "damaged_packs_are_misses",
        map_cache::damaged_packs_are_misses,
    ),
    (
        "cached_map_files_keep_their_bytes",
        map_cache::cached_map_files_keep_their_bytes,
    ),
    (
        "serialized_cached_maps_run_each_input_once",
        map_cache::serialized_cached_maps_run_each_input_once,
    ),
    (
        "concurrent_cached_maps_share_a_cache_dir",
        map_cache::concurrent_cached_maps_share_a_cache_dir,
    ),
    (
        "cached_map_misses_know_their_index",
        map_cache::cached_map_misses_know_their_index,
    ),
];

// ---------------------------------------------------------------------------------------------
// The harness

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Isolated mode runs `<this binary> execute ...`.
    if args.get(1).is_some_and(|a| a == "execute") {
        std::process::exit(flytekit::runtime::run_cli(args));
    }
    let filters: Vec<String> = args
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .filter(|a| !a.starts_with('-'))
        .map(String::from)
        .collect();
    let selected: Vec<(&str, fn())> = CASES
        .iter()
        .copied()
        .filter(|(name, _)| filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str())))
        .collect();
    if args.iter().any(|a| a == "--list") {
        for (name, _) in &selected {
            println!("{name}: test");
        }
        return;
    }
    println!("\nrunning {} tests", selected.len());
    let started = Instant::now();
    let handles: Vec<_> = selected
        .iter()
        .map(|&(name, case)| (name, std::thread::spawn(case)))
        .collect();
    let mut failed = Vec::new();
    for (name, handle) in handles {
        match handle.join() {
            Ok(()) => println!("test {name} ... ok"),
            Err(_) => {
                println!("test {name} ... FAILED");
                failed.push(name);
            }
        }
    }
    println!(
        "\ntest result: {}. {} passed; {} failed; finished in {:.2}s\n",
        if failed.is_empty() { "ok" } else { "FAILED" },
        selected.len() - failed.len(),
        failed.len(),
        started.elapsed().as_secs_f64()
    );
    if !failed.is_empty() {
        println!("failures: {}", failed.join(", "));
        std::process::exit(101);
    }
}
