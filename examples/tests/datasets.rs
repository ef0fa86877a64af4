//! The datasets example as a user runs it: `run sales_report` writes a table and reads it twice
//! (one column, and all of them), with the documented totals.

use std::path::PathBuf;
use std::process::Command;

/// The example binary cargo built for this test run (`target/<profile>/examples/datasets`).
fn datasets() -> Command {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let binary: PathBuf = profile_dir
        .join("examples")
        .join(format!("datasets{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing: run through `cargo test`, which builds the examples",
        binary.display()
    );
    Command::new(binary)
}

#[test]
fn the_sales_report_reads_back_what_was_written() {
    let output = datasets()
        .args(["run", "sales_report", "--n", "100000"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let outputs: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // units = i % 10 + 1: 10,000 times 1..=10.
    assert_eq!(outputs["o0"], 550_000);
    assert_eq!(
        outputs["o1"],
        serde_json::json!({
            "east": 1612500.0, "north": 1550000.0, "south": 1887500.0, "west": 1962500.0
        })
    );
}

#[test]
fn a_table_written_by_one_run_is_read_by_another() {
    let output = datasets()
        .args(["run", "make_sales", "--n", "10"])
        .output()
        .unwrap();
    let outputs: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let folder = outputs["o0"].as_str().unwrap().to_string();
    assert!(PathBuf::from(&folder).join("00000").is_file(), "{folder}");
    let output = datasets()
        .args(["run", "count_rows_in_memory", "--sales", &folder])
        .output()
        .unwrap();
    let outputs: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(outputs["o0"], 10);
    // A folder without the table is a clear error, not zero rows.
    std::fs::remove_file(PathBuf::from(&folder).join("00000")).unwrap();
    let output = datasets()
        .args(["run", "count_rows_in_memory", "--sales", &folder])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no Parquet file at"), "{stderr}");
    // The run's private working dir (`flytekit-<task>-<random>`) holds the table.
    let working_dir = PathBuf::from(&folder)
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf();
    if working_dir
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("flytekit-"))
    {
        let _ = std::fs::remove_dir_all(working_dir);
    }
}
