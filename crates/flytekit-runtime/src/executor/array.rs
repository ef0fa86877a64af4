//! Array nodes (map tasks): the sub-node once per element of the mapped inputs.
//!
//! Consumes an `ArrayNode` and the array node's evaluated inputs: lists for mapped inputs,
//! single values for bound ones (`bound_inputs`; when that is empty, an input is mapped when its
//! literal is one list deeper than the sub-task declares, the entrypoint's rule). Produces one
//! list per output variable, in element order. At most `parallelism` elements run at once
//! (0 or unset: no bound). Success criteria (`min_successes` / `min_success_ratio`, default:
//! every element) decide whether the node succeeds; failed elements are `None` literals in the
//! output lists (the `Vec<Option<T>>` shape). Once too many elements have failed, no more start.

use flytekit_core::registry;
use flytekit_core::task::{CacheConfig, TaskEntry, TaskFn};
use flytekit_core::types::{describe_literal, none_literal};
use flytekit_idl::core::{
    array_node, literal, node, task_node, ArrayNode, Literal, LiteralCollection, LiteralMap,
    TypedInterface,
};
use futures::stream::{FuturesUnordered, StreamExt};

use super::bindings::{names, Env};
use super::error::ExecutionError;
use super::map_cache::MapCache;
use super::node::run_node;
use super::workflow::Frame;
use super::{batch, lanes};
use super::{CacheMode, Inner};
use crate::entrypoint::mapped_inputs;

/// A sync task's function.
pub(crate) type SyncTaskFn = &'static dyn flytekit_core::run_sync::RunSync;

/// The sub-node's task, when it is a task node of a task of this binary.
fn sub_task(sub: &flytekit_idl::core::Node) -> Option<&'static TaskEntry> {
    let Some(node::Target::TaskNode(t)) = &sub.target else {
        return None;
    };
    let Some(task_node::Reference::ReferenceId(id)) = &t.reference else {
        return None;
    };
    registry::task(&id.name)
}

/// The interface of the sub-node, when it is a task of this binary.
fn sub_interface(sub: &flytekit_idl::core::Node) -> Option<TypedInterface> {
    sub_task(sub).map(|entry| entry.interface())
}

/// How many elements must succeed.
fn required_successes(array: &ArrayNode, len: usize) -> usize {
    match array.success_criteria {
        Some(array_node::SuccessCriteria::MinSuccesses(n)) => n as usize,
        Some(array_node::SuccessCriteria::MinSuccessRatio(ratio)) => {
            // The ratio was written as a decimal (0.8) and stored as an f32
            // (0.800000011...): read it back as the decimal, and let rounding noise not
            // demand one more element.
            let ratio = ratio.clamp(0.0, 1.0);
            let ratio: f64 = ratio.to_string().parse().unwrap_or(f64::from(ratio));
            ((ratio * len as f64 - 1e-9).ceil().max(0.0) as usize).min(len)
        }
        None => len,
    }
}

/// The inputs of every element: the array node's inputs, with the mapped lists.
pub(crate) struct ElementInputs {
    inputs: LiteralMap,
    mapped: Vec<String>,
}

impl ElementInputs {
    /// The inputs of element `i`: its item of each mapped list, the bound inputs as they are.
    pub(crate) fn get(&self, i: usize) -> LiteralMap {
        let literals = self
            .inputs
            .literals
            .iter()
            .map(|(name, literal)| {
                let value = match (&literal.value, self.mapped.contains(name)) {
                    (Some(literal::Value::Collection(c)), true) => {
                        c.literals.get(i).cloned().unwrap_or_else(none_literal)
                    }
                    _ => literal.clone(),
                };
                (name.clone(), value)
            })
            .collect();
        LiteralMap { literals }
    }

    /// The inputs of element `i` as [`get`](Self::get) gives them, borrowed, in name order.
    pub(crate) fn each(&self, i: usize) -> impl Iterator<Item = (&str, &Literal)> {
        static NONE: std::sync::LazyLock<Literal> = std::sync::LazyLock::new(none_literal);
        self.inputs.literals.iter().map(move |(name, literal)| {
            let value = match (&literal.value, self.mapped.contains(name)) {
                (Some(literal::Value::Collection(c)), true) => c.literals.get(i).unwrap_or(&NONE),
                _ => literal,
            };
            (name.as_str(), value)
        })
    }
}

/// Failed elements, against how many may fail.
#[derive(Debug)]
pub(crate) struct Tally {
    allowed_failures: usize,
    failures: usize,
    /// The failure of the lowest element index.
    first_failure: Option<(usize, ExecutionError)>,
}

