//! The benchmark suite (`python3 bench/compare.py`, docs/benchmarks.md) still runs: its quick
//! mode builds the generated crates with tiny sizes, runs every comparison once against Python
//! flytekit and prints one `row <id>: ...` line per comparison. The numbers are not checked.

use std::path::Path;
use std::process::Command;

/// Every row the suite reports (`ROW_IDS` in bench/compare.py).
const ROWS: &[&str] = &[
    "cold-start",
    "package-small",
    "package-large",
    "run-chain",
    "run-map",
    "run-sleeps",
    "literal-floats",
    "literal-points",
    "build-clean",
    "build-incremental",
    "binary-size",
    "build-dev-clean",
    "build-dev-incremental",
    "edit-loop",
    "edit-loop-lines",
];

#[test]
fn the_benchmark_suite_runs_in_quick_mode() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the repository");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string());
    let output = Command::new(&python)
        .arg(root.join("bench").join("compare.py"))
        .arg("--quick")
        .current_dir(root)
        .output()
        .unwrap_or_else(|err| panic!("could not start `{python} bench/compare.py`: {err}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "`bench/compare.py --quick` failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    let missing: Vec<&str> = ROWS
        .iter()
        .copied()
        .filter(|id| {
            !stdout
                .lines()
                .any(|l| l.starts_with(&format!("row {id}: ")))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "no row for {missing:?} in the output of `bench/compare.py --quick`:\n{stdout}"
    );
    assert!(
        !stdout
            .lines()
            .any(|l| l.starts_with("row ") && l.contains(": error: ")),
        "a comparison failed:\n{stdout}\n--- stderr\n{stderr}"
    );
}
