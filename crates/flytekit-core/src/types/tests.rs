//! Unit tests of the type engine: literal types, leniency, error messages, malformed input.
//! Interop with Python flytekit is tested in `tests/type_interop.rs`, random values in
//! `tests/type_engine_props.rs` at the crate root.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use flytekit_idl::core::{
    literal, literal_type, scalar, Literal, LiteralOffloadedMetadata, SimpleType,
};
use prost::Message;

use super::*;

fn int(i: i64) -> Literal {
    primitive_literal(flytekit_idl::core::primitive::Value::Integer(i))
}

fn float(f: f64) -> Literal {
    primitive_literal(flytekit_idl::core::primitive::Value::FloatValue(f))
}

fn string(s: &str) -> Literal {
    primitive_literal(flytekit_idl::core::primitive::Value::StringValue(
        s.to_string(),
    ))
}

fn msgpack_of_value(value: &rmpv::Value) -> Literal {
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, value).unwrap();
    msgpack_literal(out)
}

#[test]
fn optional_is_a_union_with_flytekits_tags() {
    let ty = Option::<i64>::literal_type();
    let Some(literal_type::Type::UnionType(union)) = ty.r#type else {
        panic!("{ty:?}")
    };
    let tags: Vec<_> = union
        .variants
        .iter()
        .map(|v| v.structure.as_ref().unwrap().tag.as_str())
        .collect();
    assert_eq!(tags, ["int", "none"]);
}

#[test]
fn optional_reads_bare_union_wrapped_and_none() {
    assert_eq!(Option::<i64>::from_literal(&int(3)).unwrap(), Some(3));
    assert_eq!(
        Option::<i64>::from_literal(&Some(3).to_literal().unwrap()).unwrap(),
        Some(3)
    );
    assert_eq!(
        Option::<i64>::from_literal(&None::<i64>.to_literal().unwrap()).unwrap(),
        None
    );
    assert_eq!(Option::<i64>::from_literal(&none_literal()).unwrap(), None);
    // A plain reader unwraps a union too: a Python Optional[int] output feeding a Rust i64.
    assert_eq!(
        i64::from_literal(&Some(5).to_literal().unwrap()).unwrap(),
        5
    );
}

#[test]
fn numbers_are_read_leniently_but_never_lossily() {
    assert_eq!(f64::from_literal(&int(2)).unwrap(), 2.0);
    assert_eq!(i64::from_literal(&float(4.0)).unwrap(), 4);
    let err = i64::from_literal(&float(4.5)).unwrap_err();
    assert_eq!(err.to_string(), "expected `i64` (INTEGER), found FLOAT 4.5");
    let err = u8::from_literal(&int(300)).unwrap_err();
    assert_eq!(err.to_string(), "300 is out of range for `u8`");
    let err = u64::MAX.to_literal().unwrap_err();
    assert!(
        err.to_string().contains("does not fit in a Flyte INTEGER"),
        "{err}"
    );
}

#[test]
fn msgpack_scalars_are_read_as_the_value_they_hold() {
    // What propeller produces for an attribute path such as `point.x`.
    assert_eq!(
        i64::from_literal(&msgpack_of_value(&rmpv::Value::from(5))).unwrap(),
        5
    );
    assert_eq!(
        String::from_literal(&msgpack_of_value(&rmpv::Value::from("a"))).unwrap(),
        "a"
    );
    assert_eq!(
        Vec::<f64>::from_literal(&msgpack_of_value(&rmpv::Value::Array(vec![
            1.into(),
            2.5.into()
        ])))
        .unwrap(),
        vec![1.0, 2.5]
    );
}