impl Tally {
    pub(crate) fn new(allowed_failures: usize) -> Self {
        Tally {
            allowed_failures,
            failures: 0,
            first_failure: None,
        }
    }

    /// How many elements may fail.
    pub(crate) fn allowed_failures(&self) -> usize {
        self.allowed_failures
    }

    /// Counts the failure of element `i`.
    pub(crate) fn fail(&mut self, i: usize, error: &ExecutionError) {
        self.failures += 1;
        if self.first_failure.as_ref().is_none_or(|(j, _)| i < *j) {
            self.first_failure = Some((i, error.clone()));
        }
    }

    /// Counts a failure that fails the node whatever the success criteria allow.
    pub(crate) fn fail_all(&mut self, i: usize, error: &ExecutionError) {
        self.fail(i, error);
        self.failures = self.failures.max(self.allowed_failures + 1);
    }

    /// Whether no more elements should start: too many have failed already.
    pub(crate) fn is_exceeded(&self) -> bool {
        self.failures > self.allowed_failures
    }

    fn exceeded(&self) -> Option<(usize, &ExecutionError)> {
        self.first_failure
            .as_ref()
            .filter(|_| self.is_exceeded())
            .map(|(i, error)| (*i, error))
    }
}

/// The outputs of the elements, one column per output name, filled in as elements succeed.
///
/// An element's result costs its literals only: keeping each element's `LiteralMap` until the
/// end cost a one-entry `BTreeMap` (a whole B-tree leaf, about 1 KiB) per element, 60% of the
/// peak heap of a large map (issue 23). A failed or unstarted element leaves `None` (its
/// failure is in the `Tally`), which becomes a none literal in the lists.
pub(crate) struct Columns {
    names: Vec<String>,
    /// The names came from the task's interface: other keys an element returns are ignored.
    fixed: bool,
    columns: Vec<Vec<Option<Literal>>>,
    /// Which elements succeeded: a task without outputs leaves no literal to tell.
    succeeded: Vec<bool>,
    len: usize,
}

impl Columns {
    /// Columns for `len` elements, for the interface's output names when they are known (else
    /// for whatever names the elements return).
    pub(crate) fn new(names: Option<Vec<String>>, len: usize) -> Self {
        let fixed = names.is_some();
        let names = names.unwrap_or_default();
        let columns = names.iter().map(|_| empty_column(len)).collect();
        Columns {
            names,
            fixed,
            columns,
            succeeded: vec![false; len],
            len,
        }
    }

    /// Element `i` succeeded with `outputs`.
    pub(crate) fn record(&mut self, i: usize, outputs: LiteralMap) {
        self.succeeded[i] = true;
        for (name, literal) in outputs.literals {
            let k = match self.names.iter().position(|n| *n == name) {
                Some(k) => k,
                None if self.fixed => continue,
                None => {
                    // Kept in name order, as the map of lists is.
                    let k = self.names.partition_point(|n| *n < name);
                    self.names.insert(k, name);
                    self.columns.insert(k, empty_column(self.len));
                    k
                }
            };
            self.columns[k][i] = Some(literal);
        }
    }

    /// The output names, in column order.
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    /// The outputs of element `i`, one per name, when it succeeded with every output.
    pub(crate) fn row(&self, i: usize) -> Option<Vec<&Literal>> {
        if !self.succeeded[i] {
            return None;
        }
        self.columns
            .iter()
            .map(|column| column.get(i)?.as_ref())
            .collect()
    }

    /// Element `i` succeeded with `row`, one literal per name.
    pub(crate) fn record_row(&mut self, i: usize, row: Vec<Literal>) {
        self.succeeded[i] = true;
        for (column, literal) in self.columns.iter_mut().zip(row) {
            column[i] = Some(literal);
        }
    }

    /// The array node's outputs: one list per name, in element order.
    fn into_outputs(self) -> LiteralMap {
        let literals = self
            .names
            .into_iter()
            .zip(self.columns)
            .map(|(name, column)| {
                let literals = column
                    .into_iter()
                    .map(|l| l.unwrap_or_else(none_literal))
                    .collect();
                let list = Literal {
                    value: Some(literal::Value::Collection(LiteralCollection { literals })),
                    ..Default::default()
                };
                (name, list)
            })
            .collect();
        LiteralMap { literals }
    }
}

fn empty_column(len: usize) -> Vec<Option<Literal>> {
    std::iter::repeat_with(|| None).take(len).collect()
}

