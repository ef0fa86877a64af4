//! A JSON view of literals, driven by Flyte literal types rather than Rust types.
//!
//! The command line uses it both ways: `run wf --x 3 --names '["a","b"]'` turns text into the
//! literals of a workflow's inputs ([`cli_arg_to_literal`], [`json_to_literal`]), and outputs
//! print as `{"o0": 42}` ([`literal_map_to_json`]). It works from the `LiteralType` of each
//! variable, so it handles every entity in the registry, including ones whose Rust types the
//! caller does not know.
//!
//! Date-times are ISO-8601 strings, durations are strings such as `"1h 30m"` (or a number of
//! seconds on input), files and directories are their URI, structs are objects.

use chrono::{DateTime, Utc};
use flytekit_idl::core::{
    literal, literal_type, primitive, scalar, Literal, LiteralCollection, LiteralMap, LiteralType,
    SimpleType, VariableMap,
};
use serde_json::Value as Json;

use super::collections::union_variant_of;
use super::literal::{
    describe_literal, msgpack_literal, none_literal, primitive_literal, resolve, scalar_literal,
};
use super::msgpack::{decode_msgpack, write_array_len, write_f64, write_map_len, write_str};
use super::time::{isoformat, parse_iso_datetime};
use super::untyped::{msgpack_to_json, protobuf_struct_to_json};
use super::{FlyteType, TypeError};

/// A short name of a literal type for error messages: `INTEGER`, `list of STRING`, ...
pub fn type_name(ty: &LiteralType) -> String {
    match &ty.r#type {
        Some(literal_type::Type::Simple(s)) => SimpleType::try_from(*s)
            .map(|s| s.as_str_name().to_string())
            .unwrap_or_else(|_| format!("simple type {s}")),
        Some(literal_type::Type::CollectionType(inner)) => format!("list of {}", type_name(inner)),
        Some(literal_type::Type::MapValueType(inner)) => format!("map of {}", type_name(inner)),
        Some(literal_type::Type::Blob(b)) if b.dimensionality == 1 => "directory".to_string(),
        Some(literal_type::Type::Blob(_)) => "file".to_string(),
        Some(literal_type::Type::EnumType(e)) => format!("one of {:?}", e.values),
        Some(literal_type::Type::UnionType(u)) => u
            .variants
            .iter()
            .map(type_name)
            .collect::<Vec<_>>()
            .join(" | "),
        Some(literal_type::Type::Schema(_)) => "schema".to_string(),
        Some(literal_type::Type::StructuredDatasetType(_)) => "structured dataset".to_string(),
        None => "untyped".to_string(),
    }
}

fn simple_of(ty: &LiteralType) -> Option<SimpleType> {
    match &ty.r#type {
        Some(literal_type::Type::Simple(s)) => SimpleType::try_from(*s).ok(),
        _ => None,
    }
}

fn expected(ty: &LiteralType, found: &Json) -> TypeError {
    let found = match found {
        Json::Null => "null".to_string(),
        Json::Bool(b) => format!("{b}"),
        Json::Number(n) => format!("the number {n}"),
        Json::String(s) => format!("the string {s:?}"),
        Json::Array(_) => "an array".to_string(),
        Json::Object(_) => "an object".to_string(),
    };
    TypeError::new(format!("expected {}, found {found}", type_name(ty)))
}

/// Parses a duration given as text ("1h 30m", "90s", "1.5") or as a number of seconds.
fn parse_duration(value: &Json) -> Option<chrono::TimeDelta> {
    let seconds = match value {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => match s.trim().parse::<f64>() {
            Ok(f) => Some(f),
            Err(_) => {
                let (negative, text) = match s.trim().strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, s.trim()),
                };
                let std = humantime::parse_duration(text).ok()?;
                let delta = chrono::TimeDelta::from_std(std).ok()?;
                return Some(if negative { -delta } else { delta });
            }
        },
        _ => None,
    }?;
    let micros = (seconds * 1e6).round();
    (micros.is_finite() && micros.abs() < 9.0e18)
        .then(|| chrono::TimeDelta::microseconds(micros as i64))
}

