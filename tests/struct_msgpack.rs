//! Derived structs read from msgpack in place (`FlyteType::read_msgpack_from`, what
//! `from_literal` uses) and through an `rmpv` tree (`FlyteType::read_msgpack`, what a struct
//! nested in an untyped value uses) must accept the same input and build the same value.
//!
//! The property test takes real struct values, edits their msgpack the ways flytekit or a hand
//! written payload might differ (fields reordered, unknown or repeated keys, missing fields,
//! values of another kind), and compares the two readers; the examples pin the error messages.

use std::collections::HashMap;

use flytekit::core::types::{decode_msgpack, msgpack_literal, MsgpackReader, TypeError};
use flytekit::prelude::*;
use proptest::prelude::*;
use rmpv::Value;

#[derive(Debug, Clone, PartialEq, FlyteType)]
struct Leaf {
    label: String,
    weight: f64,
}

#[derive(Debug, Clone, PartialEq, FlyteType)]
struct Tree {
    id: i64,
    note: Option<String>,
    leaves: Vec<Leaf>,
    scores: HashMap<String, f64>,
    parent: Option<Leaf>,
    #[serde(default)]
    rank: u32,
    #[serde(rename = "kind")]
    category: String,
    #[serde(skip)]
    cached: Option<i64>,
}

/// Names a payload's keys are drawn from: the fields of both structs, and one neither has.
const KEYS: &[&str] = &[
    "id", "note", "leaves", "scores", "parent", "rank", "kind", "category", "cached", "label",
    "weight", "other",
];

/// An edit of one msgpack map.
#[derive(Debug, Clone)]
enum Edit {
    Reverse,
    Insert(Value, Value),
    /// Repeats the key of entry `usize` with another value.
    Repeat(usize, Value),
    Remove(usize),
    Replace(usize, Value),
    /// Applies the edit to the map at entry `usize`, or to every map in the array there.
    Inside(usize, Box<Edit>),
}

fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Nil),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::F64),
        any::<f32>().prop_map(Value::F32),
        "[a-z]{0,6}".prop_map(Value::from),
        prop::collection::vec(any::<u8>(), 0..4).prop_map(Value::Binary),
        Just(not_utf8()),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..4).prop_map(Value::Map),
        ]
    })
}

fn key() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => prop::sample::select(KEYS).prop_map(Value::from),
        1 => any::<i8>().prop_map(Value::from),
        1 => Just(not_utf8()),
    ]
}

/// A msgpack string whose bytes are not UTF-8 (rmpv keeps them as they are).
fn not_utf8() -> Value {
    rmpv::decode::read_value(&mut &[0xa2_u8, 0xff, b'x'][..]).unwrap()
}

fn edit() -> impl Strategy<Value = Edit> {
    let flat = prop_oneof![
        Just(Edit::Reverse),
        (key(), any_value()).prop_map(|(k, v)| Edit::Insert(k, v)),
        (any::<usize>(), any_value()).prop_map(|(i, v)| Edit::Repeat(i, v)),
        any::<usize>().prop_map(Edit::Remove),
        (any::<usize>(), any_value()).prop_map(|(i, v)| Edit::Replace(i, v)),
    ];
    flat.prop_recursive(2, 4, 1, |inner| {
        (any::<usize>(), inner).prop_map(|(i, e)| Edit::Inside(i, Box::new(e)))
    })
}

fn leaf() -> impl Strategy<Value = Leaf> {
    ("[a-z]{0,4}", -1e9_f64..1e9).prop_map(|(label, weight)| Leaf { label, weight })
}

fn tree() -> impl Strategy<Value = Tree> {
    (
        any::<i64>(),
        prop::option::of("[a-z]{0,4}"),
        prop::collection::vec(leaf(), 0..3),
        prop::collection::hash_map("[a-z]{0,3}", -1e9_f64..1e9, 0..3),
        prop::option::of(leaf()),
        any::<u32>(),
        "[a-z]{0,4}",
    )
        .prop_map(|(id, note, leaves, scores, parent, rank, category)| Tree {
            id,
            note,
            leaves,
            scores,
            parent,
            rank,
            category,
            cached: None,
        })
}

fn apply(value: &mut Value, edit: &Edit) {
    let Value::Map(entries) = value else { return };
    let len = entries.len();
    match edit {
        Edit::Reverse => entries.reverse(),
        Edit::Insert(k, v) => entries.push((k.clone(), v.clone())),
        Edit::Repeat(i, v) if len > 0 => {
            let key = entries[i % len].0.clone();
            entries.push((key, v.clone()));
        }
        Edit::Remove(i) if len > 0 => {
            entries.remove(i % len);
        }
        Edit::Replace(i, v) if len > 0 => entries[i % len].1 = v.clone(),
        Edit::Inside(i, inner) if len > 0 => match &mut entries[i % len].1 {
            Value::Array(items) => items.iter_mut().for_each(|item| apply(item, inner)),
            nested => apply(nested, inner),
        },
        _ => {}
    }
}

