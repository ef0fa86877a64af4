//! `#[derive(FlyteType)]`: a struct becomes a flytekit dataclass (STRUCT literal type with
//! `dataclass_type`, msgpack value), a newtype struct takes its field's Flyte type, and an enum
//! of unit variants becomes a Flyte enum of strings.
//!
//! Consumes the `DeriveInput`; produces one `impl FlyteType` whose methods call the support
//! functions in `flytekit_core::types` through `::flytekit::__private`. On error it produces the
//! errors only (the user's item is not ours to re-emit in a derive).

mod attrs;
mod expand;

use proc_macro2::TokenStream;

/// Expands `#[derive(FlyteType)]` on `input`.
pub fn derive_flyte_type(input: TokenStream) -> TokenStream {
    match syn::parse2::<syn::DeriveInput>(input) {
        Ok(item) => expand::expand(&item).unwrap_or_else(|err| err.to_compile_error()),
        Err(err) => err.to_compile_error(),
    }
}
