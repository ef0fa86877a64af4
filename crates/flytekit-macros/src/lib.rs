//! Procedural macro entry points of flytekit-rs.
//!
//! Each macro is a few lines that hand the tokens to `flytekit-compiler`, where parsing, checking
//! and code generation live as a plain, unit-tested library. Users never depend on this crate
//! directly: `flytekit` re-exports the macros.
//!
//! May depend on: `flytekit-compiler`, `proc-macro2`. Nothing at run time.

use proc_macro::TokenStream;

/// Derives `FlyteType` for a struct (a flytekit dataclass), a newtype struct (its field's
/// type) or an enum of unit variants (a Flyte enum of strings).
///
/// serde's `rename`, `rename_all`, `skip` and `default` attributes are honoured, so the Flyte
/// form of a type matches its serde form; `#[flyte(crate = "path")]` changes the path of the
/// flytekit crate in the generated code.
#[proc_macro_derive(FlyteType, attributes(flyte, serde))]
pub fn derive_flyte_type(input: TokenStream) -> TokenStream {
    flytekit_compiler::derive::derive_flyte_type(input.into()).into()
}

/// Turns a function into a Flyte task, leaving the function as it is.
///
/// Inputs are the parameters; outputs are the return value (`o0`, or `o0, o1, ...` for a tuple;
/// none for `()`); a `Result` error fails the task. Options such as `retries = 3`,
/// `timeout = "5m"`, `cache(version = "1")` or `requests(cpu = "1", mem = "1Gi")` are checked at
/// compile time; see the `flytekit` crate docs for the full list.
#[proc_macro_attribute]
pub fn task(args: TokenStream, item: TokenStream) -> TokenStream {
    flytekit_compiler::task::task(args.into(), item.into()).into()
}

/// Turns a function whose body wires tasks together into a Flyte workflow.
///
/// The body is checked by rustc and lowered at compile time to a node DAG: `let` bindings of
/// calls become nodes, `if` / `else` on comparisons becomes a branch node, `map_task(t, xs)` an
/// array node. The function keeps its signature; calling it runs the workflow locally.
#[proc_macro_attribute]
pub fn workflow(args: TokenStream, item: TokenStream) -> TokenStream {
    flytekit_compiler::workflow::workflow(args.into(), item.into()).into()
}