/// Converts JSON given for a value of type `ty` into a literal.
pub fn json_to_literal(value: &Json, ty: &LiteralType) -> Result<Literal, TypeError> {
    match &ty.r#type {
        Some(literal_type::Type::Simple(_)) => simple_to_literal(value, ty),
        Some(literal_type::Type::CollectionType(inner)) => {
            let Json::Array(items) = value else {
                return Err(expected(ty, value));
            };
            let literals = items
                .iter()
                .enumerate()
                .map(|(i, item)| json_to_literal(item, inner).map_err(|e| e.at_index(i)))
                .collect::<Result<_, _>>()?;
            Ok(Literal {
                value: Some(literal::Value::Collection(LiteralCollection { literals })),
                ..Default::default()
            })
        }
        Some(literal_type::Type::MapValueType(inner)) => {
            let Json::Object(entries) = value else {
                return Err(expected(ty, value));
            };
            let literals = entries
                .iter()
                .map(|(k, v)| {
                    Ok((
                        k.clone(),
                        json_to_literal(v, inner).map_err(|e| e.at_key(k))?,
                    ))
                })
                .collect::<Result<_, TypeError>>()?;
            Ok(Literal {
                value: Some(literal::Value::Map(LiteralMap { literals })),
                ..Default::default()
            })
        }
        Some(literal_type::Type::Blob(blob)) => match value {
            Json::String(uri) => Ok(scalar_literal(scalar::Value::Blob(
                flytekit_idl::core::Blob {
                    metadata: Some(flytekit_idl::core::BlobMetadata {
                        r#type: Some(blob.clone()),
                    }),
                    uri: uri.clone(),
                },
            ))),
            _ => Err(expected(ty, value)),
        },
        Some(literal_type::Type::EnumType(e)) => match value {
            Json::String(s) if e.values.contains(s) => {
                Ok(primitive_literal(primitive::Value::StringValue(s.clone())))
            }
            Json::String(s) => Err(TypeError::new(format!(
                "{s:?} is not one of the allowed values {:?}",
                e.values
            ))),
            _ => Err(expected(ty, value)),
        },
        Some(literal_type::Type::UnionType(union)) => {
            // `null` picks the NONE variant; anything else the first variant that accepts it.
            let none = union
                .variants
                .iter()
                .find(|v| simple_of(v) == Some(SimpleType::None));
            if value.is_null() {
                if let Some(variant) = none {
                    return Ok(union_variant_of(none_literal(), variant.clone()));
                }
            }
            let mut reasons = Vec::new();
            for variant in union
                .variants
                .iter()
                .filter(|v| simple_of(v) != Some(SimpleType::None))
            {
                match json_to_literal(value, variant) {
                    Ok(literal) => return Ok(union_variant_of(literal, variant.clone())),
                    Err(err) => reasons.push(err.to_string()),
                }
            }
            Err(TypeError::new(format!(
                "expected {}, but {}",
                type_name(ty),
                reasons.join("; ")
            )))
        }
        // A dataset as its location, as `pyflyte run` takes one: Parquet, with the declared
        // columns.
        Some(literal_type::Type::StructuredDatasetType(dataset)) => match value {
            Json::String(uri) => Ok(scalar_literal(scalar::Value::StructuredDataset(Box::new(
                flytekit_idl::core::StructuredDataset {
                    uri: uri.clone(),
                    metadata: Some(flytekit_idl::core::StructuredDatasetMetadata {
                        structured_dataset_type: Some(flytekit_idl::core::StructuredDatasetType {
                            format: "parquet".to_string(),
                            ..dataset.clone()
                        }),
                    }),
                },
            )))),
            _ => Err(expected(ty, value)),
        },
        Some(literal_type::Type::Schema(_)) | None => Err(TypeError::new(format!(
            "{} values cannot be given as JSON",
            type_name(ty)
        ))),
    }
}

