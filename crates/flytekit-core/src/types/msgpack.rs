//! msgpack helpers shared by the implementations of [`FlyteType`](super::FlyteType).
//!
//! Writing appends to a `Vec<u8>` (which cannot fail). Reading goes through an `rmpv::ValueRef`
//! tree, which makes flytekit's leniency easy (fields in any order, unknown keys ignored, an
//! integer where a float is expected), except where [`MsgpackReader`] walks structs, lists and maps
//! in place: the fast path for a dataclass literal, which falls back to the tree for the rest.

use super::TypeError;

/// Deepest nesting accepted when decoding msgpack: deeper input is an error, not a stack overflow.
const MAX_DEPTH: usize = 256;

/// Decodes one msgpack value that must fill `bytes` exactly.
pub fn decode_msgpack(bytes: &[u8]) -> Result<rmpv::ValueRef<'_>, TypeError> {
    let mut reader = bytes;
    let value =
        rmpv::decode::read_value_ref_with_max_depth(&mut reader, MAX_DEPTH).map_err(invalid)?;
    if !reader.is_empty() {
        return Err(TypeError::new(format!(
            "invalid msgpack: {} bytes left after the value",
            reader.len()
        )));
    }
    Ok(value)
}

/// The text of a msgpack string (`None` for other values and invalid UTF-8).
pub fn msgpack_str<'a>(value: &'a rmpv::ValueRef<'_>) -> Option<&'a str> {
    match value {
        rmpv::ValueRef::String(s) => s.as_str(),
        _ => None,
    }
}

/// A short description of a msgpack value, for error messages.
pub fn msgpack_kind(value: &rmpv::ValueRef<'_>) -> String {
    match value {
        rmpv::ValueRef::Nil => "msgpack nil".to_string(),
        rmpv::ValueRef::Boolean(b) => format!("msgpack bool {b}"),
        rmpv::ValueRef::Integer(i) => format!("msgpack int {i}"),
        rmpv::ValueRef::F32(f) => format!("msgpack float {f}"),
        rmpv::ValueRef::F64(f) => format!("msgpack float {f}"),
        rmpv::ValueRef::String(_) => "msgpack str".to_string(),
        rmpv::ValueRef::Binary(_) => "msgpack bin".to_string(),
        rmpv::ValueRef::Array(_) => "msgpack array".to_string(),
        rmpv::ValueRef::Map(_) => "msgpack map".to_string(),
        rmpv::ValueRef::Ext(tag, _) => format!("msgpack ext {tag}"),
    }
}

// Writing into a Vec<u8> cannot fail; rmp's signatures are generic over io::Write, so the
// results are matched away here rather than unwrapped.

pub(crate) fn write_nil(out: &mut Vec<u8>) {
    let _ = rmp::encode::write_nil(out);
}

pub(crate) fn write_bool(out: &mut Vec<u8>, value: bool) {
    let _ = rmp::encode::write_bool(out, value);
}

pub(crate) fn write_int(out: &mut Vec<u8>, value: i64) {
    let _ = rmp::encode::write_sint(out, value);
}

pub(crate) fn write_uint(out: &mut Vec<u8>, value: u64) {
    let _ = rmp::encode::write_uint(out, value);
}

pub(crate) fn write_f64(out: &mut Vec<u8>, value: f64) {
    let _ = rmp::encode::write_f64(out, value);
}

pub(crate) fn write_str(out: &mut Vec<u8>, value: &str) {
    let _ = rmp::encode::write_str(out, value);
}

pub(crate) fn write_bin(out: &mut Vec<u8>, value: &[u8]) {
    let _ = rmp::encode::write_bin(out, value);
}

pub(crate) fn write_array_len(out: &mut Vec<u8>, len: usize) -> Result<(), TypeError> {
    let len = u32::try_from(len)
        .map_err(|_| TypeError::new(format!("a list of {len} elements is too long for msgpack")))?;
    let _ = rmp::encode::write_array_len(out, len);
    Ok(())
}

pub(crate) fn write_map_len(out: &mut Vec<u8>, len: usize) -> Result<(), TypeError> {
    let len = u32::try_from(len)
        .map_err(|_| TypeError::new(format!("a map of {len} entries is too long for msgpack")))?;
    let _ = rmp::encode::write_map_len(out, len);
    Ok(())
}

/// A msgpack value being read front to back, for the readers that walk structs and lists in
/// place ([`FlyteType::read_msgpack_from`](super::FlyteType::read_msgpack_from)) instead of
/// building an `rmpv::ValueRef` tree first. A tree costs an allocation per map or array and
/// rmpv's general decoding per value: about a quarter of the time spent reading a list of
/// small structs (docs/benchmarks.md).
///
/// Everything a streaming reader does not handle itself (scalars, a value of an unexpected kind)
/// it reads as a tree with [`read_value`](Self::read_value) and hands to
/// [`FlyteType::read_msgpack`](super::FlyteType::read_msgpack), so both paths accept the same
/// input and report the same errors.
#[derive(Debug)]
pub struct MsgpackReader<'a> {
    rest: &'a [u8],
    /// The part of [`MAX_DEPTH`] used by the maps and arrays entered and not yet left: two per
    /// container, as `rmpv` counts, so both readers stop at the same nesting.
    depth: usize,
}

