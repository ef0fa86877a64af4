//! A task node: the attempts of one task with cluster semantics.
//!
//! Consumes a registered task, the node's metadata (retries and timeout overrides) and the
//! input literals; produces the outputs and whether they came from the cache. Recoverable
//! errors are retried while the retry budget lasts (`NodeMetadata.retries` when set and
//! non-zero, else the task's `retries`); non-recoverable ones fail at once. Each attempt is
//! limited by the node's timeout (else the task's). Cached tasks look up and store the local
//! cache; with `serialize`, identical concurrent runs wait for the first. Sync tasks hold one of
//! the executor's CPU permits while they run.

use std::sync::Arc;
use std::time::Duration;

use flytekit_core::task::{TaskEntry, TaskFn};
use flytekit_core::TaskError;
use flytekit_idl::core::{LiteralMap, NodeMetadata};

use super::cache::{self, CacheEntry};
use super::checkpoints::NodeCheckpoints;
use super::error::ExecutionError;
use super::events::NodePhase;
use super::{isolated, CacheMode, Inner};
use crate::attempt::run_attempt_reporting;
use crate::local::{local_context_on_first_read, release_attempt_dir};

/// The retry budget: the node's when set and non-zero, else the task's.
pub(crate) fn retries(entry: &TaskEntry, metadata: Option<&NodeMetadata>) -> u32 {
    metadata
        .and_then(|m| m.retries.as_ref())
        .map(|r| r.retries)
        .filter(|r| *r > 0)
        .unwrap_or(entry.config.retries)
}

/// The node's own timeout, when set and positive.
pub(crate) fn node_timeout(metadata: Option<&NodeMetadata>) -> Option<Duration> {
    metadata
        .and_then(|m| m.timeout.as_ref())
        .and_then(|d| {
            let secs = u64::try_from(d.seconds).ok()?;
            let nanos = u32::try_from(d.nanos).ok().filter(|n| *n < 1_000_000_000)?;
            Some(Duration::new(secs, nanos))
        })
        .filter(|d| !d.is_zero())
}

/// The timeout of one attempt: the node's when set and positive, else the task's.
pub(crate) fn timeout(entry: &TaskEntry, metadata: Option<&NodeMetadata>) -> Option<Duration> {
    node_timeout(metadata).or(entry.config.timeout)
}

/// Runs `attempt(0)`, `attempt(1)`, ... while an attempt fails with a recoverable error and the
/// budget of `retries` lasts, reporting each retry; the first success, or the last failure as
/// the node's. The one retry rule of task nodes and of dynamic task bodies.
pub(crate) async fn with_retries<T, F, Fut>(
    cx: &Inner,
    path: &str,
    entity: &str,
    retries: u32,
    mut attempt: F,
) -> Result<T, ExecutionError>
where
    F: FnMut(u32) -> Fut,
    Fut: std::future::Future<Output = Result<T, TaskError>>,
{
    let mut number = 0;
    loop {
        match attempt(number).await {
            Ok(value) => return Ok(value),
            Err(error) if error.is_recoverable() && number < retries => {
                tracing::info!(
                    node = path,
                    task = entity,
                    attempt = number,
                    "retrying: {error}"
                );
                number += 1;
                cx.emit(
                    path,
                    entity,
                    NodePhase::Retrying {
                        attempt: number,
                        error,
                    },
                );
            }
            Err(error) => return Err(ExecutionError::task(path, entity, error)),
        }
    }
}

