//! The encoding of a `LiteralMap`, written entry by entry: the cache hashes inputs and stores
//! outputs as `LiteralMap`s, but building one per map element costs a one-entry `BTreeMap` (a
//! whole B-tree leaf, about 1 KiB) and clones of every literal.
//!
//! The bytes are exactly what prost writes for the same map (tested below): a cache key must
//! not depend on which path computed it, and keys computed before this existed stay valid.

use flytekit_idl::core::Literal;
use prost::encoding::{encode_key, encode_varint, encoded_len_varint, key_len, WireType};
use prost::Message;

/// Appends one entry of `LiteralMap.literals` (field 1, a map) as prost writes it: a
/// length-delimited entry holding the key (field 1) and the value (field 2), each left out when
/// it is the default. Entries must come in name order, as a `BTreeMap` iterates them.
pub(super) fn encode_entry(name: &str, literal: &Literal, buf: &mut Vec<u8>) {
    let key = if name.is_empty() {
        0
    } else {
        key_len(1) + encoded_len_varint(name.len() as u64) + name.len()
    };
    // A proto3 message encodes to no bytes exactly when every field is the default.
    let value = literal.encoded_len();
    let value = if value == 0 {
        0
    } else {
        key_len(2) + encoded_len_varint(value as u64) + value
    };
    encode_key(1, WireType::LengthDelimited, buf);
    encode_varint((key + value) as u64, buf);
    if !name.is_empty() {
        encode_key(1, WireType::LengthDelimited, buf);
        encode_varint(name.len() as u64, buf);
        buf.extend_from_slice(name.as_bytes());
    }
    if value != 0 {
        encode_key(2, WireType::LengthDelimited, buf);
        encode_varint(literal.encoded_len() as u64, buf);
        // Cannot fail: a `Vec` grows as needed.
        let _ = literal.encode(buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flytekit_core::FlyteType;
    use flytekit_idl::core::LiteralMap;

    #[test]
    fn entries_encode_as_prost_encodes_the_map() {
        let map = LiteralMap {
            literals: [
                (String::new(), "text".to_string().to_literal().unwrap()),
                ("a".to_string(), 7_i64.to_literal().unwrap()),
                ("b".to_string(), Literal::default()),
                ("c".to_string(), vec![1_i64, 2].to_literal().unwrap()),
                ("long".repeat(40), "x".repeat(300).to_literal().unwrap()),
            ]
            .into(),
        };
        let mut bytes = Vec::new();
        for (name, literal) in &map.literals {
            encode_entry(name, literal, &mut bytes);
        }
        assert_eq!(bytes, map.encode_to_vec());
    }
}
