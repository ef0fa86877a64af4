//! StructuredDataset between Rust and Python flytekit: our `execute` runs the tasks of
//! tests/bin/datasets.rs as a Flyte pod would, flytekit (tests/python/dataset_peer.py) makes the
//! inputs (pandas and polars DataFrames stored by flytekit's own encoders) and reads the outputs
//! as pandas and polars DataFrames, comparing values and dtypes with what flytekit gives for the
//! same frame. The Rust tasks read and write through Arrow batches and through polars frames
//! (feature `polars`). On the local disk and on an S3-compatible server (moto on 127.0.0.1,
//! started by the test).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flytekit_tests::{python_dir, PythonEnv, S3Server};
use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_flytekit-test-tasks");

fn python() -> PythonEnv {
    PythonEnv::get(env!("CARGO_TARGET_TMPDIR"))
}

fn scratch(name: &str) -> PathBuf {
    flytekit_tests::scratch_dir(env!("CARGO_TARGET_TMPDIR"), "structured_dataset", name)
}

/// Runs tests/python/dataset_peer.py with `env`; returns its stdout, panics with its output
/// when it fails.
fn peer(args: &[&str], env: &[(&str, String)]) -> String {
    let python = python();
    let mut command = python.command(python.python());
    command
        .arg(python_dir().join("dataset_peer.py"))
        .args(args)
        .current_dir(python_dir())
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    let output = command.output().expect("python starts");
    assert!(
        output.status.success(),
        "dataset_peer.py {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn peer_json(args: &[&str], env: &[(&str, String)]) -> Value {
    let text = peer(args, env);
    serde_json::from_str(text.trim()).unwrap_or_else(|err| panic!("{err}: {text}"))
}

/// Where one task run keeps its metadata (inputs.pb, outputs.pb) and its raw data.
struct Node {
    metadata: String,
    raw: String,
    tmp: PathBuf,
    env: Vec<(&'static str, String)>,
}

impl Node {
    /// A node on the local disk, under a scratch dir of its own.
    fn local(name: &str) -> Node {
        let dir = scratch(name);
        Node {
            metadata: dir.display().to_string(),
            raw: dir.join("raw").display().to_string(),
            tmp: dir.join("tmp"),
            env: Vec::new(),
        }
    }

    /// A node on the S3 server, its temp dir in a local scratch dir.
    fn s3(server: &S3Server, name: &str) -> Node {
        Node {
            metadata: server.uri(&format!("datasets/{name}/metadata")),
            raw: server.uri(&format!("datasets/{name}/raw")),
            tmp: scratch(name).join("tmp"),
            env: server.env(),
        }
    }

    fn file(&self, name: &str) -> String {
        format!("{}/{name}", self.metadata)
    }

    /// flytekit writes inputs.pb; its data frames go under this node's raw prefix.
    fn write_inputs(&self, specs: &[&str]) {
        let inputs = self.file("inputs.pb");
        let mut args = vec!["write-inputs", inputs.as_str(), self.raw.as_str()];
        args.extend(specs);
        peer(&args, &self.env);
    }

    /// Our `execute`, as the container contract runs it.
    fn execute(&self, task: &str) -> Output {
        std::fs::create_dir_all(&self.tmp).unwrap();
        Command::new(BINARY)
            .env("TMPDIR", &self.tmp)
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())))
            .args(["execute", "--inputs", &self.file("inputs.pb")])
            .args(["--output-prefix", &self.metadata])
            .args(["--raw-output-data-prefix", &self.raw])
            .args(["--", task])
            .output()
            .expect("the test binary starts")
    }

    fn execute_ok(&self, task: &str) {
        let output = self.execute(task);
        assert!(
            output.status.success(),
            "execute {task} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// flytekit checks outputs.pb (see dataset_peer.py `read-outputs`).
    fn check_outputs(&self, check: &str, rows: usize) -> Value {
        let outputs = self.file("outputs.pb");
        peer_json(
            &["read-outputs", &outputs, check, &rows.to_string()],
            &self.env,
        )
    }
}

/// The dataset folder name a table's uri ends in, checked to be a fresh flytekit-style random
/// part (32 hex digits) right under `raw`.
fn random_part<'a>(uri: &'a str, raw: &str) -> &'a str {
    let rest = uri
        .strip_prefix(raw)
        .and_then(|rest| rest.strip_prefix('/'))
        .unwrap_or_else(|| panic!("`{uri}` is not under `{raw}`"));
    assert_eq!(rest.len(), 32, "{uri}");
    assert!(rest.bytes().all(|b| b.is_ascii_hexdigit()), "{uri}");
    rest
}

#[test]
fn rust_tables_are_pandas_frames_in_python() {
    for (task, rows) in [
        ("make_sales", 5),
        ("make_sales", 0),
        ("make_sales", 2500),
        ("make_sales_polars", 5),
        ("make_sales_polars", 0),
        ("make_sales_polars", 2500),
    ] {
        let node = Node::local(&format!("{task}-{rows}"));
        node.write_inputs(&[&format!("n=int:{rows}")]);
        node.execute_ok(task);
        // Values, dtypes, the literal's columns and format, and a column subset on read.
        let report = node.check_outputs("sales", rows);
        let uri = report["uri"].as_str().unwrap();
        if task == "make_sales_polars" {
            // flytekitplugins-polars' layout: the literal names the file `<random>/00000`.
            let folder = uri
                .strip_suffix("/00000")
                .unwrap_or_else(|| panic!("{uri}"));
            random_part(folder, &node.raw);
            assert!(Path::new(uri).is_file(), "{uri}");
            continue;
        }
        // flytekit's pandas layout: the literal names a folder holding one file `00000`.
        random_part(uri, &node.raw);
        let files: Vec<String> = std::fs::read_dir(uri)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(files, ["00000"], "flytekit's layout: one file `00000`");
    }
}

