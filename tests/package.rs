//! `package` and `serialize` end to end, checked with Python flyteidl as `flytectl register
//! files` would read them (`tests/python/check_package.py`), and launch plans compared with
//! the ones `pyflyte package` writes for the same workflow (`tests/python/lp_sample`).

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flytekit::core::glue::build_workflow;
use flytekit::core::registry;
use flytekit::core::spec::{default_launch_plan, launch_plan};
use flytekit::idl::admin;
use flytekit::launch_plan::{Notification, Phase, Schedule};
use flytekit::prelude::*;
use flytekit_tests::PythonEnv;
use prost::Message;

/// The dataclass `Point` of tests/python/lp_sample.
#[derive(Debug, Clone, PartialEq, FlyteType)]
pub struct Point {
    x: f64,
    y: f64,
    label: String,
}

#[task]
fn combine(a: i64, p: Point, n: Option<i64>, x: f64, s: String, note: Option<String>) -> String {
    format!("{a} {p:?} {n:?} {x} {s} {note:?}")
}

/// `mirrored` of tests/python/lp_sample.
#[workflow]
fn mirrored(
    a: i64,
    p: Point,
    n: Option<i64>,
    #[default(2.5)] x: f64,
    #[default("hello".to_string())] s: String,
    #[default(None)] note: Option<String>,
) -> String {
    combine(a, p, n, x, s, note)
}

flytekit::launch_plan! {
    /// `mirrored_lp` of tests/python/lp_sample.
    pub mirrored_lp = mirrored {
        fixed: { a: 4 },
        defaults: { x: 1.5 },
        schedule: Schedule::cron("0 2 * * *"),
        notifications: &[Notification::email(&[Phase::Failed], &["team@example.com"])],
    }
}

fn python() -> PythonEnv {
    PythonEnv::get(env!("CARGO_TARGET_TMPDIR"))
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    flytekit_tests::scratch_dir(env!("CARGO_TARGET_TMPDIR"), "package", name)
}

fn run(binary: &str, args: &[&OsStr]) -> Output {
    Command::new(binary)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {binary}: {e}"))
}

