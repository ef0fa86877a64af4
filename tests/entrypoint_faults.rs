//! The entrypoint (`execute`) and `run` under faults and bad input, on the test binary of tasks
//! and without a Python peer: timeouts end the process, scratch dirs are private, leftovers of
//! a killed attempt are cleaned up, bad environment and arguments are errors, failed uploads
//! are retryable system errors.
//!
//! Time bounds here are loose on purpose (a process must end well before a task's sleep
//! would): they check that nothing waits for an abandoned thread, they measure nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use flytekit::idl::core::{container_error, ContainerError, ErrorDocument};
use prost::Message;

const BINARY: &str = env!("CARGO_BIN_EXE_flytekit-test-tasks");

fn scratch(name: &str) -> PathBuf {
    flytekit_tests::scratch_dir(env!("CARGO_TARGET_TMPDIR"), "entrypoint_faults", name)
}

/// Runs the test binary with `args` and `env`, its temp dir `dir/tmp`; kills it after `limit`
/// (then the test fails: the process did not end on its own). Returns its output and how long
/// it ran.
fn run_binary(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    limit: Duration,
) -> (Output, Duration) {
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut command = Command::new(BINARY);
    command
        .env("TMPDIR", &tmp)
        .env_remove("RUST_LOG")
        .env_remove("FLYTE_K8S_ARRAY_INDEX")
        .env_remove("BATCH_JOB_ARRAY_INDEX_OFFSET")
        .env_remove("BATCH_JOB_ARRAY_INDEX_VAR_NAME")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let started = Instant::now();
    let mut child = command.spawn().unwrap();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "`{}` still ran after {limit:?}; stderr: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let elapsed = started.elapsed();
    (child.wait_with_output().unwrap(), elapsed)
}

