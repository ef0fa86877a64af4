//! StructuredDataset as polars frames between Rust and Python flytekit: `execute` runs the tasks
//! of tests/polars/bin/tasks.rs as a Flyte pod would, flytekit (tests/python/dataset_peer.py)
//! makes the inputs (pandas frames, and polars frames through flytekitplugins-polars) and reads
//! the outputs as pandas and as polars frames, comparing values and dtypes with what flytekit
//! gives for the same frame. On the local disk and on the S3 test server (moto on 127.0.0.1).

use std::path::Path;
use std::process::Command;

use flytekit_tests::datasets::{random_part, DatasetNode};
use flytekit_tests::{PythonEnv, S3Server};
use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_flytekit-polars-tasks");
const GROUP: &str = "structured_polars";

fn local(name: &str) -> DatasetNode {
    DatasetNode::local(BINARY, env!("CARGO_TARGET_TMPDIR"), GROUP, name)
}

fn s3(server: &S3Server, name: &str) -> DatasetNode {
    DatasetNode::s3(BINARY, env!("CARGO_TARGET_TMPDIR"), GROUP, server, name)
}

/// The folder of a dataset written by `from_polars`: the literal names its file `00000`, as
/// flytekitplugins-polars names what it writes.
fn folder_of_file(uri: &str) -> &str {
    uri.strip_suffix("/00000")
        .unwrap_or_else(|| panic!("`{uri}` does not name the file `00000`"))
}

#[test]
fn rust_frames_are_pandas_and_polars_frames_in_python() {
    for rows in [5, 0, 2500] {
        let node = local(&format!("make-{rows}"));
        node.write_inputs(&[&format!("n=int:{rows}")]);
        node.execute_ok("make_sales_polars");
        // Values, dtypes, the literal, and a column subset, read by pandas and by polars.
        let report = node.check_outputs("sales", rows);
        let uri = report["uri"].as_str().unwrap();
        random_part(folder_of_file(uri), &node.raw);
        assert!(Path::new(uri).is_file(), "{uri}");
    }
}

#[test]
fn pandas_and_polars_frames_are_rust_frames() {
    for rows in [4, 0] {
        // flytekit's pandas encoder writes snappy, its polars plugin zstd.
        for kind in ["sales", "polars"] {
            let node = local(&format!("describe-{kind}-{rows}"));
            node.write_inputs(&[&format!("sales={kind}:{rows}")]);
            node.execute_ok("describe_sales_polars");
            node.check_outputs("described", rows);

            // A declared subset reads only its columns, in its order.
            let node = local(&format!("subset-{kind}-{rows}"));
            node.write_inputs(&[&format!("sales={kind}:{rows}")]);
            node.execute_ok("subset_units_polars");
            node.check_outputs("subset", rows);
        }

        // A pandas frame through a Rust frame reads back in Python as it went in: timestamps
        // keep their unit, an empty object column its type.
        let node = local(&format!("copy-{rows}"));
        node.write_inputs(&[&format!("table=plain:{rows}")]);
        node.execute_ok("copy_table_polars");
        node.check_outputs("copied", rows);
    }
}

#[test]
fn a_missing_column_fails_the_task_naming_it() {
    let node = local("revenue");
    node.write_inputs(&["table=plain:3"]);
    node.execute_ok("read_revenue_polars");
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
fn frames_move_through_s3_both_ways() {
    let server = S3Server::get(&PythonEnv::get(env!("CARGO_TARGET_TMPDIR")));
    let node = s3(server, "make");
    node.write_inputs(&["n=int:7"]);
    node.execute_ok("make_sales_polars");
    // A Python polars task reads it from object storage too: the literal names a file.
    let report = node.check_outputs("sales", 7);
    random_part(folder_of_file(report["uri"].as_str().unwrap()), &node.raw);

    let node = s3(server, "describe");
    node.write_inputs(&["sales=polars:6"]);
    node.execute_ok("describe_sales_polars");
    node.check_outputs("described", 6);
}

#[test]
fn a_workflow_passes_a_frame_between_tasks_locally() {
    let output = Command::new(BINARY)
        .args(["run", "sales_report_polars", "--n", "2"])
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