/// Runs the task node at `path`; `array_index` is set for elements of array nodes.
pub(crate) async fn run_task_node(
    cx: &Inner,
    path: &str,
    entity: &str,
    entry: &'static TaskEntry,
    metadata: Option<&NodeMetadata>,
    inputs: LiteralMap,
    array_index: Option<usize>,
) -> Result<(LiteralMap, bool), ExecutionError> {
    let cache_config = entry
        .config
        .cache
        .filter(|_| cx.options.cache != CacheMode::Bypass);
    let Some(config) = cache_config else {
        let outputs = attempts(cx, path, entity, entry, metadata, inputs, array_index).await?;
        return Ok((outputs, false));
    };
    let interface = entry.interface();
    let entry_key = cache::cache_entry(
        &cx.options.cache_dir,
        &entry.name(),
        &config,
        &interface,
        &inputs,
    );
    let lock = config.serialize.then(|| cx.cache_lock(&entry_key.key));
    let _guard = match &lock {
        Some(lock) => Some(lock.lock().await),
        None => None,
    };
    if cx.options.cache == CacheMode::Use {
        if let Some(outputs) = cx.cache.load(&entry_key, &interface).await {
            tracing::debug!(node = path, task = entity, "cache hit");
            return Ok((outputs, true));
        }
    }
    let outputs = attempts(cx, path, entity, entry, metadata, inputs, array_index).await?;
    store(&entry_key, &outputs).await;
    Ok((outputs, false))
}

async fn store(entry: &CacheEntry, outputs: &LiteralMap) {
    if let Err(err) = cache::store(entry, outputs).await {
        tracing::warn!(path = %entry.path.display(), "cannot write the local cache: {err}");
    }
}

async fn attempts(
    cx: &Inner,
    path: &str,
    entity: &str,
    entry: &'static TaskEntry,
    metadata: Option<&NodeMetadata>,
    inputs: LiteralMap,
    array_index: Option<usize>,
) -> Result<LiteralMap, ExecutionError> {
    attempts_after(
        cx,
        path,
        entity,
        entry,
        metadata,
        inputs,
        array_index,
        None,
        None,
    )
    .await
}

/// After a first attempt that ran elsewhere (a batch or a lane of map elements) failed with
/// `error`: the attempts that follow, by the same rules as [`attempts`], with the element's
/// `checkpoints` (the first attempt's among them).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn retry_after(
    cx: &Inner,
    path: &str,
    entity: &str,
    entry: &'static TaskEntry,
    metadata: Option<&NodeMetadata>,
    inputs: LiteralMap,
    array_index: Option<usize>,
    error: TaskError,
    checkpoints: NodeCheckpoints,
) -> Result<LiteralMap, ExecutionError> {
    let first = Some(error);
    attempts_after(
        cx,
        path,
        entity,
        entry,
        metadata,
        inputs,
        array_index,
        first,
        Some(checkpoints),
    )
    .await
}

/// The attempts of a task node; `first`, when given, is the failure of attempt 0, which ran
/// elsewhere.
#[allow(clippy::too_many_arguments)]
async fn attempts_after(
    cx: &Inner,
    path: &str,
    entity: &str,
    entry: &'static TaskEntry,
    metadata: Option<&NodeMetadata>,
    inputs: LiteralMap,
    array_index: Option<usize>,
    mut first: Option<TaskError>,
    checkpoints: Option<NodeCheckpoints>,
) -> Result<LiteralMap, ExecutionError> {
    if entry.is_dynamic() {
        return super::dynamic::run_dynamic(cx, path, entity, entry, metadata, inputs).await;
    }
    let retries = retries(entry, metadata);
    let timeout = timeout(entry, metadata);
    let checkpoints = checkpoints.unwrap_or_else(|| cx.checkpoints(path));
    let inputs = Arc::new(inputs);
    let inputs = &inputs;
    with_retries(cx, path, entity, retries, |attempt| {
        let first = first.take();
        let run = AttemptRun {
            attempt,
            timeout,
            array_index,
            checkpoints: checkpoints.of_attempt(attempt),
        };
        async move {
            let result = match first {
                Some(error) => Err(error),
                None => one_attempt(cx, path, entry, inputs, run).await,
            };
            match result {
                // flytekit's IgnoreOutputs: a success without outputs.
                Err(error) if error.is_ignore_outputs() => Ok(LiteralMap::default()),
                other => other,
            }
        }
    })
    .await
}