fn to_msgpack<T: FlyteType>(value: &T) -> Value {
    let mut bytes = Vec::new();
    value.write_msgpack(&mut bytes).unwrap();
    rmpv::decode::read_value(&mut bytes.as_slice()).unwrap()
}

fn encode(value: &Value) -> Vec<u8> {
    let mut bytes = Vec::new();
    rmpv::encode::write_value(&mut bytes, value).unwrap();
    bytes
}

/// The in-place reader over the whole input.
fn streamed<T: FlyteType>(bytes: &[u8]) -> Result<T, TypeError> {
    let mut reader = MsgpackReader::new(bytes);
    let value = T::read_msgpack_from(&mut reader)?;
    reader.finish()?;
    Ok(value)
}

/// The tree reader over the whole input.
fn via_tree<T: FlyteType>(bytes: &[u8]) -> Result<T, TypeError> {
    T::read_msgpack(&decode_msgpack(bytes)?)
}

/// Both readers succeed with the same value, or both fail. When several fields are wrong the
/// two may name different ones first (the tree reader checks fields in declaration order, the
/// in-place reader in the order of the payload), so only the outcome is compared.
fn same_outcome<T: FlyteType + std::fmt::Debug + PartialEq>(
    bytes: &[u8],
) -> Result<(), TestCaseError> {
    match (streamed::<T>(bytes), via_tree::<T>(bytes)) {
        (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
        (Err(_), Err(_)) => {}
        (a, b) => prop_assert!(false, "in place: {a:?}\nthrough a tree: {b:?}"),
    }
    Ok(())
}

proptest! {
    #[test]
    fn both_readers_agree_on_edited_payloads(value in tree(), edits in prop::collection::vec(edit(), 0..4)) {
        let mut payload = to_msgpack(&value);
        for edit in &edits {
            apply(&mut payload, edit);
        }
        let bytes = encode(&payload);
        same_outcome::<Tree>(&bytes)?;
        same_outcome::<Option<Tree>>(&bytes)?;
        same_outcome::<Vec<Tree>>(&encode(&Value::Array(vec![to_msgpack(&value), payload])))?;
        if edits.is_empty() {
            prop_assert_eq!(streamed::<Tree>(&bytes).unwrap(), value);
        }
    }

    #[test]
    fn both_readers_agree_on_random_values(payload in any_value()) {
        let bytes = encode(&payload);
        same_outcome::<Tree>(&bytes)?;
        same_outcome::<Vec<Leaf>>(&bytes)?;
    }

    #[test]
    fn truncated_input_is_an_error(value in tree(), cut in any::<prop::sample::Index>()) {
        let bytes = encode(&to_msgpack(&value));
        let cut = cut.index(bytes.len());
        prop_assert!(streamed::<Tree>(&bytes[..cut]).is_err());
    }
}

fn payload(entries: Vec<(&str, Value)>) -> Vec<u8> {
    encode(&Value::Map(
        entries
            .into_iter()
            .map(|(k, v)| (Value::from(k), v))
            .collect(),
    ))
}

fn leaf_payload(label: &str, weight: Value) -> Value {
    Value::Map(vec![
        (Value::from("label"), Value::from(label)),
        (Value::from("weight"), weight),
    ])
}

fn minimal(extra: Vec<(&str, Value)>) -> Vec<u8> {
    let mut entries = vec![
        ("id", Value::from(7)),
        ("leaves", Value::Array(vec![])),
        ("scores", Value::Map(vec![])),
        ("kind", Value::from("oak")),
    ];
    entries.extend(extra);
    payload(entries)
}

/// Reads with both readers, checks they give the same message, and returns it.
fn error_of(bytes: &[u8]) -> String {
    let streamed = streamed::<Tree>(bytes).unwrap_err().to_string();
    let tree = via_tree::<Tree>(bytes).unwrap_err().to_string();
    assert_eq!(streamed, tree, "the two readers report different errors");
    streamed
}

#[test]
fn missing_optional_and_default_fields_take_their_defaults() {
    let tree: Tree = streamed(&minimal(vec![("other", Value::from("ignored"))])).unwrap();
    assert_eq!(
        tree,
        Tree {
            id: 7,
            note: None,
            leaves: vec![],
            scores: HashMap::new(),
            parent: None,
            rank: 0,
            category: "oak".into(),
            cached: None,
        }
    );
}

#[test]
fn a_repeated_key_keeps_its_first_value() {
    let bytes = minimal(vec![("id", Value::from("not an int"))]);
    assert_eq!(streamed::<Tree>(&bytes).unwrap().id, 7);
    assert_eq!(via_tree::<Tree>(&bytes).unwrap().id, 7);
}

#[test]
fn an_integer_is_read_where_a_float_is_expected() {
    let bytes = minimal(vec![(
        "leaves",
        Value::Array(vec![leaf_payload("a", Value::from(3))]),
    )]);
    // "leaves" repeats: the first (empty) list wins.
    assert_eq!(streamed::<Tree>(&bytes).unwrap().leaves, vec![]);
    let leaves = encode(&Value::Array(vec![leaf_payload("a", Value::from(3))]));
    assert_eq!(
        streamed::<Vec<Leaf>>(&leaves).unwrap(),
        vec![Leaf {
            label: "a".into(),
            weight: 3.0
        }]
    );
}

#[test]
fn errors_name_the_field_and_are_the_same_from_both_readers() {
    assert_eq!(
        error_of(&payload(vec![("id", Value::from(7))])),
        "at `leaves`: missing field `leaves`"
    );
    let bad_weight = minimal(vec![("parent", leaf_payload("a", Value::from("heavy")))]);
    assert_eq!(
        error_of(&bad_weight),
        "at `parent.weight`: expected `f64` (FLOAT), found msgpack str"
    );
    assert_eq!(
        error_of(&encode(&Value::from(5))),
        "expected `Tree` (STRUCT), found msgpack int 5"
    );
}

#[test]
fn a_list_element_error_names_its_index() {
    let leaves = encode(&Value::Array(vec![
        leaf_payload("a", Value::F64(1.0)),
        leaf_payload("b", Value::Nil),
    ]));
    let streamed = streamed::<Vec<Leaf>>(&leaves).unwrap_err().to_string();
    assert_eq!(
        streamed,
        via_tree::<Vec<Leaf>>(&leaves).unwrap_err().to_string()
    );
    assert_eq!(
        streamed,
        "at `[1].weight`: expected `f64` (FLOAT), found msgpack nil"
    );
}

#[test]
fn from_literal_reads_in_place_and_rejects_trailing_bytes() {
    let mut bytes = minimal(vec![]);
    assert_eq!(
        Tree::from_literal(&msgpack_literal(bytes.clone()))
            .unwrap()
            .id,
        7
    );
    bytes.push(0xc0);
    assert_eq!(
        Tree::from_literal(&msgpack_literal(bytes))
            .unwrap_err()
            .to_string(),
        "invalid msgpack: 1 bytes left after the value"
    );
}

/// A struct that contains itself: input can nest it as deep as it likes.
#[derive(Debug, Clone, PartialEq, FlyteType)]
struct Node {
    children: Vec<Node>,
}

#[test]
fn nesting_deeper_than_the_limit_is_an_error_not_a_stack_overflow() {
    // `{"children": [` 10,000 times, written by hand: rmpv's own encoder recurses.
    let mut bytes = Vec::new();
    for _ in 0..10_000 {
        bytes.push(0x81);
        bytes.push(0xa8);
        bytes.extend_from_slice(b"children");
        bytes.push(0x91);
    }
    bytes.extend_from_slice(&[0x81, 0xa8]);
    bytes.extend_from_slice(b"children");
    bytes.push(0x90);
    let err = streamed::<Node>(&bytes).unwrap_err().to_string();
    assert!(
        err.ends_with(
            "invalid msgpack: maps and arrays nested too deeply (the limit is 128 levels)"
        ),
        "{err}"
    );
    assert_eq!(
        via_tree::<Node>(&bytes).unwrap_err().to_string(),
        "invalid msgpack: maps and arrays nested too deeply (the limit is 128 levels)"
    );

    // Within the limit both readers build it.
    let shallow = encode(&(0..50).fold(
        Value::Map(vec![(Value::from("children"), Value::Array(vec![]))]),
        |inner, _| Value::Map(vec![(Value::from("children"), Value::Array(vec![inner]))]),
    ));
    assert_eq!(
        streamed::<Node>(&shallow).unwrap(),
        via_tree::<Node>(&shallow).unwrap()
    );
}

#[test]
fn maps_keep_the_last_value_of_a_repeated_key_and_reject_other_keys() {
    let repeated = encode(&Value::Map(vec![
        (Value::from("a"), Value::F64(1.0)),
        (Value::from("a"), Value::F64(2.0)),
    ]));
    let streamed_map = streamed::<HashMap<String, f64>>(&repeated).unwrap();
    assert_eq!(
        streamed_map,
        via_tree::<HashMap<String, f64>>(&repeated).unwrap()
    );
    assert_eq!(streamed_map["a"], 2.0);

    let int_key = encode(&Value::Map(vec![(Value::from(1), Value::F64(1.0))]));
    let message = streamed::<HashMap<String, f64>>(&int_key)
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        via_tree::<HashMap<String, f64>>(&int_key)
            .unwrap_err()
            .to_string()
    );
    assert_eq!(message, "map keys must be strings, found msgpack int 1");
}
