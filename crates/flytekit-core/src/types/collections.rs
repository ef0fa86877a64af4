//! [`FlyteType`] for `Vec<T>`, string-keyed maps and `Option<T>`.
//!
//! `Option<T>` is flytekit's `Optional[T]`: a union of T and NONE whose variants carry the exact
//! `structure.tag` flytekit uses to pick a variant when reading. Readers accept the union form
//! and the bare form alike (a Python `Optional[int]` output may arrive either way).

use std::collections::{BTreeMap, HashMap};

use flytekit_idl::core::{
    literal, literal_type, scalar, Literal, LiteralCollection, LiteralMap, LiteralType, SimpleType,
    TypeStructure, UnionType,
};

use super::literal::{
    describe_literal, is_none, msgpack_of, none_literal, resolve, scalar_literal, simple_type,
};
use super::msgpack::{
    decode_msgpack, msgpack_kind, msgpack_str, write_array_len, write_map_len, write_nil,
    write_str, MsgpackReader,
};
use super::{short_type_name, FlyteType, TypeError};

impl<T: FlyteType> FlyteType for Vec<T> {
    fn literal_type() -> LiteralType {
        LiteralType {
            r#type: Some(literal_type::Type::CollectionType(Box::new(
                T::literal_type(),
            ))),
            ..Default::default()
        }
    }

    fn union_tag() -> &'static str {
        "Typed List"
    }

    fn to_literal(&self) -> Result<Literal, TypeError> {
        let literals = self
            .iter()
            .enumerate()
            .map(|(i, item)| item.to_literal().map_err(|e| e.at_index(i)))
            .collect::<Result<_, _>>()?;
        Ok(Literal {
            value: Some(literal::Value::Collection(LiteralCollection { literals })),
            ..Default::default()
        })
    }

    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        let literal = resolve(literal)?;
        match &literal.value {
            Some(literal::Value::Collection(c)) => c
                .literals
                .iter()
                .enumerate()
                .map(|(i, item)| T::from_literal(item).map_err(|e| e.at_index(i)))
                .collect(),
            _ => match msgpack_of(&literal) {
                Some(bytes) => Self::read_msgpack(&decode_msgpack(bytes)?),
                None => Err(TypeError::mismatch(
                    &short_type_name::<Self>(),
                    "COLLECTION",
                    describe_literal(&literal),
                )),
            },
        }
    }

    fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError> {
        write_array_len(out, self.len())?;
        for (i, item) in self.iter().enumerate() {
            item.write_msgpack(out).map_err(|e| e.at_index(i))?;
        }
        Ok(())
    }

    fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError> {
        match value {
            rmpv::ValueRef::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| T::read_msgpack(item).map_err(|e| e.at_index(i)))
                .collect(),
            _ => Err(TypeError::mismatch(
                &short_type_name::<Self>(),
                "COLLECTION",
                msgpack_kind(value),
            )),
        }
    }

    fn read_msgpack_from(reader: &mut MsgpackReader<'_>) -> Result<Self, TypeError> {
        let Some(len) = reader.enter_array()? else {
            return Self::read_msgpack(&reader.read_value()?);
        };
        // Every element takes at least one byte: a length the input cannot hold is not trusted
        // with an allocation.
        let mut items = Vec::with_capacity(len.min(reader.remaining()));
        for i in 0..len {
            items.push(T::read_msgpack_from(reader).map_err(|e| e.at_index(i))?);
        }
        reader.leave();
        Ok(items)
    }
}

