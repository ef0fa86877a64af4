//! The elements of a map task over an async task, polled in a few lanes: the fast path of
//! `array` for async tasks.
//!
//! Run as a node each, an async element costs ~50k instructions of bookkeeping (a node future,
//! its attempts, a spawned task, events) and ~7 KiB while it waits, and 100,000 elements all
//! start at once when the map has no concurrency limit. Here one lane per worker thread of the
//! runtime (at most the map's parallelism) keeps its share of the elements in flight and polls
//! them in place: an element is its task's future with its own context, nothing more. Its
//! working dir is made only if it reads its context (`local_context_on_first_read`).
//!
//! As on the per-element path: each element runs with its index, node path and timeout; a
//! panic is a `USER:Panic` failure of the element; `Started`, then `Succeeded` / `Failed` per
//! element. Only first attempts run in the lanes: an element whose error is retried goes on,
//! once the lanes are done, through the task node's usual attempts (`task::retry_after`), which
//! report its `Retrying` and what follows.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use flytekit_core::context::WithContext;
use flytekit_core::task::{TaskEntry, TaskFuture};
use flytekit_core::{TaskContext, TaskError};
use flytekit_idl::core::LiteralMap;
use futures::stream::{FuturesUnordered, StreamExt};
use futures::FutureExt;

use super::array::ElementBatch;
use super::array::{Claims, Columns, ElementEvents, ElementInputs, Elements, Tally, Todo};
use super::checkpoints::NodeCheckpoints;
use super::error::ExecutionError;
use super::events::NodePhase;
use super::task::{retries, retry_after, timeout};
use super::Inner;
use crate::attempt::{install_panic_hook, panicked, task_span, timed_out, AttemptEnd};
use crate::local::{local_context_on_first_read, release_attempt_dir, take_dir_on_first_read};

/// An async task's function.
pub(crate) type AsyncTaskFn = fn(LiteralMap) -> TaskFuture;

/// The array node and its async sub-task, as the lanes see them.
pub(crate) type AsyncBatch<'a> = ElementBatch<'a, AsyncTaskFn>;

/// What the lanes share with each other and with the array node.
struct Shared {
    entry: &'static TaskEntry,
    run: AsyncTaskFn,
    elements: ElementInputs,
    /// The task context every element starts from.
    context: TaskContext,
    claims: Claims,
    timeout: Option<Duration>,
    has_retries: bool,
    events: ElementEvents,
    results: Mutex<Results>,
    /// The map node's checkpoint folders: element `i` keeps its own under them.
    checkpoints: NodeCheckpoints,
}

/// What the elements gave so far.
struct Results {
    outputs: Columns,
    tally: Tally,
    /// Elements whose first attempt failed with an error that is retried.
    to_retry: Vec<(usize, TaskError)>,
}

impl Shared {
    fn results(&self) -> MutexGuard<'_, Results> {
        // Only plain updates happen under the lock: a panic there leaves them consistent.
        self.results.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The first attempt of element `i`.
    async fn run_element(&self, i: usize) -> Result<LiteralMap, TaskError> {
        let mut context = self.context.clone();
        let (dir, make) = take_dir_on_first_read(&self.events.entity).map_err(|err| {
            TaskError::system(format!(
                "cannot create a working dir for `{}` in the temp dir: {err}",
                self.events.entity
            ))
        })?;
        context.array_index = Some(i);
        context.node_id = self.events.node_path(i);
        context.execution_date = chrono::Utc::now();
        context.raw_output_prefix = dir.join("raw").display().to_string();
        context.working_dir = dir;
        context.make_working_dir = make;
        context.checkpoint_path = self.checkpoints.first_attempt_of_element(i);
        let context = Arc::new(context);
        let future = tracing::Instrument::instrument(
            WithContext::new(context.clone(), (self.run)(self.elements.get(i))),
            task_span(&context),
        );
        let caught = AssertUnwindSafe(future).catch_unwind();
        let (result, end) = match self.timeout {
            Some(limit) => match tokio::time::timeout(limit, caught).await {
                Ok(caught) => (caught, AttemptEnd::Finished { read_context: true }),
                // Dropped, so cancelled, as on the per-element path.
                Err(_) => (Ok(Err(timed_out(limit))), AttemptEnd::Abandoned),
            },
            None => (caught.await, AttemptEnd::Finished { read_context: true }),
        };
        let result = match result {
            Ok(Err(error)) if error.is_ignore_outputs() => Ok(LiteralMap::default()),
            Ok(result) => result,
            Err(payload) => Err(panicked(&context, payload.as_ref())),
        };
        release_attempt_dir(self.entry, &context, &result, end);
        result
    }

    /// Element `i`, started at `started`, ended with `result`.
    fn finish(&self, i: usize, started: Instant, result: Result<LiteralMap, TaskError>) {
        match result {
            Ok(outputs) => {
                self.events.emit(i, || NodePhase::Succeeded {
                    cached: false,
                    elapsed: started.elapsed(),
                });
                self.results().outputs.record(i, outputs);
            }
            Err(error) if self.has_retries && error.is_recoverable() => {
                self.results().to_retry.push((i, error));
            }
            Err(error) => {
                let error = ExecutionError::task(
                    &self.events.node_path(i),
                    self.events.entity.clone(),
                    error,
                );
                self.events.emit(i, || NodePhase::Failed {
                    error: error.clone(),
                    elapsed: started.elapsed(),
                });
                let mut results = self.results();
                results.tally.fail(i, &error);
                if results.tally.is_exceeded() {
                    self.claims.stop();
                }
            }
        }
    }
}

