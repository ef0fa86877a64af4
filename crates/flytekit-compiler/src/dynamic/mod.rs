//! `#[dynamic]`: a task whose body builds a workflow from the real values of its inputs
//! (flytekit's `@dynamic`).
//!
//! Design. The function is emitted as written (but for `map_task` and overrides, below): called from Rust, it runs with its task
//! calls as plain function calls (what flytekit does when a `@dynamic` runs locally outside a
//! workflow), so it stays an ordinary, unit-testable function. Beside it, as for `#[task]`, come
//! a marker type and a registration (options, interface, cache, docs are a task's, parsed by
//! [`crate::task::analyze_task`]), whose code is not the function but a *build copy* of its
//! body ([`rewrite`]): every call of a task, workflow or launch plan in that copy (a call of a
//! bare lowercase name that is not a local variable) adds a node to a sub-workflow and gives a
//! promise instead of a value; everything else (loops, `if`, `match`, iterators, calls with a
//! path, methods) is the user's code, running on the input values. The copy's return value is
//! converted to the task's outputs: each output may be a promise, a plain value, or a
//! collection of promises (`Vec<Promise<T>>` for `Vec<T>`), so the declared return type stays
//! the one the function has. rustc checks the copy too: a promise used as a value (`double(x) +
//! 1`) is a type error at the user's tokens.
//!
//! At run time the runtime calls the build copy through `TaskFn::Dynamic`: locally it runs the
//! sub-workflow inline on the executor, in a container it writes it as `futures.pb`.
//!
//! `map_task` calls, node overrides and gates are the changes to the function as written: they
//! have no plain-Rust meaning, so a map becomes the loop it stands for there ([`maps`]),
//! overrides are dropped ([`overrides`]) and gates do not wait ([`gates`]).
//!
//! Phases: the task front end (attribute, signature, docs), [`rewrite`] (the build copy, with
//! [`maps`] for map calls) and [`expand`] (the generated items). Every error of every phase is reported at once.

pub mod expand;
pub mod gates;
pub mod maps;
pub mod overrides;
pub mod rewrite;

#[cfg(test)]
mod tests;

use proc_macro2::TokenStream;

/// Expands `#[dynamic(args)]` on `item`. Never panics on user input; on errors the user's
/// function is still emitted, so one mistake does not cascade.
pub fn dynamic(args: TokenStream, item: TokenStream) -> TokenStream {
    match syn::parse2::<syn::ItemFn>(item.clone()) {
        Ok(function) => expand::expand_dynamic(args, &function),
        Err(_) => {
            let error = syn::Error::new_spanned(
                &item,
                "`#[dynamic]` can only be applied to a function with a body, e.g. `#[dynamic] fn each(xs: Vec<i64>) -> Vec<i64> { xs.into_iter().map(|x| double(x)).collect() }`",
            )
            .to_compile_error();
            quote::quote!(#item #error)
        }
    }
}
