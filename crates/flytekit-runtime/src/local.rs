//! Running entities locally with cluster semantics: a task is retried on recoverable errors up
//! to its `retries`, each attempt limited by its `timeout`, with the attempt number in its
//! context, exactly as Flyte would. The work is done by the [executor](crate::executor); this
//! module keeps the task context of local attempts and a shorthand to run one task.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use flytekit_core::task::TaskEntry;
use flytekit_core::{TaskContext, TaskError};
use flytekit_idl::core::LiteralMap;

use crate::executor::{ExecutionError, Executor, ExecutorOptions};

/// The directories [`local_context`] has created: a map task asks for the same one for each of
/// its elements, and a `mkdir` per element is a good part of a small element's cost.
static CREATED_DIRS: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

fn ensure_dir(dir: &Path) {
    let mut created = CREATED_DIRS.lock().unwrap_or_else(|e| e.into_inner());
    if !created.contains(dir) && std::fs::create_dir_all(dir).is_ok() {
        created.insert(dir.to_path_buf());
    }
}

/// The task context of attempt `attempt` of a local run of `entry`, whose scratch data goes to
/// `flytekit-local/<task name>` in the system temp dir (created if missing).
pub fn local_context(entry: &TaskEntry, attempt: u32) -> TaskContext {
    let working_dir = std::env::temp_dir()
        .join("flytekit-local")
        .join(entry.name());
    ensure_dir(&working_dir);
    TaskContext {
        task_id: flytekit_core::context::TaskId {
            name: entry.name(),
            ..Default::default()
        },
        execution_id: flytekit_core::context::ExecutionId {
            name: "local".into(),
            ..Default::default()
        },
        attempt,
        raw_output_prefix: working_dir.join("raw").display().to_string(),
        working_dir,
        ..Default::default()
    }
}

/// Runs a task with its retries, timeout and the local cache (default [`ExecutorOptions`]);
/// returns the outputs of the first successful attempt, or the error of the last one.
///
/// A shorthand for [`Executor::run_task`], which also reports progress and says which node
/// failed.
pub async fn run_task(
    entry: &'static TaskEntry,
    inputs: LiteralMap,
) -> Result<LiteralMap, TaskError> {
    Executor::new(ExecutorOptions::default())
        .run_task(entry, inputs)
        .await
        .map_err(ExecutionError::into_task_error)
}
