//! [`FlyteType`] for `serde_json::Value`: flytekit's untyped `dict`, a STRUCT literal holding
//! msgpack (or, in specs written by older flytekit, a protobuf `Struct`).

use flytekit_idl::core::{scalar, Literal, LiteralType, SimpleType};
use prost_types::value::Kind;
use serde_json::Value as Json;

use super::literal::{
    describe_literal, msgpack_annotation, msgpack_literal, msgpack_of, resolve, scalar_of,
    simple_type,
};
use super::msgpack::{
    decode_msgpack, msgpack_kind, write_array_len, write_bool, write_f64, write_int, write_map_len,
    write_nil, write_str, write_uint,
};
use super::{FlyteType, TypeError};

#[diagnostic::do_not_recommend]
impl FlyteType for Json {
    fn literal_type() -> LiteralType {
        LiteralType {
            annotation: Some(msgpack_annotation()),
            ..simple_type(SimpleType::Struct)
        }
    }

    fn union_tag() -> &'static str {
        "Typed Dict"
    }

    fn to_literal(&self) -> Result<Literal, TypeError> {
        let mut out = Vec::new();
        self.write_msgpack(&mut out)?;
        Ok(msgpack_literal(out))
    }

    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        let literal = resolve(literal)?;
        if let Some(bytes) = msgpack_of(&literal) {
            return Self::read_msgpack(&decode_msgpack(bytes)?);
        }
        if let Some(scalar::Value::Generic(s)) = scalar_of(&literal) {
            return Ok(protobuf_struct_to_json(s));
        }
        Err(TypeError::mismatch(
            "serde_json::Value",
            "STRUCT",
            describe_literal(&literal),
        ))
    }

    fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError> {
        match self {
            Json::Null => write_nil(out),
            Json::Bool(b) => write_bool(out, *b),
            Json::Number(n) => {
                if let Some(i) = n.as_i64() {
                    write_int(out, i)
                } else if let Some(u) = n.as_u64() {
                    write_uint(out, u)
                } else {
                    write_f64(out, n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Json::String(s) => write_str(out, s),
            Json::Array(items) => {
                write_array_len(out, items.len())?;
                for (i, item) in items.iter().enumerate() {
                    item.write_msgpack(out).map_err(|e| e.at_index(i))?;
                }
            }
            Json::Object(map) => {
                write_map_len(out, map.len())?;
                for (k, v) in map {
                    write_str(out, k);
                    v.write_msgpack(out).map_err(|e| e.at_key(k))?;
                }
            }
        }
        Ok(())
    }

    fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError> {
        msgpack_to_json(value)
    }
}

/// A msgpack value as JSON. Map keys that are not strings (a Python dict may have int keys)
/// become their text; binary and ext values have no JSON form and are errors.
pub(crate) fn msgpack_to_json(value: &rmpv::ValueRef<'_>) -> Result<Json, TypeError> {
    Ok(match value {
        rmpv::ValueRef::Nil => Json::Null,
        rmpv::ValueRef::Boolean(b) => Json::Bool(*b),
        rmpv::ValueRef::Integer(i) => match (i.as_i64(), i.as_u64()) {
            (Some(v), _) => Json::from(v),
            (_, Some(v)) => Json::from(v),
            _ => return Err(TypeError::new(format!("unsupported integer {i}"))),
        },
        rmpv::ValueRef::F32(f) => float_to_json(f64::from(*f))?,
        rmpv::ValueRef::F64(f) => float_to_json(*f)?,
        rmpv::ValueRef::String(s) => match s.as_str() {
            Some(s) => Json::String(s.to_string()),
            None => return Err(TypeError::new("msgpack string is not valid UTF-8")),
        },
        rmpv::ValueRef::Array(items) => Json::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| msgpack_to_json(item).map_err(|e| e.at_index(i)))
                .collect::<Result<_, _>>()?,
        ),
        rmpv::ValueRef::Map(entries) => {
            let mut map = serde_json::Map::with_capacity(entries.len());
            for (k, v) in entries {
                let key = match k {
                    rmpv::ValueRef::String(s) => s.as_str().unwrap_or_default().to_string(),
                    other => other.to_string(),
                };
                let value = msgpack_to_json(v).map_err(|e| e.at_key(&key))?;
                map.insert(key, value);
            }
            Json::Object(map)
        }
        other @ (rmpv::ValueRef::Binary(_) | rmpv::ValueRef::Ext(..)) => {
            return Err(TypeError::new(format!(
                "{} has no JSON form",
                msgpack_kind(other)
            )))
        }
    })
}

fn float_to_json(f: f64) -> Result<Json, TypeError> {
    serde_json::Number::from_f64(f)
        .map(Json::Number)
        .ok_or_else(|| TypeError::new(format!("float {f} has no JSON form")))
}

/// The legacy protobuf `Struct` form as JSON.
/// A JSON object as a protobuf `Struct` (numbers as doubles, as `Struct` holds them).
pub(crate) fn json_object_to_protobuf_struct(
    object: &serde_json::Map<String, Json>,
) -> prost_types::Struct {
    prost_types::Struct {
        fields: object
            .iter()
            .map(|(k, v)| (k.clone(), json_to_protobuf_value(v)))
            .collect(),
    }
}

fn json_to_protobuf_value(value: &Json) -> prost_types::Value {
    let kind = match value {
        Json::Null => Kind::NullValue(0),
        Json::Bool(b) => Kind::BoolValue(*b),
        Json::Number(n) => Kind::NumberValue(n.as_f64().unwrap_or_default()),
        Json::String(s) => Kind::StringValue(s.clone()),
        Json::Array(items) => Kind::ListValue(prost_types::ListValue {
            values: items.iter().map(json_to_protobuf_value).collect(),
        }),
        Json::Object(map) => Kind::StructValue(json_object_to_protobuf_struct(map)),
    };
    prost_types::Value { kind: Some(kind) }
}

pub(crate) fn protobuf_struct_to_json(value: &prost_types::Struct) -> Json {
    Json::Object(
        value
            .fields
            .iter()
            .map(|(k, v)| (k.clone(), protobuf_value_to_json(v)))
            .collect(),
    )
}

fn protobuf_value_to_json(value: &prost_types::Value) -> Json {
    match &value.kind {
        None | Some(Kind::NullValue(_)) => Json::Null,
        Some(Kind::NumberValue(n)) => {
            serde_json::Number::from_f64(*n).map_or(Json::Null, Json::Number)
        }
        Some(Kind::StringValue(s)) => Json::String(s.clone()),
        Some(Kind::BoolValue(b)) => Json::Bool(*b),
        Some(Kind::StructValue(s)) => protobuf_struct_to_json(s),
        Some(Kind::ListValue(l)) => {
            Json::Array(l.values.iter().map(protobuf_value_to_json).collect())
        }
    }
}
