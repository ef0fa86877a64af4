//! Wire compatibility of `flytekit-idl` with the official flyteidl 1.16.8 and Python flytekit.
//!
//! - every message and enum of `proto/` matches the official descriptor field by field;
//! - the comparison catches a changed field number (a test of the test);
//! - files written by `pyflyte package` and `pyflyte-execute` decode with our types and re-encode
//!   to messages equal to the originals;
//! - map fields are ordered, so encoding is deterministic.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use flytekit_idl::{admin, core};
use flytekit_tests::PythonEnv;
use prost::Message;

fn python() -> PythonEnv {
    PythonEnv::get(env!("CARGO_TARGET_TMPDIR"))
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    flytekit_tests::scratch_dir(env!("CARGO_TARGET_TMPDIR"), "idl_wire", name)
}

#[test]
fn every_proto_message_matches_official_flyteidl() {
    let dir = scratch("descriptors");
    let ours = dir.join("ours.bin");
    fs::write(&ours, flytekit_idl::FILE_DESCRIPTOR_SET).unwrap();
    let report = python().run_script("compare_descriptors.py", &[ours.as_os_str()]);
    assert!(report.contains(", 0 differences"), "{report}");
}

#[test]
fn a_changed_field_number_is_caught() {
    // Move Literal.hash from field 4 to 14 in a copy of our descriptors: the comparison must fail
    // and name the field, or the test above proves nothing.
    let mut set =
        prost_types::FileDescriptorSet::decode(flytekit_idl::FILE_DESCRIPTOR_SET).unwrap();
    let literals = set
        .file
        .iter_mut()
        .find(|f| f.name() == "flyteidl/core/literals.proto")
        .expect("literals.proto is compiled");
    let literal = literals
        .message_type
        .iter_mut()
        .find(|m| m.name() == "Literal")
        .expect("Literal is declared");
    let hash = literal
        .field
        .iter_mut()
        .find(|f| f.name() == "hash")
        .unwrap();
    assert_eq!(hash.number(), 4);
    hash.number = Some(14);

    let dir = scratch("tampered");
    let tampered = dir.join("tampered.bin");
    fs::write(&tampered, set.encode_to_vec()).unwrap();
    let output = python()
        .command(python().python())
        .arg(flytekit_tests::python_dir().join("compare_descriptors.py"))
        .arg(&tampered)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !output.status.success(),
        "a changed field number passed:\n{stdout}"
    );
    assert!(stdout.contains("flyteidl.core.Literal.hash"), "{stdout}");
    assert!(stdout.contains(", 1 differences"), "{stdout}");
}

/// The protobuf message a flytekit-written file holds, from its name.
fn message_type(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?;
    Some(match name {
        "inputs.pb" | "outputs.pb" => "flyteidl.core.LiteralMap",
        "error.pb" => "flyteidl.core.ErrorDocument",
        "futures.pb" => "flyteidl.core.DynamicJobSpec",
        _ if name.ends_with("_1.pb") => "flyteidl.admin.TaskSpec",
        _ if name.ends_with("_2.pb") => "flyteidl.admin.WorkflowSpec",
        _ if name.ends_with("_3.pb") => "flyteidl.admin.LaunchPlan",
        _ if path.parent()?.ends_with("literals") => "flyteidl.core.LiteralMap",
        _ => return None,
    })
}

/// Decodes `bytes` as `type_name` with our types and encodes the result again.
fn reencode(type_name: &str, bytes: &[u8]) -> Result<Vec<u8>, prost::DecodeError> {
    fn round_trip<M: Message + Default>(bytes: &[u8]) -> Result<Vec<u8>, prost::DecodeError> {
        Ok(M::decode(bytes)?.encode_to_vec())
    }
    match type_name {
        "flyteidl.core.LiteralMap" => round_trip::<core::LiteralMap>(bytes),
        "flyteidl.core.ErrorDocument" => round_trip::<core::ErrorDocument>(bytes),
        "flyteidl.core.DynamicJobSpec" => round_trip::<core::DynamicJobSpec>(bytes),
        "flyteidl.admin.TaskSpec" => round_trip::<admin::TaskSpec>(bytes),
        "flyteidl.admin.WorkflowSpec" => round_trip::<admin::WorkflowSpec>(bytes),
        "flyteidl.admin.LaunchPlan" => round_trip::<admin::LaunchPlan>(bytes),
        other => panic!("no decoder for {other}"),
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn flytekit_written_files_round_trip_through_our_types() {
    let dir = scratch("flytekit-files");
    let written = dir.join("flytekit");
    python().run_script("make_flytekit_files.py", &[written.as_os_str()]);

    let mut files = Vec::new();
    files_under(&written, &mut files);
    files.sort();

    let mut pairs = String::new();
    let mut kinds = BTreeMap::<&str, usize>::new();
    for original in &files {
        let Some(type_name) = message_type(original) else {
            continue;
        };
        let bytes = fs::read(original).unwrap();
        let ours = reencode(type_name, &bytes).unwrap_or_else(|err| {
            panic!(
                "{} does not decode as {type_name}: {err}",
                original.display()
            )
        });
        let relative = original.strip_prefix(&written).unwrap();
        let copy = dir.join("flytekit-rs").join(relative);
        fs::create_dir_all(copy.parent().unwrap()).unwrap();
        fs::write(&copy, ours).unwrap();
        pairs.push_str(&format!(
            "{type_name} {} {}\n",
            original.display(),
            copy.display()
        ));
        *kinds.entry(type_name).or_default() += 1;
    }
    for wanted in [
        "flyteidl.admin.TaskSpec",
        "flyteidl.admin.WorkflowSpec",
        "flyteidl.admin.LaunchPlan",
        "flyteidl.core.LiteralMap",
        "flyteidl.core.ErrorDocument",
    ] {
        assert!(
            kinds.contains_key(wanted),
            "flytekit wrote no {wanted} file: {kinds:?}"
        );
    }

    let pairs_file = dir.join("pairs.txt");
    fs::write(&pairs_file, pairs).unwrap();
    let report = python().run_script("compare_roundtrip.py", &[OsStr::new(&pairs_file)]);
    assert!(report.contains(", 0 differ"), "{report}");
}

#[test]
fn map_fields_are_ordered_so_encoding_is_deterministic() {
    let literal = |i: i64| core::Literal {
        value: Some(core::literal::Value::Scalar(Box::new(core::Scalar {
            value: Some(core::scalar::Value::Primitive(core::Primitive {
                value: Some(core::primitive::Value::Integer(i)),
            })),
        }))),
        ..Default::default()
    };
    let names: Vec<String> = (0..64)
        .map(|i| format!("input_{}", (i * 37) % 64))
        .collect();

    let mut forward = core::LiteralMap::default();
    for (i, name) in names.iter().enumerate() {
        forward.literals.insert(name.clone(), literal(i as i64));
    }
    let mut backward = core::LiteralMap::default();
    for (i, name) in names.iter().enumerate().rev() {
        backward.literals.insert(name.clone(), literal(i as i64));
    }
    // The field type itself is the guarantee: a BTreeMap iterates in key order.
    let _: &BTreeMap<String, core::Literal> = &forward.literals;
    let _: &BTreeMap<String, String> = &admin::Labels::default().values;
    assert_eq!(forward.encode_to_vec(), backward.encode_to_vec());
}
