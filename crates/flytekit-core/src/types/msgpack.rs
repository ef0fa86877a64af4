//! msgpack helpers shared by the implementations of [`FlyteType`](super::FlyteType).
//!
//! Writing appends to a `Vec<u8>` (which cannot fail); reading goes through an `rmpv::ValueRef`
//! tree, which makes flytekit's leniency easy (fields in any order, unknown keys ignored, an
//! integer where a float is expected).

use super::TypeError;

/// Deepest nesting accepted when decoding msgpack: deeper input is an error, not a stack overflow.
const MAX_DEPTH: usize = 256;

/// Decodes one msgpack value that must fill `bytes` exactly.
pub fn decode_msgpack(bytes: &[u8]) -> Result<rmpv::ValueRef<'_>, TypeError> {
    let mut reader = bytes;
    let value = rmpv::decode::read_value_ref_with_max_depth(&mut reader, MAX_DEPTH)
        .map_err(|err| TypeError::new(format!("invalid msgpack: {err}")))?;
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
