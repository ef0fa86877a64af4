//! The container entrypoint (`execute`) with Python flytekit as the peer: flytekit writes
//! inputs.pb, our binary runs the task as a Flyte pod would, and flytekit reads outputs.pb or
//! error.pb. Malformed and missing inputs must give an error.pb that names the problem; never a
//! panic, never a missing file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flytekit_tests::PythonEnv;

const BINARY: &str = env!("CARGO_BIN_EXE_flytekit-test-tasks");

fn python() -> PythonEnv {
    PythonEnv::get(env!("CARGO_TARGET_TMPDIR"))
}

fn scratch(name: &str) -> PathBuf {
    flytekit_tests::scratch_dir(env!("CARGO_TARGET_TMPDIR"), "entrypoint", name)
}

/// Runs `execute` exactly as the container contract describes, with placeholders the backend
/// leaves unsubstituted on a first attempt. Its temp dir is `dir/tmp`.
fn execute(dir: &Path, task: &str, env: &[(&str, &str)]) -> Output {
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut command = Command::new(BINARY);
    command
        .env("TMPDIR", &tmp)
        .args(["execute", "--inputs"])
        .arg(dir.join("inputs.pb"))
        .arg("--output-prefix")
        .arg(dir)
        .args(["--raw-output-data-prefix", "{{.rawOutputDataPrefix}}"])
        .args(["--checkpoint-path", "{{.checkpointOutputPrefix}}"])
        .args(["--prev-checkpoint", "\"\""])
        .args(["--", task]);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn write_inputs(case: &str, dir: &Path) {
    python().run_script(
        "entrypoint_peer.py",
        &[
            "write-inputs".as_ref(),
            case.as_ref(),
            dir.join("inputs.pb").as_os_str(),
        ],
    );
}

fn read_error(dir: &Path) -> serde_json::Value {
    assert!(
        !dir.join("outputs.pb").exists(),
        "a failed task must not leave outputs.pb"
    );
    let text = python().run_script(
        "entrypoint_peer.py",
        &["read-error".as_ref(), dir.join("error.pb").as_os_str()],
    );
    serde_json::from_str(&text).unwrap()
}

fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "execute failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn flytekit_inputs_in_flytekit_outputs_out() {
    for (case, task) in [
        ("add", "flytekit_test_tasks.add"),
        ("add_default", "add"),
        ("shift", "shift"),
    ] {
        let dir = scratch(case);
        write_inputs(case, &dir);
        let output = execute(&dir, task, &[]);
        assert_success(&output);
        assert!(!dir.join("error.pb").exists());
        let report = python().run_script(
            "entrypoint_peer.py",
            &[
                "read-outputs".as_ref(),
                case.as_ref(),
                dir.join("outputs.pb").as_os_str(),
            ],
        );
        assert_eq!(report.trim(), "ok", "{case}");
    }
}

