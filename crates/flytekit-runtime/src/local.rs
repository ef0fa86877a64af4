//! Running entities locally with cluster semantics: a task is retried on recoverable errors up
//! to its `retries`, each attempt limited by its `timeout`, with the attempt number in its
//! context, exactly as Flyte would. The work is done by the [executor](crate::executor); this
//! module keeps the task context of local attempts and a shorthand to run one task.
//!
//! Every attempt gets a working dir of its own, private (mode 0700) and empty: on a cluster
//! each attempt runs in its own pod, so a task may write `out.txt` in its working dir and
//! return it, and two attempts that shared a dir would return each other's bytes. The dir
//! outlives the attempt when the task left files in it (an output may point at them). An
//! attempt that left it empty hands it on to a later attempt of the same task: making and
//! removing a dir costs 0.1 to 2 ms on a busy disk, more than many tasks take.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::attempt::AttemptEnd;

use flytekit_core::context::DirOnFirstRead;
use flytekit_core::task::TaskEntry;
use flytekit_core::{TaskContext, TaskError};
use flytekit_idl::core::LiteralMap;

use crate::executor::{ExecutionError, Executor, ExecutorOptions};

/// `label` as a file name part: ASCII letters, digits, `-` and `.`, at most 64 characters.
fn file_label(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect()
}

/// A fresh, private (0700) directory in the system temp dir, named
/// `flytekit-<label>-<random>`, that stays when the returned path is dropped.
///
/// Random names and `O_EXCL` creation (what `tempfile` does) mean another user cannot predict
/// it, create it first or plant a symlink there.
pub fn private_dir(label: &str) -> std::io::Result<PathBuf> {
    let label = file_label(label);
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

/// Empty private working dirs of attempts that finished, by task name, for the next attempts
/// of the task. No attempt that may still run holds one of these.
static SPARE_DIRS: Mutex<BTreeMap<String, Vec<PathBuf>>> = Mutex::new(BTreeMap::new());

/// How many spare dirs one task keeps: enough for its attempts running at the same time.
const SPARES_PER_TASK: usize = 8;

/// An empty private working dir for an attempt of `task`: a spare one, else a new one.
fn take_dir(task: &str) -> std::io::Result<PathBuf> {
    let spare = SPARE_DIRS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_mut(task)
        .and_then(Vec::pop);
    match spare {
        Some(dir) => Ok(dir),
        None => private_dir(task),
    }
}

/// The private dir of this process's runs, in which working dirs made on first read are
/// reserved (made when the last run ends, see [`remove_spare_dirs`]).
static RUN_DIR: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Numbers the reserved dirs.
static RESERVED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A working dir for an attempt of `task`: a spare one (it exists), else a path reserved in
/// the run's private dir and made when the task first reads its context.
pub(crate) fn take_dir_on_first_read(
    task: &str,
) -> std::io::Result<(PathBuf, Option<Arc<DirOnFirstRead>>)> {
    let spare = SPARE_DIRS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_mut(task)
        .and_then(Vec::pop);
    if let Some(dir) = spare {
        return Ok((dir, None));
    }
    let parent = {
        let mut run_dir = RUN_DIR.lock().unwrap_or_else(|e| e.into_inner());
        match &*run_dir {
            Some(dir) => dir.clone(),
            None => run_dir.insert(private_dir("run")?).clone(),
        }
    };
    let n = RESERVED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = parent.join(format!("{}-{n}", file_label(task)));
    Ok((dir, Some(Arc::new(DirOnFirstRead::default()))))
}

/// Takes back the working dir of an attempt of `task` that ended as `end`: kept as it is when
/// the task left files in it, kept for a later attempt when empty, and left alone (removed if
/// empty) when the task's code may still be running.
pub(crate) fn release_dir(task: &str, dir: PathBuf, end: AttemptEnd) {
    let empty = match end {
        AttemptEnd::Abandoned => {
            remove_if_empty(&dir);
            return;
        }
        // It was empty when the attempt began, and a task that never read its context cannot
        // know its path (random, private): no need to look.
        AttemptEnd::Finished {
            read_context: false,
        } => true,
        AttemptEnd::Finished { read_context: true } => {
            std::fs::read_dir(&dir).is_ok_and(|mut items| items.next().is_none())
        }
    };
    if !empty {
        return;
    }
    let mut spares = SPARE_DIRS.lock().unwrap_or_else(|e| e.into_inner());
    let list = spares.entry(task.to_string()).or_default();
    if list.len() < SPARES_PER_TASK {
        list.push(dir);
    } else {
        drop(spares);
        remove_if_empty(&dir);
    }
}

/// Whether a file or directory among `outputs` is `dir` or inside it: an empty dir returned as
/// an output (a `FlyteDirectory` of the working dir) must not be handed on either.
pub(crate) fn refers_to(outputs: &LiteralMap, dir: &Path) -> bool {
    fn literal_refers_to(literal: &flytekit_idl::core::Literal, dir: &Path) -> bool {
        use flytekit_idl::core::{literal, scalar};
        match &literal.value {
            Some(literal::Value::Scalar(s)) => match &s.value {
                Some(scalar::Value::Blob(blob)) => {
                    let path = blob.uri.strip_prefix("file://").unwrap_or(&blob.uri);
                    Path::new(path).starts_with(dir)
                }
                Some(scalar::Value::Union(u)) => u
                    .value
                    .as_deref()
                    .is_some_and(|inner| literal_refers_to(inner, dir)),
                _ => false,
            },
            Some(literal::Value::Collection(c)) => {
                c.literals.iter().any(|l| literal_refers_to(l, dir))
            }
            Some(literal::Value::Map(m)) => m.literals.values().any(|l| literal_refers_to(l, dir)),
            _ => false,
        }
    }
    outputs
        .literals
        .values()
        .any(|literal| literal_refers_to(literal, dir))
}

/// How many top-level runs of executors are going (see [`RunGuard`]).
static ACTIVE_RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Held by a top-level run of an executor (`run_workflow`, `run_task`): spare dirs are kept
/// while runs go, and removed when the last one ends (also when its future is dropped), so a
/// program that runs workflows leaves no empty dirs behind.
pub(crate) struct RunGuard(());

impl RunGuard {
    pub(crate) fn new() -> Self {
        ACTIVE_RUNS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        RunGuard(())
    }
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        // A run that starts meanwhile only loses spares it has not taken yet.
        if ACTIVE_RUNS.fetch_sub(1, std::sync::atomic::Ordering::SeqCst) == 1 {
            remove_spare_dirs();
        }
    }
}

