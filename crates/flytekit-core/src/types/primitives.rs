//! [`FlyteType`] for integers, floats, bool, `String` and `()`.
//!
//! Integers of every width map to INTEGER (a signed 64-bit value on the wire) and are
//! range-checked in both directions. Readers are as lenient as flytekit: a float literal with no
//! fractional part is read as an integer, an integer literal as a float, and a msgpack-encoded
//! scalar (what propeller produces when it resolves an attribute path such as `dc.x`) as the
//! value it holds.

use flytekit_idl::core::{primitive, Literal, LiteralType, SimpleType};

use super::literal::{
    describe_literal, msgpack_of, none_literal, primitive_literal, primitive_of, resolve,
    simple_type,
};
use super::msgpack::{
    decode_msgpack, msgpack_kind, msgpack_str, write_bool, write_f64, write_int, write_nil,
    write_str, write_uint, MsgpackReader,
};
use super::{is_none, short_type_name, FlyteType, TypeError};

/// Reads a literal that should hold a primitive: resolves unions and offloads, decodes msgpack
/// scalars, and hands the rest to `read`.
pub(crate) fn read_primitive<T: FlyteType>(
    literal: &Literal,
    flyte_kind: &str,
    read: impl FnOnce(&primitive::Value) -> Option<Result<T, TypeError>>,
) -> Result<T, TypeError> {
    let literal = resolve(literal)?;
    if let Some(value) = primitive_of(&literal) {
        if let Some(result) = read(value) {
            return result;
        }
    } else if let Some(bytes) = msgpack_of(&literal) {
        return T::read_msgpack(&decode_msgpack(bytes)?);
    }
    Err(TypeError::mismatch(
        &short_type_name::<T>(),
        flyte_kind,
        describe_literal(&literal),
    ))
}

/// A float that is a whole number fits an integer; anything else does not.
fn whole(value: f64) -> Option<i128> {
    (value.fract() == 0.0 && value.abs() < 1e19).then_some(value as i128)
}

macro_rules! integer_type {
    ($($ty:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl FlyteType for $ty {
            fn literal_type() -> LiteralType {
                simple_type(SimpleType::Integer)
            }

            fn union_tag() -> &'static str {
                "int"
            }

            fn to_literal(&self) -> Result<Literal, TypeError> {
                let value = i64::try_from(*self).map_err(|_| {
                    TypeError::new(format!(
                        "{self} does not fit in a Flyte INTEGER (a signed 64-bit integer)"
                    ))
                })?;
                Ok(primitive_literal(primitive::Value::Integer(value)))
            }

            fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
                read_primitive(literal, "INTEGER", |value| match value {
                    primitive::Value::Integer(i) => Some(narrow(i128::from(*i))),
                    primitive::Value::FloatValue(f) => whole(*f).map(narrow),
                    _ => None,
                })
            }

            fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError> {
                // rmp picks the smallest encoding, unsigned for non-negative values, as Python's
                // msgpack does; only a u64 above i64::MAX needs the unsigned writer directly.
                match i64::try_from(*self) {
                    Ok(value) => write_int(out, value),
                    Err(_) => write_uint(out, *self as u64),
                }
                Ok(())
            }

            fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError> {
                let wide = match value {
                    rmpv::ValueRef::Integer(i) => i.as_i64().map(i128::from).or(i.as_u64().map(i128::from)),
                    rmpv::ValueRef::F64(f) => whole(*f),
                    rmpv::ValueRef::F32(f) => whole(f64::from(*f)),
                    _ => None,
                };
                match wide {
                    Some(wide) => narrow(wide),
                    None => Err(TypeError::mismatch(
                        stringify!($ty),
                        "INTEGER",
                        msgpack_kind(value),
                    )),
                }
            }
        }
    )*};
}

/// Converts to a narrower integer type, with an error naming both the value and the type.
fn narrow<T: TryFrom<i128>>(value: i128) -> Result<T, TypeError> {
    T::try_from(value).map_err(|_| {
        TypeError::new(format!(
            "{value} is out of range for `{}`",
            short_type_name::<T>()
        ))
    })
}

integer_type!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