fn demo(args: &[&OsStr]) -> String {
    let output = run(env!("CARGO_BIN_EXE_flytekit-package-demo"), args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "package-demo {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

#[test]
fn package_is_registrable_in_order_and_reproducible() {
    let dir = scratch("demo");
    let (first, second) = (dir.join("first.tgz"), dir.join("second.tgz"));
    let images = [
        "--image",
        "ghcr.io/x/app:1",
        "--image",
        "gpu=ghcr.io/x/gpu:1",
    ];
    for out in [&first, &second] {
        let mut args: Vec<&OsStr> = vec![os("package")];
        args.extend(images.iter().map(|s| os(s)));
        args.extend([os("--output"), out.as_os_str()]);
        let said = demo(&args);
        assert!(
            said.contains("wrote 16 files (6 tasks, 4 workflows, 6 launch plans)"),
            "{said}"
        );
    }
    assert_eq!(
        fs::read(&first).unwrap(),
        fs::read(&second).unwrap(),
        "two runs differ"
    );

    let folder = dir.join("specs");
    let mut args: Vec<&OsStr> = vec![os("serialize")];
    args.extend(images.iter().map(|s| os(s)));
    args.extend([os("--output"), folder.as_os_str()]);
    demo(&args);

    let summary = python().run_script(
        "check_package.py",
        &[
            first.as_os_str(),
            os("--folder"),
            folder.as_os_str(),
            os("--version"),
            os(""),
            os("--project"),
            os(""),
        ],
    );
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    let entities: Vec<&str> = summary["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    // Tasks first, each workflow after the ones it embeds, each followed by its launch plans.
    assert_eq!(
        entities,
        [
            "00_flytekit_package_demo.add_1.pb",
            "01_flytekit_package_demo.alert_1.pb",
            "02_flytekit_package_demo.shift_1.pb",
            "03_flytekit_package_demo.square_1.pb",
            "04_flytekit_package_demo.stamp_1.pb",
            // The map task `pipeline`'s map calls, registered before the workflow.
            "05_flytekit_package_demo.map_square_6b3bd0353da5de6e84d7982921ead2b3-arraynode_1.pb",
            "06_flytekit_package_demo.innermost_2.pb",
            "07_flytekit_package_demo.innermost_3.pb",
            "08_flytekit_package_demo.inner_2.pb",
            "09_flytekit_package_demo.inner_3.pb",
            "10_flytekit_package_demo.pipeline_2.pb",
            "11_flytekit_package_demo.pipeline_3.pb",
            "12_nightly_pipeline_3.pb",
            "13_flytekit_package_demo.stamped_2.pb",
            "14_flytekit_package_demo.stamped_3.pb",
            "15_stamped_every_6h_3.pb",
        ]
    );
    assert_eq!(
        summary["node_kinds"],
        serde_json::json!(["array_node", "branch_node", "task_node", "workflow_node"])
    );
    assert_eq!(
        summary["schedules"]["nightly_pipeline"]["cronSchedule"],
        serde_json::json!({"schedule": "0 2 * * *", "offset": "PT30M"})
    );
    assert_eq!(
        summary["schedules"]["stamped_every_6h"],
        serde_json::json!({"rate": {"value": 6, "unit": "HOUR"}, "kickoffTimeInputArg": "at"})
    );
    assert_eq!(
        summary["notifications"]["nightly_pipeline"],
        serde_json::json!(["email", "slack", "pager_duty"])
    );
}

#[test]
fn version_auto_is_stable_and_fills_every_identifier() {
    let dir = scratch("auto");
    let mut versions = Vec::new();
    for name in ["a.tgz", "b.tgz"] {
        let out = dir.join(name);
        let said = demo(&[
            os("package"),
            os("--image"),
            os("ghcr.io/x/app:1"),
            os("--project"),
            os("flytesnacks"),
            os("--domain"),
            os("development"),
            os("--version"),
            os("auto"),
            os("-o"),
            out.as_os_str(),
        ]);
        let version = said.trim().rsplit(' ').next().unwrap().to_string();
        assert_eq!(version.len(), 20, "{said}");
        versions.push(version);
    }
    assert_eq!(versions[0], versions[1]);
    assert_eq!(
        fs::read(dir.join("a.tgz")).unwrap(),
        fs::read(dir.join("b.tgz")).unwrap()
    );
    python().run_script(
        "check_package.py",
        &[
            dir.join("a.tgz").as_os_str(),
            os("--project"),
            os("flytesnacks"),
            os("--domain"),
            os("development"),
            os("--version"),
            OsStr::new(&versions[0]),
        ],
    );
}

#[test]
fn bad_launch_plans_are_rejected_naming_them_and_nothing_is_written() {
    let dir = scratch("bad");
    let out = dir.join("flyte-package.tgz");
    let output = run(
        env!("CARGO_BIN_EXE_flytekit-package-bad"),
        &[
            os("package"),
            os("--image"),
            os("x"),
            os("-o"),
            out.as_os_str(),
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: launch plan `fixes_unknown_input`: fixed input `c` is not an input of the workflow (its inputs: `a`, `b`)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: launch plan `scheduled_with_required_input`: is scheduled, but input `b` is required"),
        "{stderr}"
    );
    assert!(
        stderr.contains("nothing written: 2 problems found"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_dir(&dir).unwrap().count(),
        0,
        "something was written"
    );
}

/// Our launch plan and flytekit's with names cleared (the Rust module path differs) and without
/// the JSON schema flytekit adds to a dataclass's type (`LiteralType.metadata`), which our type
/// engine leaves out on purpose (FLYTE-CONTRACT section 9; Flyte does not need it).
fn without_names(mut plan: admin::LaunchPlan) -> admin::LaunchPlan {
    for parameter in plan
        .spec
        .iter_mut()
        .flat_map(|s| s.default_inputs.iter_mut())
        .flat_map(|d| d.parameters.values_mut())
    {
        if let Some(ty) = parameter.var.as_mut().and_then(|v| v.r#type.as_mut()) {
            ty.metadata = None;
        }
    }
    if let Some(id) = plan.id.as_mut() {
        id.name.clear();
    }
    if let Some(id) = plan.spec.as_mut().and_then(|s| s.workflow_id.as_mut()) {
        id.name.clear();
    }
    plan
}

fn pyflyte_plan(files: &Path, suffix: &str) -> admin::LaunchPlan {
    let file = fs::read_dir(files)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(suffix))
        .unwrap_or_else(|| panic!("pyflyte wrote no *{suffix}"));
    admin::LaunchPlan::decode(fs::read(file).unwrap().as_slice()).unwrap()
}

#[test]
fn launch_plans_match_what_pyflyte_writes() {
    let files = scratch("pyflyte");
    python().run_script("make_lp_sample.py", &[files.as_os_str()]);

    let entry = registry::workflow("mirrored").unwrap();
    let compiled = build_workflow(entry).unwrap();
    let inputs = compiled.template.interface.unwrap().inputs.unwrap();
    let defaults = entry.defaults().unwrap();

    let ours = default_launch_plan(&entry.name(), &inputs, &defaults);
    let theirs = pyflyte_plan(&files, "_lp_sample.workflows.mirrored_3.pb");
    assert_eq!(without_names(ours), without_names(theirs));

    let plan = registry::launch_plan("mirrored_lp").unwrap();
    let ours = launch_plan(plan, &entry.name(), &inputs, &defaults).unwrap();
    let theirs = pyflyte_plan(&files, "_mirrored_lp_3.pb");
    assert_eq!(
        ours.id.as_ref().unwrap().name,
        theirs.id.as_ref().unwrap().name
    );
    assert_eq!(without_names(ours), without_names(theirs));
}

#[test]
fn the_macro_types_fixed_and_default_inputs() {
    let plan = registry::launch_plan("mirrored_lp").unwrap();
    assert_eq!((plan.workflow)().fn_name, "mirrored");
    let fixed = (plan.fixed_inputs)().unwrap();
    assert_eq!(i64::from_literal(&fixed["a"]).unwrap(), 4);
    let defaults = (plan.default_inputs)().unwrap();
    assert_eq!(f64::from_literal(&defaults["x"]).unwrap(), 1.5);
    assert_eq!(plan.config.schedule, Some(Schedule::cron("0 2 * * *")));
}
