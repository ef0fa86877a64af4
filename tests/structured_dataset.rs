//! StructuredDataset between Rust and Python flytekit: our `execute` runs the tasks of
//! tests/bin/datasets.rs as a Flyte pod would, flytekit (tests/python/dataset_peer.py) makes the
//! inputs (pandas and polars DataFrames stored by flytekit's own encoders) and reads the outputs
//! as pandas and polars DataFrames, comparing values and dtypes with what flytekit gives for the
//! same frame. The Rust tasks read and write Arrow batches (tests/polars does the same with
//! polars frames). On the local disk and on an S3-compatible server (moto on 127.0.0.1, started
//! by the test).

use std::path::Path;
use std::process::Command;

use flytekit_tests::datasets::{random_part, DatasetNode};
use flytekit_tests::{PythonEnv, S3Server};
use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_flytekit-test-tasks");
const GROUP: &str = "structured_dataset";

fn python() -> PythonEnv {
    PythonEnv::get(env!("CARGO_TARGET_TMPDIR"))
}

/// A node of the test binary on the local disk.
fn local(name: &str) -> DatasetNode {
    DatasetNode::local(BINARY, env!("CARGO_TARGET_TMPDIR"), GROUP, name)
}

/// A node of the test binary on the S3 server.
fn s3(server: &S3Server, name: &str) -> DatasetNode {
    DatasetNode::s3(BINARY, env!("CARGO_TARGET_TMPDIR"), GROUP, server, name)
}

#[test]
fn rust_tables_are_pandas_frames_in_python() {
    for rows in [5, 0, 2500] {
        let node = local(&format!("make-{rows}"));
        node.write_inputs(&[&format!("n=int:{rows}")]);
        node.execute_ok("make_sales");
        // Values, dtypes, the literal's columns and format, and a column subset on read, by
        // pandas and by polars.
        let report = node.check_outputs("sales", rows);
        let uri = report["uri"].as_str().unwrap();
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
        let node = local(&format!("describe-{rows}"));
        node.write_inputs(&[&format!("sales=sales:{rows}")]);
        node.execute_ok("describe_sales");
        node.check_outputs("described", rows);

        // A declared subset reads only its columns, in its order.
        let node = local(&format!("subset-{rows}"));
        node.write_inputs(&[&format!("sales=sales:{rows}")]);
        node.execute_ok("subset_units");
        node.check_outputs("subset", rows);

        // A plain frame through a Rust copy reads back in Python as it went in.
        let node = local(&format!("copy-{rows}"));
        node.write_inputs(&[&format!("table=plain:{rows}")]);
        node.execute_ok("copy_table");
        node.check_outputs("copied", rows);
    }
}

#[test]
fn python_polars_frames_are_rust_tables() {
    // flytekitplugins-polars stores a frame with zstd, polars' default codec.
    for rows in [4, 0] {
        let node = local(&format!("subset-polars-{rows}"));
        node.write_inputs(&[&format!("sales=polars:{rows}")]);
        node.execute_ok("subset_units");
        node.check_outputs("subset", rows);
    }
}

#[test]
fn a_missing_column_fails_the_task_naming_it() {
    let node = local("revenue");
    node.write_inputs(&["table=plain:3"]);
    node.execute_ok("read_revenue");
    assert!(!Path::new(&node.file("outputs.pb")).exists());
    let error = node.error();
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
    let node = local("brotli");
    node.write_inputs(&["table=brotli:3"]);
    node.execute_ok("copy_table");
    assert!(!Path::new(&node.file("outputs.pb")).exists());
    let error = node.error();
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
    let node = s3(server, "make");
    node.write_inputs(&["n=int:7"]);
    node.execute_ok("make_sales");
    let report = node.check_outputs("sales", 7);
    random_part(report["uri"].as_str().unwrap(), &node.raw);

    let node = s3(server, "describe");
    node.write_inputs(&["sales=sales:6"]);
    node.execute_ok("describe_sales");
    node.check_outputs("described", 6);

    let node = s3(server, "copy");
    node.write_inputs(&["table=plain:3"]);
    node.execute_ok("copy_table");
    let report = node.check_outputs("copied", 3);
    random_part(report["uri"].as_str().unwrap(), &node.raw);
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
