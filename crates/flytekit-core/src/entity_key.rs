//! Entity names as 64-bit keys, computed at compile time for each registration.
//!
//! A container runs one task of a binary that may link in thousands. Finding it by comparing a
//! key per registration reads one word of each, not each task's description, which is built
//! only for the task that matches (issue 23: the start of `execute` must not grow with the
//! number of entities). A key is FNV-1a over the dotted entity name; two names with the same
//! key are told apart by comparing the names themselves.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

const fn mix(hash: u64, byte: u8) -> u64 {
    (hash ^ byte as u64).wrapping_mul(PRIME)
}

const fn mix_all(mut hash: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        hash = mix(hash, bytes[i]);
        i += 1;
    }
    hash
}

/// The key of the entity named `name` (a dotted entity name such as `my_crate.jobs.add`).
pub const fn of_name(name: &str) -> u64 {
    mix_all(OFFSET, name.as_bytes())
}

/// The key of an entity defined as `fn_name` in the module `module_path` (as `module_path!()`
/// gives it), or named `name` when it has a `name = "..."`: equal to [`of_name`] of its entity
/// name, `<module path with :: as .>.<fn_name>`, without building that name.
pub const fn of_entity(module_path: &str, fn_name: &str, name: Option<&str>) -> u64 {
    if let Some(name) = name {
        return of_name(name);
    }
    let path = module_path.as_bytes();
    let mut hash = OFFSET;
    let mut i = 0;
    while i < path.len() {
        if path[i] == b':' && i + 1 < path.len() && path[i + 1] == b':' {
            hash = mix(hash, b'.');
            i += 2;
        } else {
            hash = mix(hash, path[i]);
            i += 1;
        }
    }
    hash = mix(hash, b'.');
    mix_all(hash, fn_name.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_and_its_dotted_name_share_a_key() {
        const KEY: u64 = of_entity("my_crate::jobs::etl", "add", None);
        assert_eq!(KEY, of_name("my_crate.jobs.etl.add"));
        assert_eq!(of_entity("my_crate", "add", None), of_name("my_crate.add"));
    }

    #[test]
    fn a_given_name_is_the_key() {
        assert_eq!(
            of_entity("my_crate::jobs", "add", Some("adder")),
            of_name("adder")
        );
        assert_ne!(
            of_entity("my_crate::jobs", "add", Some("adder")),
            of_name("my_crate.jobs.add")
        );
    }

    #[test]
    fn different_names_have_different_keys() {
        let keys = [
            of_name("a.b.c"),
            of_name("a.bc"),
            of_name("ab.c"),
            of_name("a.b.d"),
            of_name(""),
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