#[test]
fn errors_name_the_path_inside_the_value() {
    let mut inner = HashMap::new();
    inner.insert("x".to_string(), string("oops"));
    let row = Literal {
        value: Some(literal::Value::Map(flytekit_idl::core::LiteralMap {
            literals: inner.into_iter().collect(),
        })),
        ..Default::default()
    };
    let rows = vec![HashMap::from([("x".to_string(), 1.0)]); 3]
        .to_literal()
        .unwrap();
    let Some(literal::Value::Collection(mut collection)) = rows.value else {
        panic!()
    };
    collection.literals.push(row);
    let literal = Literal {
        value: Some(literal::Value::Collection(collection)),
        ..Default::default()
    };
    let err = Vec::<HashMap<String, f64>>::from_literal(&literal).unwrap_err();
    assert_eq!(
        err.to_string(),
        "at `[3][\"x\"]`: expected `f64` (FLOAT), found STRING \"oops\""
    );
}

#[test]
fn wrong_kinds_are_errors_that_say_what_was_found() {
    let cases: Vec<(String, String)> = vec![
        (
            String::from_literal(&int(1)).unwrap_err().to_string(),
            "expected `String` (STRING), found INTEGER 1".into(),
        ),
        (
            bool::from_literal(&Literal::default())
                .unwrap_err()
                .to_string(),
            "expected `bool` (BOOLEAN), found an empty literal".into(),
        ),
        (
            Vec::<i64>::from_literal(&int(1)).unwrap_err().to_string(),
            "expected `Vec<i64>` (COLLECTION), found INTEGER 1".into(),
        ),
        (
            FlyteFile::<GenericFormat>::from_literal(&int(1))
                .unwrap_err()
                .to_string(),
            "expected `FlyteFile` (BLOB (file)), found INTEGER 1".into(),
        ),
        (
            <()>::from_literal(&int(1)).unwrap_err().to_string(),
            "expected `()` (NONE), found INTEGER 1".into(),
        ),
    ];
    for (actual, expected) in cases {
        assert_eq!(actual, expected);
    }
}

#[test]
fn malformed_msgpack_is_an_error() {
    let garbage = msgpack_literal(vec![0xc1, 0xff, 0x00]);
    assert!(serde_json::Value::from_literal(&garbage)
        .unwrap_err()
        .to_string()
        .starts_with("invalid msgpack"));
    let trailing = msgpack_literal(vec![0x01, 0x02]);
    assert!(i64::from_literal(&trailing)
        .unwrap_err()
        .to_string()
        .contains("bytes left"));
    // 100k nested arrays: an error, not a stack overflow.
    let deep = msgpack_literal(vec![0x91; 100_000]);
    assert!(serde_json::Value::from_literal(&deep).is_err());
}

#[test]
fn a_union_without_a_value_is_an_error() {
    let empty_union = scalar_literal(scalar::Value::Union(Box::default()));
    assert_eq!(
        i64::from_literal(&empty_union).unwrap_err().to_string(),
        "found a union literal without a value"
    );
}

#[test]
fn untyped_dicts_read_msgpack_and_legacy_generic_structs() {
    let value = serde_json::json!({"a": [1, "b", null], "c": {"d": true}});
    assert_eq!(
        serde_json::Value::from_literal(&value.to_literal().unwrap()).unwrap(),
        value
    );
    let generic = prost_types::Struct {
        fields: BTreeMap::from([(
            "n".to_string(),
            prost_types::Value {
                kind: Some(prost_types::value::Kind::NumberValue(2.0)),
            },
        )]),
    };
    let legacy = scalar_literal(scalar::Value::Generic(generic));
    assert_eq!(
        serde_json::Value::from_literal(&legacy).unwrap(),
        serde_json::json!({"n": 2.0})
    );
    assert_eq!(
        serde_json::Value::literal_type().annotation,
        Some(msgpack_annotation())
    );
}

#[test]
fn files_keep_their_format_and_location() {
    let file: FlyteFile<formats::Csv> = FlyteFile::new("s3://b/t.csv");
    assert!(file.is_remote());
    assert!(!FlyteFile::<GenericFormat>::new("/tmp/x").is_remote());
    let Some(literal_type::Type::Blob(blob)) = FlyteFile::<formats::Csv>::literal_type().r#type
    else {
        panic!()
    };
    assert_eq!((blob.format.as_str(), blob.dimensionality), ("csv", 0));
    let Some(literal_type::Type::Blob(blob)) =
        FlyteDirectory::<GenericFormat>::literal_type().r#type
    else {
        panic!()
    };
    assert_eq!(blob.dimensionality, 1);
    assert_eq!(
        FlyteFile::<formats::Csv>::from_literal(&file.to_literal().unwrap()).unwrap(),
        file
    );
}