/// The shared implementation of the two string-keyed map types.
macro_rules! string_map_type {
    ($map:ident) => {
        impl<T: FlyteType> FlyteType for $map<String, T> {
            fn literal_type() -> LiteralType {
                LiteralType {
                    r#type: Some(literal_type::Type::MapValueType(
                        Box::new(T::literal_type()),
                    )),
                    ..Default::default()
                }
            }

            fn union_tag() -> &'static str {
                "Typed Dict"
            }

            fn to_literal(&self) -> Result<Literal, TypeError> {
                let literals = self
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), v.to_literal().map_err(|e| e.at_key(k))?)))
                    .collect::<Result<_, TypeError>>()?;
                Ok(Literal {
                    value: Some(literal::Value::Map(LiteralMap { literals })),
                    ..Default::default()
                })
            }

            fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
                let literal = resolve(literal)?;
                match &literal.value {
                    Some(literal::Value::Map(m)) => m
                        .literals
                        .iter()
                        .map(|(k, v)| Ok((k.clone(), T::from_literal(v).map_err(|e| e.at_key(k))?)))
                        .collect(),
                    _ => match msgpack_of(&literal) {
                        Some(bytes) => Self::read_msgpack(&decode_msgpack(bytes)?),
                        None => Err(TypeError::mismatch(
                            &short_type_name::<Self>(),
                            "MAP",
                            describe_literal(&literal),
                        )),
                    },
                }
            }

            fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError> {
                write_map_len(out, self.len())?;
                for (k, v) in self {
                    write_str(out, k);
                    v.write_msgpack(out).map_err(|e| e.at_key(k))?;
                }
                Ok(())
            }

            fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError> {
                let rmpv::ValueRef::Map(entries) = value else {
                    return Err(TypeError::mismatch(
                        &short_type_name::<Self>(),
                        "MAP",
                        msgpack_kind(value),
                    ));
                };
                entries
                    .iter()
                    .map(|(k, v)| {
                        let key = msgpack_str(k).ok_or_else(|| {
                            TypeError::new(format!(
                                "map keys must be strings, found {}",
                                msgpack_kind(k)
                            ))
                        })?;
                        Ok((
                            key.to_string(),
                            T::read_msgpack(v).map_err(|e| e.at_key(key))?,
                        ))
                    })
                    .collect()
            }

            fn read_msgpack_from(reader: &mut MsgpackReader<'_>) -> Result<Self, TypeError> {
                let Some(len) = reader.enter_map()? else {
                    return Self::read_msgpack(&reader.read_value()?);
                };
                let mut map = Self::default();
                for _ in 0..len {
                    let key = match reader.take_str() {
                        Some(key) => key,
                        None => {
                            let key = reader.read_value()?;
                            return Err(TypeError::new(format!(
                                "map keys must be strings, found {}",
                                msgpack_kind(&key)
                            )));
                        }
                    };
                    let value = T::read_msgpack_from(reader).map_err(|e| e.at_key(key))?;
                    map.insert(key.to_string(), value);
                }
                reader.leave();
                Ok(map)
            }
        }
    };
}

string_map_type!(HashMap);
string_map_type!(BTreeMap);

/// `T`'s literal type as a union variant: flytekit replaces the variant's `structure` by one
/// holding just the tag (for dataclasses this drops `dataclass_type`).
pub(crate) fn union_variant<T: FlyteType>() -> LiteralType {
    let mut variant = T::literal_type();
    variant.structure = Some(TypeStructure {
        tag: T::union_tag().to_string(),
        ..Default::default()
    });
    variant
}

fn none_variant() -> LiteralType {
    let mut none = simple_type(SimpleType::None);
    none.structure = Some(TypeStructure {
        tag: "none".to_string(),
        ..Default::default()
    });
    none
}

fn union_literal(value: Literal, variant: LiteralType) -> Literal {
    scalar_literal(scalar::Value::Union(Box::new(flytekit_idl::core::Union {
        value: Some(Box::new(value)),
        r#type: Some(variant),
    })))
}

impl<T: FlyteType> FlyteType for Option<T> {
    fn literal_type() -> LiteralType {
        LiteralType {
            r#type: Some(literal_type::Type::UnionType(UnionType {
                variants: vec![union_variant::<T>(), none_variant()],
            })),
            ..Default::default()
        }
    }

    fn union_tag() -> &'static str {
        "Typed Union"
    }

    fn to_literal(&self) -> Result<Literal, TypeError> {
        Ok(match self {
            Some(value) => union_literal(value.to_literal()?, union_variant::<T>()),
            None => union_literal(none_literal(), none_variant()),
        })
    }

    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        let literal = resolve(literal)?;
        if is_none(&literal) {
            Ok(None)
        } else {
            T::from_literal(&literal).map(Some)
        }
    }

    fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError> {
        match self {
            Some(value) => value.write_msgpack(out),
            None => {
                write_nil(out);
                Ok(())
            }
        }
    }

    fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError> {
        match value {
            rmpv::ValueRef::Nil => Ok(None),
            other => T::read_msgpack(other).map(Some),
        }
    }

    fn read_msgpack_from(reader: &mut MsgpackReader<'_>) -> Result<Self, TypeError> {
        if reader.take_nil() {
            return Ok(None);
        }
        T::read_msgpack_from(reader).map(Some)
    }

    fn msgpack_default() -> Option<Self> {
        Some(None)
    }
}

/// Wraps a literal as the given variant of a union (the JSON view picks variants by type, not
/// by Rust type).
pub(crate) fn union_variant_of(value: Literal, variant: LiteralType) -> Literal {
    union_literal(value, variant)
}