/// Removes the spare working dirs (all empty). The last run that ends does it, and the command
/// line before it exits; an attempt that starts later makes a new dir.
pub fn remove_spare_dirs() {
    let spares = std::mem::take(&mut *SPARE_DIRS.lock().unwrap_or_else(|e| e.into_inner()));
    for dir in spares.into_values().flatten() {
        remove_if_empty(&dir);
    }
    // Kept when a task left files in one of its dirs.
    if let Some(dir) = RUN_DIR.lock().unwrap_or_else(|e| e.into_inner()).take() {
        remove_if_empty(&dir);
    }
}

/// The task context of attempt `attempt` of a local run of `entry`, in an empty private working
/// dir of its own (see [`private_dir`]); its raw output prefix is `raw` inside that dir.
pub fn local_context(entry: &TaskEntry, attempt: u32) -> Result<TaskContext, TaskError> {
    let working_dir = take_dir(&entry.name()).map_err(|err| {
        TaskError::system(format!(
            "cannot create a working dir for `{}` in the temp dir: {err}",
            entry.name()
        ))
    })?;
    Ok(context_in(entry, attempt, working_dir))
}

/// [`local_context`], with a working dir made only when the task first reads its context.
pub(crate) fn local_context_on_first_read(
    entry: &TaskEntry,
    attempt: u32,
) -> Result<TaskContext, TaskError> {
    let (working_dir, make) = take_dir_on_first_read(&entry.name()).map_err(|err| {
        TaskError::system(format!(
            "cannot create a working dir for `{}` in the temp dir: {err}",
            entry.name()
        ))
    })?;
    let mut context = context_in(entry, attempt, working_dir);
    context.make_working_dir = make;
    Ok(context)
}