/// The elements a batch or lanes run: every one, or only the listed ones (those the cache did
/// not have).
pub(crate) enum Todo {
    All(usize),
    Only(Vec<usize>),
}

impl Todo {
    /// How many elements there are to run.
    pub(crate) fn count(&self) -> usize {
        match self {
            Todo::All(len) => *len,
            Todo::Only(indices) => indices.len(),
        }
    }

    /// The index of the `n`th element to run.
    fn get(&self, n: usize) -> Option<usize> {
        match self {
            Todo::All(len) => (n < *len).then_some(n),
            Todo::Only(indices) => indices.get(n).copied(),
        }
    }
}

/// The elements still to start, claimed one at a time by whoever runs them (the time slices of
/// `batch`, the lanes of `lanes`); once stopped, no more are claimed.
pub(crate) struct Claims {
    todo: Todo,
    next: std::sync::atomic::AtomicUsize,
    stopped: std::sync::atomic::AtomicBool,
}

impl Claims {
    pub(crate) fn new(todo: Todo) -> Self {
        Claims {
            todo,
            next: Default::default(),
            stopped: Default::default(),
        }
    }

    /// The next element, unless claiming stopped or every element is claimed.
    pub(crate) fn claim(&self) -> Option<usize> {
        use std::sync::atomic::Ordering;
        if self.stopped.load(Ordering::Relaxed) {
            return None;
        }
        self.todo.get(self.next.fetch_add(1, Ordering::Relaxed))
    }

    pub(crate) fn has_unclaimed(&self) -> bool {
        use std::sync::atomic::Ordering;
        !self.stopped.load(Ordering::Relaxed)
            && self.next.load(Ordering::Relaxed) < self.todo.count()
    }

    /// No more elements start: too many failed, or the node was dropped.
    pub(crate) fn stop(&self) {
        self.stopped
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many elements were claimed, so started.
    pub(crate) fn started(&self) -> usize {
        self.next
            .load(std::sync::atomic::Ordering::Relaxed)
            .min(self.todo.count())
    }

    /// How many elements there are to claim.
    pub(crate) fn count(&self) -> usize {
        self.todo.count()
    }

    /// The index of the element claimed last (0 before any).
    pub(crate) fn last_started(&self) -> usize {
        self.started()
            .checked_sub(1)
            .and_then(|n| self.todo.get(n))
            .unwrap_or(0)
    }
}

/// The events of an array node's elements (node `<path>-<i>`), for the run's observer.
pub(crate) struct ElementEvents {
    observer: Option<std::sync::Arc<dyn super::events::ExecutionObserver>>,
    /// The array node's id path.
    pub(crate) path: String,
    /// The sub-task's name.
    pub(crate) entity: String,
}

impl ElementEvents {
    pub(crate) fn new(cx: &Inner, path: &str, entity: &str) -> Self {
        ElementEvents {
            observer: cx.options.observer.clone(),
            path: path.to_string(),
            entity: entity.to_string(),
        }
    }

    /// The node path of element `i`.
    pub(crate) fn node_path(&self, i: usize) -> String {
        format!("{}-{i}", self.path)
    }

    /// Reports `phase()` of element `i` (built only when someone observes).
    pub(crate) fn emit(&self, i: usize, phase: impl FnOnce() -> super::events::NodePhase) {
        if let Some(observer) = &self.observer {
            super::events::send_event(observer.as_ref(), &self.node_path(i), &self.entity, phase());
        }
    }
}

/// What running the elements gave: the outputs of the elements that succeeded.
pub(crate) struct Elements {
    pub(crate) outputs: Columns,
    /// How many elements started (the rest were not, after too many failures).
    pub(crate) started: usize,
    pub(crate) tally: Tally,
}

/// An array node whose elements run in-process, as the time slices (`batch`, `F` a sync task's
/// function) and the lanes (`lanes`, an async task's) see it.
pub(crate) struct ElementBatch<'a, F> {
    /// The array node's id path; element `i` is `<path>-<i>`.
    pub(crate) path: &'a str,
    /// The sub-task's name, for events and errors.
    pub(crate) entity: String,
    pub(crate) entry: &'static TaskEntry,
    pub(crate) run: F,
    /// The sub-node's metadata: its retries and timeout.
    pub(crate) metadata: Option<&'a flytekit_idl::core::NodeMetadata>,
    /// At most this many elements at once.
    pub(crate) parallelism: usize,
}

