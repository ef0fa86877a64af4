//! The cache version derived from a task function when `cache` gives none.
//!
//! Consumes the user's `syn::ItemFn`; produces a stable 16-hex-digit FNV-1a 64 hash of its
//! signature and body. Like flytekit, which derives the version from the function's source when
//! `Cache.version` is omitted, this makes editing the task invalidate its cache.
//!
//! What is hashed, and why:
//! - the signature and the body, as tokens, so formatting and comments do not matter (they are
//!   not tokens), while any change to the code does;
//! - not the attributes, neither on the function (`///` docs, `#[allow]`, the `#[task]` options)
//!   nor on parameters (`#[default]`): they do not change what the task computes for given inputs;
//! - not `pub` or other visibility, for the same reason.
//!
//! The hash is computed over a canonical text built from the tokens (identifiers, literals as
//! written, punctuation with its spacing, delimiters), never from `TokenStream::to_string`, whose
//! spacing is the compiler's pretty-printer and may change between Rust versions. Spans never
//! enter the hash. Code the task calls (helper functions, crates) is not covered: a change there
//! needs an explicit `cache(version = "...")` bump, as in flytekit.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{FnArg, ItemFn};

/// The cache version derived from `item` and `salt` (16 lowercase hex digits), stable across
/// builds, machines and Rust versions for the same tokens. An empty salt gives the version of
/// the function alone.
pub fn derive_cache_version(item: &ItemFn, salt: &str) -> String {
    let mut signature = item.sig.clone();
    for argument in &mut signature.inputs {
        match argument {
            FnArg::Typed(typed) => typed.attrs.clear(),
            FnArg::Receiver(receiver) => receiver.attrs.clear(),
        }
    }
    let mut hasher = Fnv1a64::new();
    if !salt.is_empty() {
        // Length-prefixed so that no salt can be mistaken for the start of a signature.
        hasher.write(format!("salt {}:", salt.len()).as_bytes());
        hasher.write(salt.as_bytes());
    }
    write_canonical(&mut hasher, signature.to_token_stream());
    write_canonical(&mut hasher, item.block.to_token_stream());
    format!("{:016x}", hasher.finish())
}

/// Feeds a canonical, span-free text of `tokens` to `hasher`.
fn write_canonical(hasher: &mut Fnv1a64, tokens: TokenStream) {
    for tree in tokens {
        match tree {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    // Invisible groups come from `macro_rules!` fragments: the same code
                    // written directly has none, and should hash the same.
                    Delimiter::None => ("", ""),
                };
                hasher.write(open.as_bytes());
                write_canonical(hasher, group.stream());
                hasher.write(close.as_bytes());
                hasher.write(b" ");
            }
            TokenTree::Ident(ident) => {
                hasher.write(ident.to_string().as_bytes());
                hasher.write(b" ");
            }
            TokenTree::Punct(punct) => {
                let mut buffer = [0u8; 4];
                hasher.write(punct.as_char().encode_utf8(&mut buffer).as_bytes());
                // `Joint` glues multi-character operators (`->`, `::`); keep that distinction
                // so `a - > b` and `a -> b` differ.
                if punct.spacing() == Spacing::Alone {
                    hasher.write(b" ");
                }
            }
            TokenTree::Literal(literal) => {
                hasher.write(literal.to_string().as_bytes());
                hasher.write(b" ");
            }
        }
    }
}

/// 64-bit FNV-1a: tiny, dependency-free and fully specified, so the value never changes with a
/// library upgrade. Not cryptographic, which a cache version does not need.
struct Fnv1a64(u64);

impl Fnv1a64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Self {
        Self(Self::OFFSET_BASIS)
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::parse;

    fn version(source: &str) -> String {
        derive_cache_version(&parse(source), "")
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        let hash = |bytes: &[u8]| {
            let mut hasher = Fnv1a64::new();
            hasher.write(bytes);
            hasher.finish()
        };
        assert_eq!(hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn is_sixteen_hex_digits_and_deterministic() {
        let first = version("fn add(a: i64, b: i64) -> i64 { a + b }");
        assert_eq!(first.len(), 16);
        assert!(first
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_eq!(first, version("fn add(a: i64, b: i64) -> i64 { a + b }"));
    }

    #[test]
    fn is_pinned_so_accidental_changes_to_the_scheme_are_noticed() {
        // Changing this value invalidates every user's derived caches: do it on purpose only.
        assert_eq!(
            version("fn add(a: i64, b: i64) -> i64 { a + b }"),
            version("fn   add( a:i64,b :i64 )->i64{a+b}")
        );
        let pinned = version("fn add(a: i64, b: i64) -> i64 { a + b }");
        assert_eq!(pinned, expected_pinned_version());
        assert_eq!(pinned, "0d9f9681b056596a");
    }

    /// The canonical text of the pinned function, hashed independently of `write_canonical`.
    fn expected_pinned_version() -> String {
        let mut hasher = Fnv1a64::new();
        hasher.write(b"fn add (a : i64 , b : i64 ) -> i64 {a + b } ");
        format!("{:016x}", hasher.finish())
    }

    #[test]
    fn ignores_formatting_comments_docs_attributes_and_visibility() {
        let base = version("fn add(a: i64, b: i64) -> i64 { a + b }");
        for variant in [
            "fn add(a: i64, b: i64) -> i64 {\n    // sum\n    a + b\n}",
            "/// Adds.\n#[allow(unused)]\nfn add(a: i64, b: i64) -> i64 { a + b }",
            "pub(crate) fn add(a: i64, #[default(3)] b: i64) -> i64 { a + b }",
        ] {
            assert_eq!(version(variant), base, "{variant}");
        }
    }

    #[test]
    fn changes_with_the_code() {
        let base = version("fn add(a: i64, b: i64) -> i64 { a + b }");
        for variant in [
            "fn add(a: i64, b: i64) -> i64 { a - b }",
            "fn add(a: i64, b: i64) -> i64 { b + a }",
            "fn add(a: i64, c: i64) -> i64 { a + c }",
            "fn add(a: i32, b: i32) -> i32 { a + b }",
            "fn plus(a: i64, b: i64) -> i64 { a + b }",
            "async fn add(a: i64, b: i64) -> i64 { a + b }",
            "fn add(a: i64, b: i64) -> i64 { a + b + 0 }",
            "fn add(a: i64, b: i64) -> i64 { (a + b) }",
        ] {
            assert_ne!(version(variant), base, "{variant}");
        }
    }

    #[test]
    fn literals_are_hashed_as_written() {
        assert_ne!(
            version("fn f() -> &'static str { \"a\" }"),
            version("fn f() -> &'static str { \"b\" }")
        );
        assert_ne!(
            version("fn f() -> u8 { 1 }"),
            version("fn f() -> u8 { 0x1 }")
        );
    }
}
