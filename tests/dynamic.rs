//! Dynamic workflows (`#[dynamic]`) end to end: the binary `flytekit-dynamic-demo`
//! (tests/bin/dynamic_demo.rs) runs them locally with `run`, and as a Flyte pod would with
//! `execute`, whose futures.pb (or outputs.pb, error.pb) is compared with what `pyflyte-execute`
//! writes for the same Python `@dynamic` (tests/python/dyn_mirror) on the same inputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flytekit_tests::PythonEnv;

const BINARY: &str = env!("CARGO_BIN_EXE_flytekit-dynamic-demo");

fn python() -> PythonEnv {
    PythonEnv::get(env!("CARGO_TARGET_TMPDIR"))
}

fn scratch(name: &str) -> PathBuf {
    flytekit_tests::scratch_dir(env!("CARGO_TARGET_TMPDIR"), "dynamic", name)
}

/// `run <args>` with a cache of its own.
fn run(cache: &Path, args: &[&str]) -> Output {
    Command::new(BINARY)
        .env("FLYTEKIT_CACHE_DIR", cache)
        .arg("run")
        .args(args)
        .output()
        .unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_dynamic_task_in_a_workflow_runs_its_sub_dag() {
    let cache = scratch("run-cache");
    let out = json(&run(&cache, &["dyn_sum", "--xs", "[1,2,3]"]));
    assert_eq!(out["o0"], 20);
    let out = json(&run(&cache, &["cube_each", "--xs", "[1,2,3]"]));
    assert_eq!(out["o0"], serde_json::json!([4, 4, 12]));
    // Zero calls: the outputs are plain values.
    let out = json(&run(&cache, &["cube_each", "--xs", "[]"]));
    assert_eq!(out["o0"], serde_json::json!([]));
    let out = json(&run(&cache, &["maybe_sum", "--xs", "[]"]));
    assert_eq!(out["o0"], 0);
    let out = json(&run(&cache, &["maybe_sum", "--xs", "[4,5]"]));
    assert_eq!(out["o0"], 9);
    // Sub-workflows: twice(0) + twice(1) + twice(2) = 0 + 4 + 8.
    let out = json(&run(&cache, &["nested", "--n", "3"]));
    assert_eq!(out["o0"], 12);
    // A dynamic task in a dynamic task: total(cube_each([0, 1, 2])) = 0 + 4 + 4.
    let out = json(&run(&cache, &["outer", "--n", "3"]));
    assert_eq!(out["o0"], 8);
    // A reference task runs its stand-in.
    let out = json(&run(&cache, &["remote_each", "--xs", "[1,2]"]));
    assert_eq!(out["o0"], serde_json::json!([2, 4]));
    // Array nodes: total(map(scale, [1, 2, 3], factor 4)) = 4 + 8 + 12; a partial map.
    let out = json(&run(&cache, &["scale_each", "--xs", "[1,2,3]", "--k", "4"]));
    assert_eq!(out["o0"], 24);
    let out = json(&run(&cache, &["double_most", "--xs", "[1,2]"]));
    assert_eq!(out["o0"], serde_json::json!([2, 4]));
    let out = json(&run(&cache, &["scale_each", "--xs", "[]", "--k", "4"]));
    assert_eq!(out["o0"], 0);
    // A launch plan of the binary, its fixed factor 3.
    let out = json(&run(&cache, &["triple_each", "--xs", "[1,2]"]));
    assert_eq!(out["o0"], serde_json::json!([3, 6]));
    // Overrides change how a node runs, not its value.
    let out = json(&run(&cache, &["tuned_each", "--xs", "[1,2]"]));
    assert_eq!(out["o0"], serde_json::json!([2, 4]));
    // Gates: the approvals given on the command line.
    let out = json(&run(
        &cache,
        &[
            "--approve",
            "ok-0",
            "--approve",
            "ok-1",
            "gated",
            "--xs",
            "[0,1]",
        ],
    ));
    assert_eq!(out["o0"], serde_json::json!([0, 2]));
}

#[test]
fn isolated_runs_go_through_futures_pb() {
    // `--isolated` runs each task through `execute` in a subprocess: the dynamic task's writes
    // futures.pb, whose nodes then run here.
    let cache = scratch("isolated-cache");
    let out = json(&run(&cache, &["--isolated", "dyn_sum", "--xs", "[1,2,3]"]));
    assert_eq!(out["o0"], 20);
    let out = json(&run(&cache, &["--isolated", "nested", "--n", "3"]));
    assert_eq!(out["o0"], 12);
    let out = json(&run(&cache, &["--isolated", "maybe_sum", "--xs", "[]"]));
    assert_eq!(out["o0"], 0);
    let out = json(&run(
        &cache,
        &["--isolated", "scale_each", "--xs", "[1,2,3]", "--k", "4"],
    ));
    assert_eq!(out["o0"], 24);
    let out = json(&run(
        &cache,
        &["--isolated", "triple_each", "--xs", "[1,2]"],
    ));
    assert_eq!(out["o0"], serde_json::json!([3, 6]));
    let out = json(&run(
        &cache,
        &["--isolated", "--approve", "ok-0", "gated", "--xs", "[0]"],
    ));
    assert_eq!(out["o0"], serde_json::json!([0]));
    let output = run(&cache, &["--isolated", "picky", "--n", "-1"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("USER:RuntimeError: cannot handle -1"));
}

#[test]
fn graph_shows_a_dynamic_task_as_one_node() {
    let output = Command::new(BINARY)
        .args(["graph", "dyn_sum"])
        .output()
        .unwrap();
    let dot = String::from_utf8_lossy(&output.stdout);
    assert!(dot.contains("n0: cube_each"), "{dot}");
    assert!(dot.contains("n1: total"), "{dot}");
    assert!(!dot.contains("dn0"), "{dot}");
}

#[test]
fn failing_bodies_fail_the_node_as_user_errors() {
    let cache = scratch("fail-cache");
    let output = run(&cache, &["picky", "--n", "-1"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot handle -1"), "{stderr}");
    let output = run(&cache, &["superstitious", "--n", "13"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not 13"), "{stderr}");
    assert_eq!(json(&run(&cache, &["picky", "--n", "5"]))["o0"], 10);
}

#[test]
fn a_recoverable_failure_of_the_body_is_retried_within_its_budget() {
    let cache = scratch("retry-cache");
    assert_eq!(json(&run(&cache, &["flaky_once", "--n", "4"]))["o0"], 8);
    let output = run(&cache, &["flaky_always", "--n", "4"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Attempt 1 is the last: one retry, then the node fails with that attempt's error.
    assert!(stderr.contains("attempt 1 of 4 fails"), "{stderr}");
}

#[test]
fn a_cached_dynamic_task_is_a_cache_hit_the_second_time() {
    let cache = scratch("cached");
    let first = run(&cache, &["-v", "cached_each", "--xs", "[1,2]"]);
    assert_eq!(json(&first)["o0"], serde_json::json!([2, 4]));
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stderr.contains("n0-dn1"), "the sub-nodes ran: {stderr}");
    let second = run(&cache, &["-v", "cached_each", "--xs", "[1,2]"]);
    assert_eq!(json(&second)["o0"], serde_json::json!([2, 4]));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("cached"), "a cache hit: {stderr}");
    assert!(!stderr.contains("n0-dn1"), "no sub-node ran: {stderr}");
}

/// The `_F_SS_C` our `serialize` puts in the environment of dynamic task `task`.
fn serialized_context(dir: &Path, task: &str) -> String {
    use flytekit::idl::admin::TaskSpec;
    use prost::Message;
    let specs = dir.join("specs");
    if !specs.exists() {
        let output = Command::new(BINARY)
            .args(["serialize", "--image", "ghcr.io/x/y:1", "-o"])
            .arg(&specs)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
    }
    let file = std::fs::read_dir(&specs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .ends_with(&format!(".{task}_1.pb"))
        })
        .unwrap_or_else(|| panic!("no spec of {task}"));
    let spec = TaskSpec::decode(std::fs::read(file).unwrap().as_slice()).unwrap();
    let Some(flytekit::idl::core::task_template::Target::Container(container)) =
        spec.template.unwrap().target
    else {
        panic!("{task} has no container");
    };
    container
        .env
        .into_iter()
        .find(|e| e.key == "_F_SS_C")
        .map(|e| e.value)
        .unwrap_or_else(|| panic!("{task} has no _F_SS_C"))
}

/// Runs our `execute` for `task` on `dir/inputs.pb` into `dir/ours`, in the same execution as
/// dynamic_peer.py's; the specs serialized for its environment go to `specs/specs`.
fn execute(dir: &Path, task: &str, specs: &Path) -> Output {
    let ours = dir.join("ours");
    std::fs::create_dir_all(&ours).unwrap();
    let context = serialized_context(specs, task);
    Command::new(BINARY)
        .env("TMPDIR", dir)
        .env("FLYTE_INTERNAL_EXECUTION_PROJECT", "proj")
        .env("FLYTE_INTERNAL_EXECUTION_DOMAIN", "dev")
        .env("FLYTE_INTERNAL_EXECUTION_ID", "exec1")
        .env("FLYTE_INTERNAL_TASK_VERSION", "v7")
        .env("_F_SS_C", context)
        .args(["execute", "--inputs"])
        .arg(dir.join("inputs.pb"))
        .arg("--output-prefix")
        .arg(&ours)
        .arg("--raw-output-data-prefix")
        .arg(dir.join("raw"))
        .args(["--", task])
        .output()
        .unwrap()
}

fn write_inputs(case: &str, dir: &Path) {
    python().run_script(
        "dynamic_peer.py",
        &[
            "write-inputs".as_ref(),
            case.as_ref(),
            dir.join("inputs.pb").as_os_str(),
        ],
    );
}

#[test]
fn futures_match_what_pyflyte_execute_writes() {
    let base = scratch("futures");
    for (case, task, expect) in [
        (
            "cube_each_123",
            "cube_each",
            "ok: futures.pb (5 nodes, 1 tasks, 0 sub-workflows)",
        ),
        ("cube_each_empty", "cube_each", "ok: outputs.pb"),
        (
            "nested_3",
            "nested",
            "ok: futures.pb (4 nodes, 2 tasks, 1 sub-workflows)",
        ),
        (
            "launch_each_12",
            "launch_each",
            "ok: futures.pb (2 nodes, 0 tasks, 0 sub-workflows)",
        ),
        ("maybe_sum_empty", "maybe_sum", "ok: outputs.pb"),
        // A dynamic task calling a dynamic task: a task node of the inner one.
        (
            "outer_3",
            "outer",
            "ok: futures.pb (2 nodes, 2 tasks, 0 sub-workflows)",
        ),
        (
            "maybe_sum_12",
            "maybe_sum",
            "ok: futures.pb (1 nodes, 1 tasks, 0 sub-workflows)",
        ),
        // Array nodes: the map task's template travels with the spec, as flytekit writes it.
        (
            "scale_each_123",
            "scale_each",
            "ok: futures.pb (2 nodes, 2 tasks, 0 sub-workflows)",
        ),
        (
            "double_most_12",
            "double_most",
            "ok: futures.pb (1 nodes, 1 tasks, 0 sub-workflows)",
        ),
        // Launch plans of the binary (`launch_plan!`): launch-plan nodes in the execution's
        // project and domain, at the task's version, as registration put the plan there; the
        // plan's workflow's task is listed too, as flytekit lists it.
        (
            "triple_each_12",
            "triple_each",
            "ok: futures.pb (2 nodes, 1 tasks, 0 sub-workflows)",
        ),
        // Overrides of each node, from the data.
        (
            "tuned_each_12",
            "tuned_each",
            "ok: futures.pb (2 nodes, 1 tasks, 0 sub-workflows)",
        ),
        // Gate nodes: sleeps ordered after a node, approvals of a value.
        (
            "gated_12",
            "gated",
            "ok: futures.pb (6 nodes, 1 tasks, 0 sub-workflows)",
        ),
    ] {
        let dir = base.join(case);
        std::fs::create_dir_all(&dir).unwrap();
        write_inputs(case, &dir);
        let output = execute(&dir, task, &base);
        assert!(
            output.status.success(),
            "{case}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report = python().run_script(
            "dynamic_peer.py",
            &["check".as_ref(), case.as_ref(), dir.as_os_str()],
        );
        assert_eq!(report.trim(), expect, "{case}");
    }
}

#[test]
fn the_template_of_a_dynamic_task_carries_flytekits_serialization_context() {
    let dir = scratch("context");
    let ours = serialized_context(&dir, "cube_each");
    let report = python().run_script(
        "dynamic_peer.py",
        &["context".as_ref(), "cube_each".as_ref(), ours.as_ref()],
    );
    assert_eq!(report.trim(), "ok");
}

#[test]
fn execute_refuses_reference_tasks_in_a_dynamic_workflow() {
    let dir = scratch("reference");
    use flytekit::prelude::FlyteType;
    use prost::Message;
    let inputs = flytekit::idl::core::LiteralMap {
        literals: [("xs".to_string(), vec![1_i64].to_literal().unwrap())].into(),
    };
    std::fs::write(dir.join("inputs.pb"), inputs.encode_to_vec()).unwrap();
    let output = execute(&dir, "remote_each", &dir);
    assert!(output.status.success(), "{output:?}");
    let text = python().run_script(
        "dynamic_peer.py",
        &["read-error".as_ref(), dir.join("ours/error.pb").as_os_str()],
    );
    let error: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(error["error"]["origin"], "USER", "{error}");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("`shared.double` is not in this binary"),
        "{message}"
    );
}

#[test]
fn a_failing_body_writes_a_user_error() {
    let dir = scratch("failing");
    // inputs.pb of `picky(n = -1)`, written with our own types.
    use flytekit::prelude::FlyteType;
    use prost::Message;
    let inputs = flytekit::idl::core::LiteralMap {
        literals: [("n".to_string(), (-1_i64).to_literal().unwrap())].into(),
    };
    std::fs::write(dir.join("inputs.pb"), inputs.encode_to_vec()).unwrap();
    let output = execute(&dir, "picky", &dir);
    assert!(output.status.success(), "{output:?}");
    assert!(!dir.join("ours/futures.pb").exists());
    let text = python().run_script(
        "dynamic_peer.py",
        &["read-error".as_ref(), dir.join("ours/error.pb").as_os_str()],
    );
    let error: serde_json::Value = serde_json::from_str(&text).unwrap();
    // NON_RECOVERABLE is the proto default, which JSON leaves out.
    assert!(error["error"].get("kind").is_none(), "{error}");
    assert_eq!(error["error"]["origin"], "USER", "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot handle -1"),
        "{error}"
    );
}