/// Whether the sub-task's cache is looked up element by element: with `serialize`, identical
/// elements wait for the first one's outputs, which only the per-element path does.
fn serialized_cache(cx: &Inner, entry: &TaskEntry) -> bool {
    let serialized = entry.config.cache.is_some_and(|config| config.serialize);
    serialized && cx.options.cache != CacheMode::Bypass
}

/// The sub-task's cache settings, when the array node looks its elements up and stores them
/// itself (`map_cache`): a cached task without `serialize` whose elements run in batches or
/// lanes.
fn array_cache(cx: &Inner, sub: &flytekit_idl::core::Node) -> Option<CacheConfig> {
    let config = sub_task(sub)?.config.cache?;
    (cx.options.cache != CacheMode::Bypass && !config.serialize).then_some(config)
}

/// The sub-node's sync task and its function, when the elements can run in batches: an
/// in-process run of a sync task whose cache, if any, the array node handles (see `batch`).
fn batchable(
    cx: &Inner,
    sub: &flytekit_idl::core::Node,
) -> Option<(&'static TaskEntry, SyncTaskFn)> {
    let entry = sub_task(sub)?;
    let TaskFn::Sync(run) = entry.run else {
        return None;
    };
    (!cx.options.isolated && !serialized_cache(cx, entry)).then_some((entry, run))
}

/// The sub-node's async task and its function, when the elements can run in lanes: an
/// in-process run of an async task whose cache, if any, the array node handles (see `lanes`).
fn async_batchable(
    cx: &Inner,
    sub: &flytekit_idl::core::Node,
) -> Option<(&'static TaskEntry, lanes::AsyncTaskFn)> {
    let entry = sub_task(sub)?;
    let TaskFn::Async(run) = entry.run else {
        return None;
    };
    (!cx.options.isolated && !serialized_cache(cx, entry)).then_some((entry, run))
}

fn is_sync_task(sub: &flytekit_idl::core::Node) -> bool {
    sub_task(sub).is_some_and(|entry| matches!(entry.run, TaskFn::Sync(_)))
}

/// Runs each element as a node of its own, at most `window` at once.
#[allow(clippy::too_many_arguments)]
async fn run_each(
    cx: &Inner,
    frame: &Frame<'_>,
    sub: &flytekit_idl::core::Node,
    path: &str,
    env: &Env,
    elements: &ElementInputs,
    len: usize,
    window: usize,
    mut tally: Tally,
    mut outputs: Columns,
) -> Elements {
    let mut running = FuturesUnordered::new();
    let mut next = 0;
    loop {
        while next < len && running.len() < window && !tally.is_exceeded() {
            let i = next;
            next += 1;
            let element = run_node(
                cx,
                frame,
                sub,
                format!("{path}-{i}"),
                elements.get(i),
                env,
                Some(i),
            );
            running.push(async move { (i, element.await) });
        }
        let Some((i, result)) = running.next().await else {
            break;
        };
        match result {
            Ok(element) => outputs.record(i, element),
            Err(error) => {
                tally.fail(i, &error);
                if tally.is_exceeded() {
                    // Too many failures already: stop the others (they are reported as
                    // aborted).
                    break;
                }
            }
        }
    }
    Elements {
        outputs,
        started: next,
        tally,
    }
}

