//! [`FlyteError`]: the `error` input of a workflow's failure node.

use flytekit_idl::core::{scalar, Literal, LiteralType, SimpleType};

use super::literal::{describe_literal, resolve, scalar_literal, scalar_of, simple_type};
use super::msgpack::{msgpack_kind, msgpack_str, write_map_len, write_str};
use super::{FlyteType, TypeError};

/// Which node of a workflow failed, and why: what a failure node (`on_failure`) receives as its
/// `error` input (an ERROR literal).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FlyteError {
    /// The id of the node that failed.
    pub failed_node_id: String,
    /// The error message.
    pub message: String,
}

#[diagnostic::do_not_recommend]
impl FlyteType for FlyteError {
    fn literal_type() -> LiteralType {
        simple_type(SimpleType::Error)
    }

    fn union_tag() -> &'static str {
        "FlyteError"
    }

    fn to_literal(&self) -> Result<Literal, TypeError> {
        Ok(scalar_literal(scalar::Value::Error(
            flytekit_idl::core::Error {
                failed_node_id: self.failed_node_id.clone(),
                message: self.message.clone(),
            },
        )))
    }

    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        let literal = resolve(literal)?;
        match scalar_of(&literal) {
            Some(scalar::Value::Error(e)) => Ok(FlyteError {
                failed_node_id: e.failed_node_id.clone(),
                message: e.message.clone(),
            }),
            _ => Err(TypeError::mismatch(
                "FlyteError",
                "ERROR",
                describe_literal(&literal),
            )),
        }
    }

    fn write_msgpack(&self, out: &mut Vec<u8>) -> Result<(), TypeError> {
        write_map_len(out, 2)?;
        write_str(out, "failed_node_id");
        write_str(out, &self.failed_node_id);
        write_str(out, "message");
        write_str(out, &self.message);
        Ok(())
    }

    fn read_msgpack(value: &rmpv::ValueRef<'_>) -> Result<Self, TypeError> {
        let rmpv::ValueRef::Map(entries) = value else {
            return Err(TypeError::mismatch(
                "FlyteError",
                "ERROR",
                msgpack_kind(value),
            ));
        };
        let field = |name: &str| {
            entries
                .iter()
                .find(|(k, _)| msgpack_str(k) == Some(name))
                .and_then(|(_, v)| msgpack_str(v))
                .unwrap_or_default()
                .to_string()
        };
        Ok(FlyteError {
            failed_node_id: field("failed_node_id"),
            message: field("message"),
        })
    }
}