/// What differs between the attempts of one task node.
struct AttemptRun {
    attempt: u32,
    timeout: Option<Duration>,
    array_index: Option<usize>,
    /// `(checkpoint path, previous checkpoint)`.
    checkpoints: (Option<String>, Option<String>),
}

async fn one_attempt(
    cx: &Inner,
    path: &str,
    entry: &'static TaskEntry,
    inputs: &Arc<LiteralMap>,
    run: AttemptRun,
) -> Result<LiteralMap, TaskError> {
    let AttemptRun {
        attempt,
        timeout,
        array_index,
        checkpoints: (checkpoint_path, prev_checkpoint),
    } = run;
    let _permit = match entry.run {
        TaskFn::Sync(_) => Some(
            cx.sync_slots
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| TaskError::system("the executor is shutting down"))?,
        ),
        TaskFn::Async(_) | TaskFn::Dynamic(_) => None,
    };
    if cx.options.isolated {
        let attempt = isolated::Attempt {
            task: entry.name(),
            node_path: path,
            attempt,
            timeout,
            array_index,
            checkpoint_path,
            prev_checkpoint,
        };
        return isolated::run(cx, attempt, inputs).await;
    }
    let mut context = local_context_on_first_read(entry, attempt)?;
    context.array_index = array_index;
    context.checkpoint_path = checkpoint_path;
    context.prev_checkpoint = prev_checkpoint;
    context.node_id = path.to_string();
    let context = Arc::new(context);
    let (result, end) =
        run_attempt_reporting(entry, Arc::clone(inputs), context.clone(), timeout).await;
    if entry.config.enable_deck {
        // flytekit writes a local run's deck to a local folder and says where: here the
        // attempt's working dir, which the file then keeps.
        let deck = context
            .working_dir
            .join(flytekit_core::deck::DECK_FILE_NAME);
        let made = match &context.make_working_dir {
            Some(make) => make.try_make(&context.working_dir),
            None => Ok(()),
        };
        context.decks.add_values_decks(inputs, result.as_ref().ok());
        match made.and_then(|()| std::fs::write(&deck, context.decks.render())) {
            Ok(()) => cx.emit(path, &entry.name(), NodePhase::DeckWritten { path: deck }),
            Err(err) => tracing::error!("cannot write the deck to {}: {err}", deck.display()),
        }
    }
    release_attempt_dir(entry, &context, &result, end);
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use flytekit_core::TaskConfig;
    use flytekit_idl::core::RetryStrategy;

    fn nothing(_: &LiteralMap) -> Result<LiteralMap, TaskError> {
        Ok(LiteralMap::default())
    }

    fn entry(config: TaskConfig) -> TaskEntry {
        TaskEntry {
            module_path: "m",
            fn_name: "t",
            file: "f.rs",
            line: 1,
            config,
            short_description: "",
            long_description: "",
            inputs: &[],
            outputs: &[],
            defaults: None,
            run: TaskFn::Sync(&(nothing as flytekit_core::task::LiteralFn)),
        }
    }

    #[test]
    fn node_metadata_overrides_the_task() {
        let task = entry(TaskConfig {
            retries: 2,
            timeout: Some(Duration::from_secs(5)),
            ..TaskConfig::DEFAULT
        });
        assert_eq!(retries(&task, None), 2);
        assert_eq!(timeout(&task, None), Some(Duration::from_secs(5)));
        let unset = NodeMetadata {
            retries: Some(RetryStrategy { retries: 0 }),
            timeout: Some(prost_types::Duration::default()),
            ..Default::default()
        };
        assert_eq!(retries(&task, Some(&unset)), 2);
        assert_eq!(timeout(&task, Some(&unset)), Some(Duration::from_secs(5)));
        let set = NodeMetadata {
            retries: Some(RetryStrategy { retries: 4 }),
            timeout: Some(prost_types::Duration {
                seconds: 1,
                nanos: 500_000_000,
            }),
            ..Default::default()
        };
        assert_eq!(retries(&task, Some(&set)), 4);
        assert_eq!(
            timeout(&task, Some(&set)),
            Some(Duration::from_millis(1500))
        );
    }
}
