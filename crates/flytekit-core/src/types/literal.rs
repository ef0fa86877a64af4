//! Small constructors and inspectors for IDL literals and literal types.
//!
//! The prost types are verbose to build by hand (recursive messages are boxed, every value is
//! an `Option` of a oneof); these helpers keep the conversions readable. They also give the
//! short names ("INTEGER", "COLLECTION") used in error messages.

use std::borrow::Cow;

use flytekit_idl::core::{
    literal, literal_type, primitive, scalar, Binary, Literal, LiteralType, Primitive, Scalar,
    SimpleType, TypeAnnotation, Void,
};
use prost_types::value::Kind;

use super::offloaded::fetch_offloaded;
use super::TypeError;

/// The `Binary.tag` flytekit writes and requires for msgpack-encoded values.
pub const MSGPACK_TAG: &str = "msgpack";

/// A literal type of one simple kind.
pub fn simple_type(simple: SimpleType) -> LiteralType {
    LiteralType {
        r#type: Some(literal_type::Type::Simple(simple as i32)),
        ..Default::default()
    }
}

/// The annotation flytekit puts on msgpack-encoded STRUCT types (dataclasses, dicts):
/// `{"cache-key-metadata": {"serialization-format": "msgpack"}}`.
pub fn msgpack_annotation() -> TypeAnnotation {
    let format = prost_types::Struct {
        fields: [(
            "serialization-format".to_string(),
            string_value(MSGPACK_TAG),
        )]
        .into(),
    };
    TypeAnnotation {
        annotations: Some(prost_types::Struct {
            fields: [(
                "cache-key-metadata".to_string(),
                prost_types::Value {
                    kind: Some(Kind::StructValue(format)),
                },
            )]
            .into(),
        }),
    }
}

fn string_value(s: &str) -> prost_types::Value {
    prost_types::Value {
        kind: Some(Kind::StringValue(s.to_string())),
    }
}

/// A literal holding one scalar.
pub fn scalar_literal(value: scalar::Value) -> Literal {
    Literal {
        value: Some(literal::Value::Scalar(Box::new(Scalar {
            value: Some(value),
        }))),
        ..Default::default()
    }
}

/// A literal holding one primitive.
pub fn primitive_literal(value: primitive::Value) -> Literal {
    scalar_literal(scalar::Value::Primitive(Primitive { value: Some(value) }))
}

/// The "no value" literal (`Scalar.none_type`).
pub fn none_literal() -> Literal {
    scalar_literal(scalar::Value::NoneType(Void {}))
}

/// A msgpack `Binary` literal, as flytekit writes dataclasses and dicts.
pub fn msgpack_literal(bytes: Vec<u8>) -> Literal {
    scalar_literal(scalar::Value::Binary(Binary {
        value: bytes,
        tag: MSGPACK_TAG.to_string(),
    }))
}

/// The scalar inside a literal, if it holds one.
pub fn scalar_of(literal: &Literal) -> Option<&scalar::Value> {
    match &literal.value {
        Some(literal::Value::Scalar(scalar)) => scalar.value.as_ref(),
        _ => None,
    }
}

/// The primitive inside a literal, if it holds one.
pub fn primitive_of(literal: &Literal) -> Option<&primitive::Value> {
    match scalar_of(literal) {
        Some(scalar::Value::Primitive(p)) => p.value.as_ref(),
        _ => None,
    }
}

/// The msgpack bytes inside a literal, if it is a msgpack `Binary`.
pub fn msgpack_of(literal: &Literal) -> Option<&[u8]> {
    match scalar_of(literal) {
        Some(scalar::Value::Binary(b)) if b.tag == MSGPACK_TAG => Some(&b.value),
        _ => None,
    }
}

/// True for the "no value" literal.
pub fn is_none(literal: &Literal) -> bool {
    matches!(scalar_of(literal), Some(scalar::Value::NoneType(_)))
}

/// The literal a reader should look at: union wrappers removed (a value written for an
/// `Optional[T]` arrives wrapped, and readers of a plain `T` must accept it) and offloaded
/// literals fetched.
pub fn resolve(literal: &Literal) -> Result<Cow<'_, Literal>, TypeError> {
    let mut current = Cow::Borrowed(literal);
    // Bounded: a hostile input could nest unions or offloads without end.
    for _ in 0..64 {
        let next = match &current.value {
            Some(literal::Value::Scalar(s)) => match &s.value {
                Some(scalar::Value::Union(union)) => match &union.value {
                    Some(inner) => (**inner).clone(),
                    None => return Err(TypeError::new("found a union literal without a value")),
                },
                _ => return Ok(current),
            },
            Some(literal::Value::OffloadedMetadata(meta)) => fetch_offloaded(meta)?,
            _ => return Ok(current),
        };
        current = Cow::Owned(next);
    }
    Err(TypeError::new(
        "literal nests unions or offloaded literals more than 64 levels deep",
    ))
}

