//! TaskTemplates side by side with Python flytekit: the tasks of tests/python/task_mirror are
//! written again here; interface, cache/retries/timeout/interruptible/deprecated/deck metadata,
//! resources, environment and security context must equal what `pyflyte package` builds
//! (`tests/python/task_specs.py` lists the differences accepted by design).

use std::collections::HashMap;
use std::path::Path;

use flytekit::core::registry;
use flytekit::core::spec::{task_spec, SerializationSettings};
use flytekit::idl::prost::Message;
use flytekit::prelude::*;
use flytekit_tests::PythonEnv;

/// A point (the dataclass `Point` in Python).
#[derive(Debug, Clone, PartialEq, FlyteType)]
pub struct Point {
    x: f64,
    y: f64,
}

#[task(
    cache(version = "1.0", serialize, ignored_inputs = ["b"]),
    retries = 3,
    timeout = "1h30m",
    interruptible,
    deprecated = "use add2",
    requests(cpu = "500m", mem = "1Gi"),
    limits(cpu = "1", mem = "2Gi"),
    environment(MODE = "test", LEVEL = "3"),
    secret_requests(
        secret(group = "db", key = "password", mount = "env_var"),
        secret(group = "api", key = "token", mount = "file")
    )
)]
fn add(a: i64, #[default(3)] b: i64) -> i64 {
    a + b
}

#[task(enable_deck)]
fn split(x: i64) -> (i64, String) {
    (x, x.to_string())
}

#[task]
fn nothing(#[default(None)] x: Option<String>) {
    let _ = x;
}

#[task(retries = 1, accelerator = "nvidia-tesla-t4", shared_memory = "1Gi")]
fn moves(p: Point, xs: Vec<f64>, m: HashMap<String, i64>) -> Point {
    let _ = (xs, m);
    p
}

dataset_columns! {
    /// The sales table (`SALES` in Python).
    pub struct Sales {
        /// Where.
        pub region: String,
        /// How many.
        pub units: i64,
        /// At what price.
        pub price: f64,
        /// Whether it went well.
        pub ok: bool,
        /// When.
        pub at: chrono::DateTime<chrono::Utc>,
    }

    /// A subset of it (`UNITS`).
    pub struct Units {
        /// How many.
        pub units: i64,
        /// Where.
        pub region: String,
    }
}

#[task]
fn make_sales(n: i64) -> StructuredDataset<Sales> {
    let _ = n;
    StructuredDataset::new("s3://bucket/sales")
}

#[task]
fn copy_table(table: StructuredDataset) -> StructuredDataset {
    table
}

#[task]
fn units_total(sales: StructuredDataset<Units>) -> i64 {
    sales.column_names().len() as i64
}

/// Adds two numbers.
///
/// The body says more,
/// over two lines.
///
/// # Arguments
///
/// * `a` - the first number
/// * `b` - the second number
///
/// # Returns
///
/// the sum
#[task(source_code = "https://github.com/example/repo/blob/main/tasks.py")]
fn documented(a: i64, b: i64) -> i64 {
    a + b
}

/// `resources(...)`: a single value is a request only, as flytekit's `Resources(cpu="1")`.
#[task(resources(cpu = "1", mem = ("1Gi", "2Gi")))]
fn sized(x: i64) -> i64 {
    x
}

#[test]
fn task_templates_agree_with_flytekit() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("task_mirror");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let settings = SerializationSettings {
        image: "ghcr.io/example/app:1".into(),
        entrypoint: "/usr/local/bin/app".into(),
        ..Default::default()
    };
    for name in [
        "add",
        "split",
        "nothing",
        "moves",
        "make_sales",
        "copy_table",
        "units_total",
        "documented",
        "sized",
    ] {
        let entry = registry::task(name).unwrap_or_else(|| panic!("{name} is not registered"));
        std::fs::write(
            dir.join(format!("{name}.pb")),
            task_spec(entry, &settings).encode_to_vec(),
        )
        .unwrap();
    }
    let python = PythonEnv::get(env!("CARGO_TARGET_TMPDIR"));
    let report = python.run_script("task_specs.py", &[dir.as_os_str()]);
    assert!(report.contains(", 0 differences"), "{report}");
}
