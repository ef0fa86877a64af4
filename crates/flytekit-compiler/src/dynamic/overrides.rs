//! Node overrides in a `#[dynamic]` body: `double(x).retries(2).requests(cpu = "2")`, flytekit's
//! `double(x=x).with_overrides(...)` inside a `@dynamic`, where they often depend on the data
//! (more memory for a large partition, a node name per file).
//!
//! A chain of override methods (the names of [`OVERRIDES`], as in a workflow) directly on a call
//! of an entity is one node with those overrides:
//! - in the build copy, [`chain`] finds it and [`super::rewrite::Rewriter`] lowers the methods
//!   with the workflow's [`Overrides`](crate::workflow::overrides::Overrides), so they are
//!   checked the same way (a computed quantity, `mem = format!("{n}Gi")`, by the builder when
//!   the sub-workflow is built);
//! - in the function as written, [`PlainOverrides`] drops them: a plain function call has no
//!   retries or resources. Their arguments are still evaluated (a value only passed to
//!   `.after(..)` stays used), but for the `key = value` entries of resources, of which the
//!   value is.

use std::collections::BTreeSet;

use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ExprCall, ExprMethodCall};

pub use crate::workflow::overrides::OVERRIDES;

use super::rewrite::entity_ident;

/// `t(x).a(..).b(..)` with only override methods (or `.cache(..)`, which a workflow refuses
/// with its reason, and so does a dynamic body): the call and its methods, in the order
/// written.
pub fn chain(method: &ExprMethodCall) -> Option<(ExprCall, Vec<ExprMethodCall>)> {
    let mut methods = Vec::new();
    let mut current = method;
    loop {
        let name = current.method.to_string();
        if !OVERRIDES.contains(&name.as_str()) && name != "cache" {
            return None;
        }
        methods.push(current.clone());
        match &*current.receiver {
            Expr::MethodCall(inner) => current = inner,
            Expr::Call(call) => {
                methods.reverse();
                return Some((call.clone(), methods));
            }
            _ => return None,
        }
    }
}

/// The function as written with the override chains of entity calls dropped.
pub struct PlainOverrides {
    /// The names the body binds: calls of these are not entity calls.
    pub locals: BTreeSet<String>,
}

impl VisitMut for PlainOverrides {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(method) = expr {
            if let Some((mut call, methods)) = chain(method) {
                if entity_ident(&call, &self.locals).is_some() {
                    for arg in call.args.iter_mut() {
                        self.visit_expr_mut(arg);
                    }
                    let values = methods
                        .iter()
                        .flat_map(|m| m.args.iter())
                        .map(|arg| match arg {
                            Expr::Assign(entry) => &*entry.right,
                            other => other,
                        });
                    let span = expr.span();
                    *expr = syn::parse_quote_spanned! {span=>
                        {
                            // A gate's plain form (`sleep`) has no value.
                            #[allow(clippy::let_unit_value)]
                            let __value = #call;
                            let _ = (#(&(#values),)*);
                            __value
                        }
                    };
                    return;
                }
            }
        }
        visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {
        // A nested function is plain Rust of its own.
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn plain(body: proc_macro2::TokenStream) -> String {
        let mut block: syn::Block = syn::parse2(quote!({ #body })).unwrap();
        PlainOverrides {
            locals: ["local".to_string()].into(),
        }
        .visit_block_mut(&mut block);
        quote!(#block).to_string()
    }

    #[test]
    fn override_chains_of_entity_calls_are_dropped_with_their_values_evaluated() {
        let out = plain(quote!(double(x).retries(2).requests(cpu = "2").after(a)));
        assert!(out.contains("let __value = double (x) ;"), "{out}");
        assert!(
            out.contains("let _ = (& (2) , & (\"2\") , & (a) ,) ;"),
            "{out}"
        );
        assert!(!out.contains("retries"), "{out}");
    }

    #[test]
    fn other_methods_and_calls_of_locals_stay() {
        for body in [
            quote!(double(x).clone()),
            quote!(local(x).retries(2)),
            quote!(xs.retries(2)),
        ] {
            let before = quote!({ #body }).to_string();
            assert_eq!(plain(body), before);
        }
    }
}