/// Takes back the working dir of an attempt of `entry` that ended as `end` with `result`
/// (see [`release_dir`]); nothing to do when it was never made.
pub(crate) fn release_attempt_dir(
    entry: &TaskEntry,
    context: &TaskContext,
    result: &Result<LiteralMap, TaskError>,
    end: AttemptEnd,
) {
    if context
        .make_working_dir
        .as_ref()
        .is_some_and(|made| !made.is_made())
    {
        return;
    }
    let dir = &context.working_dir;
    // An output naming the dir itself (an empty `FlyteDirectory` of it) keeps it.
    if !result.as_ref().is_ok_and(|outputs| refers_to(outputs, dir)) {
        release_dir(&entry.name(), dir.clone(), end);
    }
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
        execution_date: chrono::Utc::now(),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A working dir made on first read does not exist until the task reads its context; then
    /// it is private, inside the run's private dir.
    #[test]
    fn working_dirs_are_made_when_the_context_is_read() {
        let task = format!("first-read-tests-{}", std::process::id());
        let (dir, make) = take_dir_on_first_read(&task).unwrap();
        let make = make.expect("no spare of a new task name");
        assert!(!dir.exists(), "made before it was read: {}", dir.display());
        let context = Arc::new(TaskContext {
            working_dir: dir.clone(),
            make_working_dir: Some(make.clone()),
            ..Default::default()
        });
        let seen = flytekit_core::context::with_context(context, || {
            flytekit_core::context::current_context()
                .working_dir
                .clone()
        });
        assert_eq!(seen, dir);
        assert!(dir.is_dir() && make.is_made());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for private in [&dir, &dir.parent().unwrap().to_path_buf()] {
                let mode = std::fs::metadata(private).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o700, "{}", private.display());
            }
        }
        let (other, _) = take_dir_on_first_read(&task).unwrap();
        assert_ne!(other, dir, "each attempt reserves its own path");
        remove_if_empty(&dir);
    }

    /// An empty dir of a finished attempt is handed on; one with files, or one whose code may
    /// still run, is not.
    #[test]
    fn only_empty_dirs_of_finished_attempts_are_handed_on() {
        let task = format!("local-tests-{}", std::process::id());
        let first = take_dir(&task).unwrap();
        release_dir(
            &task,
            first.clone(),
            AttemptEnd::Finished {
                read_context: false,
            },
        );
        assert_eq!(
            take_dir(&task).unwrap(),
            first,
            "an untouched dir is reused"
        );

        std::fs::write(first.join("out.txt"), "A").unwrap();
        release_dir(
            &task,
            first.clone(),
            AttemptEnd::Finished { read_context: true },
        );
        let second = take_dir(&task).unwrap();
        assert_ne!(second, first, "a dir with files is kept for its outputs");
        assert_eq!(std::fs::read_to_string(first.join("out.txt")).unwrap(), "A");

        release_dir(&task, second.clone(), AttemptEnd::Abandoned);
        assert!(
            !second.exists(),
            "an abandoned attempt's empty dir is removed"
        );
        let third = take_dir(&task).unwrap();
        assert_ne!(third, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&third).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        let dir_output: flytekit_core::types::FlyteDirectory =
            flytekit_core::types::FlyteDirectory::new(third.display().to_string());
        let outputs = LiteralMap {
            literals: [(
                "o0".to_string(),
                flytekit_core::FlyteType::to_literal(&dir_output).unwrap(),
            )]
            .into(),
        };
        assert!(refers_to(&outputs, &third));
        assert!(!refers_to(&outputs, &first));
        release_dir(
            &task,
            third.clone(),
            AttemptEnd::Finished { read_context: true },
        );
        remove_spare_dirs();
        assert!(!third.exists(), "spares are removed at the end");
        let _ = std::fs::remove_dir_all(&first);
    }
}
