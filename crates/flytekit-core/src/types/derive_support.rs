//! The functions `#[derive(FlyteType)]` generates calls to, for structs (flytekit dataclasses)
//! and unit-variant enums (Flyte enums).
//!
//! A derived struct is a STRUCT literal type whose `structure.dataclass_type` lists the fields'
//! types, and a msgpack map keyed by field name in declaration order as its value: the bytes
//! flytekit writes for the equivalent `@dataclass`. No JSON schema goes into `metadata`: Flyte
//! compares schemas when wiring a Python dataclass to a Rust struct and treats a missing schema
//! as compatible, while a schema that differs from mashumaro's in any way would break the wiring.

use std::collections::BTreeMap;

use flytekit_idl::core::{
    literal_type, primitive, scalar, EnumType, Literal, LiteralType, SimpleType, TypeStructure,
};

use super::literal::{
    describe_literal, msgpack_annotation, msgpack_literal, msgpack_of, primitive_literal,
    primitive_of, resolve, scalar_of, simple_type, struct_to_msgpack,
};
use super::msgpack::{decode_msgpack, msgpack_kind, msgpack_str, MsgpackReader};
use super::{FlyteType, TypeError};

/// flytekit's union tag for dataclasses.
pub const UNION_TAG_DATACLASS: &str = "Object-Dataclass-Transformer";

/// flytekit's union tag for enums.
pub const UNION_TAG_ENUM: &str = "DefaultEnumTransformer";

/// The literal type of a struct with the given `(field name, field type)` pairs.
pub fn struct_literal_type(fields: Vec<(&str, LiteralType)>) -> LiteralType {
    let dataclass_type: BTreeMap<String, LiteralType> = fields
        .into_iter()
        .map(|(name, ty)| (name.to_string(), ty))
        .collect();
    LiteralType {
        annotation: Some(msgpack_annotation()),
        structure: Some(TypeStructure {
            tag: String::new(),
            dataclass_type,
        }),
        ..simple_type(SimpleType::Struct)
    }
}

/// A struct value as a msgpack literal.
pub fn struct_to_literal<T: FlyteType>(value: &T) -> Result<Literal, TypeError> {
    let mut out = Vec::with_capacity(64);
    value.write_msgpack(&mut out)?;
    Ok(msgpack_literal(out))
}

/// A struct value from a msgpack literal, or from the legacy protobuf `Struct` form.
pub fn struct_from_literal<T: FlyteType>(
    literal: &Literal,
    rust_name: &str,
) -> Result<T, TypeError> {
    let literal = resolve(literal)?;
    if let Some(bytes) = msgpack_of(&literal) {
        let mut reader = MsgpackReader::new(bytes);
        let value = T::read_msgpack_from(&mut reader)?;
        reader.finish()?;
        return Ok(value);
    }
    if let Some(scalar::Value::Generic(s)) = scalar_of(&literal) {
        return T::read_msgpack(&struct_to_msgpack(s).as_ref());
    }
    Err(TypeError::mismatch(
        rust_name,
        "STRUCT",
        describe_literal(&literal),
    ))
}

/// The entries of a msgpack map that should hold a struct.
pub fn struct_map<'a>(
    value: &'a rmpv::ValueRef<'a>,
    rust_name: &str,
) -> Result<&'a [(rmpv::ValueRef<'a>, rmpv::ValueRef<'a>)], TypeError> {
    match value {
        rmpv::ValueRef::Map(entries) => Ok(entries),
        other => Err(TypeError::mismatch(
            rust_name,
            "STRUCT",
            msgpack_kind(other),
        )),
    }
}

