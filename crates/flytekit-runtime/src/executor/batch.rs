//! The elements of a map task over a sync task, run in time slices: the fast path of `array`.
//!
//! Run one by one, every element costs a blocking-pool job of its own: two thread hand-offs
//! and a wake-up each way, about 15 µs on a 2-core machine, more than a small task's own work.
//! Here a blocking job claims elements one at a time from a shared counter and runs them back
//! to back until its time slice ends, then gives its CPU permit back so that the workflow's
//! other sync tasks keep their turn. At most min(parallelism, CPU permits) slices run at once,
//! so the work is balanced element by element, as before.
//!
//! Only the first attempt of an element runs in a slice; an element whose error is retried goes
//! on through the task node's usual attempts (`task::retry_after`). `array` takes this path
//! only where it behaves as the per-element one does: in process, no cache lookup. Events are
//! the same: `Started`, then `Succeeded` / `Retrying` / `Failed` per element, with the
//! element's node path.
//!
//! A task with a timeout is watched per element: the slice says which element it is on and
//! since when, and a watchdog (one timer per slice, at the current element's deadline) gives up
//! on an element past its timeout as the per-element path does. It reports the element timed
//! out, keeps what the slice finished before it, and releases the slice's CPU permit; the
//! thread is abandoned (a sync task cannot be stopped), runs no further element, and what it
//! returns is dropped.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use flytekit_core::context::{context_reads, with_context};
use flytekit_core::task::TaskEntry;
use flytekit_core::{TaskContext, TaskError};
use flytekit_idl::core::LiteralMap;
use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use futures::FutureExt;

use super::array::ElementBatch;
use super::array::{
    Claims, Columns, ElementEvents, ElementInputs, Elements, SyncTaskFn, Tally, Todo,
};
use super::checkpoints::NodeCheckpoints;
use super::error::ExecutionError;
use super::events::NodePhase;
use super::task::{retries, retry_after, timeout};
use super::Inner;
use crate::attempt::{install_panic_hook, panicked, timed_out, AttemptEnd};
use crate::local::{local_context, refers_to, release_dir, remove_if_empty};

/// How long one blocking job runs elements before it gives its CPU permit back.
const SLICE: Duration = Duration::from_millis(5);

/// The array node and its sync sub-task, as the batch sees them.
pub(crate) type Batch<'a> = ElementBatch<'a, SyncTaskFn>;

/// The first attempt of one element: its index and result.
type FirstAttempt = (usize, Result<LiteralMap, TaskError>);

/// What the slices share with each other and with the array node.
struct Shared {
    entry: &'static TaskEntry,
    run: SyncTaskFn,
    elements: ElementInputs,
    /// The task context every element starts from (its array index and working dir are set
    /// per element).
    context: TaskContext,
    /// A private dir of this batch; the working dirs of the elements are made inside it (a
    /// plain `mkdir` in a dir no one else can enter, cheaper than a fresh random dir).
    dir: PathBuf,
    claims: Claims,
    /// Elements that failed for good in a slice, against how many may fail: a slice stops
    /// claiming as soon as one too many failed, as the per-element path would.
    failures: AtomicUsize,
    allowed_failures: usize,
    /// Whether the task has retries: then a recoverable error is tried again (and the array
    /// node reports what follows).
    has_retries: bool,
    /// How long one attempt of an element may run.
    timeout: Option<Duration>,
    events: ElementEvents,
    /// The map node's checkpoint folders: element `i` keeps its own under them.
    checkpoints: NodeCheckpoints,
}

impl Shared {
    /// Whether a failed first attempt is tried again.
    fn retried(&self, error: &TaskError) -> bool {
        self.has_retries && error.is_recoverable()
    }

