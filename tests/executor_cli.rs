//! `run`'s executor flags end to end, through the test binary of tasks: isolated mode with
//! tasks that abort or panic, the local cache (`--cache-dir`, `--no-cache`, `--overwrite-cache`)
//! with progress lines, and bad flags.

use std::path::PathBuf;
use std::process::{Command, Output};

const BINARY: &str = env!("CARGO_BIN_EXE_flytekit-test-tasks");

fn scratch(name: &str) -> PathBuf {
    flytekit_tests::scratch_dir(env!("CARGO_TARGET_TMPDIR"), "executor_cli", name)
}

fn run(args: &[&str]) -> Output {
    Command::new(BINARY)
        .env_remove("FLYTEKIT_CACHE_DIR")
        .env_remove("RUST_LOG")
        .args(args)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn isolated_runs_survive_tasks_that_abort_or_panic() {
    let output = run(&["run", "--isolated", "--json", "add", "--a", "1"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), r#"{"o0":4}"#);

    let output = run(&["run", "--isolated", "aborts"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("error: node `n0` (`flytekit_test_tasks.aborts`) failed: SYSTEM:ProcessCrashed: the task process was killed by signal 6 (SIGABRT)"),
        "{err}"
    );

    let output = run(&["run", "--isolated", "panics", "--a", "3"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("USER:Panic: task panicked at"), "{err}");
    assert!(err.contains("boom at 3"), "{err}");
}

#[test]
fn the_cache_is_used_bypassed_and_overwritten() {
    let dir = scratch("cache");
    let log = dir.join("runs.log");
    let cache = dir.join("cache");
    let runs = || {
        std::fs::read_to_string(&log)
            .map(|t| t.lines().count())
            .unwrap_or(0)
    };
    let echo = |flags: &[&str]| {
        let mut args = vec![
            "-v",
            "run",
            "--json",
            "--cache-dir",
            cache.to_str().unwrap(),
        ];
        args.extend_from_slice(flags);
        args.extend_from_slice(&[
            "cached_echo",
            "--text",
            "hi",
            "--log",
            log.to_str().unwrap(),
        ]);
        let output = run(&args);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(stdout(&output).trim(), r#"{"o0":"hi"}"#);
        stderr(&output)
    };
    let first = echo(&[]);
    assert!(
        first.contains("[n0] flytekit_test_tasks.cached_echo started"),
        "{first}"
    );
    assert!(
        first.contains("[n0] flytekit_test_tasks.cached_echo succeeded in"),
        "{first}"
    );
    assert!(!first.contains("(cached)"), "{first}");
    assert_eq!(runs(), 1);
    let second = echo(&[]);
    assert!(second.contains("(cached)"), "{second}");
    assert_eq!(runs(), 1);
    echo(&["--no-cache"]);
    assert_eq!(runs(), 2);
    let overwritten = echo(&["--overwrite-cache"]);
    assert!(!overwritten.contains("(cached)"), "{overwritten}");
    assert_eq!(runs(), 3);
    assert!(echo(&["--isolated"]).contains("(cached)"));
    assert_eq!(runs(), 3);
}

#[test]
fn bad_run_flags_are_usage_errors() {
    let output = run(&["run", "--no-cache", "--overwrite-cache", "add", "--a", "1"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot be used with"),
        "{}",
        stderr(&output)
    );

    let output = run(&["run", "--signal", "oops", "add", "--a", "1"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        "error: `--signal oops`: give the signal as NAME=VALUE, such as `--signal threshold=0.5`"
    );

    let output = run(&["run", "--max-parallel", "0", "add", "--a", "1"]);
    assert_eq!(output.status.code(), Some(2));

    // Flags after the entity are the entity's inputs, not `run`'s.
    let output = run(&["run", "add", "--isolated"]);
    assert_eq!(output.status.code(), Some(2));
}