#[test]
fn bytes_are_one_binary_value() {
    let bytes = Bytes(vec![0, 1, 255]);
    assert_eq!(Bytes::literal_type(), simple_type(SimpleType::Binary));
    assert_eq!(
        Bytes::from_literal(&bytes.to_literal().unwrap()).unwrap(),
        bytes
    );
}

#[test]
fn offloaded_literals_are_fetched() {
    let dir = std::env::temp_dir().join(format!("flytekit-offload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("o0_offloaded_metadata.pb");
    std::fs::write(
        &path,
        vec![1_i64, 2, 3].to_literal().unwrap().encode_to_vec(),
    )
    .unwrap();
    let offloaded = |uri: String| Literal {
        value: Some(literal::Value::OffloadedMetadata(Box::new(
            LiteralOffloadedMetadata {
                uri,
                ..Default::default()
            },
        ))),
        ..Default::default()
    };

    // Without a registered fetcher: local paths and file:// work, remote URIs explain why not.
    let local = offloaded(path.display().to_string());
    assert_eq!(Vec::<i64>::from_literal(&local).unwrap(), vec![1, 2, 3]);
    let file_uri = offloaded(format!("file://{}", path.display()));
    assert_eq!(Vec::<i64>::from_literal(&file_uri).unwrap(), vec![1, 2, 3]);
    let remote = offloaded("s3://bucket/o0".to_string());
    let err = Vec::<i64>::from_literal(&remote).unwrap_err().to_string();
    assert!(
        err.contains("no storage is configured for `s3://`"),
        "{err}"
    );

    // With one, remote URIs go through it.
    let stored = vec![7_i64].to_literal().unwrap().encode_to_vec();
    set_offloaded_literal_fetcher(Arc::new(move |uri| {
        if uri == "s3://bucket/o0" {
            Ok(stored.clone())
        } else {
            Err(format!("no object at {uri}"))
        }
    }));
    assert_eq!(Vec::<i64>::from_literal(&remote).unwrap(), vec![7]);
    let missing = offloaded("s3://bucket/missing".to_string());
    assert_eq!(
        i64::from_literal(&missing).unwrap_err().to_string(),
        "cannot fetch offloaded literal `s3://bucket/missing`: no object at s3://bucket/missing"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

mod json_view {
    use super::*;
    use crate::types::json::*;
    use flytekit_idl::core::{Variable, VariableMap};

    fn cli<T: FlyteType + std::fmt::Debug + PartialEq>(text: &str) -> Result<T, TypeError> {
        T::from_literal(&cli_arg_to_literal(text, &T::literal_type())?)
    }

    #[test]
    fn command_line_text_parses_for_every_kind() {
        assert_eq!(cli::<i64>("3").unwrap(), 3);
        assert_eq!(cli::<f64>("2.5").unwrap(), 2.5);
        assert!(cli::<bool>("true").unwrap());
        assert_eq!(cli::<String>("hello world").unwrap(), "hello world");
        assert_eq!(cli::<String>("42").unwrap(), "42");
        assert_eq!(cli::<Vec<String>>(r#"["a","b"]"#).unwrap(), vec!["a", "b"]);
        assert_eq!(
            cli::<HashMap<String, i64>>(r#"{"a": 1}"#).unwrap(),
            HashMap::from([("a".to_string(), 1)])
        );
        assert_eq!(cli::<Option<i64>>("null").unwrap(), None);
        assert_eq!(cli::<Option<i64>>("4").unwrap(), Some(4));
        assert_eq!(
            cli::<Option<String>>("text").unwrap(),
            Some("text".to_string())
        );
        assert_eq!(
            cli::<std::time::Duration>("1h 30m").unwrap(),
            std::time::Duration::from_secs(5400)
        );
        assert_eq!(
            cli::<std::time::Duration>("90").unwrap(),
            std::time::Duration::from_secs(90)
        );
        assert_eq!(
            cli::<chrono::DateTime<chrono::Utc>>("2024-01-31T12:00:00Z").unwrap(),
            chrono::DateTime::from_timestamp(1_706_702_400, 0).unwrap()
        );
        assert_eq!(
            cli::<FlyteFile>("s3://b/k").unwrap(),
            FlyteFile::new("s3://b/k")
        );
        assert_eq!(
            cli::<serde_json::Value>(r#"{"k": [1]}"#).unwrap(),
            serde_json::json!({"k": [1]})
        );
    }

    #[test]
    fn bad_command_line_text_says_what_was_expected() {
        assert_eq!(
            cli::<i64>("three").unwrap_err().to_string(),
            "expected INTEGER, found the string \"three\""
        );
        assert_eq!(
            cli::<Vec<i64>>(r#"[1, "x"]"#).unwrap_err().to_string(),
            "at `[1]`: expected INTEGER, found the string \"x\""
        );
        assert!(cli::<std::time::Duration>("soon")
            .unwrap_err()
            .to_string()
            .contains("expected a duration"));
    }

    #[test]
    fn struct_fields_are_normalised_to_flytekits_msgpack() {
        let ty = struct_literal_type(vec![
            ("when", simple_type(SimpleType::Datetime)),
            ("took", simple_type(SimpleType::Duration)),
            ("score", simple_type(SimpleType::Float)),
        ]);
        let literal = json_to_literal(
            &serde_json::json!({"when": "2024-01-01T00:00:00Z", "took": "1m", "score": 1}),
            &ty,
        )
        .unwrap();
        let value = decode_msgpack(msgpack_of(&literal).unwrap())
            .unwrap()
            .to_owned();
        let map: BTreeMap<_, _> = value
            .as_map()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str().unwrap().to_string(), v.clone()))
            .collect();
        assert_eq!(map["when"], rmpv::Value::from("2024-01-01T00:00:00+00:00"));
        assert_eq!(map["took"], rmpv::Value::F64(60.0));
        assert_eq!(map["score"], rmpv::Value::F64(1.0));
        let err = json_to_literal(&serde_json::json!({"nope": 1}), &ty).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown field `nope`; the fields are `score`, `took`, `when`"
        );
    }

    #[test]
    fn literal_maps_print_as_json() {
        let map = flytekit_idl::core::LiteralMap {
            literals: [
                ("o0".to_string(), 42_i64.to_literal().unwrap()),
                (
                    "o1".to_string(),
                    vec![Some("a".to_string()), None].to_literal().unwrap(),
                ),
                (
                    "o2".to_string(),
                    std::time::Duration::from_secs(5400).to_literal().unwrap(),
                ),
                (
                    "o3".to_string(),
                    FlyteFile::<GenericFormat>::new("s3://b/k")
                        .to_literal()
                        .unwrap(),
                ),
            ]
            .into(),
        };
        assert_eq!(
            literal_map_to_json(&map).unwrap(),
            serde_json::json!({"o0": 42, "o1": ["a", null], "o2": "1h 30m", "o3": "s3://b/k"})
        );
    }

    #[test]
    fn unknown_inputs_are_rejected_by_name() {
        let variables = VariableMap {
            variables: [(
                "x".to_string(),
                Variable {
                    r#type: Some(i64::literal_type()),
                    ..Default::default()
                },
            )]
            .into(),
        };
        let err = json_to_literal_map(&serde_json::json!({"y": 1}), &variables).unwrap_err();
        assert_eq!(err.to_string(), "unknown input `y`; the inputs are `x`");
        let err = json_to_literal_map(&serde_json::json!({"x": "a"}), &variables).unwrap_err();
        assert_eq!(
            err.to_string(),
            "at `x`: expected INTEGER, found the string \"a\""
        );
    }
}
