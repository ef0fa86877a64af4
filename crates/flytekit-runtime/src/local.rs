//! Running entities locally with cluster semantics: a task is retried on recoverable errors up
//! to its `retries`, each attempt limited by its `timeout`, with the attempt number in its
//! context, exactly as Flyte would. The work is done by the [executor](crate::executor); this
//! module keeps the task context of local attempts and a shorthand to run one task.
//!
//! Every attempt gets a working dir of its own, made fresh and private (mode 0700) by
//! `tempfile`: on a cluster each attempt runs in its own pod, so a task may write `out.txt` in
//! its working dir and return it, and two attempts that shared a dir would return each other's
//! bytes. The dir outlives the attempt when the task left files in it (an output may point at
//! them) and is removed when it is empty.

use std::path::{Path, PathBuf};

use flytekit_core::task::TaskEntry;
use flytekit_core::{TaskContext, TaskError};
use flytekit_idl::core::LiteralMap;

use crate::executor::{ExecutionError, Executor, ExecutorOptions};

/// A fresh, private (0700) directory in the system temp dir, named
/// `flytekit-<label>-<random>`, that stays when the returned path is dropped.
///
/// Random names and `O_EXCL` creation (what `tempfile` does) mean another user cannot predict
/// it, create it first or plant a symlink there.
pub fn private_dir(label: &str) -> std::io::Result<PathBuf> {
    let label: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    let prefix = format!("flytekit-{label}-");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    Ok(builder.tempdir()?.keep())
}

/// Removes `dir` if it is empty: a working dir the task wrote nothing into.
pub(crate) fn remove_if_empty(dir: &Path) {
    // `remove_dir` fails on a dir with files in it, which is what keeps those.
    let _ = std::fs::remove_dir(dir);
}

/// The task context of attempt `attempt` of a local run of `entry`, in a fresh private working
/// dir (see [`private_dir`]); its raw output prefix is `raw` inside that dir.
pub fn local_context(entry: &TaskEntry, attempt: u32) -> Result<TaskContext, TaskError> {
    let working_dir = private_dir(&entry.name()).map_err(|err| {
        TaskError::system(format!(
            "cannot create a working dir for `{}` in the temp dir: {err}",
            entry.name()
        ))
    })?;
    Ok(context_in(entry, attempt, working_dir))
}

/// The task context of attempt `attempt` of a local run of `entry` in `working_dir`, which the
/// caller created.
pub(crate) fn context_in(entry: &TaskEntry, attempt: u32, working_dir: PathBuf) -> TaskContext {
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
