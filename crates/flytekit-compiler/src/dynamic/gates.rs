//! Gates in a `#[dynamic]` body: `sleep(..)`, `approve(value, "name", timeout)` and
//! `wait_for_input::<T>("name", timeout)`, with `.after(node)` (flytekit's `a >> gate`), which
//! flytekit's `@dynamic` writes into `futures.pb` as gate nodes.
//!
//! - In the build copy ([`node`]) a gate is the gate node a workflow makes (`gates::sleep` and
//!   the others, on the dynamic task's builder). Its arguments are evaluated first, since a
//!   call among them borrows the builder.
//! - In the function as written ([`PlainGates`]) nothing waits: `sleep` does nothing, `approve`
//!   gives its value, as flytekit's local run of a `@dynamic` does; `wait_for_input` has no value
//!   outside a workflow run, so it panics, naming the signal.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ExprCall};

use crate::ctxt::Ctxt;
use crate::workflow::gates::{turbofish, usage, GATES, MISSING_SIGNAL_TYPE};
use crate::workflow::overrides::Overrides;

/// Which gate `call` is, unless the name is a local of the body.
pub fn gate_kind(call: &ExprCall, locals: &BTreeSet<String>) -> Option<String> {
    let Expr::Path(path) = &*call.func else {
        return None;
    };
    if path.qself.is_some() || path.path.leading_colon.is_some() || path.path.segments.len() != 1 {
        return None;
    }
    let name = path.path.segments[0].ident.to_string();
    (GATES.contains(&name.as_str()) && !locals.contains(&name)).then_some(name)
}

/// The gate node of `call` (its arguments already rewritten), ordered after each of `after`;
/// `None` when it is written wrong (reported).
pub fn node(
    cx: &Ctxt,
    p: &TokenStream,
    call: &ExprCall,
    kind: &str,
    after: &[Expr],
) -> Option<Expr> {
    let args: Vec<&Expr> = call.args.iter().collect();
    let span = call.span();
    let overrides = Overrides { cx };
    let (hoisted, gate): (Vec<TokenStream>, TokenStream) = match (kind, args.as_slice()) {
        ("sleep", [duration]) => {
            let duration = overrides.duration(duration)?;
            (
                vec![quote::quote_spanned!(span=> let __duration = #duration;)],
                quote::quote_spanned!(span=> #p::gates::sleep(&mut *__b.builder(), __duration)),
            )
        }
        ("approve", [value, name, timeout]) => {
            let timeout = overrides.duration(timeout)?;
            (
                vec![
                    quote::quote_spanned!(value.span()=> let __value = #value;),
                    quote::quote_spanned!(name.span()=> let __name: &str = &#name;),
                    quote::quote_spanned!(span=> let __timeout = #timeout;),
                ],
                quote::quote_spanned!(span=> #p::gates::approve(&mut *__b.builder(), __value, __name, __timeout)),
            )
        }
        ("wait_for_input", [name, timeout]) => {
            let timeout = overrides.duration(timeout)?;
            let Some(generics) = turbofish(call) else {
                cx.error_spanned_by(&call.func, MISSING_SIGNAL_TYPE);
                return None;
            };
            (
                vec![
                    quote::quote_spanned!(name.span()=> let __name: &str = &#name;),
                    quote::quote_spanned!(span=> let __timeout = #timeout;),
                ],
                quote::quote_spanned!(span=> #p::gates::wait_for_input #generics (&mut *__b.builder(), __name, __timeout)),
            )
        }
        _ => {
            let usage = usage(kind);
            cx.error_spanned_by(call, format!("wrong arguments: write {usage}"));
            return None;
        }
    };
    let upstreams = after.iter().enumerate().map(|(i, upstream)| {
        let var = quote::format_ident!("__after{}", i);
        quote::quote_spanned!(upstream.span()=> let #var = #upstream;)
    });
    let orders = (0..after.len()).map(|i| {
        let var = quote::format_ident!("__after{}", i);
        quote::quote_spanned!(span=> let __node = __b.builder().order_after(__node, #var);)
    });
    Some(syn::parse_quote_spanned! {span=>
        {
            #(#upstreams)*
            #(#hoisted)*
            let __node = #gate;
            #(#orders)*
            __node
        }
    })
}

/// The function as written with its gates in their plain form (see the module docs).
pub struct PlainGates {
    /// `<crate>::__private`.
    pub p: TokenStream,
    /// The names the body binds: a local `sleep` is the user's own.
    pub locals: BTreeSet<String>,
}

impl VisitMut for PlainGates {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        visit_mut::visit_expr_mut(self, expr);
        let Expr::Call(call) = expr else {
            return;
        };
        let Some(kind) = gate_kind(call, &self.locals) else {
            return;
        };
        let args: Vec<&Expr> = call.args.iter().collect();
        let span = call.span();
        let p = &self.p;
        // Written wrong, the build copy reports it; the plain form only has to compile quietly.
        *expr = match (kind.as_str(), args.as_slice()) {
            ("sleep", [duration]) => syn::parse_quote_spanned!(span=> { let _ = &(#duration); }),
            ("approve", [value, name, timeout]) => syn::parse_quote_spanned! {span=>
                { let __value = #value; let _ = (&(#name), &(#timeout)); __value }
            },
            ("wait_for_input", [name, timeout]) => match turbofish(call) {
                Some(generics) => syn::parse_quote_spanned! {span=>
                    { let _ = &(#timeout); #p::dynamic::plain_signal #generics (&#name) }
                },
                None => syn::parse_quote_spanned!(span=> ::core::unreachable!()),
            },
            _ => syn::parse_quote_spanned!(span=> ::core::unreachable!()),
        };
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {
        // A nested function is plain Rust of its own.
    }
}
