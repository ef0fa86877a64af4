//! Isolated mode: one task attempt in a subprocess, through the binary's own `execute`
//! entrypoint, exactly as a Flyte pod runs it (FLYTE-CONTRACT section 3).
//!
//! Consumes the task's name and input literals; writes `inputs.pb` to a fresh private work
//! directory in the system temp dir (random name, mode 0700), runs `<exe> execute --inputs <dir>/inputs.pb --output-prefix <dir>
//! --raw-output-data-prefix <dir>/raw -- <task>` and produces the literals of `outputs.pb` or the
//! error of `error.pb` (or, for a dynamic task, the sub-workflow of `futures.pb`). A process that dies without writing either (abort, signal, exit) fails
//! only its node, with a recoverable SYSTEM error naming the exit status and the end of its
//! stderr. The executor keeps the timeout: the child is killed when it expires, and whenever
//! the attempt's future is dropped.

use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use flytekit_core::spec::{serialized_context, SerializationSettings, SERIALIZED_CONTEXT_ENV};
use flytekit_core::TaskError;
use flytekit_idl::core::{DynamicJobSpec, ErrorDocument, LiteralMap};
use prost::Message;
use tokio::io::AsyncReadExt;

use super::Inner;
use crate::attempt::humanize;
use crate::local::private_dir;

/// How much of a crashed child's stderr goes into the error message.
const STDERR_TAIL: usize = 4000;

/// One attempt to run in a subprocess.
pub(crate) struct Attempt<'a> {
    /// The task's name (the entrypoint's task locator).
    pub(crate) task: String,
    /// The node's id path, for the work directory's name.
    pub(crate) node_path: &'a str,
    /// The attempt number (`FLYTE_ATTEMPT_NUMBER`).
    pub(crate) attempt: u32,
    /// Kill the child after this long.
    pub(crate) timeout: Option<Duration>,
    /// The element of an array node (`FLYTE_K8S_ARRAY_INDEX`).
    pub(crate) array_index: Option<usize>,
    /// Where the attempt saves its checkpoint (`--checkpoint-path`).
    pub(crate) checkpoint_path: Option<String>,
    /// The previous attempt's checkpoint (`--prev-checkpoint`).
    pub(crate) prev_checkpoint: Option<String>,
}

/// A fresh private dir for the attempt (see [`private_dir`]): inputs.pb, outputs.pb / error.pb
/// and the raw outputs go there, where no other user can read them or plant a symlink.
fn work_dir(attempt: &Attempt<'_>) -> Result<PathBuf, TaskError> {
    private_dir(&format!(
        "isolated-{}-a{}",
        attempt.node_path, attempt.attempt
    ))
    .map_err(|e| {
        TaskError::system(format!(
            "cannot create a work dir for `{}` in the temp dir: {e}",
            attempt.task
        ))
    })
}

/// What an attempt wrote: outputs.pb, or (a dynamic task's) futures.pb.
pub(crate) enum Produced {
    /// The outputs.
    Outputs(LiteralMap),
    /// The sub-workflow of a dynamic task.
    Futures(DynamicJobSpec),
}

/// Runs the attempt and returns the task's outputs or error.
pub(crate) async fn run(
    cx: &Inner,
    attempt: Attempt<'_>,
    inputs: &LiteralMap,
) -> Result<LiteralMap, TaskError> {
    match run_any(cx, attempt, inputs).await? {
        Produced::Outputs(outputs) => Ok(outputs),
        Produced::Futures(_) => Err(TaskError::system(
            "the task wrote futures.pb (a dynamic workflow), but it is not a dynamic task",
        )),
    }
}