/// What an execution left in its temp dir.
fn left_in_tmp(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir.join("tmp"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect()
}

#[test]
fn executions_leave_nothing_in_the_temp_dir() {
    let dir = scratch("tmp-add");
    write_inputs("add", &dir);
    assert_success(&execute(&dir, "add", &[]));
    assert!(dir.join("outputs.pb").exists());
    assert_eq!(left_in_tmp(&dir), Vec::<PathBuf>::new(), "after a success");

    let dir = scratch("tmp-explode");
    write_inputs("explode", &dir);
    assert_success(&execute(&dir, "explode", &[]));
    assert!(dir.join("error.pb").exists());
    assert_eq!(left_in_tmp(&dir), Vec::<PathBuf>::new(), "after a failure");
}

#[test]
fn a_failing_task_writes_error_pb_and_exits_zero() {
    let dir = scratch("explode");
    write_inputs("explode", &dir);
    let output = execute(&dir, "explode", &[]);
    assert_success(&output);
    let error = read_error(&dir);
    assert_eq!(error["code"], "USER:RuntimeError");
    assert_eq!(error["message"], "cannot handle 1");
    assert_eq!(error["kind"], "NON_RECOVERABLE");
    assert_eq!(error["origin"], "USER");
    assert_eq!(error["has_timestamp"], true);
}

#[test]
fn fail_on_error_makes_the_exit_code_non_zero() {
    let dir = scratch("fail-on-error");
    write_inputs("explode", &dir);
    let output = execute(&dir, "explode", &[("FLYTE_FAIL_ON_ERROR", "true")]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(read_error(&dir)["code"], "USER:RuntimeError");
}

#[test]
fn recoverable_errors_and_panics_are_classified() {
    let dir = scratch("busy");
    std::fs::write(dir.join("inputs.pb"), []).unwrap(); // an empty LiteralMap
    assert_success(&execute(&dir, "busy", &[]));
    let error = read_error(&dir);
    assert_eq!(
        (error["code"].as_str(), error["kind"].as_str()),
        (Some("USER:Recoverable"), Some("RECOVERABLE"))
    );

    let dir = scratch("panics");
    write_inputs("explode", &dir); // {a: 1}
    assert_success(&execute(&dir, "panics", &[]));
    let error = read_error(&dir);
    assert_eq!(error["code"], "USER:Panic");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("task panicked at tests/bin/test_tasks.rs:")
            && message.ends_with(": boom at 1"),
        "{message}"
    );
    assert_eq!(error["kind"], "NON_RECOVERABLE");
}

#[test]
fn malformed_missing_and_mistyped_inputs_name_the_problem() {
    let dir = scratch("malformed");
    std::fs::write(dir.join("inputs.pb"), b"\xff\xff\xff not protobuf").unwrap();
    assert_success(&execute(&dir, "add", &[]));
    let error = read_error(&dir);
    assert_eq!(
        (
            error["code"].as_str(),
            error["origin"].as_str(),
            error["kind"].as_str()
        ),
        (Some("SYSTEM"), Some("SYSTEM"), Some("NON_RECOVERABLE"))
    );
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("are not a valid LiteralMap (inputs.pb)"),
        "{message}"
    );

    let dir = scratch("missing");
    assert_success(&execute(&dir, "add", &[]));
    let error = read_error(&dir);
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with("cannot read the inputs: `")
            && message.ends_with("inputs.pb` does not exist"),
        "{message}"
    );
    assert_eq!(
        error["kind"], "RECOVERABLE",
        "storage may be eventually consistent: worth a retry"
    );

    let dir = scratch("wrong-type");
    write_inputs("wrong_type", &dir);
    assert_success(&execute(&dir, "add", &[]));
    assert_eq!(
        read_error(&dir)["message"],
        "input `a`: expected `i64` (INTEGER), found STRING \"five\""
    );

    let dir = scratch("unknown-task");
    write_inputs("add", &dir);
    assert_success(&execute(&dir, "no_such_task", &[]));
    let message = read_error(&dir)["message"].as_str().unwrap().to_string();
    assert!(
        message.starts_with(
            "no task named `no_such_task` in this binary; it has: `flytekit_test_tasks.aborts`"
        ),
        "{message}"
    );
}

#[test]
fn map_task_elements_pick_their_index() {
    let dir = scratch("map");
    write_inputs("map", &dir);
    assert_success(&execute(
        &dir,
        "scale",
        &[
            ("FLYTE_K8S_ARRAY_INDEX", "0"),
            ("BATCH_JOB_ARRAY_INDEX_OFFSET", "1"),
        ],
    ));
    let report = python().run_script(
        "entrypoint_peer.py",
        &[
            "read-outputs".as_ref(),
            "map".as_ref(),
            dir.join("outputs.pb").as_os_str(),
        ],
    );
    assert_eq!(report.trim(), "ok");
}

