//! Bodiless function signatures, the items `#[reference_task]`, `#[reference_workflow]`,
//! `#[reference_launch_plan]` and `#[container_task]` are put on: `fn add(a: i64) -> i64;`.
//!
//! Consumes the item's tokens; produces an `ItemFn` with an empty block (so the `#[task]`
//! signature parser applies unchanged) and, when the user wrote a body, an error on it that says
//! to remove it. The rest of the expansion goes on either way, so the body is the only error.

use proc_macro2::TokenStream;
use syn::{Block, ForeignItemFn, ItemFn};

/// A signature parsed from a bodiless function item.
pub struct Bodiless {
    /// The function, with an empty block in place of the missing body.
    pub item: ItemFn,
    /// The error of a body the user wrote (which the expansion ignores).
    pub body_error: Option<syn::Error>,
}

/// Parses `item` as `fn name(inputs) -> output;`. `macro_name` (`reference_task`) and
/// `example` (a complete bodiless declaration) are quoted in the errors.
pub fn parse_bodiless(item: TokenStream, macro_name: &str, example: &str) -> syn::Result<Bodiless> {
    if let Ok(function) = syn::parse2::<ItemFn>(item.clone()) {
        let body_error = syn::Error::new_spanned(
            &function.block,
            format!(
                "`#[{macro_name}]` declares its interface only, it has no body: remove the body \
                 and end the signature with `;`, e.g. `{example}`"
            ),
        );
        return Ok(Bodiless {
            item: function,
            body_error: Some(body_error),
        });
    }
    match syn::parse2::<ForeignItemFn>(item.clone()) {
        Ok(function) => Ok(Bodiless {
            item: ItemFn {
                attrs: function.attrs,
                vis: function.vis,
                sig: function.sig,
                block: Box::new(Block {
                    brace_token: Default::default(),
                    stmts: Vec::new(),
                }),
            },
            body_error: None,
        }),
        Err(_) => Err(syn::Error::new_spanned(
            item,
            format!(
                "`#[{macro_name}]` applies to a function signature without a body, e.g. \
                 `{example}`"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn signature_with_and_without_body() {
        let ok = parse_bodiless(
            quote!(
                pub fn f(a: i64) -> i64;
            ),
            "m",
            "fn f();",
        )
        .unwrap();
        assert!(ok.body_error.is_none());
        assert_eq!(ok.item.sig.ident, "f");
        let body = parse_bodiless(
            quote!(
                fn f(a: i64) -> i64 {
                    a
                }
            ),
            "m",
            "fn f();",
        )
        .unwrap();
        assert!(body
            .body_error
            .unwrap()
            .to_string()
            .contains("remove the body"));
        let err = parse_bodiless(
            quote!(
                struct S;
            ),
            "m",
            "fn f();",
        )
        .err()
        .unwrap();
        assert!(err.to_string().contains("applies to a function signature"));
    }
}