    /// Runs the first attempt of element `i` on this (blocking) thread, in `working_dir`.
    fn run_element(&self, i: usize, working_dir: &Path) -> Result<LiteralMap, TaskError> {
        let inputs = self.elements.get(i);
        let mut context = self.context.clone();
        context.array_index = Some(i);
        context.execution_date = chrono::Utc::now();
        context.raw_output_prefix = working_dir.join("raw").display().to_string();
        context.working_dir = working_dir.to_path_buf();
        context.checkpoint_path = self.checkpoints.first_attempt_of_element(i);
        let context = Arc::new(context);
        let (run, entry) = (self.run, self.entry);
        let result = with_context(context.clone(), || {
            catch_unwind(AssertUnwindSafe(|| run.run(entry, &inputs)))
        });
        match result.unwrap_or_else(|payload| Err(panicked(&context, payload.as_ref()))) {
            // flytekit's IgnoreOutputs: a success without outputs.
            Err(error) if error.is_ignore_outputs() => Ok(LiteralMap::default()),
            other => other,
        }
    }

    /// Reports that element `i` failed for good; stops the batch once too many have.
    fn failed(&self, i: usize, error: &TaskError, elapsed: Duration) {
        self.events.emit(i, || NodePhase::Failed {
            error: ExecutionError::task(
                &self.events.node_path(i),
                self.events.entity.clone(),
                error.clone(),
            ),
            elapsed,
        });
        if self.failures.fetch_add(1, Ordering::Relaxed) + 1 > self.allowed_failures {
            self.claims.stop();
        }
    }

    /// One time slice: runs claimed elements until the slice ends, none are left, or the
    /// watchdog gave up on the slice; what finished goes into `progress`.
    fn run_slice(&self, progress: &Mutex<SliceProgress>) {
        let deadline = Instant::now() + SLICE;
        // This slice's working dir: no element running elsewhere uses it, and an element that
        // leaves it empty hands it on to the next element here. An element that never read its
        // context cannot know the dir (a random private path), so it is still empty: that costs
        // nothing, a `read_dir` costs ~10 µs and a `mkdir` + `rmdir` 100 µs or more.
        let mut working_dir: Option<PathBuf> = None;
        loop {
            let (i, started) = {
                let mut progress = lock(progress);
                if progress.abandoned {
                    break;
                }
                let Some(i) = self.claims.claim() else {
                    break;
                };
                let started = Instant::now();
                progress.current = Some((i, started));
                (i, started)
            };
            self.events.emit(i, || NodePhase::Started);
            let result = match &working_dir {
                Some(dir) => Ok(dir.clone()),
                None => {
                    let dir = self.dir.join(i.to_string());
                    std::fs::create_dir(&dir).map(|()| dir).map_err(|err| {
                        TaskError::system(format!("cannot create a working dir: {err}"))
                    })
                }
            }
            .and_then(|dir| {
                let reads = context_reads();
                let result = self.run_element(i, &dir);
                let empty = context_reads() == reads
                    || (std::fs::read_dir(&dir).is_ok_and(|mut items| items.next().is_none())
                        && !result
                            .as_ref()
                            .is_ok_and(|outputs| refers_to(outputs, &dir)));
                // A dir with files in it stays: an output may point into it.
                working_dir = empty.then_some(dir);
                result
            });
            let mut progress = lock(progress);
            if progress.abandoned {
                // The watchdog reported this element timed out: what it returned is too late.
                break;
            }
            progress.current = None;
            match &result {
                Ok(_) => self.events.emit(i, || NodePhase::Succeeded {
                    cached: false,
                    elapsed: started.elapsed(),
                }),
                // The array node reports the retry and what follows.
                Err(error) if self.retried(error) => {}
                Err(error) => self.failed(i, error, started.elapsed()),
            }
            progress.finished.push((i, result));
            drop(progress);
            if Instant::now() >= deadline {
                break;
            }
        }
        if let Some(dir) = working_dir {
            remove_if_empty(&dir);
        }
    }
}

/// What a slice did so far, shared between its thread and its watchdog.
#[derive(Default)]
struct SliceProgress {
    /// The element the thread runs now, and since when.
    current: Option<(usize, Instant)>,
    /// The first attempts that finished in this slice.
    finished: Vec<FirstAttempt>,
    /// The watchdog gave up on `current`: the thread runs no further element.
    abandoned: bool,
}