fn simple_to_literal(value: &Json, ty: &LiteralType) -> Result<Literal, TypeError> {
    let err = || expected(ty, value);
    let primitive = |v| Ok(primitive_literal(v));
    match simple_of(ty).ok_or_else(err)? {
        SimpleType::Integer => match value {
            Json::Number(n) => match n.as_i64() {
                Some(i) => primitive(primitive::Value::Integer(i)),
                None => Err(TypeError::new(format!("{n} is not a 64-bit integer"))),
            },
            Json::String(s) => s.trim().parse().map(primitive::Value::Integer).map(primitive_literal).map_err(|_| err()),
            _ => Err(err()),
        },
        SimpleType::Float => match value {
            Json::Number(n) => primitive(primitive::Value::FloatValue(n.as_f64().ok_or_else(err)?)),
            Json::String(s) => s.trim().parse().map(primitive::Value::FloatValue).map(primitive_literal).map_err(|_| err()),
            _ => Err(err()),
        },
        SimpleType::String => match value {
            Json::String(s) => primitive(primitive::Value::StringValue(s.clone())),
            _ => Err(err()),
        },
        SimpleType::Boolean => match value {
            Json::Bool(b) => primitive(primitive::Value::Boolean(*b)),
            Json::String(s) if s == "true" || s == "false" => primitive(primitive::Value::Boolean(s == "true")),
            _ => Err(err()),
        },
        SimpleType::Datetime => match value {
            Json::String(s) => match parse_iso_datetime(s.trim()) {
                Some(dt) => dt.to_literal(),
                None => Err(TypeError::new(format!(
                    "{s:?} is not a date-time; use ISO-8601 such as \"2024-01-31T12:00:00Z\""
                ))),
            },
            _ => Err(err()),
        },
        SimpleType::Duration => match parse_duration(value) {
            Some(delta) => delta.to_literal(),
            None => Err(TypeError::new(format!(
                "expected a duration such as \"1h 30m\", \"90s\" or a number of seconds, found {value}"
            ))),
        },
        SimpleType::None => match value {
            Json::Null => Ok(none_literal()),
            _ => Err(err()),
        },
        SimpleType::Struct => {
            let mut out = Vec::new();
            write_typed_msgpack(value, ty.structure.as_ref().map(|s| &s.dataclass_type), &mut out)?;
            Ok(msgpack_literal(out))
        }
        SimpleType::Binary | SimpleType::Error => {
            Err(TypeError::new(format!("{} values cannot be given as JSON", type_name(ty))))
        }
    }
}