/// Reads field `name` from a struct's msgpack entries with `read` (always
/// `<T as FlyteType>::read_msgpack`). Unknown keys are ignored; a missing field takes
/// `missing()` (the type's `msgpack_default`, `None` for most types but an `Option`, or
/// `Default::default()` for `#[serde(default)]`) and is an error when that is `None`.
///
/// The conversions are functions rather than a `T: FlyteType` bound so that a field of a type
/// that is not a Flyte type is a single error on the field's type (see `glue::input`).
pub fn struct_field<T>(
    entries: &[(rmpv::ValueRef<'_>, rmpv::ValueRef<'_>)],
    name: &str,
    read: fn(&rmpv::ValueRef<'_>) -> Result<T, TypeError>,
    missing: fn() -> Option<T>,
) -> Result<T, TypeError> {
    match entries.iter().find(|(k, _)| msgpack_str(k) == Some(name)) {
        Some((_, value)) => read(value).map_err(|e| e.at_field(name)),
        None => struct_slot_value(None, name, missing),
    }
}

/// Reads a struct's msgpack map in place (the derived
/// [`read_msgpack_from`](FlyteType::read_msgpack_from)): for each entry whose key is one of
/// `names`, calls `read_field` with the name's index and the reader at the entry's value, and
/// skips every other entry, as the tree reader ignores unknown keys. Returns `false`, having
/// read nothing, when the next value is not a map: the caller then reads it with
/// [`read_msgpack`](FlyteType::read_msgpack), which reports what was found.
///
/// `read_field` is a `dyn` so that each derived struct adds one small closure to the user's
/// crate, not a copy of this loop.
pub fn struct_read_fields(
    reader: &mut MsgpackReader<'_>,
    names: &[&str],
    read_field: &mut dyn FnMut(usize, &mut MsgpackReader<'_>) -> Result<(), TypeError>,
) -> Result<bool, TypeError> {
    let Some(len) = reader.enter_map()? else {
        return Ok(false);
    };
    for _ in 0..len {
        let index = reader
            .read_key()?
            .and_then(|key| names.iter().position(|name| *name == key));
        match index {
            Some(index) => read_field(index, reader)?,
            None => reader.skip_value()?,
        }
    }
    reader.leave();
    Ok(true)
}

/// Reads one field's value into its slot. A key that appears twice keeps its first value (the
/// tree reader finds the first entry), and the later one is skipped unread.
pub fn struct_slot<T>(
    slot: &mut Option<T>,
    reader: &mut MsgpackReader<'_>,
    name: &str,
    read: fn(&mut MsgpackReader<'_>) -> Result<T, TypeError>,
) -> Result<(), TypeError> {
    if slot.is_some() {
        return reader.skip_value();
    }
    *slot = Some(read(reader).map_err(|e| e.at_field(name))?);
    Ok(())
}

/// The value of a field after [`struct_read_fields`]: what was read, or `missing()` (see
/// [`struct_field`]) when the map had no entry for it.
pub fn struct_slot_value<T>(
    slot: Option<T>,
    name: &str,
    missing: fn() -> Option<T>,
) -> Result<T, TypeError> {
    match slot {
        Some(value) => Ok(value),
        None => missing()
            .ok_or_else(|| TypeError::new(format!("missing field `{name}`")).at_field(name)),
    }
}

/// Writes the header of a struct's msgpack map (its number of fields).
pub fn struct_header(out: &mut Vec<u8>, fields: usize) -> Result<(), TypeError> {
    super::msgpack::write_map_len(out, fields)
}

/// Writes the key of one field of a struct's msgpack map.
pub fn struct_key(out: &mut Vec<u8>, name: &str) {
    super::msgpack::write_str(out, name)
}

/// The literal type of an enum with the given values, in declaration order.
pub fn enum_literal_type(values: &[&str]) -> LiteralType {
    LiteralType {
        r#type: Some(literal_type::Type::EnumType(EnumType {
            values: values.iter().map(|v| v.to_string()).collect(),
        })),
        ..Default::default()
    }
}

/// An enum value as a literal (its string value).
pub fn enum_to_literal(value: &str) -> Literal {
    primitive_literal(primitive::Value::StringValue(value.to_string()))
}

fn enum_index(text: &str, rust_name: &str, values: &[&str]) -> Result<usize, TypeError> {
    values.iter().position(|v| *v == text).ok_or_else(|| {
        TypeError::new(format!(
            "{text:?} is not a value of `{rust_name}`; expected one of {}",
            values
                .iter()
                .map(|v| format!("{v:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

/// The index of the enum value a literal holds (a string, or a msgpack string).
pub fn enum_from_literal(
    literal: &Literal,
    rust_name: &str,
    values: &[&str],
) -> Result<usize, TypeError> {
    let literal = resolve(literal)?;
    if let Some(primitive::Value::StringValue(text)) = primitive_of(&literal) {
        return enum_index(text, rust_name, values);
    }
    if let Some(bytes) = msgpack_of(&literal) {
        return enum_read_msgpack(&decode_msgpack(bytes)?, rust_name, values);
    }
    Err(TypeError::mismatch(
        rust_name,
        "ENUM",
        describe_literal(&literal),
    ))
}

/// The index of the enum value a msgpack value holds.
pub fn enum_read_msgpack(
    value: &rmpv::ValueRef<'_>,
    rust_name: &str,
    values: &[&str],
) -> Result<usize, TypeError> {
    match msgpack_str(value) {
        Some(text) => enum_index(text, rust_name, values),
        None => Err(TypeError::mismatch(rust_name, "ENUM", msgpack_kind(value))),
    }
}
