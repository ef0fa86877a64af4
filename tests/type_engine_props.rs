//! Property tests of the type engine: random values of every supported type survive
//! Rust -> Literal -> bytes -> Literal -> Rust unchanged, and random bytes or random literals of
//! the wrong shape are errors, never panics.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use flytekit::idl::core::{
    literal, primitive, scalar, Binary, Blob, BlobMetadata, BlobType, Literal, LiteralCollection,
    LiteralMap, LiteralOffloadedMetadata, Primitive, Scalar, Union, Void,
};
use flytekit::idl::prost::Message;
use flytekit::prelude::*;
use proptest::prelude::*;

#[derive(Debug, Clone, PartialEq, FlyteType)]
enum Level {
    Low,
    High,
}

#[derive(Debug, Clone, PartialEq, FlyteType)]
struct Leaf {
    label: String,
    weight: f64,
}

#[derive(Debug, Clone, PartialEq, FlyteType)]
struct Tree {
    id: i64,
    level: Level,
    note: Option<String>,
    leaves: Vec<Leaf>,
    scores: HashMap<String, Option<f64>>,
    when: DateTime<Utc>,
    took: std::time::Duration,
    parent: Option<Leaf>,
}

/// Equal, or equal as Debug text (so a NaN inside a Vec compares equal to itself).
fn same<T: std::fmt::Debug + PartialEq>(a: &T, b: &T) -> bool {
    a == b || format!("{a:?}") == format!("{b:?}")
}

fn round_trip<T: FlyteType + std::fmt::Debug + PartialEq>(value: &T) -> Result<(), TestCaseError> {
    let literal = value
        .to_literal()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let decoded = Literal::decode(literal.encode_to_vec().as_slice()).unwrap();
    prop_assert_eq!(&decoded, &literal);
    let back = T::from_literal(&decoded).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(same(value, &back), "{:?} came back as {:?}", value, back);
    // The msgpack form (a field of a dataclass) round-trips too.
    let mut packed = Vec::new();
    value
        .write_msgpack(&mut packed)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let unpacked = flytekit::core::types::decode_msgpack(&packed).unwrap();
    let back = T::read_msgpack(&unpacked).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(
        same(value, &back),
        "{:?} came back from msgpack as {:?}",
        value,
        back
    );
    Ok(())
}

/// Date-times between years 1 and 9999 with microsecond precision (Python's precision, which
/// the dataclass form keeps).
fn datetime() -> impl Strategy<Value = DateTime<Utc>> {
    (-62_135_596_800_i64..253_402_300_799, 0_u32..1_000_000)
        .prop_map(|(s, micros)| DateTime::from_timestamp(s, micros * 1_000).unwrap())
}

/// Durations up to ~31 years with microsecond precision: in a dataclass they are float seconds
/// (as in flytekit), and a double holds whole microseconds only that far.
fn std_duration() -> impl Strategy<Value = std::time::Duration> {
    (0_u64..1_000_000_000, 0_u32..1_000_000)
        .prop_map(|(s, us)| std::time::Duration::new(s, us * 1_000))
}

fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        (-1e300_f64..1e300).prop_map(serde_json::Value::from),
        ".*".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(".*", inner, 0..8)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn leaf() -> impl Strategy<Value = Leaf> {
    (".*", -1e300_f64..1e300).prop_map(|(label, weight)| Leaf { label, weight })
}

fn tree() -> impl Strategy<Value = Tree> {
    (
        any::<i64>(),
        prop_oneof![Just(Level::Low), Just(Level::High)],
        prop::option::of(".*"),
        prop::collection::vec(leaf(), 0..5),
        prop::collection::hash_map(".*", prop::option::of(-1e300_f64..1e300), 0..5),
        datetime(),
        std_duration(),
        prop::option::of(leaf()),
    )
        .prop_map(
            |(id, level, note, leaves, scores, when, took, parent)| Tree {
                id,
                level,
                note,
                leaves,
                scores,
                when,
                took,
                parent,
            },
        )
}

