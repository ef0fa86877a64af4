//! Interop of the type engine with Python flytekit 1.16: every supported type, both ways.
//!
//! Rust -> Python: we write each case's literal type and literal; `type_interop.py check` has
//! flytekit compare the types with its own, decode the literals into the expected Python values
//! and compare the literals with the ones it would write itself (msgpack bytes included).
//! Python -> Rust: flytekit writes each case; we decode it into the expected Rust value.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use flytekit::formats::Csv;
use flytekit::idl::core::{LiteralMap, Variable, VariableMap};
use flytekit::idl::prost::Message;
use flytekit::prelude::*;
use flytekit_tests::PythonEnv;

#[derive(Debug, Clone, PartialEq, FlyteType)]
#[serde(rename_all = "snake_case")]
enum Color {
    Red,
    Green,
    DeepBlue,
}

#[derive(Debug, Clone, PartialEq, FlyteType)]
struct Inner {
    n: i64,
    tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, FlyteType)]
struct Record {
    name: String,
    score: f64,
    count: i32,
    flag: bool,
    color: Color,
    maybe: Option<i64>,
    inner: Inner,
    items: Vec<Inner>,
    lookup: BTreeMap<String, f64>,
    when: DateTime<Utc>,
    took: std::time::Duration,
    report: FlyteFile,
    nothing: Option<String>,
}

fn record() -> Record {
    Record {
        name: "r1".into(),
        score: 0.25,
        count: -3,
        flag: true,
        color: Color::Green,
        maybe: None,
        inner: Inner {
            n: 1,
            tags: vec!["a".into(), "b".into()],
        },
        items: vec![
            Inner { n: 2, tags: vec![] },
            Inner {
                n: 300,
                tags: vec!["z".into()],
            },
        ],
        lookup: [("a".to_string(), 1.5), ("b".to_string(), -2.0)].into(),
        when: DateTime::from_timestamp(1_704_164_645, 600_000_000).unwrap(),
        took: std::time::Duration::new(90, 5_000),
        report: FlyteFile::new("s3://bucket/report.html"),
        nothing: None,
    }
}

/// Calls `$check!(name, Type, value)` once per case; the same names as CASES in
/// tests/python/type_interop.py.
macro_rules! cases {
    ($check:ident) => {
        $check!("int", i64, 42);
        $check!("int_small", u8, 7);
        $check!("int_negative", i64, -9_000_000_000);
        $check!("float", f64, 2.5);
        $check!("float32", f32, 1.5);
        $check!("bool", bool, true);
        $check!("str", String, "héllo".to_string());
        $check!("datetime", DateTime<Utc>, DateTime::from_timestamp(1_704_164_645, 600_000_000).unwrap());
        $check!("date", NaiveDate, NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        $check!("duration", std::time::Duration, std::time::Duration::new(90, 5_000));
        $check!("negative_duration", TimeDelta, TimeDelta::milliseconds(-1500));
        $check!("list_int", Vec<i64>, vec![1, 2, 3]);
        $check!("nested_list", Vec<Vec<String>>, vec![vec!["a".to_string()], vec![], vec!["b".to_string(), "c".to_string()]]);
        $check!("dict", HashMap<String, f64>, [("x".to_string(), 1.0), ("y".to_string(), -0.5)].into());
        $check!("dict_of_lists", BTreeMap<String, Vec<i64>>, [("a".to_string(), vec![1]), ("b".to_string(), vec![])].into());
        $check!("optional_some", Option<i64>, Some(7));
        $check!("optional_none", Option<String>, None);
        $check!("optional_list", Option<Vec<i64>>, Some(vec![4, 5]));
        $check!("untyped_dict", serde_json::Value, serde_json::json!({"a": 1, "b": [true, null, "x"], "c": {"d": 2.5}}));
        $check!("enum", Color, Color::DeepBlue);
        $check!("optional_enum", Option<Color>, Some(Color::Green));
        $check!("file", FlyteFile, FlyteFile::new("s3://bucket/data.csv"));
        $check!("csv_file", FlyteFile<Csv>, FlyteFile::new("s3://bucket/table.csv"));
        $check!("directory", FlyteDirectory, FlyteDirectory::new("s3://bucket/dir/"));
        $check!("inner", Inner, Inner { n: 5, tags: vec!["t".to_string()] });
        $check!("record", Record, record());
        $check!("optional_record", Option<Record>, Some(record()));
        $check!("records", Vec<Inner>, vec![Inner { n: 1, tags: vec![] }, Inner { n: 2, tags: vec!["q".to_string()] }]);
    };
}

fn scratch(name: &str) -> PathBuf {
    flytekit_tests::scratch_dir(env!("CARGO_TARGET_TMPDIR"), "type_interop", name)
}

#[test]
fn python_flytekit_reads_what_we_write() {
    let mut types = VariableMap::default();
    let mut literals = LiteralMap::default();
    macro_rules! write_case {
        ($name:literal, $ty:ty, $value:expr) => {
            let value: $ty = $value;
            let variable = Variable {
                r#type: Some(<$ty as FlyteType>::literal_type()),
                ..Default::default()
            };
            types.variables.insert($name.to_string(), variable);
            literals
                .literals
                .insert($name.to_string(), value.to_literal().unwrap());
        };
    }
    cases!(write_case);

    let dir = scratch("rust-to-python");
    fs::write(dir.join("rust_types.pb"), types.encode_to_vec()).unwrap();
    fs::write(dir.join("rust_literals.pb"), literals.encode_to_vec()).unwrap();
    let python = PythonEnv::get(env!("CARGO_TARGET_TMPDIR"));
    let report = python.run_script("type_interop.py", &["check".as_ref(), dir.as_os_str()]);
    assert!(report.contains(", 0 problems"), "{report}");
}

#[test]
fn we_read_what_python_flytekit_writes() {
    let dir = scratch("python-to-rust");
    let python = PythonEnv::get(env!("CARGO_TARGET_TMPDIR"));
    python.run_script("type_interop.py", &["write".as_ref(), dir.as_os_str()]);
    let bytes = fs::read(dir.join("python_literals.pb")).unwrap();
    let literals = LiteralMap::decode(bytes.as_slice()).unwrap();

    let mut failures = Vec::new();
    macro_rules! read_case {
        ($name:literal, $ty:ty, $value:expr) => {
            let expected: $ty = $value;
            match literals
                .literals
                .get($name)
                .map(<$ty as FlyteType>::from_literal)
            {
                Some(Ok(actual)) if actual == expected => {}
                Some(Ok(actual)) => {
                    failures.push(format!("{}: read {actual:?}, expected {expected:?}", $name))
                }
                Some(Err(err)) => failures.push(format!("{}: {err}", $name)),
                None => failures.push(format!("{}: not written by flytekit", $name)),
            }
        };
    }
    cases!(read_case);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
