//! One attempt of one task: run its code on input literals with a task context current, catch
//! a panic as a user error, and enforce the timeout.
//!
//! Sync tasks run on tokio's blocking pool (they may be CPU-bound); async tasks run as tokio
//! tasks. At the timeout an async task is cancelled; a sync one cannot be (Rust has no way to
//! stop a thread), so its attempt is reported as timed out and its result, if it ever comes, is
//! discarded. Dropping an attempt's future cancels an async task the same way.

use std::any::Any;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use flytekit_core::context::{context_reads, try_current_context, with_context, WithContext};
use flytekit_core::task::{TaskEntry, TaskFn};
use flytekit_core::workflow::CompiledWorkflow;
use flytekit_core::{TaskContext, TaskError};
use flytekit_idl::core::LiteralMap;

/// The message of a panic payload (`panic!("...")` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message.to_string()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "a panic with a non-text payload".to_string()
    }
}

/// Where each running task last panicked, keyed by its context's address: the panic hook runs
/// on the panicking thread, the attempt may be awaited on another.
static PANIC_LOCATIONS: Mutex<Option<HashMap<usize, String>>> = Mutex::new(None);

fn context_key(context: &Arc<TaskContext>) -> usize {
    Arc::as_ptr(context) as usize
}

/// Installs (once) a panic hook that stays quiet for panics inside tasks, which become task
/// errors carrying the panic's location, and leaves every other panic to the previous hook.
pub fn install_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| match try_current_context() {
            Some(context) => {
                let location = info
                    .location()
                    .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                    .unwrap_or_default();
                let mut locations = PANIC_LOCATIONS.lock().unwrap_or_else(|e| e.into_inner());
                locations
                    .get_or_insert_with(HashMap::new)
                    .insert(context_key(&context), location);
            }
            None => previous(info),
        }));
    });
}

/// The task error of a panic caught in a task running with `context`, with the panic's
/// location when the hook recorded it.
pub(crate) fn panicked(context: &Arc<TaskContext>, payload: &(dyn Any + Send)) -> TaskError {
    let location = PANIC_LOCATIONS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_mut()
        .and_then(|locations| locations.remove(&context_key(context)));
    let message = match location {
        Some(location) if !location.is_empty() => {
            format!("task panicked at {location}: {}", panic_message(payload))
        }
        _ => format!("task panicked: {}", panic_message(payload)),
    };
    TaskError::user(message).with_code("USER:Panic")
}

pub(crate) fn timed_out(timeout: Duration) -> TaskError {
    TaskError::recoverable(format!("task timed out after {}", humanize(timeout)))
        .with_code("USER:Timeout")
}

/// A short human form of a duration (`1.5s`, `2m`).
pub fn humanize(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs < 60.0 {
        format!("{}s", (secs * 1000.0).round() / 1000.0)
    } else {
        format!("{}m", (secs / 60.0 * 100.0).round() / 100.0)
    }
}

/// Runs one attempt of `entry` on `inputs`.
pub async fn run_attempt(
    entry: &'static TaskEntry,
    inputs: LiteralMap,
    context: Arc<TaskContext>,
    timeout: Option<Duration>,
) -> Result<LiteralMap, TaskError> {
    run_attempt_reporting(entry, Arc::new(inputs), context, timeout)
        .await
        .0
}

/// How the code of an attempt ended, for whoever may reuse its working dir.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttemptEnd {
    /// It returned (or panicked); `read_context` is false only when it surely never read its
    /// task context, so never learned its working dir.
    Finished { read_context: bool },
    /// It may still run (a sync task past its timeout) or was cancelled.
    Abandoned,
}