impl<'a> MsgpackReader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        MsgpackReader {
            rest: bytes,
            depth: 0,
        }
    }

    /// Reads the next value whole, as a tree (no allocation for a scalar).
    pub fn read_value(&mut self) -> Result<rmpv::ValueRef<'a>, TypeError> {
        rmpv::decode::read_value_ref_with_max_depth(
            &mut self.rest,
            MAX_DEPTH.saturating_sub(self.depth),
        )
        .map_err(invalid)
    }

    /// Skips the next value.
    pub fn skip_value(&mut self) -> Result<(), TypeError> {
        self.read_value().map(drop)
    }

    /// If the next value is a map, consumes its header and returns its number of entries
    /// (call [`leave`](Self::leave) after reading them); otherwise consumes nothing.
    pub fn enter_map(&mut self) -> Result<Option<usize>, TypeError> {
        self.enter(rmp::decode::read_map_len)
    }

    /// If the next value is an array, consumes its header and returns its length (call
    /// [`leave`](Self::leave) after reading the elements); otherwise consumes nothing.
    pub fn enter_array(&mut self) -> Result<Option<usize>, TypeError> {
        self.enter(rmp::decode::read_array_len)
    }

    fn enter<E: rmp::decode::RmpReadErr>(
        &mut self,
        read_len: impl FnOnce(&mut &'a [u8]) -> Result<u32, rmp::decode::ValueReadError<E>>,
    ) -> Result<Option<usize>, TypeError> {
        let mut rest = self.rest;
        match read_len(&mut rest) {
            Ok(len) => {
                if self.depth + 2 > MAX_DEPTH {
                    return Err(too_deep());
                }
                self.rest = rest;
                self.depth += 2;
                Ok(Some(len as usize))
            }
            Err(rmp::decode::ValueReadError::TypeMismatch(_)) => Ok(None),
            // Reading from a slice fails only at its end.
            Err(_) => Err(TypeError::new(
                "invalid msgpack: the input ends inside a map or array header",
            )),
        }
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.rest.len()
    }

    /// Leaves the map or array entered last.
    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(2);
    }

    /// If the next value is a float, consumes it and returns it (an `f32` widened).
    pub fn take_float(&mut self) -> Option<f64> {
        let (value, len) = match self.rest {
            [0xcb, b @ ..] if b.len() >= 8 => (f64::from_be_bytes(b[..8].try_into().ok()?), 9),
            [0xca, b @ ..] if b.len() >= 4 => {
                (f64::from(f32::from_be_bytes(b[..4].try_into().ok()?)), 5)
            }
            _ => return None,
        };
        self.rest = &self.rest[len..];
        Some(value)
    }

    /// If the next value is a string of valid UTF-8, consumes it and returns its text.
    pub fn take_str(&mut self) -> Option<&'a str> {
        let (text, rest) = rmp::decode::read_str_from_slice(self.rest).ok()?;
        self.rest = rest;
        Some(text)
    }

    /// Reads a map key: its text if it is a string (`None` for other keys and for invalid UTF-8,
    /// which no field name can match).
    pub fn read_key(&mut self) -> Result<Option<&'a str>, TypeError> {
        if let Some(key) = self.take_str() {
            return Ok(Some(key));
        }
        let key = self.read_value()?;
        Ok(match key {
            rmpv::ValueRef::String(s) => s.into_str(),
            _ => None,
        })
    }

    /// If the next value is nil, consumes it and returns true.
    pub fn take_nil(&mut self) -> bool {
        match self.rest.split_first() {
            Some((&byte, rest)) if rmp::Marker::from_u8(byte) == rmp::Marker::Null => {
                self.rest = rest;
                true
            }
            _ => false,
        }
    }

    /// Checks that the whole input was read.
    pub fn finish(self) -> Result<(), TypeError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(TypeError::new(format!(
                "invalid msgpack: {} bytes left after the value",
                self.rest.len()
            )))
        }
    }
}

/// The error for msgpack that rmpv cannot decode, in the same words from both readers.
fn invalid(err: rmpv::decode::Error) -> TypeError {
    match err {
        rmpv::decode::Error::DepthLimitExceeded => too_deep(),
        err => TypeError::new(format!("invalid msgpack: {err}")),
    }
}

fn too_deep() -> TypeError {
    TypeError::new(format!(
        "invalid msgpack: maps and arrays nested too deeply (the limit is {} levels)",
        MAX_DEPTH / 2
    ))
}