fn lock(progress: &Mutex<SliceProgress>) -> MutexGuard<'_, SliceProgress> {
    // Only plain field updates happen under the lock: a panic there leaves them consistent.
    progress.lock().unwrap_or_else(|e| e.into_inner())
}

/// Stops the slices when the array node's future is dropped.
struct StopOnDrop(Arc<Shared>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.claims.stop();
    }
}

/// What finished: a slice, or an element's retries.
enum Done {
    Slice(Result<SliceEnd, TaskError>),
    Retried(usize, Result<LiteralMap, ExecutionError>),
}

/// Runs the elements `todo` of `batch`; stops starting new ones once `tally` is exceeded.
pub(crate) async fn run_elements(
    cx: &Inner,
    batch: Batch<'_>,
    elements: ElementInputs,
    todo: Todo,
    mut tally: Tally,
    mut outputs: Columns,
) -> Elements {
    install_panic_hook();
    crate::files::install_blob_store();
    let context = match local_context(batch.entry, 0) {
        Ok(context) => context,
        Err(error) => {
            let path = format!("{}-0", batch.path);
            let error = ExecutionError::task(&path, batch.entity.clone(), error);
            tally.fail_all(0, &error);
            return Elements {
                outputs,
                started: 0,
                tally,
            };
        }
    };
    let shared = Arc::new(Shared {
        entry: batch.entry,
        run: batch.run,
        elements,
        dir: context.working_dir.clone(),
        context,
        claims: Claims::new(todo),
        failures: AtomicUsize::new(0),
        allowed_failures: tally.allowed_failures(),
        has_retries: retries(batch.entry, batch.metadata) > 0,
        timeout: timeout(batch.entry, batch.metadata),
        events: ElementEvents::new(cx, batch.path, &batch.entity),
        checkpoints: cx.checkpoints(batch.path),
    });
    let _stop = StopOnDrop(shared.clone());
    let width = batch
        .parallelism
        .min(cx.options.max_parallel_sync.max(1))
        .clamp(1, shared.claims.count().max(1));

    let mut running: FuturesUnordered<BoxFuture<'_, Done>> = FuturesUnordered::new();
    // Elements waiting for their retries: they count against the width like slices do, so
    // `parallelism` holds for them too.
    let mut to_retry: VecDeque<(usize, TaskError)> = VecDeque::new();
    // Slices still running. Once too many elements failed, the slices in flight are still
    // waited for (each only finishes the element it is on, which cannot be stopped anyway), so
    // the node reports the failure of the lowest index, not whichever thread was fastest.
    let mut slices = 0_usize;
    // A thread given up on at a timeout may still make an element's dir in the batch's dir.
    let mut any_abandoned = false;
    loop {
        while running.len() < width && !tally.is_exceeded() {
            if let Some((i, error)) = to_retry.pop_front() {
                running.push(retry(cx, &batch, &shared, i, error).boxed());
            } else if shared.claims.has_unclaimed() {
                slices += 1;
                running.push(slice(cx, shared.clone()).boxed());
            } else {
                break;
            }
        }
        if tally.is_exceeded() && slices == 0 {
            break;
        }
        let Some(done) = running.next().await else {
            break;
        };
        if matches!(done, Done::Slice(_)) {
            slices -= 1;
        }
        match done {
            Done::Slice(Ok(SliceEnd {
                finished,
                abandoned,
            })) => {
                any_abandoned |= abandoned;
                for (i, result) in finished {
                    match result {
                        Ok(element) => outputs.record(i, element),
                        Err(error) if shared.retried(&error) => to_retry.push_back((i, error)),
                        Err(error) => {
                            let path = format!("{}-{i}", batch.path);
                            let error = ExecutionError::task(&path, batch.entity.clone(), error);
                            tally.fail(i, &error);
                        }
                    }
                }
            }
            Done::Slice(Err(error)) => {
                // The blocking job itself failed (not an element: those are caught); its
                // claimed elements are lost, so the node fails as a whole.
                let i = shared.claims.last_started();
                let path = format!("{}-{i}", batch.path);
                let error = ExecutionError::task(&path, batch.entity.clone(), error);
                tally.fail_all(i, &error);
                shared.claims.stop();
                break;
            }
            Done::Retried(i, result) => match result {
                Ok(element) => outputs.record(i, element),
                Err(error) => tally.fail(i, &error),
            },
        }
        if tally.is_exceeded() {
            shared.claims.stop();
        }
    }
    // Handed on (when empty) only once no slice runs: a running one may still make an
    // element's dir in it.
    let end = if slices == 0 && !any_abandoned {
        AttemptEnd::Finished { read_context: true }
    } else {
        AttemptEnd::Abandoned
    };
    release_dir(&batch.entry.name(), shared.dir.clone(), end);
    Elements {
        outputs,
        started: shared.claims.started(),
        tally,
    }
}