/// [`run_attempt`], also saying how the task's code ended.
///
/// The inputs are shared, not copied, with the attempts that may follow: a copy of a list of a
/// million literals costs ~200 MB (issue 23).
pub(crate) async fn run_attempt_reporting(
    entry: &'static TaskEntry,
    inputs: Arc<LiteralMap>,
    context: Arc<TaskContext>,
    timeout: Option<Duration>,
) -> (Result<LiteralMap, TaskError>, AttemptEnd) {
    install_panic_hook();
    crate::files::install_blob_store();
    let key = context.clone();
    match entry.run {
        TaskFn::Sync(run) => {
            on_blocking_thread(context, timeout, move || run.run(entry, &inputs)).await
        }
        TaskFn::Dynamic(_) => (
            Err(TaskError::system(format!(
                "`{}` is a dynamic task: its body builds a workflow (`run_dynamic_body`)",
                entry.name()
            ))),
            AttemptEnd::Finished {
                read_context: false,
            },
        ),
        TaskFn::Async(run) => {
            // Aborts the task when this attempt ends early: at the timeout, or when the
            // attempt's future is dropped (the executor cancels running nodes).
            struct AbortOnDrop(tokio::task::JoinHandle<Result<LiteralMap, TaskError>>);
            impl Drop for AbortOnDrop {
                fn drop(&mut self) {
                    self.0.abort();
                }
            }
            // An async task takes its inputs by value: copied only when a later attempt may
            // still need them.
            let inputs = Arc::try_unwrap(inputs).unwrap_or_else(|shared| (*shared).clone());
            let future = tracing::Instrument::instrument(
                WithContext::new(context.clone(), run(inputs)),
                task_span(&context),
            );
            let mut handle = AbortOnDrop(tokio::spawn(future));
            let joined = match timeout {
                Some(limit) => match tokio::time::timeout(limit, &mut handle.0).await {
                    Ok(joined) => joined,
                    Err(_) => return (Err(timed_out(limit)), AttemptEnd::Abandoned),
                },
                None => (&mut handle.0).await,
            };
            // Polled on any worker thread: whether it read its context is not known.
            let finished = AttemptEnd::Finished { read_context: true };
            match joined {
                Ok(result) => (result, finished),
                Err(join_error) if join_error.is_panic() => (
                    Err(panicked(&key, join_error.into_panic().as_ref())),
                    finished,
                ),
                Err(join_error) => (
                    Err(TaskError::system(format!(
                        "task was cancelled: {join_error}"
                    ))),
                    AttemptEnd::Abandoned,
                ),
            }
        }
    }
}

/// Runs `code` on tokio's blocking pool with `context` current, a panic caught as a user error,
/// limited by `timeout`.
/// The span an attempt runs in: what a task logs with `tracing` carries its task, node and
/// attempt.
pub(crate) fn task_span(context: &TaskContext) -> tracing::Span {
    tracing::info_span!(
        "task",
        name = %context.task_id.name,
        node = %context.node_id,
        attempt = context.attempt
    )
}

async fn on_blocking_thread<T: Send + 'static>(
    context: Arc<TaskContext>,
    timeout: Option<Duration>,
    code: impl FnOnce() -> Result<T, TaskError> + Send + 'static,
) -> (Result<T, TaskError>, AttemptEnd) {
    let key = context.clone();
    let span = task_span(&context);
    let handle = tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        // The task runs on this thread only: the thread's count of context reads says
        // whether it read its context.
        let reads = context_reads();
        let result = with_context(context, || catch_unwind(AssertUnwindSafe(code)));
        (result, context_reads() != reads)
    });
    let joined = match timeout {
        Some(limit) => match tokio::time::timeout(limit, handle).await {
            Ok(joined) => joined,
            Err(_) => return (Err(timed_out(limit)), AttemptEnd::Abandoned),
        },
        None => handle.await,
    };
    match joined {
        Ok((Ok(result), read_context)) => (result, AttemptEnd::Finished { read_context }),
        Ok((Err(payload), _)) => (
            Err(panicked(&key, payload.as_ref())),
            AttemptEnd::Finished { read_context: true },
        ),
        Err(join_error) => (
            Err(TaskError::system(format!(
                "task thread failed: {join_error}"
            ))),
            AttemptEnd::Abandoned,
        ),
    }
}

/// Runs the body of dynamic task `entry` on `inputs` (on a blocking thread, like a sync task):
/// the sub-workflow its calls build, checked. A panic is a user error, as in any task.
pub async fn run_dynamic_body(
    entry: &'static TaskEntry,
    inputs: LiteralMap,
    context: Arc<TaskContext>,
    timeout: Option<Duration>,
) -> Result<CompiledWorkflow, TaskError> {
    run_dynamic_body_reporting(entry, inputs, context, timeout)
        .await
        .0
}

/// [`run_dynamic_body`], also saying how the body ended.
pub(crate) async fn run_dynamic_body_reporting(
    entry: &'static TaskEntry,
    inputs: LiteralMap,
    context: Arc<TaskContext>,
    timeout: Option<Duration>,
) -> (Result<CompiledWorkflow, TaskError>, AttemptEnd) {
    install_panic_hook();
    let TaskFn::Dynamic(build) = entry.run else {
        return (
            Err(TaskError::system(format!(
                "`{}` is not a dynamic task",
                entry.name()
            ))),
            AttemptEnd::Finished {
                read_context: false,
            },
        );
    };
    on_blocking_thread(context, timeout, move || build(&inputs)).await
}