/// One lane: keeps up to `window` claimed elements in flight until none are left.
async fn lane(shared: Arc<Shared>, window: usize) {
    let mut running = FuturesUnordered::new();
    loop {
        while running.len() < window {
            let Some(i) = shared.claims.claim() else {
                break;
            };
            let shared = &shared;
            running.push(async move {
                shared.events.emit(i, || NodePhase::Started);
                let started = Instant::now();
                (i, started, shared.run_element(i).await)
            });
        }
        let Some((i, started, result)) = running.next().await else {
            break;
        };
        shared.finish(i, started, result);
    }
}

/// Aborts a lane when the array node's future is dropped (the executor cancels it).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs the elements `todo` of `batch`; stops starting new ones once `tally` is exceeded.
pub(crate) async fn run_elements(
    cx: &Inner,
    batch: AsyncBatch<'_>,
    elements: ElementInputs,
    todo: Todo,
    mut tally: Tally,
    outputs: Columns,
) -> Elements {
    install_panic_hook();
    crate::files::install_blob_store();
    let context = match local_context_on_first_read(batch.entry, 0) {
        Ok(context) => context,
        Err(error) => {
            let path = format!("{}-0", batch.path);
            tally.fail_all(0, &ExecutionError::task(&path, batch.entity, error));
            return Elements {
                outputs,
                started: 0,
                tally,
            };
        }
    };
    let window = batch.parallelism.clamp(1, todo.count().max(1));
    let shared = Arc::new(Shared {
        entry: batch.entry,
        run: batch.run,
        elements,
        context,
        claims: Claims::new(todo),
        timeout: timeout(batch.entry, batch.metadata),
        has_retries: retries(batch.entry, batch.metadata) > 0,
        events: ElementEvents::new(cx, batch.path, &batch.entity),
        results: Mutex::new(Results {
            outputs,
            tally,
            to_retry: Vec::new(),
        }),
        checkpoints: cx.checkpoints(batch.path),
    });

    // One lane per worker thread, the window split between them.
    let workers = tokio::runtime::Handle::current()
        .metrics()
        .num_workers()
        .max(1);
    let lanes = workers.min(window);
    let mut handles: Vec<AbortOnDrop> = (0..lanes)
        .map(|j| {
            let share = window / lanes + usize::from(j < window % lanes);
            AbortOnDrop(tokio::spawn(lane(shared.clone(), share)))
        })
        .collect();
    let mut lane_failed = None;
    for handle in &mut handles {
        if let Err(error) = (&mut handle.0).await {
            lane_failed.get_or_insert(error);
        }
    }
    drop(handles);
    let started = shared.claims.started();
    let (mut outputs, mut tally, mut to_retry) = {
        let mut results = shared.results();
        let empty = Results {
            outputs: Columns::new(Some(Vec::new()), 0),
            tally: Tally::new(0),
            to_retry: Vec::new(),
        };
        let Results {
            outputs,
            tally,
            to_retry,
        } = std::mem::replace(&mut *results, empty);
        (outputs, tally, to_retry)
    };
    if let Some(error) = lane_failed {
        // Not an element (those are caught): the lane's claimed elements are lost.
        let i = shared.claims.last_started();
        let error = TaskError::system(format!("a map lane failed: {error}"));
        let path = format!("{}-{i}", batch.path);
        tally.fail_all(i, &ExecutionError::task(&path, batch.entity.clone(), error));
        return Elements {
            outputs,
            started,
            tally,
        };
    }

    // The retries, as many at once as the map allows.
    to_retry.sort_by_key(|(i, _)| *i);
    let mut to_retry = to_retry.into_iter();
    let mut retrying = FuturesUnordered::new();
    loop {
        while retrying.len() < window && !tally.is_exceeded() {
            let Some((i, error)) = to_retry.next() else {
                break;
            };
            let path = format!("{}-{i}", batch.path);
            let inputs = shared.elements.get(i);
            let (entry, metadata, entity) = (batch.entry, batch.metadata, &batch.entity);
            let checkpoints = shared.checkpoints.element(i);
            retrying.push(async move {
                let started = Instant::now();
                let result = retry_after(
                    cx,
                    &path,
                    entity,
                    entry,
                    metadata,
                    inputs,
                    Some(i),
                    error,
                    checkpoints,
                )
                .await;
                let elapsed = started.elapsed();
                let phase = match &result {
                    Ok(_) => NodePhase::Succeeded {
                        cached: false,
                        elapsed,
                    },
                    Err(error) => NodePhase::Failed {
                        error: error.clone(),
                        elapsed,
                    },
                };
                cx.emit(&path, entity, phase);
                (i, result)
            });
        }
        let Some((i, result)) = retrying.next().await else {
            break;
        };
        match result {
            Ok(element) => outputs.record(i, element),
            Err(error) => tally.fail(i, &error),
        }
    }
    Elements {
        outputs,
        started,
        tally,
    }
}
