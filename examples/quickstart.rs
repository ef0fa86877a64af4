//! Quickstart: build the inputs of a Flyte task as a `LiteralMap`, the exact bytes a Flyte
//! cluster hands a task container as `inputs.pb`, decode them again and show them as JSON.
//!
//! Run with `cargo run --example quickstart`.

use flytekit::idl::core::{literal, primitive, scalar, Literal, LiteralCollection, LiteralMap};
use flytekit::idl::core::{Primitive, Scalar};
use flytekit::idl::prost::Message;

fn integer(value: i64) -> Literal {
    let primitive = Primitive {
        value: Some(primitive::Value::Integer(value)),
    };
    Literal {
        value: Some(literal::Value::Scalar(Box::new(Scalar {
            value: Some(scalar::Value::Primitive(primitive)),
        }))),
        ..Default::default()
    }
}

/// A JSON picture of a literal: integers as numbers, collections as arrays, maps as objects.
fn to_json(literal: &Literal) -> serde_json::Value {
    match &literal.value {
        Some(literal::Value::Scalar(scalar)) => match &scalar.value {
            Some(scalar::Value::Primitive(Primitive {
                value: Some(primitive::Value::Integer(i)),
            })) => (*i).into(),
            other => format!("{other:?}").into(),
        },
        Some(literal::Value::Collection(c)) => c.literals.iter().map(to_json).collect(),
        Some(literal::Value::Map(m)) => m
            .literals
            .iter()
            .map(|(k, v)| (k.clone(), to_json(v)))
            .collect(),
        other => format!("{other:?}").into(),
    }
}

fn main() {
    let numbers = LiteralCollection {
        literals: (1..=3).map(integer).collect(),
    };
    let inputs = LiteralMap {
        literals: [
            ("x".to_string(), integer(42)),
            (
                "numbers".to_string(),
                Literal {
                    value: Some(literal::Value::Collection(numbers)),
                    ..Default::default()
                },
            ),
        ]
        .into(),
    };

    let bytes = inputs.encode_to_vec();
    let decoded = LiteralMap::decode(bytes.as_slice()).expect("we just encoded it");
    let json: serde_json::Map<_, _> = decoded
        .literals
        .iter()
        .map(|(name, literal)| (name.clone(), to_json(literal)))
        .collect();
    println!(
        "inputs.pb is {} bytes: {}",
        bytes.len(),
        serde_json::Value::Object(json)
    );
}
