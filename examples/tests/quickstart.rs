//! The README quickstart, as a newcomer runs it: `run pipeline --n 5` gives the documented
//! outputs, and `package` passes the registration check (propeller's rules) and writes the map
//! task's entity beside the tasks.

use std::path::PathBuf;
use std::process::Command;

/// The example binary cargo built for this test run (`target/<profile>/examples/quickstart`).
fn quickstart() -> Command {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let binary: PathBuf = profile_dir
        .join("examples")
        .join(format!("quickstart{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing: run through `cargo test`, which builds the examples",
        binary.display()
    );
    Command::new(binary)
}

#[test]
fn the_readme_run_gives_the_documented_outputs() {
    let output = quickstart()
        .args(["run", "pipeline", "--n", "5"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let outputs: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        outputs,
        serde_json::json!({"o0": {"count": 5, "total": 55}, "o1": "55 is under 100"})
    );
    let output = quickstart()
        .args(["run", "pipeline", "--n", "7"])
        .output()
        .unwrap();
    let outputs: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(outputs["o1"], "a big total: 140");
}

#[test]
fn the_quickstart_packages_with_its_map_task() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("quickstart-specs");
    let _ = std::fs::remove_dir_all(&dir);
    let output = quickstart()
        .args(["serialize", "--image", "ghcr.io/example/app:1", "--output"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "0_quickstart.celebrate_1.pb",
            "1_quickstart.numbers_1.pb",
            "2_quickstart.shrug_1.pb",
            "3_quickstart.square_1.pb",
            "4_quickstart.summarize_1.pb",
            "5_quickstart.map_square_a8f2749e939d42b24821878ff264334f-arraynode_1.pb",
            "6_quickstart.pipeline_2.pb",
            "7_quickstart.pipeline_3.pb",
        ]
    );
}
