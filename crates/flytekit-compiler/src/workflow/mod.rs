//! `#[workflow]`: from a function whose body wires tasks together to a registered workflow.
//!
//! Phases: [`options`] (the attribute), the signature (checked with the same rules as a task's,
//! `crate::task::signature`), [`lower`] (the body walked into builder calls), [`parts`] (a
//! long body cut into functions of a few dozen calls) and [`expand`] (the generated items). Every error of every phase is reported at once.

pub mod expand;
pub mod gates;
pub mod lower;
pub mod options;
pub mod overrides;
pub mod parts;

use proc_macro2::TokenStream;

/// Expands `#[workflow(args)]` on `item`. Never panics on user input; on errors the user's
/// function is still emitted, so one mistake does not cascade.
pub fn workflow(args: TokenStream, item: TokenStream) -> TokenStream {
    match syn::parse2::<syn::ItemFn>(item.clone()) {
        Ok(function) => expand::expand_workflow(args, &function),
        Err(_) => {
            let error = syn::Error::new_spanned(
                &item,
                "`#[workflow]` can only be applied to a function, e.g. `#[workflow] fn pipeline(x: i64) -> i64 { add(x, 1) }`",
            )
            .to_compile_error();
            quote::quote!(#item #error)
        }
    }
}