/// Runs the array node at `path` on its evaluated inputs.
pub(crate) async fn run_array(
    cx: &Inner,
    frame: &Frame<'_>,
    array: &ArrayNode,
    path: &str,
    entity: &str,
    inputs: LiteralMap,
    env: &Env,
) -> Result<LiteralMap, ExecutionError> {
    let malformed = |message: String| ExecutionError::malformed(path, entity, message);
    let sub = array
        .node
        .as_deref()
        .ok_or_else(|| malformed("the array node has no sub-node".to_string()))?;
    let interface = sub_interface(sub);
    if matches!(sub.target, Some(node::Target::TaskNode(_))) && interface.is_none() {
        return Err(malformed(format!(
            "no task named `{}` in this binary (`list` shows its tasks)",
            super::node::entity_name(sub)
        )));
    }

    let mapped: Vec<String> = if !array.bound_inputs.is_empty() {
        inputs
            .literals
            .keys()
            .filter(|name| !array.bound_inputs.contains(name))
            .cloned()
            .collect()
    } else if let Some(interface) = &interface {
        mapped_inputs(&inputs, interface)
    } else {
        inputs
            .literals
            .iter()
            .filter(|(_, l)| matches!(l.value, Some(literal::Value::Collection(_))))
            .map(|(name, _)| name.clone())
            .collect()
    };
    if mapped.is_empty() {
        return Err(malformed(format!(
            "the array node has no list input to map over; its inputs are {}",
            names(inputs.literals.keys())
        )));
    }
    let mut len = None;
    for name in &mapped {
        let literal = &inputs.literals[name];
        let Some(literal::Value::Collection(c)) = &literal.value else {
            return Err(malformed(format!(
                "mapped input `{name}` is not a list: found {}",
                describe_literal(literal)
            )));
        };
        match len {
            None => len = Some((name, c.literals.len())),
            Some((first, n)) if n != c.literals.len() => {
                return Err(malformed(format!(
                    "mapped inputs differ in length: `{first}` has {n} elements, `{name}` has {}",
                    c.literals.len()
                )))
            }
            Some(_) => {}
        }
    }
    let len = len.map_or(0, |(_, n)| n);
    let required = required_successes(array, len);
    let allowed_failures = len.saturating_sub(required);
    let parallelism = match array.parallelism_option {
        Some(array_node::ParallelismOption::Parallelism(p)) if p > 0 => p as usize,
        _ => len.max(1),
    };

    let elements = ElementInputs { inputs, mapped };
    let tally = Tally::new(allowed_failures);
    let output_names = interface
        .as_ref()
        .and_then(|i| i.outputs.as_ref())
        .map(|outputs| outputs.variables.keys().cloned().collect());
    let mut columns = Columns::new(output_names, len);
    let entity_name = super::node::entity_name(sub);
    let batched = batchable(cx, sub);
    let laned = async_batchable(cx, sub);
    let in_batches = batched
        .map(|(entry, _)| entry)
        .or(laned.map(|(entry, _)| entry));
    let (todo, cache) = match in_batches.zip(array_cache(cx, sub)) {
        Some((entry, config)) => {
            let events = ElementEvents::new(cx, path, &entity_name);
            let (cache, todo) =
                MapCache::look_up(cx, entry, &config, &elements, len, &events, &mut columns).await;
            (todo, Some(cache))
        }
        None => (Todo::All(len), None),
    };
    let hits = len - todo.count();
    let mut outcome = match (batched, laned) {
        (Some((entry, run)), _) => {
            let batch = ElementBatch {
                path,
                entity: entity_name,
                entry,
                run,
                metadata: sub.metadata.as_ref(),
                parallelism,
            };
            batch::run_elements(cx, batch, elements, todo, tally, columns).await
        }
        (None, Some((entry, run))) => {
            let batch = ElementBatch {
                path,
                entity: entity_name,
                entry,
                run,
                metadata: sub.metadata.as_ref(),
                parallelism,
            };
            lanes::run_elements(cx, batch, elements, todo, tally, columns).await
        }
        (None, None) => {
            // Elements waiting for a CPU permit are only memory: keep a few per permit.
            let window = if is_sync_task(sub) {
                parallelism.min(4 * cx.options.max_parallel_sync.max(1))
            } else {
                parallelism
            };
            run_each(
                cx, frame, sub, path, env, &elements, len, window, tally, columns,
            )
            .await
        }
    };
    outcome.started += hits;
    if let Some(cache) = cache {
        // Also when the node fails: the elements that succeeded are cached, as they are
        // element by element.
        cache.store(cx, &outcome.outputs).await;
    }
    let Elements {
        outputs,
        started,
        tally,
    } = outcome;

    if let Some((i, error)) = tally.exceeded() {
        let not_run = len - started;
        let unrun = if not_run > 0 {
            format!(" ({not_run} not started)")
        } else {
            String::new()
        };
        return Err(ExecutionError::rule(
            path,
            entity,
            format!(
                "{} of {len} elements failed{unrun} but at least {required} must \
                 succeed; the first failure, element {i}: {error}",
                tally.failures
            ),
        ));
    }
    Ok(outputs.into_outputs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_criteria() {
        let mut array = ArrayNode::default();
        assert_eq!(required_successes(&array, 5), 5);
        array.success_criteria = Some(array_node::SuccessCriteria::MinSuccesses(3));
        assert_eq!(required_successes(&array, 5), 3);
        array.success_criteria = Some(array_node::SuccessCriteria::MinSuccessRatio(0.5));
        assert_eq!(required_successes(&array, 5), 3);
        array.success_criteria = Some(array_node::SuccessCriteria::MinSuccessRatio(0.8));
        assert_eq!(required_successes(&array, 5), 4);
        assert_eq!(required_successes(&array, 0), 0);
        array.success_criteria = Some(array_node::SuccessCriteria::MinSuccessRatio(7.0));
        assert_eq!(required_successes(&array, 5), 5);
    }
}