/// A short description of what a literal holds, for error messages: `INTEGER`, `STRING`,
/// `COLLECTION`, `msgpack BINARY`, ...
pub fn literal_kind(literal: &Literal) -> String {
    match &literal.value {
        None => "an empty literal".to_string(),
        Some(literal::Value::Collection(_)) => "COLLECTION".to_string(),
        Some(literal::Value::Map(_)) => "MAP".to_string(),
        Some(literal::Value::OffloadedMetadata(_)) => "an offloaded literal".to_string(),
        Some(literal::Value::Scalar(s)) => match &s.value {
            None => "an empty scalar".to_string(),
            Some(scalar::Value::Primitive(p)) => match &p.value {
                None => "an empty primitive".to_string(),
                Some(primitive::Value::Integer(_)) => "INTEGER".to_string(),
                Some(primitive::Value::FloatValue(_)) => "FLOAT".to_string(),
                Some(primitive::Value::StringValue(_)) => "STRING".to_string(),
                Some(primitive::Value::Boolean(_)) => "BOOLEAN".to_string(),
                Some(primitive::Value::Datetime(_)) => "DATETIME".to_string(),
                Some(primitive::Value::Duration(_)) => "DURATION".to_string(),
            },
            Some(scalar::Value::Blob(b)) => {
                let multipart = b
                    .metadata
                    .as_ref()
                    .and_then(|m| m.r#type.as_ref())
                    .is_some_and(|t| {
                        t.dimensionality
                            == flytekit_idl::core::blob_type::BlobDimensionality::Multipart as i32
                    });
                if multipart {
                    "BLOB (directory)"
                } else {
                    "BLOB (file)"
                }
                .to_string()
            }
            Some(scalar::Value::Binary(b)) if b.tag == MSGPACK_TAG => "msgpack BINARY".to_string(),
            Some(scalar::Value::Binary(b)) => format!("BINARY tagged {:?}", b.tag),
            Some(scalar::Value::Schema(_)) => "SCHEMA".to_string(),
            Some(scalar::Value::NoneType(_)) => "NONE".to_string(),
            Some(scalar::Value::Error(_)) => "ERROR".to_string(),
            Some(scalar::Value::Generic(_)) => "generic STRUCT".to_string(),
            Some(scalar::Value::StructuredDataset(_)) => "STRUCTURED_DATASET".to_string(),
            Some(scalar::Value::Union(_)) => "UNION".to_string(),
        },
    }
}

/// Converts a protobuf `Struct` (the legacy `Scalar.generic` form of dataclasses and dicts) to a
/// msgpack value, so legacy literals are read by the same code as msgpack ones.
pub fn struct_to_msgpack(value: &prost_types::Struct) -> rmpv::Value {
    rmpv::Value::Map(
        value
            .fields
            .iter()
            .map(|(k, v)| (rmpv::Value::from(k.as_str()), protobuf_value_to_msgpack(v)))
            .collect(),
    )
}

fn protobuf_value_to_msgpack(value: &prost_types::Value) -> rmpv::Value {
    match &value.kind {
        None | Some(Kind::NullValue(_)) => rmpv::Value::Nil,
        Some(Kind::NumberValue(n)) => rmpv::Value::F64(*n),
        Some(Kind::StringValue(s)) => rmpv::Value::from(s.as_str()),
        Some(Kind::BoolValue(b)) => rmpv::Value::Boolean(*b),
        Some(Kind::StructValue(s)) => struct_to_msgpack(s),
        Some(Kind::ListValue(l)) => {
            rmpv::Value::Array(l.values.iter().map(protobuf_value_to_msgpack).collect())
        }
    }
}

/// What a literal holds, with the value itself for primitives: `FLOAT 1.5`, `STRING "abc"`,
/// `COLLECTION`. Long strings are cut, so error messages stay readable.
pub fn describe_literal(literal: &Literal) -> String {
    match primitive_of(literal) {
        Some(primitive::Value::Integer(i)) => format!("INTEGER {i}"),
        Some(primitive::Value::FloatValue(f)) => format!("FLOAT {f}"),
        Some(primitive::Value::Boolean(b)) => format!("BOOLEAN {b}"),
        Some(primitive::Value::StringValue(s)) => {
            let mut shown: String = s.chars().take(40).collect();
            if shown.len() < s.len() {
                shown.push_str("...");
            }
            format!("STRING {shown:?}")
        }
        _ => literal_kind(literal),
    }
}