macro_rules! float_type {
    ($($ty:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl FlyteType for $ty {
            fn literal_type() -> LiteralType {
                simple_type(SimpleType::Float)
            }

            fn union_tag() -> &'static str {
                "float"
            }

            fn to_literal(&self) -> Result<Literal, TypeError> {
                Ok(primitive_literal(primitive::Value::FloatValue(f64::from(*self))))
            }

            fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
                read_primitive(literal, "FLOAT", |value| match value {
                    primitive::Value::FloatValue(f) => Some(Ok(*f as $ty)),
                    primitive::Value::Integer(i) => Some(Ok(*i as $ty)),
                    _ => None,
                })
            }

            fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError> {
                write_f64(out, f64::from(*self));
                Ok(())
            }

            fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError> {
                match value {
                    rmpv::ValueRef::F64(f) => Ok(*f as $ty),
                    rmpv::ValueRef::F32(f) => Ok(*f as $ty),
                    rmpv::ValueRef::Integer(i) => match i.as_f64() {
                        Some(f) => Ok(f as $ty),
                        None => Err(TypeError::mismatch(stringify!($ty), "FLOAT", msgpack_kind(value))),
                    },
                    _ => Err(TypeError::mismatch(stringify!($ty), "FLOAT", msgpack_kind(value))),
                }
            }

            fn read_msgpack_from(reader: &mut MsgpackReader<'_>) -> Result<Self, TypeError> {
                match reader.take_float() {
                    Some(f) => Ok(f as $ty),
                    None => Self::read_msgpack(&reader.read_value()?),
                }
            }
        }
    )*};
}

float_type!(f32, f64);

#[diagnostic::do_not_recommend]
impl FlyteType for bool {
    fn literal_type() -> LiteralType {
        simple_type(SimpleType::Boolean)
    }

    fn union_tag() -> &'static str {
        "bool"
    }

    fn to_literal(&self) -> Result<Literal, TypeError> {
        Ok(primitive_literal(primitive::Value::Boolean(*self)))
    }

    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        read_primitive(literal, "BOOLEAN", |value| match value {
            primitive::Value::Boolean(b) => Some(Ok(*b)),
            _ => None,
        })
    }

    fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError> {
        write_bool(out, *self);
        Ok(())
    }

    fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError> {
        match value {
            rmpv::ValueRef::Boolean(b) => Ok(*b),
            _ => Err(TypeError::mismatch("bool", "BOOLEAN", msgpack_kind(value))),
        }
    }
}

#[diagnostic::do_not_recommend]
impl FlyteType for String {
    fn literal_type() -> LiteralType {
        simple_type(SimpleType::String)
    }

    fn union_tag() -> &'static str {
        "str"
    }

    fn to_literal(&self) -> Result<Literal, TypeError> {
        Ok(primitive_literal(primitive::Value::StringValue(
            self.clone(),
        )))
    }

    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        read_primitive(literal, "STRING", |value| match value {
            primitive::Value::StringValue(s) => Some(Ok(s.clone())),
            _ => None,
        })
    }

    fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError> {
        write_str(out, self);
        Ok(())
    }

    fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError> {
        match msgpack_str(value) {
            Some(s) => Ok(s.to_string()),
            None => Err(TypeError::mismatch("String", "STRING", msgpack_kind(value))),
        }
    }

    fn read_msgpack_from(reader: &mut MsgpackReader<'_>) -> Result<Self, TypeError> {
        match reader.take_str() {
            Some(s) => Ok(s.to_string()),
            None => Self::read_msgpack(&reader.read_value()?),
        }
    }
}

#[diagnostic::do_not_recommend]
impl FlyteType for () {
    fn literal_type() -> LiteralType {
        simple_type(SimpleType::None)
    }

    fn union_tag() -> &'static str {
        "none"
    }

    fn to_literal(&self) -> Result<Literal, TypeError> {
        Ok(none_literal())
    }

    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        let literal = resolve(literal)?;
        if is_none(&literal) {
            Ok(())
        } else {
            Err(TypeError::mismatch(
                "()",
                "NONE",
                describe_literal(&literal),
            ))
        }
    }

    fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError> {
        write_nil(out);
        Ok(())
    }

    fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError> {
        match value {
            rmpv::ValueRef::Nil => Ok(()),
            _ => Err(TypeError::mismatch("()", "NONE", msgpack_kind(value))),
        }
    }
}