/// `execute` of `task` on the inputs at `dir/inputs.pb` (empty: no inputs), outputs in `dir`.
fn execute(dir: &Path, task: &str, extra: &[&str], env: &[(&str, &str)]) -> (Output, Duration) {
    let inputs = dir.join("inputs.pb");
    if !inputs.exists() {
        std::fs::write(&inputs, []).unwrap();
    }
    let (inputs, prefix) = (inputs.display().to_string(), dir.display().to_string());
    let mut args = vec!["execute", "--inputs", &inputs, "--output-prefix", &prefix];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--", task]);
    run_binary(dir, &args, env, Duration::from_secs(60))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The error in `dir/error.pb`.
fn error_of(dir: &Path) -> ContainerError {
    assert!(
        !dir.join("outputs.pb").exists(),
        "outputs.pb beside error.pb"
    );
    let bytes = std::fs::read(dir.join("error.pb")).expect("error.pb was written");
    ErrorDocument::decode(bytes.as_slice())
        .unwrap()
        .error
        .expect("error.pb has an error")
}

fn recoverable(error: &ContainerError) -> bool {
    error.kind == container_error::Kind::Recoverable as i32
}

#[test]
fn a_timed_out_sync_task_ends_the_container() {
    let dir = scratch("timeout");
    let (output, elapsed) = execute(&dir, "sleeps_past_timeout", &[], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let error = error_of(&dir);
    assert_eq!(
        (error.code.as_str(), error.message.as_str()),
        ("USER:Timeout", "task timed out after 1s")
    );
    assert!(recoverable(&error));
    assert!(
        elapsed < Duration::from_secs(6),
        "execute ran {elapsed:?}: it waited for the task's 8 s sleep"
    );

    let dir = scratch("never-ends");
    let (output, _) = execute(&dir, "never_ends", &[], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(error_of(&dir).code, "USER:Timeout");
}

#[test]
fn run_reports_a_timeout_at_once() {
    let dir = scratch("run-timeout");
    let (output, elapsed) = run_binary(
        &dir,
        &["run", "sleeps_past_timeout"],
        &[],
        Duration::from_secs(60),
    );
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("USER:Timeout: task timed out after 1s"),
        "{err}"
    );
    assert!(
        elapsed < Duration::from_secs(6),
        "run took {elapsed:?}: it waited for the task's 8 s sleep"
    );
}

/// `run` of `scratch_dirs` (with `flags` before the entity): the task's working dir, the dir
/// of its raw output prefix and the working dir's parent, each as (path, mode).
fn scratch_dirs(dir: &Path, flags: &[&str]) -> [(PathBuf, String); 3] {
    let mut args = vec!["run", "--json"];
    args.extend_from_slice(flags);
    args.push("scratch_dirs");
    let (output, _) = run_binary(dir, &args, &[], Duration::from_secs(60));
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let items: Vec<String> = serde_json::from_value(json["o0"].clone()).unwrap();
    let [work, work_mode, raw, raw_mode, parent, parent_mode] =
        <[String; 6]>::try_from(items).unwrap();
    [
        (work.into(), work_mode),
        (raw.into(), raw_mode),
        (parent.into(), parent_mode),
    ]
}

#[test]
#[cfg(unix)]
fn scratch_dirs_are_private_and_fresh() {
    let dir = scratch("private");
    let tmp = dir.join("tmp");
    for flags in [&[][..], &["--isolated"][..]] {
        let first = scratch_dirs(&dir, flags);
        let second = scratch_dirs(&dir, flags);
        for (path, mode) in first[..2].iter().chain(&second[..2]) {
            assert_eq!(
                mode,
                "700",
                "{flags:?}: `{}` is not private",
                path.display()
            );
            // Right in the temp dir, or in the run's own private dir right in it (a working
            // dir made when the task first reads its context): no shared dir on the way that
            // another user could make first, or swap for a symlink.
            let parent = path.parent().unwrap();
            if parent != tmp {
                assert_eq!(
                    parent.parent(),
                    Some(tmp.as_path()),
                    "{flags:?}: {}",
                    path.display()
                );
                let name = parent.file_name().unwrap().to_string_lossy();
                assert!(
                    name.starts_with("flytekit-run-"),
                    "{flags:?}: {}",
                    path.display()
                );
            }
        }
        for (parent, mode) in [&first[2], &second[2]] {
            if *parent != tmp {
                assert_eq!(
                    mode,
                    "700",
                    "{flags:?}: `{}` is not private",
                    parent.display()
                );
            }
        }
        assert_ne!(
            first[0].0, second[0].0,
            "{flags:?}: two runs shared a working dir"
        );
        assert_ne!(
            first[1].0, second[1].0,
            "{flags:?}: two runs shared a work dir"
        );
    }
}

/// `dir/inputs.pb` for `add`: `a = 1` (and `b` defaults to 3).
fn write_add_inputs(dir: &Path) {
    use flytekit::prelude::FlyteType;
    let inputs = flytekit::idl::core::LiteralMap {
        literals: [("a".to_string(), 1_i64.to_literal().unwrap())].into(),
    };
    std::fs::write(dir.join("inputs.pb"), inputs.encode_to_vec()).unwrap();
}

#[test]
fn leftovers_of_an_earlier_attempt_are_removed() {
    use flytekit::prelude::FlyteType;
    let dir = scratch("leftovers");
    write_add_inputs(&dir);
    // What a killed attempt and a failed one leave behind.
    for name in ["outputs.pb#1", "outputs.pb#2", "error.pb#1", "error.pb"] {
        std::fs::write(dir.join(name), b"half written").unwrap();
    }
    let (output, _) = execute(&dir, "add", &[], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|item| item.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["inputs.pb", "outputs.pb", "tmp"]);
    let outputs = flytekit::idl::core::LiteralMap::decode(
        std::fs::read(dir.join("outputs.pb")).unwrap().as_slice(),
    )
    .unwrap();
    assert_eq!(i64::from_literal(&outputs.literals["o0"]).unwrap(), 4);
}

#[test]
fn an_array_index_that_overflows_is_an_error_pb() {
    let dir = scratch("index-overflow");
    let max = usize::MAX.to_string();
    let (output, _) = execute(
        &dir,
        "add",
        &[],
        &[
            ("FLYTE_K8S_ARRAY_INDEX", &max),
            ("BATCH_JOB_ARRAY_INDEX_OFFSET", "1"),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let error = error_of(&dir);
    assert_eq!(error.code, "SYSTEM");
    assert_eq!(
        error.message,
        format!(
            "the array index `FLYTE_K8S_ARRAY_INDEX` = {max} plus `BATCH_JOB_ARRAY_INDEX_OFFSET` = 1 \
             is too large"
        )
    );
}

#[test]
fn an_empty_output_prefix_is_an_error() {
    let dir = scratch("empty-prefix");
    let inputs = dir.join("inputs.pb");
    std::fs::write(&inputs, []).unwrap();
    for prefix in ["", "\"\"", " "] {
        let (output, _) = run_binary(
            &dir,
            &[
                "execute",
                "--inputs",
                inputs.to_str().unwrap(),
                "--output-prefix",
                prefix,
                "--",
                "add",
            ],
            &[],
            Duration::from_secs(60),
        );
        assert_eq!(
            output.status.code(),
            Some(2),
            "{prefix:?}: {}",
            stderr(&output)
        );
        assert_eq!(
            stderr(&output).trim(),
            "error: `--output-prefix` is empty; give the directory or URI outputs.pb and error.pb \
             go to, such as `--output-prefix s3://bucket/metadata/n0/data/0`",
            "{prefix:?}"
        );
    }
}

/// Moving task data failed: a system error worth a retry (flytekit's
/// `FlyteUploadDataException` / `FlyteDownloadDataException`), not the user's fault.
#[test]
fn failed_uploads_and_downloads_are_recoverable_system_errors() {
    use flytekit::idl::core::execution_error::ErrorKind;
    let system = ErrorKind::System as i32;

    let dir = scratch("upload-output-file");
    let (output, _) = execute(
        &dir,
        "vanished_file",
        &["--raw-output-data-prefix", "memory://bucket/raw"],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let error = error_of(&dir);
    assert_eq!(error.code, "SYSTEM:UploadDataError");
    assert!(
        error.message.starts_with("cannot upload output file `")
            && error.message.contains("never-written.txt"),
        "{}",
        error.message
    );
    assert!(recoverable(&error));
    assert_eq!(error.origin, system);

    // outputs.pb cannot be written (a directory is in its place): error.pb says so.
    let dir = scratch("upload-outputs-pb");
    write_add_inputs(&dir);
    std::fs::create_dir(dir.join("outputs.pb")).unwrap();
    let (output, _) = execute(&dir, "add", &[], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let bytes = std::fs::read(dir.join("error.pb")).expect("error.pb was written");
    let error = ErrorDocument::decode(bytes.as_slice())
        .unwrap()
        .error
        .unwrap();
    assert_eq!(error.code, "SYSTEM:UploadDataError");
    assert!(
        error.message.starts_with("cannot write outputs.pb: "),
        "{}",
        error.message
    );
    assert!(recoverable(&error));

    let dir = scratch("download-inputs");
    let (missing, prefix) = (dir.join("missing-inputs.pb"), dir.display().to_string());
    let args = [
        "execute",
        "--inputs",
        missing.to_str().unwrap(),
        "--output-prefix",
        &prefix,
    ];
    let (output, _) = run_binary(
        &dir,
        &[&args[..], &["--", "add"]].concat(),
        &[],
        Duration::from_secs(60),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let error = error_of(&dir);
    assert_eq!(error.code, "SYSTEM:DownloadDataError");
    assert!(recoverable(&error));
    assert_eq!(error.origin, system);
}

/// Whether process `pid` still runs (a zombie, dead but not yet reaped, does not count).
#[cfg(unix)]
fn alive(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let state = stat.rsplit_once(") ")?.1.chars().next()?;
            Some(state != 'Z' && state != 'X')
        })
        .unwrap_or(false)
}

/// Starts the test binary with `args`, waits until the task wrote `pid_file`, sends `signal` to
/// the binary and returns its output, how long it took to end after the signal, and the pid
/// the task wrote.
#[cfg(unix)]
fn stop_with(
    dir: &Path,
    args: &[&str],
    pid_file: &Path,
    signal: &str,
) -> (Output, Duration, String) {
    let mut child = Command::new(BINARY)
        .env("TMPDIR", dir.join("tmp"))
        .env_remove("RUST_LOG")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let task_pid = loop {
        match std::fs::read_to_string(pid_file) {
            Ok(pid) if !pid.is_empty() => break pid,
            _ if started.elapsed() > Duration::from_secs(60) => {
                let _ = child.kill();
                panic!("the task never started");
            }
            _ if child.try_wait().unwrap().is_some() => {
                let output = child.wait_with_output().unwrap();
                panic!("ended before the task started: {}", stderr(&output));
            }
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let status = Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let signalled = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if signalled.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("still running a minute after SIG{signal}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let elapsed = signalled.elapsed();
    (child.wait_with_output().unwrap(), elapsed, task_pid)
}

#[test]
#[cfg(unix)]
fn sigterm_stops_an_isolated_run_and_its_task_processes() {
    let dir = scratch("sigterm-isolated");
    std::fs::create_dir_all(dir.join("tmp")).unwrap();
    let pid_file = dir.join("task.pid");
    let args = [
        "run",
        "--isolated",
        "sleeps_for",
        "--secs",
        "30",
        "--pid_file",
        pid_file.to_str().unwrap(),
    ];
    let (output, elapsed, task_pid) = stop_with(&dir, &args, &pid_file, "TERM");
    assert_eq!(output.status.code(), Some(143), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("error: terminated (SIGTERM)"),
        "{}",
        stderr(&output)
    );
    assert!(
        elapsed < Duration::from_secs(20),
        "ended {elapsed:?} after SIGTERM"
    );
    let gone = Instant::now();
    while alive(&task_pid) {
        assert!(
            gone.elapsed() < Duration::from_secs(10),
            "the task's process {task_pid} outlived the run"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
#[cfg(unix)]
fn sigint_stops_execute_without_a_result() {
    use flytekit::prelude::FlyteType;
    let dir = scratch("sigint-execute");
    std::fs::create_dir_all(dir.join("tmp")).unwrap();
    let pid_file = dir.join("task.pid");
    let inputs = flytekit::idl::core::LiteralMap {
        literals: [
            ("secs".to_string(), 30_u64.to_literal().unwrap()),
            (
                "pid_file".to_string(),
                pid_file.display().to_string().to_literal().unwrap(),
            ),
        ]
        .into(),
    };
    std::fs::write(dir.join("inputs.pb"), inputs.encode_to_vec()).unwrap();
    let (inputs, prefix) = (
        dir.join("inputs.pb").display().to_string(),
        dir.display().to_string(),
    );
    let args = [
        "execute",
        "--inputs",
        &inputs,
        "--output-prefix",
        &prefix,
        "--",
        "sleeps_for",
    ];
    let (output, elapsed, _) = stop_with(&dir, &args, &pid_file, "INT");
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    assert!(
        elapsed < Duration::from_secs(20),
        "ended {elapsed:?} after SIGINT"
    );
    assert!(!dir.join("outputs.pb").exists() && !dir.join("error.pb").exists());
}

/// flytekit's IgnoreOutputs: neither outputs.pb nor error.pb, exit 0 (also when failures are
/// asked to exit non-zero: ignoring outputs is not a failure).
#[test]
fn ignored_outputs_write_nothing_and_exit_zero() {
    use flytekit::prelude::FlyteType;
    for (rank, writes_outputs) in [(1_i64, false), (0, true)] {
        let dir = scratch(&format!("ignore-outputs-{rank}"));
        let inputs = flytekit::idl::core::LiteralMap {
            literals: [("rank".to_string(), rank.to_literal().unwrap())].into(),
        };
        std::fs::write(dir.join("inputs.pb"), inputs.encode_to_vec()).unwrap();
        let (output, _) = execute(&dir, "ranked", &[], &[("FLYTE_FAIL_ON_ERROR", "true")]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(
            dir.join("outputs.pb").exists(),
            writes_outputs,
            "rank {rank}"
        );
        assert!(!dir.join("error.pb").exists(), "rank {rank}");
    }
}

/// Every field of the task context, from where the backend puts it (propeller's
/// `GetExecutionEnvVars`, the pod's command line).
#[test]
fn the_task_context_comes_from_the_backend() {
    use flytekit::prelude::FlyteType;
    let dir = scratch("context");
    std::fs::write(
        dir.join("inputs.pb"),
        flytekit::idl::core::LiteralMap::default().encode_to_vec(),
    )
    .unwrap();
    let prefix = dir.display().to_string();
    let (output, _) = execute(
        &dir,
        "context_report",
        &[
            "--raw-output-data-prefix",
            "s3://bucket/raw/ab",
            "--checkpoint-path",
            "s3://bucket/cp/1",
            "--prev-checkpoint",
            "s3://bucket/cp/0",
        ],
        &[
            ("FLYTE_INTERNAL_EXECUTION_PROJECT", "flytesnacks"),
            ("FLYTE_INTERNAL_EXECUTION_DOMAIN", "development"),
            ("FLYTE_INTERNAL_EXECUTION_ID", "f8a3"),
            ("FLYTE_INTERNAL_EXECUTION_WORKFLOW", "app.pipeline"),
            ("FLYTE_INTERNAL_TASK_PROJECT", "flytesnacks"),
            ("FLYTE_INTERNAL_TASK_DOMAIN", "development"),
            ("FLYTE_INTERNAL_TASK_NAME", "flytekit_test_tasks.context_report"),
            ("FLYTE_INTERNAL_TASK_VERSION", "v7"),
            ("FLYTE_ATTEMPT_NUMBER", "1"),
            (
                "FLYTE_EXECUTION_URL",
                "http://localhost:30080/console/projects/flytesnacks/domains/development/executions/f8a3/nodeId/n3/nodes",
            ),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let bytes = std::fs::read(dir.join("outputs.pb")).expect("outputs.pb was written");
    let outputs = flytekit::idl::core::LiteralMap::decode(bytes.as_slice()).unwrap();
    let mut report: serde_json::Value =
        serde_json::from_str(&String::from_literal(&outputs.literals["o0"]).unwrap()).unwrap();
    // The start of this attempt: now, give or take a slow machine.
    let age = report["date_age_s"].take().as_i64().unwrap();
    assert!((0..60).contains(&age), "{age}");
    assert_eq!(
        report,
        serde_json::json!({
            "execution": ["flytesnacks", "development", "f8a3"],
            "workflow": "app.pipeline",
            "task": ["flytesnacks", "development", "flytekit_test_tasks.context_report", "v7"],
            "node": "n3",
            "attempt": 1,
            "date_age_s": null,
            "output_prefix": prefix,
            "raw_prefix": "s3://bucket/raw/ab",
            "checkpoint": ["s3://bucket/cp/1", "s3://bucket/cp/0"],
            "url": "http://localhost:30080/console/projects/flytesnacks/domains/development/executions/f8a3/nodeId/n3/nodes",
            "working_dir_exists": true,
        })
    );
}

/// A task with `enable_deck` writes `deck.html` beside outputs.pb, as flytekit does; its data is
/// escaped; a task without it writes none.
#[test]
fn decks_are_written_under_the_output_prefix() {
    use flytekit::prelude::FlyteType;
    let dir = scratch("deck");
    let inputs = flytekit::idl::core::LiteralMap {
        literals: [(
            "title".to_string(),
            "Run <1>".to_string().to_literal().unwrap(),
        )]
        .into(),
    };
    std::fs::write(dir.join("inputs.pb"), inputs.encode_to_vec()).unwrap();
    let (output, _) = execute(&dir, "with_deck", &[], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(dir.join("outputs.pb").exists());
    let deck = std::fs::read_to_string(dir.join("deck.html")).expect("deck.html was written");
    assert!(deck.starts_with("<!doctype html>"), "{deck}");
    assert!(deck.contains("<h1>Run &lt;1&gt;</h1>"), "{deck}");
    assert!(
        deck.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "{deck}"
    );
    assert!(!deck.contains("<script"), "{deck}");
    assert!(deck.contains("<td>&lt;1&gt;</td>"), "{deck}");
    assert!(
        deck.contains("src=\"data:image/png;base64,iVBORw==\""),
        "{deck}"
    );
    // The task's two decks, then flytekit's default Input and Output decks.
    assert_eq!(deck.matches("<section").count(), 4, "{deck}");
    assert!(
        deck.contains("<td>title</td><td>&quot;Run &lt;1&gt;&quot;</td>"),
        "{deck}"
    );
    assert!(deck.contains("<td>o0</td><td>7</td>"), "{deck}");
    let position = |name: &str| deck.find(name).unwrap_or_else(|| panic!("{name}: {deck}"));
    assert!(position(">Table<") < position(">Input<"));
    assert!(position(">Input<") < position(">Output<"));
    // As the console shows it: a browser renders the page, and it logs no script error.
    let rendered = flytekit_tests::browser::render(&dir.join("deck.html"));
    assert!(
        rendered.dom.contains("<h1>Run &lt;1&gt;</h1>"),
        "{}",
        rendered.dom
    );
    assert!(rendered.console.is_empty(), "{:#?}", rendered.console);
    // The check can fail: a page whose script throws logs it.
    let broken = dir.join("broken.html");
    std::fs::write(&broken, "<!doctype html><script>nosuch();</script>").unwrap();
    let console = flytekit_tests::browser::render(&broken).console;
    assert!(
        console
            .iter()
            .any(|line| line.contains("Uncaught ReferenceError")),
        "{console:#?}"
    );

    let dir = scratch("no-deck");
    write_add_inputs(&dir);
    let (output, _) = execute(&dir, "add", &[], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!dir.join("deck.html").exists());
}