#[test]
fn pandas_frames_are_rust_tables() {
    for rows in [4, 0] {
        let node = Node::local(&format!("describe-{rows}"));
        node.write_inputs(&[&format!("sales=sales:{rows}")]);
        node.execute_ok("describe_sales");
        node.check_outputs("described", rows);

        // A declared subset reads only its columns, in its order.
        let node = Node::local(&format!("subset-{rows}"));
        node.write_inputs(&[&format!("sales=sales:{rows}")]);
        node.execute_ok("subset_units");
        node.check_outputs("subset", rows);

        // A plain frame through a Rust copy reads back in Python as it went in.
        let node = Node::local(&format!("copy-{rows}"));
        node.write_inputs(&[&format!("table=plain:{rows}")]);
        node.execute_ok("copy_table");
        node.check_outputs("copied", rows);
    }
}

#[test]
fn pandas_and_polars_frames_are_rust_polars_frames() {
    for rows in [4, 0] {
        // flytekit's pandas encoder writes snappy, its polars plugin zstd: both read, through
        // polars and (the subset) through Arrow batches.
        for kind in ["sales", "polars"] {
            let node = Node::local(&format!("describe-polars-{kind}-{rows}"));
            node.write_inputs(&[&format!("sales={kind}:{rows}")]);
            node.execute_ok("describe_sales_polars");
            node.check_outputs("described", rows);

            for task in ["subset_units_polars", "subset_units"] {
                let node = Node::local(&format!("{task}-{kind}-{rows}"));
                node.write_inputs(&[&format!("sales={kind}:{rows}")]);
                node.execute_ok(task);
                node.check_outputs("subset", rows);
            }
        }

        let node = Node::local(&format!("copy-polars-{rows}"));
        node.write_inputs(&[&format!("table=plain:{rows}")]);
        node.execute_ok("copy_table_polars");
        node.check_outputs("copied", rows);
    }
}

#[test]
fn a_missing_column_fails_the_task_naming_it() {
    let node = Node::local("revenue");
    node.write_inputs(&["table=plain:3"]);
    node.execute_ok("read_revenue");
    assert!(!Path::new(&node.file("outputs.pb")).exists());
    let error = peer_json(&["read-error", &node.file("error.pb")], &[]);
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("column `revenue` is not in the dataset at `")
            && message.contains("its columns are `region`, `units`, `price`, `ok`, `at`"),
        "{message}"
    );
    assert_eq!(error["kind"], "NON_RECOVERABLE", "{error}");
}

#[test]
fn a_table_compressed_with_an_absent_codec_is_an_error_naming_it() {
    // Snappy, zstd, gzip and lz4 are compiled in; brotli is not.
    let node = Node::local("brotli");
    node.write_inputs(&["table=brotli:3"]);
    node.execute_ok("copy_table");
    assert!(!Path::new(&node.file("outputs.pb")).exists());
    let error = peer_json(&["read-error", &node.file("error.pb")], &[]);
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("is not a readable Parquet file")
            && message.to_lowercase().contains("brotli"),
        "{message}"
    );
}

#[test]
fn tables_move_through_s3_both_ways() {
    let server = S3Server::get(&python());
    let node = Node::s3(server, "make");
    node.write_inputs(&["n=int:7"]);
    node.execute_ok("make_sales");
    let report = node.check_outputs("sales", 7);
    let uri = report["uri"].as_str().unwrap();
    random_part(uri, &node.raw);

    let node = Node::s3(server, "describe");
    node.write_inputs(&["sales=sales:6"]);
    node.execute_ok("describe_sales");
    node.check_outputs("described", 6);

    let node = Node::s3(server, "copy");
    node.write_inputs(&["table=plain:3"]);
    node.execute_ok("copy_table");
    let report = node.check_outputs("copied", 3);
    random_part(report["uri"].as_str().unwrap(), &node.raw);

    // polars frames, both ways.
    let node = Node::s3(server, "make-polars");
    node.write_inputs(&["n=int:7"]);
    node.execute_ok("make_sales_polars");
    let report = node.check_outputs("sales", 7);
    let uri = report["uri"].as_str().unwrap();
    random_part(uri.strip_suffix("/00000").unwrap(), &node.raw);

    let node = Node::s3(server, "describe-polars");
    node.write_inputs(&["sales=polars:6"]);
    node.execute_ok("describe_sales_polars");
    node.check_outputs("described", 6);
}

#[test]
fn a_workflow_passes_a_table_between_tasks_locally() {
    let output = Command::new(BINARY)
        .args(["run", "sales_report", "--n", "2"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let outputs: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        outputs["o0"],
        serde_json::json!([
            "north|-7|0.1|true|2024-01-02T03:04:05.000000Z",
            "south|-4|0.35|false|2024-01-02T04:04:05.001234Z"
        ])
    );
}