/// Runs the attempt of a task that may be dynamic: its outputs, its sub-workflow or its error.
pub(crate) async fn run_any(
    cx: &Inner,
    attempt: Attempt<'_>,
    inputs: &LiteralMap,
) -> Result<Produced, TaskError> {
    let dir = work_dir(&attempt)?;
    let result = run_in(cx, &attempt, inputs, &dir).await;
    let deck = dir.join(flytekit_core::deck::DECK_FILE_NAME);
    let has_deck = deck.exists();
    if has_deck {
        cx.emit(
            attempt.node_path,
            &attempt.task,
            super::events::NodePhase::DeckWritten { path: deck },
        );
    }
    // Files the task wrote under raw/ may be referenced by its outputs, and a deck is there
    // to be read: keep those.
    if has_deck || dir.join("raw").exists() {
        for name in [
            "inputs.pb",
            "outputs.pb",
            "error.pb",
            "outputs-ignored",
            "futures.pb",
        ] {
            let _ = tokio::fs::remove_file(dir.join(name)).await;
        }
    } else {
        let _ = tokio::fs::remove_dir_all(&dir).await;
    }
    result
}

async fn run_in(
    cx: &Inner,
    attempt: &Attempt<'_>,
    inputs: &LiteralMap,
    dir: &std::path::Path,
) -> Result<Produced, TaskError> {
    let exe = match &cx.options.executable {
        Some(exe) => exe.clone(),
        None => std::env::current_exe()
            .map_err(|e| TaskError::system(format!("cannot find the current executable: {e}")))?,
    };
    let inputs_path = dir.join("inputs.pb");
    tokio::fs::write(&inputs_path, inputs.encode_to_vec())
        .await
        .map_err(|e| TaskError::system(format!("cannot write `{}`: {e}", inputs_path.display())))?;

    let mut command = tokio::process::Command::new(&exe);
    command
        .arg("execute")
        .arg("--inputs")
        .arg(&inputs_path)
        .arg("--output-prefix")
        .arg(dir)
        .arg("--raw-output-data-prefix")
        .arg(dir.join("raw"));
    // As Flyte does: the previous checkpoint is `""` on a first attempt.
    if let Some(path) = &attempt.checkpoint_path {
        command
            .arg("--checkpoint-path")
            .arg(path)
            .arg("--prev-checkpoint")
            .arg(attempt.prev_checkpoint.as_deref().unwrap_or("\"\""));
    }
    command
        .arg("--")
        .arg(&attempt.task)
        .env("FLYTE_ATTEMPT_NUMBER", attempt.attempt.to_string())
        .env("FLYTE_INTERNAL_EXECUTION_ID", "local")
        .env("FLYTE_INTERNAL_TASK_NAME", &attempt.task)
        .env(
            crate::entrypoint::IGNORED_OUTPUTS_MARKER_VAR,
            dir.join("outputs-ignored"),
        )
        .env_remove("FLYTE_FAIL_ON_ERROR")
        .env_remove("BATCH_JOB_ARRAY_INDEX_VAR_NAME")
        .env_remove("BATCH_JOB_ARRAY_INDEX_OFFSET")
        .env_remove("FLYTE_K8S_ARRAY_INDEX")
        .stdin(Stdio::null())
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    // A dynamic task writes the templates of the tasks it calls, with the image of its
    // serialization context: locally there is none (the tasks run from this binary).
    if std::env::var_os(SERIALIZED_CONTEXT_ENV).is_none() {
        let settings = SerializationSettings {
            image: "local".to_string(),
            ..Default::default()
        };
        command.env(SERIALIZED_CONTEXT_ENV, serialized_context(&settings));
    }
    // The inputs are already this element's: the index only reaches the task's context (the
    // entrypoint picks elements only from inputs that are one list deeper than declared).
    if let Some(index) = attempt.array_index {
        command.env("FLYTE_K8S_ARRAY_INDEX", index.to_string());
    }
    let mut child = command
        .spawn()
        .map_err(|e| TaskError::system(format!("cannot start `{}`: {e}", exe.display())))?;
    let stderr = child.stderr.take();
    let reader = tokio::spawn(async move {
        let mut text = Vec::new();
        if let Some(mut stderr) = stderr {
            let _ = stderr.read_to_end(&mut text).await;
        }
        text
    });
    let status = match attempt.timeout {
        Some(limit) => match tokio::time::timeout(limit, child.wait()).await {
            Ok(status) => status,
            Err(_) => {
                let _ = child.kill().await;
                return Err(TaskError::recoverable(format!(
                    "task timed out after {}",
                    humanize(limit)
                ))
                .with_code("USER:Timeout"));
            }
        },
        None => child.wait().await,
    }
    .map_err(|e| TaskError::system(format!("cannot wait for the task process: {e}")))?;
    let stderr = reader.await.unwrap_or_default();

    let error_path = dir.join("error.pb");
    if let Ok(bytes) = tokio::fs::read(&error_path).await {
        forward(&stderr, false);
        return match ErrorDocument::decode(bytes.as_slice()) {
            Ok(document) => Err(TaskError::from_error_document(&document)),
            Err(e) => Err(
                TaskError::system(format!("the task wrote an unreadable error.pb: {e}"))
                    .with_code("ErrorFileBadFormat"),
            ),
        };
    }
    if let Ok(bytes) = tokio::fs::read(dir.join("futures.pb")).await {
        if status.success() {
            forward(&stderr, true);
            return DynamicJobSpec::decode(bytes.as_slice())
                .map(Produced::Futures)
                .map_err(|e| {
                    TaskError::system(format!("the task wrote an unreadable futures.pb: {e}"))
                });
        }
    }
    let outputs = tokio::fs::read(dir.join("outputs.pb")).await;
    match outputs {
        Ok(bytes) if status.success() => {
            forward(&stderr, true);
            LiteralMap::decode(bytes.as_slice())
                .map(Produced::Outputs)
                .map_err(|e| {
                    TaskError::system(format!("the task wrote an unreadable outputs.pb: {e}"))
                })
        }
        _ if status.success() && dir.join("outputs-ignored").exists() => {
            forward(&stderr, true);
            Ok(Produced::Outputs(LiteralMap::default()))
        }
        _ => Err(crashed(status, &stderr)),
    }
}