/// How a slice ended: its finished first attempts, and whether its thread was abandoned.
struct SliceEnd {
    finished: Vec<FirstAttempt>,
    abandoned: bool,
}

/// One slice on the blocking pool, holding one CPU permit, watched when the task has a
/// timeout.
async fn slice(cx: &Inner, shared: Arc<Shared>) -> Done {
    // Held here, not on the thread: a thread given up on no longer counts against the CPUs,
    // as an attempt past its timeout does not on the per-element path.
    let Ok(_permit) = cx.sync_slots.clone().acquire_owned().await else {
        return Done::Slice(Err(TaskError::system("the executor is shutting down")));
    };
    let progress = Arc::new(Mutex::new(SliceProgress::default()));
    let mut thread = tokio::task::spawn_blocking({
        let (shared, progress) = (shared.clone(), progress.clone());
        move || shared.run_slice(&progress)
    });
    let finished = |progress: &Mutex<SliceProgress>| std::mem::take(&mut lock(progress).finished);
    let Some(limit) = shared.timeout else {
        return Done::Slice(
            thread
                .await
                .map(|()| SliceEnd {
                    finished: finished(&progress),
                    abandoned: false,
                })
                .map_err(|e| TaskError::system(format!("task thread failed: {e}"))),
        );
    };
    loop {
        // The current element's deadline; between elements, a limit from now is early enough
        // (an element that starts later has a later deadline).
        let wake = lock(&progress)
            .current
            .map_or_else(|| Instant::now() + limit, |(_, started)| started + limit);
        tokio::select! {
            joined = &mut thread => {
                return Done::Slice(
                    joined
                        .map(|()| SliceEnd { finished: finished(&progress), abandoned: false })
                        .map_err(|e| TaskError::system(format!("task thread failed: {e}"))),
                );
            }
            () = tokio::time::sleep_until(wake.into()) => {
                let mut state = lock(&progress);
                let Some((i, started)) = state.current else {
                    continue;
                };
                if started.elapsed() < limit {
                    continue;
                }
                state.abandoned = true;
                let mut finished = std::mem::take(&mut state.finished);
                drop(state);
                let error = timed_out(limit);
                if !shared.retried(&error) {
                    shared.failed(i, &error, started.elapsed());
                }
                finished.push((i, Err(error)));
                return Done::Slice(Ok(SliceEnd { finished, abandoned: true }));
            }
        }
    }
}

/// The retries of element `i` after its first attempt failed with `error`.
async fn retry(cx: &Inner, batch: &Batch<'_>, shared: &Shared, i: usize, error: TaskError) -> Done {
    let path = format!("{}-{i}", batch.path);
    let started = Instant::now();
    let inputs = shared.elements.get(i);
    let (entry, metadata) = (batch.entry, batch.metadata);
    let result = retry_after(
        cx,
        &path,
        &batch.entity,
        entry,
        metadata,
        inputs,
        Some(i),
        error,
        shared.checkpoints.element(i),
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
    cx.emit(&path, &batch.entity, phase);
    Done::Retried(i, result)
}
