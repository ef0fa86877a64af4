//! The command line of a user's binary for workflows: `run` with inputs and defaults, `--help`
//! listing inputs, failures reported with the node, and `graph` in both formats.

use std::process::{Command, Output};

const BINARY: &str = env!("CARGO_BIN_EXE_flytekit-test-tasks");

fn cli(args: &[&str]) -> Output {
    Command::new(BINARY)
        .args(args)
        .env("FLYTEKIT_CACHE_DIR", env!("CARGO_TARGET_TMPDIR"))
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn run_a_workflow_with_inputs_and_defaults() {
    let output = cli(&["run", "--json", "add_then_scale", "--a", "2"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), r#"{"o0":50}"#); // (2 + 3) * 10
    let output = cli(&["run", "add_then_scale", "--a", "2", "--k", "2", "--json"]);
    assert_eq!(stdout(&output).trim(), r#"{"o0":10}"#);
}

#[test]
fn an_imperative_workflow_is_listed_run_graphed_and_packaged() {
    let output = cli(&["run", "--json", "add_and_double", "--x", "4"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), r#"{"o0":14}"#); // (4 + 3) * 2
    let listed = stdout(&cli(&["list"]));
    assert!(
        listed.contains("flytekit_test_tasks.add_and_double"),
        "{listed}"
    );
    let graph = stdout(&cli(&["graph", "add_and_double"]));
    assert!(graph.contains("n1: scale"), "{graph}");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-imperative");
    let _ = std::fs::remove_dir_all(&dir);
    let output = cli(&[
        "serialize",
        "--image",
        "x:1",
        "--output",
        dir.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for kind in ["2", "3"] {
        assert!(
            names
                .iter()
                .any(|n| n.ends_with(&format!("flytekit_test_tasks.add_and_double_{kind}.pb"))),
            "{names:?}"
        );
    }
}

#[test]
fn list_shows_reference_entities_with_where_they_are_registered() {
    let output = cli(&["list"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let line = |prefix: &str| {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting with `{prefix}`:\n{text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        line("reference task"),
        "reference task core.add in flytesnacks/development version v1; runs flytekit_test_tasks.add locally"
    );
    assert_eq!(
        line("reference workflow"),
        "reference workflow core.pipeline in flytesnacks/production version v4"
    );
    // What follows the name lines up with the tasks' descriptions.
    let column = |prefix: &str, after: &str| {
        let l = text.lines().find(|l| l.starts_with(prefix)).unwrap();
        l.find(after).unwrap()
    };
    assert_eq!(
        column("reference task", "in flytesnacks"),
        column("task  flytekit_test_tasks.add ", "Adds two numbers.")
    );

    let output = cli(&["list", "--json"]);
    let entries: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let task = entries
        .iter()
        .find(|e| e["kind"] == "reference_task")
        .expect("a reference_task entry");
    assert_eq!(task["name"], "core.add");
    assert_eq!(task["project"], "flytesnacks");
    assert_eq!(task["version"], "v1");
    assert_eq!(task["local"], "flytekit_test_tasks.add");
    let workflow = entries
        .iter()
        .find(|e| e["kind"] == "reference_workflow")
        .expect("a reference_workflow entry");
    assert_eq!(workflow["local"], serde_json::Value::Null);
    assert!(workflow["location"]
        .as_str()
        .is_some_and(|l| l.contains("test_tasks.rs")));
}

#[test]
fn help_lists_a_workflows_inputs() {
    let output = cli(&["run", "add_then_scale", "--help"]);
    let text = stdout(&output);
    assert!(
        text.contains("flytekit_test_tasks.add_then_scale (workflow)"),
        "{text}"
    );
    assert!(
        text.contains("--a <INTEGER>\n  --k <INTEGER> (default: 10)"),
        "{text}"
    );
}

#[test]
fn a_failing_workflow_names_the_node() {
    let output = cli(&["run", "add_then_scale", "--a", "-10"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("the total must be positive"), "{text}");
    let output = cli(&["run", "add_then_scale"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("missing input `--a`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn graph_draws_branches_as_clusters() {
    let dot = stdout(&cli(&["graph", "add_then_scale"]));
    assert!(
        dot.starts_with("digraph \"flytekit_test_tasks.add_then_scale\""),
        "{dot}"
    );
    assert!(dot.contains("subgraph cluster_n1"), "{dot}");
    assert!(dot.contains("n1 -> n1_n0 [label=\"case 0\"]"), "{dot}");
    let mermaid = stdout(&cli(&["graph", "add_then_scale", "--format", "mermaid"]));
    assert!(mermaid.starts_with("flowchart LR"), "{mermaid}");
    assert!(mermaid.contains("n1{\"n1: picked (branch)\"}"), "{mermaid}");
    let output = cli(&["graph", "nope"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn run_a_launch_plan_with_its_fixed_and_default_inputs() {
    let demo = env!("CARGO_BIN_EXE_flytekit-package-demo");
    let run = |args: &[&str]| {
        Command::new(demo)
            .args(args)
            .env("FLYTEKIT_CACHE_DIR", env!("CARGO_TARGET_TMPDIR"))
            .output()
            .unwrap()
    };
    let help = stdout(&run(&["run", "nightly_pipeline", "--help"]));
    assert!(help.starts_with("nightly_pipeline (launch plan)"), "{help}");
    assert!(
        !help.contains("--a "),
        "a fixed input is not an input of the plan: {help}"
    );
    let output = run(&["run", "--json", "nightly_pipeline"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).trim(),
        r#"{"o0":50,"o1":{"x":1.5,"y":2.5},"o2":[1,4,9]}"#
    );
    let output = run(&["run", "nightly_pipeline", "--a", "1"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a fixed input cannot be given"
    );
}

#[test]
fn json_inputs_that_do_not_parse_name_the_input_and_the_problem() {
    let cases: [(&[&str], &str, &str); 3] = [
        (
            &["run", "shift", "--p", r#"{"x": 1, "y": "#, "--by", "1"],
            "input `--p`: `{\"x\": 1, \"y\": ` is not valid JSON:",
            "EOF while parsing a value at line 1 column 14",
        ),
        (
            &["run", "summarize", "--tags", r#"["a","#, "--weights", "{}"],
            "input `--tags`: `[\"a\",` is not valid JSON:",
            "EOF while parsing a value at line 1 column 5",
        ),
        (
            &[
                "run",
                "summarize",
                "--tags",
                "[]",
                "--weights",
                r#"{"w": 1.5"#,
            ],
            "input `--weights`: `{\"w\": 1.5` is not valid JSON:",
            "EOF while parsing an object at line 1 column 9",
        ),
    ];
    for (args, names, problem) in cases {
        let output = cli(args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        let err = stderr(&output);
        assert!(
            err.starts_with(&format!("error: {names}")),
            "{args:?}: {err}"
        );
        assert!(err.contains(problem), "{args:?}: {err}");
    }
}

#[test]
fn an_omitted_optional_input_is_none() {
    let output = cli(&[
        "run",
        "--json",
        "summarize",
        "--tags",
        r#"["a","b"]"#,
        "--weights",
        r#"{"w":1.5}"#,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), r#"{"o0":"a,b; w=1.5; note=None"}"#);
    let output = cli(&[
        "run",
        "--json",
        "summarize",
        "--tags",
        "[]",
        "--weights",
        "{}",
        "--note",
        "hi",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), r#"{"o0":"; ; note=Some(\"hi\")"}"#);
}

/// The Dockerfile puts the binary exactly where the packaged tasks' command lines run it.
#[test]
fn the_dockerfile_puts_the_binary_where_package_points() {
    use prost::Message;
    let dockerfile = stdout(&cli(&["dockerfile"]));
    assert!(
        dockerfile.contains("cargo build --release --locked --bin flytekit-test-tasks"),
        "{dockerfile}"
    );
    let copy = "COPY --from=build /flytekit-test-tasks /usr/local/bin/flytekit-test-tasks\n";
    assert!(dockerfile.contains(copy), "{dockerfile}");

    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-dockerfile");
    let _ = std::fs::remove_dir_all(&dir);
    let output = cli(&[
        "serialize",
        "--image",
        "x:1",
        "--output",
        dir.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let task_file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.to_string_lossy()
                .ends_with("flytekit_test_tasks.add_1.pb")
        })
        .expect("the add task is packaged");
    let spec = flytekit::idl::admin::TaskSpec::decode(std::fs::read(task_file).unwrap().as_slice())
        .unwrap();
    let container = match spec.template.unwrap().target {
        Some(flytekit::idl::core::task_template::Target::Container(c)) => c,
        other => panic!("not a container task: {other:?}"),
    };
    let first = container.command.first().or(container.args.first());
    assert_eq!(
        first.map(String::as_str),
        Some("/usr/local/bin/flytekit-test-tasks"),
        "{container:?}"
    );

    // Another path moves both.
    let custom = stdout(&cli(&["dockerfile", "--entrypoint", "/app/run"]));
    assert!(
        custom.contains("COPY --from=build /flytekit-test-tasks /app/run\n"),
        "{custom}"
    );
    assert!(custom.contains("--entrypoint /app/run"), "{custom}");
}

/// Locally every attempt gets a checkpoint folder and the one before it, in process and in
/// isolated mode (through `execute`, as a pod).
#[test]
fn a_local_retry_resumes_from_the_checkpoint() {
    for isolated in [false, true] {
        let mut args = vec!["run", "--json"];
        if isolated {
            args.push("--isolated");
        }
        args.extend(["resumes", "--label", "local"]);
        let output = cli(&args);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(
            stdout(&output).trim(),
            r#"{"o0":"resumed from local saved by attempt 0 in attempt 1"}"#,
            "isolated: {isolated}"
        );
    }
}

/// A task that ignores its outputs succeeds without any; a node reading one of them fails and
/// says which. In process and in isolated mode alike.
#[test]
fn ignored_outputs_locally() {
    for isolated in [false, true] {
        let with = |rest: &[&'static str]| {
            let mut args = vec!["run", "--json"];
            if isolated {
                args.push("--isolated");
            }
            args.extend_from_slice(rest);
            cli(&args)
        };
        let output = with(&["ranked", "--rank", "1"]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(stdout(&output).trim(), "{}", "isolated: {isolated}");
        let output = with(&["ranked_then_scaled", "--rank", "0"]);
        assert_eq!(
            stdout(&output).trim(),
            r#"{"o0":200}"#,
            "isolated: {isolated}"
        );
        let output = with(&["ranked_then_scaled", "--rank", "1"]);
        assert!(!output.status.success());
        let message = stderr(&output);
        assert!(message.contains("o0"), "isolated: {isolated}: {message}");
    }
}

/// Locally the context names the node and the run, and gives a checkpoint folder.
#[test]
fn the_local_task_context() {
    let output = cli(&["run", "--json", "context_report"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let outputs: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    let report: serde_json::Value = serde_json::from_str(outputs["o0"].as_str().unwrap()).unwrap();
    assert_eq!(report["execution"], serde_json::json!(["", "", "local"]));
    assert_eq!(report["task"][2], "flytekit_test_tasks.context_report");
    assert_eq!(report["node"], "n0");
    assert_eq!(report["attempt"], 0);
    assert!(
        (0..60).contains(&report["date_age_s"].as_i64().unwrap()),
        "{report}"
    );
    assert_eq!(report["output_prefix"], serde_json::Value::Null);
    assert!(report["checkpoint"][0].is_string(), "{report}");
    assert_eq!(report["checkpoint"][1], serde_json::Value::Null);
    assert_eq!(report["working_dir_exists"], true);
}

/// Locally the deck goes to the attempt's working dir and `run` says where, in process and
/// isolated.
#[test]
fn a_local_run_writes_the_deck_and_prints_its_path() {
    for isolated in [false, true] {
        let mut args = vec!["run", "--json"];
        if isolated {
            args.push("--isolated");
        }
        args.extend(["with_deck", "--title", "local"]);
        let output = cli(&args);
        assert!(output.status.success(), "{}", stderr(&output));
        let err = stderr(&output);
        let line = err
            .lines()
            .find(|l| l.contains("wrote its deck: "))
            .unwrap_or_else(|| panic!("no deck line (isolated: {isolated}): {err}"));
        let path = std::path::PathBuf::from(line.split("wrote its deck: ").nth(1).unwrap());
        let deck = std::fs::read_to_string(&path).unwrap();
        assert!(deck.contains("<h1>local</h1>"), "{deck}");
        // flytekit's default decks, locally as in the container.
        assert!(
            deck.contains("<td>title</td><td>&quot;local&quot;</td>"),
            "{deck}"
        );
        assert!(deck.contains("<td>o0</td><td>7</td>"), "{deck}");
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }
}