/// Passes a finished child's stderr on: verbatim after a success (the task's own output), at
/// debug level after a failure that error.pb describes (its last line repeats the error).
fn forward(stderr: &[u8], succeeded: bool) {
    if stderr.is_empty() {
        return;
    }
    let text = String::from_utf8_lossy(stderr);
    if succeeded {
        eprint!("{text}");
    } else {
        tracing::debug!("task process stderr:\n{text}");
    }
}

fn crashed(status: ExitStatus, stderr: &[u8]) -> TaskError {
    let how = describe_exit(status);
    let text = String::from_utf8_lossy(stderr);
    let text = text.trim_end();
    let message = if text.is_empty() {
        format!("the task process {how} without writing outputs.pb or error.pb")
    } else {
        let mut start = text.len().saturating_sub(STDERR_TAIL);
        while !text.is_char_boundary(start) {
            start += 1;
        }
        format!(
            "the task process {how} without writing outputs.pb or error.pb; its stderr ends \
             with:\n{}",
            &text[start..]
        )
    };
    TaskError::system(message).with_code("SYSTEM:ProcessCrashed")
}

fn describe_exit(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return match signal_name(signal) {
                Some(name) => format!("was killed by signal {signal} ({name})"),
                None => format!("was killed by signal {signal}"),
            };
        }
    }
    match status.code() {
        Some(0) => "exited with status 0".to_string(),
        Some(code) => format!("exited with status {code}"),
        None => format!("ended ({status})"),
    }
}

#[cfg(unix)]
fn signal_name(signal: i32) -> Option<&'static str> {
    Some(match signal {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        _ => return None,
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn crashes_name_the_signal_and_keep_the_stderr_tail() {
        let err = crashed(ExitStatus::from_raw(6), b"");
        assert_eq!(
            err.message(),
            "the task process was killed by signal 6 (SIGABRT) without writing outputs.pb or \
             error.pb"
        );
        assert!(err.is_recoverable());
        let err = crashed(ExitStatus::from_raw(3 << 8), "x".repeat(5000).as_bytes());
        assert!(err
            .message()
            .starts_with("the task process exited with status 3"));
        assert!(err.message().len() < 4200);
    }
}