proptest! {
    #[test]
    fn scalars_round_trip(i in any::<i64>(), u in any::<u32>(), small in any::<i8>(), f in any::<f64>(), f32v in any::<f32>(), b in any::<bool>(), s in ".*") {
        round_trip(&i)?;
        round_trip(&u)?;
        round_trip(&small)?;
        round_trip(&f)?;
        round_trip(&f32v)?;
        round_trip(&b)?;
        round_trip(&s)?;
        round_trip(&())?;
    }

    #[test]
    fn times_round_trip(dt in datetime(), d in std_duration(), days in 1_i32..3_650_000, delta_us in -1_000_000_000_000_000_i64..1_000_000_000_000_000) {
        round_trip(&dt)?;
        round_trip(&d)?;
        round_trip(&NaiveDate::from_num_days_from_ce_opt(days).unwrap())?;
        round_trip(&TimeDelta::microseconds(delta_us))?;
    }

    #[test]
    fn containers_round_trip(
        v in prop::collection::vec(any::<i64>(), 0..20),
        nested in prop::collection::vec(prop::collection::vec(".*", 0..4), 0..4),
        m in prop::collection::hash_map(".*", prop::collection::vec(".*", 0..3), 0..5),
        bm in prop::collection::btree_map(".*", prop::option::of(any::<f64>()), 0..5),
        o in prop::option::of(any::<i64>()),
        bytes in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        round_trip(&v)?;
        round_trip(&nested)?;
        round_trip(&m)?;
        round_trip(&bm)?;
        round_trip(&o)?;
        round_trip(&Bytes(bytes))?;
        round_trip(&FlyteFile::<flytekit::formats::Csv>::new("s3://bucket/key.csv"))?;
        round_trip(&FlyteDirectory::<flytekit::core::types::GenericFormat>::new("/local/dir"))?;
    }

    #[test]
    fn untyped_dicts_round_trip(value in json()) {
        round_trip(&value)?;
    }

    #[test]
    fn derived_structs_round_trip(value in tree(), values in prop::collection::vec(tree(), 0..3)) {
        round_trip(&value)?;
        round_trip(&Some(value))?;
        round_trip(&values)?;
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(literal) = Literal::decode(bytes.as_slice()) {
            read_as_everything(&literal);
        }
        if let Ok(map) = LiteralMap::decode(bytes.as_slice()) {
            for literal in map.literals.values() {
                read_as_everything(literal);
            }
        }
        // As the msgpack payload of a dataclass literal.
        let packed = Literal {
            value: Some(literal::Value::Scalar(Box::new(Scalar {
                value: Some(scalar::Value::Binary(Binary { value: bytes, tag: "msgpack".into() })),
            }))),
            ..Default::default()
        };
        read_as_everything(&packed);
    }

    #[test]
    fn random_literals_never_panic(literal in any_literal()) {
        read_as_everything(&literal);
    }
}

/// Reads one literal as every kind of value; only the absence of panics matters here.
fn read_as_everything(literal: &Literal) {
    let _ = i64::from_literal(literal);
    let _ = u8::from_literal(literal);
    let _ = f64::from_literal(literal);
    let _ = bool::from_literal(literal);
    let _ = String::from_literal(literal);
    let _ = <()>::from_literal(literal);
    let _ = DateTime::<Utc>::from_literal(literal);
    let _ = NaiveDate::from_literal(literal);
    let _ = std::time::Duration::from_literal(literal);
    let _ = TimeDelta::from_literal(literal);
    let _ = Vec::<Option<i64>>::from_literal(literal);
    let _ = HashMap::<String, Vec<String>>::from_literal(literal);
    let _ = BTreeMap::<String, f64>::from_literal(literal);
    let _ = serde_json::Value::from_literal(literal);
    let _ = Bytes::from_literal(literal);
    let _ = FlyteFile::<flytekit::core::types::GenericFormat>::from_literal(literal);
    let _ = Level::from_literal(literal);
    let _ = Tree::from_literal(literal);
    let _ = Option::<Tree>::from_literal(literal);
    let _ = flytekit::core::types::json::literal_to_json(literal);
}

fn any_literal() -> impl Strategy<Value = Literal> {
    let primitive = prop_oneof![
        any::<i64>().prop_map(primitive::Value::Integer),
        any::<f64>().prop_map(primitive::Value::FloatValue),
        ".*".prop_map(primitive::Value::StringValue),
        any::<bool>().prop_map(primitive::Value::Boolean),
        (any::<i64>(), any::<i32>()).prop_map(|(seconds, nanos)| primitive::Value::Datetime(
            prost_types::Timestamp { seconds, nanos }
        )),
        (any::<i64>(), any::<i32>()).prop_map(|(seconds, nanos)| primitive::Value::Duration(
            prost_types::Duration { seconds, nanos }
        )),
    ];
    let scalar_value = prop_oneof![
        prop::option::of(primitive).prop_map(|value| scalar::Value::Primitive(Primitive { value })),
        Just(scalar::Value::NoneType(Void {})),
        (
            prop::collection::vec(any::<u8>(), 0..32),
            prop_oneof![Just("msgpack".to_string()), ".*"]
        )
            .prop_map(|(value, tag)| scalar::Value::Binary(Binary { value, tag })),
        (".*", any::<i32>(), ".*").prop_map(|(uri, dimensionality, format)| scalar::Value::Blob(
            Blob {
                metadata: Some(BlobMetadata {
                    r#type: Some(BlobType {
                        format,
                        dimensionality
                    })
                }),
                uri,
            }
        )),
        Just(scalar::Value::Generic(prost_types::Struct::default())),
    ];
    let leaf = prop_oneof![
        prop::option::of(scalar_value).prop_map(|value| Literal {
            value: Some(literal::Value::Scalar(Box::new(Scalar { value }))),
            ..Default::default()
        }),
        Just(Literal::default()),
        ".*".prop_map(|uri| Literal {
            value: Some(literal::Value::OffloadedMetadata(Box::new(
                LiteralOffloadedMetadata {
                    uri,
                    ..Default::default()
                }
            ))),
            ..Default::default()
        }),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(|literals| Literal {
                value: Some(literal::Value::Collection(LiteralCollection { literals })),
                ..Default::default()
            }),
            prop::collection::btree_map(".*", inner.clone(), 0..6).prop_map(|literals| Literal {
                value: Some(literal::Value::Map(LiteralMap { literals })),
                ..Default::default()
            }),
            prop::option::of(inner).prop_map(|value| Literal {
                value: Some(literal::Value::Scalar(Box::new(Scalar {
                    value: Some(scalar::Value::Union(Box::new(Union {
                        value: value.map(Box::new),
                        r#type: None
                    }))),
                }))),
                ..Default::default()
            }),
        ]
    })
}
