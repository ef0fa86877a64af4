//! Files and directories on real object storage: an S3-compatible server on 127.0.0.1 (moto,
//! started by the test itself), our `execute` and flytekit's `pyflyte-execute` each run the way a
//! cluster runs a task, flytekit making the inputs and reading the outputs, boto3 checking the
//! exact object keys.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flytekit_tests::{python_dir, PythonEnv, S3Server};
use serde_json::{json, Value};

const BINARY: &str = env!("CARGO_BIN_EXE_flytekit-test-tasks");

fn python() -> PythonEnv {
    PythonEnv::get(env!("CARGO_TARGET_TMPDIR"))
}

fn server() -> &'static S3Server {
    S3Server::get(&python())
}

fn scratch(name: &str) -> PathBuf {
    flytekit_tests::scratch_dir(env!("CARGO_TARGET_TMPDIR"), "object_storage", name)
}

/// Runs tests/python/storage_peer.py against the server; returns its stdout.
fn peer(args: &[&str]) -> String {
    let python = python();
    let mut command = python.command(python.python());
    command
        .arg(python_dir().join("storage_peer.py"))
        .args(args)
        .current_dir(python_dir())
        .envs(server().env());
    let output = command.output().expect("python starts");
    assert!(
        output.status.success(),
        "storage_peer.py {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn peer_json(args: &[&str]) -> Value {
    let text = peer(args);
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{err}: {text}"))
}

/// Where node `node` of execution `run` keeps its metadata and its raw data.
struct Node {
    metadata: String,
    raw: String,
}

impl Node {
    fn new(run: &str, node: &str) -> Node {
        Node {
            metadata: server().uri(&format!("{run}/metadata/{node}")),
            raw: server().uri(&format!("{run}/raw/{node}")),
        }
    }

    fn inputs(&self) -> String {
        format!("{}/inputs.pb", self.metadata)
    }

    fn outputs(&self) -> String {
        format!("{}/outputs.pb", self.metadata)
    }

    fn error(&self) -> String {
        format!("{}/error.pb", self.metadata)
    }
}

/// Our `execute`, as the container contract runs it, with data on the server.
fn execute(node: &Node, task: &str, tmp: &Path) -> Output {
    let output = rust_command(node, task, tmp, &server().env());
    assert!(
        output.status.success(),
        "execute {task} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn rust_command(node: &Node, task: &str, tmp: &Path, env: &[(&str, String)]) -> Output {
    std::fs::create_dir_all(tmp).unwrap();
    Command::new(BINARY)
        .env("TMPDIR", tmp)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .args(["execute", "--inputs", &node.inputs()])
        .args(["--output-prefix", &node.metadata])
        .args(["--raw-output-data-prefix", &node.raw])
        .args(["--", task])
        .output()
        .expect("the test binary starts")
}

/// flytekit's own entrypoint running a task of tests/python/storage_tasks.py.
fn pyflyte_execute(node: &Node, task: &str) {
    let python = python();
    let output = python
        .command(python.script("pyflyte-execute"))
        .current_dir(python_dir())
        .envs(server().env())
        .args(["--inputs", &node.inputs()])
        .args(["--output-prefix", &node.metadata])
        .args(["--raw-output-data-prefix", &node.raw])
        .args([
            "--resolver",
            "flytekit.core.python_auto_container.default_task_resolver",
            "--",
            "task-module",
            "storage_tasks",
            "task-name",
            task,
        ])
        .output()
        .expect("pyflyte-execute starts");
    assert!(
        output.status.success(),
        "pyflyte-execute {task} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let keys = peer_json(&["keys", &format!("{}/", node.metadata)]);
    assert!(
        keys.as_array()
            .unwrap()
            .iter()
            .any(|k| k.as_str().unwrap().ends_with("/outputs.pb")),
        "pyflyte-execute {task} wrote no outputs.pb: {keys}"
    );
}

fn write_inputs(node: &Node, spec: Value) {
    peer(&["write-inputs", &node.inputs(), &spec.to_string()]);
}

fn read_outputs(node: &Node, spec: Value) -> Value {
    let keys = peer(&["keys", &format!("{}/", node.metadata)]);
    if keys.contains("/error.pb") {
        panic!("the task failed: {}", peer(&["read-error", &node.error()]));
    }
    peer_json(&["read-outputs", &node.outputs(), &spec.to_string()])
}

/// The outputs of `from` become the inputs of `to`, renamed as a workflow's bindings would.
fn bind(from: &Node, to: &Node, renames: &[&str]) {
    let mut args = vec!["rebind".to_string(), from.outputs(), to.inputs()];
    args.extend(renames.iter().map(ToString::to_string));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    peer(&args);
}

/// A raw-data URI of ours must be `<raw prefix>/<32 hex digits>/<rest>`, as flytekit writes.
fn assert_flytekit_layout(uri: &str, raw: &str, rest: &str) {
    let tail = uri
        .strip_prefix(raw)
        .and_then(|t| t.strip_prefix('/'))
        .unwrap_or_else(|| panic!("`{uri}` is not under `{raw}`"));
    let (random, after) = tail.split_once('/').unwrap_or((tail, ""));
    assert!(
        random.len() == 32 && random.bytes().all(|b| b.is_ascii_hexdigit()),
        "`{uri}`: `{random}` is not a 32-digit random part"
    );
    assert_eq!(after, rest, "`{uri}`");
}

#[test]
fn a_rust_file_a_python_directory_and_a_rust_listing() {
    let tmp = scratch("chain");
    // Rust writes a file.
    let n0 = Node::new("chain", "n0");
    write_inputs(&n0, json!({"text": ["str", "alpha\nbeta\ngamma"]}));
    execute(&n0, "write_report", &tmp);
    let out = read_outputs(&n0, json!({"o0": "file"}));
    let report = out["o0"].as_str().unwrap();
    let name = report.rsplit('/').next().unwrap();
    assert!(
        name.starts_with("report-") && name.ends_with(".txt"),
        "{report}"
    );
    assert_flytekit_layout(report, &n0.raw, name);
    let out = read_outputs(&n0, json!({"o0": "file_text"}));
    assert_eq!(out["o0"], "alpha\nbeta\ngamma");

    // Python reads it and writes a directory.
    let n1 = Node::new("chain", "n1");
    bind(&n0, &n1, &["o0=report"]);
    pyflyte_execute(&n1, "split_lines");
    let directory = read_outputs(&n1, json!({"o0": "dir"}))["o0"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(directory.starts_with("s3://"), "{directory}");

    // Rust lists it without downloading, then reads each file.
    let expected = json!([
        "line-0.txt=alpha",
        "line-1.txt=beta",
        "line-2.txt=gamma",
        "meta/count.txt=3"
    ]);
    let n2 = Node::new("chain", "n2");
    bind(&n1, &n2, &["o0=dir"]);
    execute(&n2, "list_texts", &tmp);
    assert_eq!(read_outputs(&n2, json!({"o0": "list_str"}))["o0"], expected);

    // And downloads all of it at once.
    let n3 = Node::new("chain", "n3");
    bind(&n1, &n3, &["o0=dir"]);
    execute(&n3, "download_texts", &tmp);
    assert_eq!(read_outputs(&n3, json!({"o0": "list_str"}))["o0"], expected);

    // An async task reads the Rust file too.
    let n4 = Node::new("chain", "n4");
    bind(&n0, &n4, &["o0=file"]);
    execute(&n4, "read_text_async", &tmp);
    assert_eq!(
        read_outputs(&n4, json!({"o0": "str"}))["o0"],
        "alpha\nbeta\ngamma"
    );
}

/// Names S3 takes as they are, and that an SDK re-encoding keys would break.
const ODD_NAMES: [&str; 7] = [
    "tilde~1.txt",
    "a b.txt",
    "100%.txt",
    "%7E.txt",
    "[1].txt",
    "ünïcødé ✓.txt",
    "sub/inner+plus.txt",
];

#[test]
fn odd_names_keep_their_exact_keys() {
    let tmp = scratch("odd-names");
    let n0 = Node::new("odd", "n0");
    write_inputs(&n0, json!({"names": ["list_str", ODD_NAMES]}));
    execute(&n0, "write_named", &tmp);
    let directory = read_outputs(&n0, json!({"o0": "dir"}))["o0"]
        .as_str()
        .unwrap()
        .to_string();
    assert_flytekit_layout(&directory, &n0.raw, "");

    // boto3 finds every object at exactly `<directory>/<name>`.
    let keys = peer_json(&["keys", &format!("{directory}/")]);
    let dir_key = directory.strip_prefix(&server().uri("")).unwrap();
    let mut expected: Vec<String> = ODD_NAMES.iter().map(|n| format!("{dir_key}/{n}")).collect();
    expected.sort();
    assert_eq!(keys, json!(expected));
    for name in ODD_NAMES {
        assert_eq!(
            peer(&["get", &format!("{directory}/{name}")]),
            format!("text of {name}")
        );
    }

    // flytekit reads the directory as we wrote it...
    let n1 = Node::new("odd", "n1");
    bind(&n0, &n1, &["o0=d"]);
    pyflyte_execute(&n1, "read_all");
    let mut lines: Vec<String> = ODD_NAMES
        .iter()
        .map(|n| format!("{n}=text of {n}"))
        .collect();
    lines.sort();
    assert_eq!(
        read_outputs(&n1, json!({"o0": "str"}))["o0"],
        lines.join("\n")
    );
    // ...and so do we.
    let n2 = Node::new("odd", "n2");
    bind(&n0, &n2, &["o0=dir"]);
    execute(&n2, "list_texts", &tmp);
    assert_eq!(
        read_outputs(&n2, json!({"o0": "list_str"}))["o0"],
        json!(lines)
    );

    // A single file keeps its name in its key, and reads back from exactly there.
    let name = "x~1 [a] 50%.txt";
    let n3 = Node::new("odd", "n3");
    write_inputs(&n3, json!({"name": ["str", name], "text": ["str", "odd"]}));
    execute(&n3, "write_one", &tmp);
    let file = read_outputs(&n3, json!({"o0": "file"}))["o0"]
        .as_str()
        .unwrap()
        .to_string();
    assert_flytekit_layout(&file, &n3.raw, name);
    assert_eq!(peer(&["get", &file]), "odd");
    // A Python-written object with odd characters reads back through our download.
    let python_file = server().uri("odd/by-python/é~[x] 1%.txt");
    peer(&["put", &python_file, "from python"]);
    let n4 = Node::new("odd", "n4");
    write_inputs(&n4, json!({"file": ["file", python_file]}));
    execute(&n4, "read_text", &tmp);
    assert_eq!(read_outputs(&n4, json!({"o0": "str"}))["o0"], "from python");
}

#[test]
fn keys_that_cannot_be_addressed_as_written_are_refused_not_changed() {
    let tmp = scratch("double-slash");
    // `a//b` is a key of its own on S3; object_store would request `a/b`, another object.
    peer(&["put", &server().uri("dbl/a/b.txt"), "the wrong object"]);
    let n0 = Node::new("dbl", "n0");
    write_inputs(&n0, json!({"file": ["file", server().uri("dbl/a//b.txt")]}));
    execute(&n0, "read_text", &tmp);
    let error = peer_json(&["read-error", &n0.error()]);
    assert_eq!(error["code"], "SYSTEM:DownloadDataError", "{error}");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("dbl/a//b.txt") && message.contains("such as `a//b`"),
        "{message}"
    );
}

#[test]
fn missing_objects_are_recoverable_system_errors() {
    let tmp = scratch("missing");
    let missing = server().uri("missing/nothing.txt");
    let n0 = Node::new("missing", "n0");
    write_inputs(&n0, json!({"file": ["file", missing]}));
    execute(&n0, "read_text", &tmp);
    let error = peer_json(&["read-error", &n0.error()]);
    assert_eq!(
        error,
        json!({
            "code": "SYSTEM:DownloadDataError",
            "message": format!("cannot read `{missing}`: it does not exist"),
            "kind": "RECOVERABLE",
            "origin": 2,
        })
    );
    let keys = peer_json(&["keys", &format!("{}/", n0.metadata)]);
    assert!(
        !keys.to_string().contains("outputs.pb"),
        "a failed task left outputs: {keys}"
    );

    // A directory with nothing under it cannot be downloaded either.
    let n1 = Node::new("missing", "n1");
    write_inputs(&n1, json!({"dir": ["dir", server().uri("missing/no-dir")]}));
    execute(&n1, "download_texts", &tmp);
    let error = peer_json(&["read-error", &n1.error()]);
    assert_eq!(error["code"], "SYSTEM:DownloadDataError", "{error}");
    assert_eq!(error["kind"], "RECOVERABLE", "{error}");
}

#[test]
fn without_credentials_the_error_comes_at_once() {
    let tmp = scratch("no-credentials");
    // inputs.pb is local; only the file input is on the server.
    let dir = tmp.join("n0");
    std::fs::create_dir_all(&dir).unwrap();
    let file = server().uri("creds/file.txt");
    peer(&["put", &file, "secret"]);
    let inputs = dir.join("inputs.pb");
    peer(&[
        "write-inputs",
        inputs.to_str().unwrap(),
        &json!({"file": ["file", file]}).to_string(),
    ]);
    let output = Command::new(BINARY)
        .env("TMPDIR", &tmp)
        .env("FLYTE_AWS_ENDPOINT", server().endpoint())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("FLYTE_AWS_ACCESS_KEY_ID")
        .args(["execute", "--inputs"])
        .arg(&inputs)
        .arg("--output-prefix")
        .arg(&dir)
        .args(["--", "read_text"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let bytes = std::fs::read(dir.join("error.pb")).expect("error.pb was written");
    let error = <flytekit::idl::core::ErrorDocument as prost::Message>::decode(bytes.as_slice())
        .unwrap()
        .error
        .unwrap();
    assert_eq!(error.code, "SYSTEM:DownloadDataError");
    assert!(
        error.message.contains("no credentials for `s3://")
            && error.message.contains("FLYTE_AWS_ACCESS_KEY_ID"),
        "{}",
        error.message
    );
}

#[test]
fn a_large_file_streams_both_ways() {
    let tmp = scratch("large");
    let mib = 96u64;
    let n0 = Node::new("large", "n0");
    write_inputs(&n0, json!({"mib": ["int", mib]}));
    let upload_rss = peak_rss_kib(&n0, "write_big", &tmp);
    let n1 = Node::new("large", "n1");
    bind(&n0, &n1, &["o0=file"]);
    let download_rss = peak_rss_kib(&n1, "size_and_sum", &tmp);
    let out = read_outputs(&n1, json!({"o0": "int", "o1": "int"}));
    let block: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
    let mut sum = 0u64;
    for _ in 0..mib {
        sum = block.iter().fold(sum, |acc, b| {
            acc.wrapping_mul(31).wrapping_add(u64::from(*b))
        });
    }
    assert_eq!(out["o0"], json!(mib * 1024 * 1024));
    assert_eq!(out["o1"].as_u64(), Some(sum % (1 << 62)), "{out}");
    // Streamed: neither side holds the file in memory (96 MiB would show). An upload keeps two
    // 8 MiB parts in flight.
    eprintln!("peak RSS: upload {upload_rss} KiB, download {download_rss} KiB");
    for (what, rss) in [("upload", upload_rss), ("download", download_rss)] {
        assert!(
            rss < 64 * 1024,
            "the {what} of a {mib} MiB file peaked at {} MiB",
            rss / 1024
        );
    }
}

/// Runs our `execute` under Python's `resource` module and returns the peak RSS in KiB.
fn peak_rss_kib(node: &Node, task: &str, tmp: &Path) -> u64 {
    std::fs::create_dir_all(tmp).unwrap();
    let python = python();
    let script = "import resource, subprocess, sys\n\
                  code = subprocess.call(sys.argv[1:])\n\
                  print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n\
                  sys.exit(code)";
    let output = python
        .command(python.python())
        .env("TMPDIR", tmp)
        .envs(server().env())
        .args(["-c", script, BINARY, "execute", "--inputs", &node.inputs()])
        .args(["--output-prefix", &node.metadata])
        .args(["--raw-output-data-prefix", &node.raw])
        .args(["--", task])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap()
}

/// Attempt 0 saves a checkpoint under `--checkpoint-path` and fails recoverably; attempt 1 gets
/// that prefix as `--prev-checkpoint` and resumes from it, as propeller runs a retry.
#[test]
fn a_retry_resumes_from_the_checkpoint_of_the_attempt_before() {
    let tmp = scratch("checkpoints");
    let node = Node::new("checkpoints", "n0");
    write_inputs(&node, json!({"label": ["str", "half"]}));
    let first = server().uri("checkpoints/cp/n0/0");
    let second = server().uri("checkpoints/cp/n0/1");
    let run = |attempt: &str, checkpoint: &str, previous: &str| {
        let output = Command::new(BINARY)
            .env("TMPDIR", &tmp)
            .env("FLYTE_ATTEMPT_NUMBER", attempt)
            .envs(server().env())
            .args(["execute", "--inputs", &node.inputs()])
            .args(["--output-prefix", &format!("{}/{attempt}", node.metadata)])
            .args(["--raw-output-data-prefix", &node.raw])
            .args([
                "--checkpoint-path",
                checkpoint,
                "--prev-checkpoint",
                previous,
            ])
            .args(["--", "resumes"])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    run("0", &first, "\"\"");
    let error = peer_json(&["read-error", &format!("{}/0/error.pb", node.metadata)]);
    assert_eq!(error["kind"], "RECOVERABLE", "{error}");
    // flytekit's layout, and flytekit's own reader finds it.
    assert_eq!(
        peer(&["get", &format!("{first}/_dst_cp")]),
        "half saved by attempt 0"
    );
    assert_eq!(
        peer(&["read-checkpoint", &first]),
        "half saved by attempt 0"
    );

    run("1", &second, &first);
    let attempt = Node {
        metadata: format!("{}/1", node.metadata),
        raw: node.raw.clone(),
    };
    assert_eq!(
        read_outputs(&attempt, json!({"o0": "str"}))["o0"],
        "resumed from half saved by attempt 0 in attempt 1"
    );
}
