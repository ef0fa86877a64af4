//! [`Bytes`]: raw binary data as a Flyte BINARY literal.

use flytekit_idl::core::{scalar, Binary, Literal, LiteralType, SimpleType};

use super::literal::{
    describe_literal, resolve, scalar_literal, scalar_of, simple_type, MSGPACK_TAG,
};
use super::msgpack::{decode_msgpack, msgpack_kind, write_bin};
use super::{FlyteType, TypeError};

/// Raw bytes. A plain `Vec<u8>` is a list of integers (a Flyte collection); wrap it in `Bytes`
/// to pass it as one BINARY value instead.
///
/// Inside a struct, bytes are msgpack `bin`, which flytekit reads into a dataclass `bytes`
/// field. On their own, they are a BINARY literal; Python flytekit has no reader for that (it
/// pickles `bytes`), so a Python task should take a `FlyteFile` or a dataclass instead.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Bytes(pub Vec<u8>);

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes(bytes)
    }
}

impl From<Bytes> for Vec<u8> {
    fn from(bytes: Bytes) -> Self {
        bytes.0
    }
}

#[diagnostic::do_not_recommend]
impl FlyteType for Bytes {
    fn literal_type() -> LiteralType {
        simple_type(SimpleType::Binary)
    }

    fn union_tag() -> &'static str {
        "bytes"
    }

    fn to_literal(&self) -> Result<Literal, TypeError> {
        Ok(scalar_literal(scalar::Value::Binary(Binary {
            value: self.0.clone(),
            tag: String::new(),
        })))
    }

    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        let literal = resolve(literal)?;
        match scalar_of(&literal) {
            Some(scalar::Value::Binary(b)) if b.tag == MSGPACK_TAG => {
                Self::read_msgpack(&decode_msgpack(&b.value)?)
            }
            Some(scalar::Value::Binary(b)) => Ok(Bytes(b.value.clone())),
            _ => Err(TypeError::mismatch(
                "Bytes",
                "BINARY",
                describe_literal(&literal),
            )),
        }
    }

    fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError> {
        write_bin(out, &self.0);
        Ok(())
    }

    fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError> {
        match value {
            rmpv::ValueRef::Binary(b) => Ok(Bytes(b.to_vec())),
            _ => Err(TypeError::mismatch("Bytes", "BINARY", msgpack_kind(value))),
        }
    }
}