#[test]
fn an_aborting_task_fails_without_outputs() {
    let dir = scratch("aborts");
    std::fs::write(dir.join("inputs.pb"), []).unwrap();
    let output = execute(&dir, "aborts", &[]);
    assert!(!output.status.success());
    assert!(!dir.join("outputs.pb").exists());
}

/// The container line of `scale_all`'s map-task entity, as `serialize` writes it for Flyte, with
/// the placeholders a pod gets filled in for `dir`.
fn map_task_command(dir: &Path) -> Command {
    use flytekit::idl::admin::TaskSpec;
    use flytekit::idl::core::task_template::Target;
    use flytekit::idl::prost::Message;
    let specs = dir.join("specs");
    let output = Command::new(BINARY)
        .args(["serialize", "--image", "ghcr.io/x/app:1", "--output"])
        .arg(&specs)
        .output()
        .unwrap();
    assert_success(&output);
    let file = std::fs::read_dir(&specs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.contains(".map_scale_") && name.ends_with("-arraynode_1.pb")
        })
        .expect("serialize wrote the map task of `scale_all`");
    let spec = TaskSpec::decode(std::fs::read(file).unwrap().as_slice()).unwrap();
    let template = spec.template.unwrap();
    assert_eq!(template.task_type_version, 1);
    let Some(Target::Container(container)) = template.target else {
        panic!("the map task runs a container")
    };
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut command = Command::new(BINARY);
    command.env("TMPDIR", &tmp);
    for arg in &container.args {
        match arg.as_str() {
            "{{.input}}" => command.arg(dir.join("inputs.pb")),
            "{{.outputPrefix}}" => command.arg(dir),
            other => command.arg(other),
        };
    }
    command
}

#[test]
fn the_map_task_entity_runs_each_element_as_an_array_node_does() {
    for index in 0..3 {
        let case = format!("map_element_{index}");
        let dir = scratch(&case);
        write_inputs(&case, &dir);
        let output = map_task_command(&dir)
            .env("FLYTE_K8S_ARRAY_INDEX", index.to_string())
            .output()
            .unwrap();
        assert_success(&output);
        let report = python().run_script(
            "entrypoint_peer.py",
            &[
                "read-outputs".as_ref(),
                case.as_ref(),
                dir.join("outputs.pb").as_os_str(),
            ],
        );
        assert_eq!(report.trim(), "ok", "element {index}");
    }
}

#[test]
fn the_map_task_entity_without_an_index_or_a_list_writes_error_pb() {
    let dir = scratch("map_no_index");
    write_inputs("map_element_0", &dir);
    let mut command = map_task_command(&dir);
    command.env_remove("FLYTE_K8S_ARRAY_INDEX");
    assert_success(&command.output().unwrap());
    let error = read_error(&dir);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("`FLYTE_K8S_ARRAY_INDEX` is not set"),
        "{error}"
    );

    let dir = scratch("map_not_a_list");
    write_inputs("map_not_a_list", &dir);
    let output = map_task_command(&dir)
        .env("FLYTE_K8S_ARRAY_INDEX", "0")
        .output()
        .unwrap();
    assert_success(&output);
    let error = read_error(&dir);
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("mapped input `x` is not a list"),
        "{error}"
    );
}

#[test]
fn a_binary_that_cannot_start_still_writes_error_pb() {
    let dir = scratch("clashing");
    write_inputs("add", &dir);
    let output = Command::new(env!("CARGO_BIN_EXE_flytekit-clashing"))
        .args(["execute", "--inputs"])
        .arg(dir.join("inputs.pb"))
        .arg("--output-prefix")
        .arg(&dir)
        .args(["--", "clash.add"])
        .output()
        .unwrap();
    assert_success(&output);
    let error = read_error(&dir);
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("this binary cannot start") && message.contains("`clash.add`"),
        "{error}"
    );
    // Every other command stops at once, naming the clash.
    let output = Command::new(env!("CARGO_BIN_EXE_flytekit-clashing"))
        .arg("list")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("two entities are named `clash.add`"));
}
