//! The written form of gate calls (`sleep("5m")`, `approve(value, "name", "1h")`,
//! `wait_for_input::<T>("name", "1h")`), shared by the workflow walker ([`super::lower`]) and
//! the build copy of a `#[dynamic]` body, which lower them onto their own builders.

use syn::{Expr, ExprCall};

/// The gate functions.
pub const GATES: &[&str] = &["sleep", "approve", "wait_for_input"];

/// What to write instead of a gate call with the wrong arguments.
pub fn usage(kind: &str) -> &'static str {
    match kind {
        "sleep" => "`sleep(\"5m\")`",
        "approve" => "`approve(value, \"name\", \"1h\")`",
        _ => "`wait_for_input::<T>(\"name\", \"1h\")`",
    }
}

/// The error for `wait_for_input` without its value type.
pub const MISSING_SIGNAL_TYPE: &str =
    "say what type of value to wait for: `wait_for_input::<bool>(\"name\", \"1h\")`";

/// The type arguments written on `wait_for_input::<T>`.
pub fn turbofish(call: &ExprCall) -> Option<syn::AngleBracketedGenericArguments> {
    match &*call.func {
        Expr::Path(path) => match &path.path.segments.last()?.arguments {
            syn::PathArguments::AngleBracketed(generics) => Some(generics.clone()),
            _ => None,
        },
        _ => None,
    }
}