/// Writes JSON as the msgpack flytekit expects for a dataclass: fields whose declared type is a
/// date-time or a duration are normalised (ISO string, float seconds), the rest is copied.
fn write_typed_msgpack(
    value: &Json,
    fields: Option<&std::collections::BTreeMap<String, LiteralType>>,
    out: &mut Vec<u8>,
) -> Result<(), TypeError> {
    match (value, fields) {
        (Json::Object(map), Some(fields)) if !fields.is_empty() => {
            write_map_len(out, map.len())?;
            for (k, v) in map {
                write_str(out, k);
                match fields.get(k) {
                    Some(field_ty) => {
                        write_field_msgpack(v, field_ty, out).map_err(|e| e.at_field(k))?
                    }
                    None => {
                        return Err(TypeError::new(format!(
                            "unknown field `{k}`; the fields are {}",
                            fields
                                .keys()
                                .map(|f| format!("`{f}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )))
                    }
                }
            }
            Ok(())
        }
        _ => value.write_msgpack(out),
    }
}

fn write_field_msgpack(value: &Json, ty: &LiteralType, out: &mut Vec<u8>) -> Result<(), TypeError> {
    match (&ty.r#type, value) {
        (_, Json::Null) => value.write_msgpack(out),
        (Some(literal_type::Type::Simple(_)), _) => match simple_of(ty) {
            Some(SimpleType::Datetime) => {
                match value.as_str().and_then(|s| parse_iso_datetime(s.trim())) {
                    Some(dt) => dt.write_msgpack(out),
                    None => Err(expected(ty, value)),
                }
            }
            Some(SimpleType::Duration) => match parse_duration(value) {
                Some(delta) => delta.write_msgpack(out),
                None => Err(expected(ty, value)),
            },
            Some(SimpleType::Float) => match value.as_f64() {
                Some(f) => {
                    write_f64(out, f);
                    Ok(())
                }
                None => Err(expected(ty, value)),
            },
            Some(SimpleType::Struct) => {
                write_typed_msgpack(value, ty.structure.as_ref().map(|s| &s.dataclass_type), out)
            }
            _ => value.write_msgpack(out),
        },
        (Some(literal_type::Type::CollectionType(inner)), Json::Array(items)) => {
            write_array_len(out, items.len())?;
            for (i, item) in items.iter().enumerate() {
                write_field_msgpack(item, inner, out).map_err(|e| e.at_index(i))?;
            }
            Ok(())
        }
        (Some(literal_type::Type::MapValueType(inner)), Json::Object(map)) => {
            write_map_len(out, map.len())?;
            for (k, v) in map {
                write_str(out, k);
                write_field_msgpack(v, inner, out).map_err(|e| e.at_key(k))?;
            }
            Ok(())
        }
        (Some(literal_type::Type::Blob(_)), Json::String(uri)) => {
            super::FlyteFile::<super::GenericFormat>::new(uri.clone()).write_msgpack(out)
        }
        (Some(literal_type::Type::UnionType(union)), _) => {
            let variant = union
                .variants
                .iter()
                .find(|v| simple_of(v) != Some(SimpleType::None));
            match variant {
                Some(variant) => write_field_msgpack(value, variant, out),
                None => value.write_msgpack(out),
            }
        }
        _ => value.write_msgpack(out),
    }
}

/// Parses one command-line argument for a value of type `ty`. Text types (strings, enums,
/// files, date-times, durations) take the text as it is; everything else is read as JSON, so
/// `--n 3`, `--names '["a","b"]'` and `--point '{"x": 1.0}'` all work.
pub fn cli_arg_to_literal(text: &str, ty: &LiteralType) -> Result<Literal, TypeError> {
    let takes_text = match &ty.r#type {
        Some(literal_type::Type::Simple(_)) => matches!(
            simple_of(ty),
            Some(SimpleType::String | SimpleType::Datetime | SimpleType::Duration)
        ),
        Some(literal_type::Type::Blob(_) | literal_type::Type::EnumType(_)) => true,
        _ => false,
    };
    if takes_text {
        return json_to_literal(&Json::String(text.to_string()), ty);
    }
    match serde_json::from_str::<Json>(text) {
        Ok(json) => json_to_literal(&json, ty),
        // A list, map or struct is only ever JSON: say what is wrong with it, rather than
        // read the text as a string of the wrong type.
        Err(err) if takes_only_json(ty) => {
            Err(TypeError::new(format!("`{text}` is not valid JSON: {err}")))
        }
        // A union of a text type and something else (`Option<String>`): fall back to the text;
        // a bad number says "expected INTEGER, found the string ...".
        Err(_) => json_to_literal(&Json::String(text.to_string()), ty),
    }
}

/// Whether a value of `ty` can only be given as JSON: a list, a map, a struct, or an optional
/// one of those.
fn takes_only_json(ty: &LiteralType) -> bool {
    match &ty.r#type {
        Some(literal_type::Type::CollectionType(_) | literal_type::Type::MapValueType(_)) => true,
        Some(literal_type::Type::Simple(_)) => simple_of(ty) == Some(SimpleType::Struct),
        Some(literal_type::Type::UnionType(union)) => {
            let mut values = union
                .variants
                .iter()
                .filter(|v| simple_of(v) != Some(SimpleType::None))
                .peekable();
            values.peek().is_some() && values.all(takes_only_json)
        }
        _ => false,
    }
}

/// Converts a JSON object of inputs into a literal map, checking every name against `variables`.
/// Inputs missing from `value` are simply absent (the caller applies defaults).
pub fn json_to_literal_map(value: &Json, variables: &VariableMap) -> Result<LiteralMap, TypeError> {
    let Json::Object(entries) = value else {
        return Err(TypeError::new(
            "inputs must be a JSON object such as {\"x\": 3}",
        ));
    };
    let mut literals = std::collections::BTreeMap::new();
    for (name, json) in entries {
        let Some(variable) = variables.variables.get(name) else {
            return Err(TypeError::new(format!(
                "unknown input `{name}`; the inputs are {}",
                variables
                    .variables
                    .keys()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        let ty = variable
            .r#type
            .as_ref()
            .ok_or_else(|| TypeError::new(format!("input `{name}` has no type")))?;
        literals.insert(
            name.clone(),
            json_to_literal(json, ty).map_err(|e| e.at_field(name))?,
        );
    }
    Ok(LiteralMap { literals })
}

/// A literal as JSON.
pub fn literal_to_json(literal: &Literal) -> Result<Json, TypeError> {
    let literal = resolve(literal)?;
    Ok(match &literal.value {
        Some(literal::Value::Collection(c)) => Json::Array(
            c.literals
                .iter()
                .enumerate()
                .map(|(i, l)| literal_to_json(l).map_err(|e| e.at_index(i)))
                .collect::<Result<_, _>>()?,
        ),
        Some(literal::Value::Map(m)) => literal_map_to_json(m)?,
        Some(literal::Value::Scalar(s)) => match &s.value {
            Some(scalar::Value::Primitive(p)) => match &p.value {
                Some(primitive::Value::Integer(i)) => Json::from(*i),
                Some(primitive::Value::FloatValue(f)) => serde_json::Number::from_f64(*f)
                    .map_or_else(|| Json::String(f.to_string()), Json::Number),
                Some(primitive::Value::StringValue(s)) => Json::String(s.clone()),
                Some(primitive::Value::Boolean(b)) => Json::Bool(*b),
                Some(primitive::Value::Datetime(_)) => {
                    Json::String(isoformat(&DateTime::<Utc>::from_literal(&literal)?))
                }
                Some(primitive::Value::Duration(_)) => {
                    let delta = chrono::TimeDelta::from_literal(&literal)?;
                    let text = match delta.abs().to_std() {
                        Ok(std) => humantime::format_duration(std).to_string(),
                        Err(_) => format!("{}s", delta.num_seconds()),
                    };
                    Json::String(if delta < chrono::TimeDelta::zero() {
                        format!("-{text}")
                    } else {
                        text
                    })
                }
                None => return Err(TypeError::new("found an empty primitive")),
            },
            Some(scalar::Value::NoneType(_)) => Json::Null,
            Some(scalar::Value::Blob(b)) => Json::String(b.uri.clone()),
            Some(scalar::Value::Binary(b)) if b.tag == super::MSGPACK_TAG => {
                msgpack_to_json(&decode_msgpack(&b.value)?)?
            }
            Some(scalar::Value::Binary(b)) => {
                Json::Array(b.value.iter().map(|byte| Json::from(*byte)).collect())
            }
            Some(scalar::Value::Generic(g)) => protobuf_struct_to_json(g),
            Some(scalar::Value::Error(e)) => {
                serde_json::json!({"error": e.message, "failed_node_id": e.failed_node_id})
            }
            Some(scalar::Value::Schema(s)) => Json::String(s.uri.clone()),
            Some(scalar::Value::StructuredDataset(s)) => Json::String(s.uri.clone()),
            Some(scalar::Value::Union(_)) | None => {
                return Err(TypeError::new(format!(
                    "{} has no JSON form",
                    describe_literal(&literal)
                )))
            }
        },
        Some(literal::Value::OffloadedMetadata(_)) | None => {
            return Err(TypeError::new(format!(
                "{} has no JSON form",
                describe_literal(&literal)
            )))
        }
    })
}

/// A literal map (inputs or outputs) as a JSON object.
pub fn literal_map_to_json(map: &LiteralMap) -> Result<Json, TypeError> {
    let mut out = serde_json::Map::with_capacity(map.literals.len());
    for (name, literal) in &map.literals {
        out.insert(
            name.clone(),
            literal_to_json(literal).map_err(|e| e.at_field(name))?,
        );
    }
    Ok(Json::Object(out))
}
