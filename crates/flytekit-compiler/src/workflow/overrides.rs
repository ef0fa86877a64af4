//! Node overrides: the `.retries(..)`, `.timeout("5m")`, `.resources(cpu = "1")`, ... written
//! after a call, lowered to the `Call` methods that set them (flytekit's `with_overrides`).
//!
//! Shared by the workflow walker ([`super::lower`]) and the build copy of a `#[dynamic]` body:
//! a node of either gets the same overrides, checked the same way (durations and quantities
//! are parsed here, so a malformed one is an error at its tokens).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ExprMethodCall};

use crate::attr::duration::parse_duration;
use crate::attr::quantity::parse_quantity;
use crate::ctxt::Ctxt;

/// The overrides a call takes, by method name.
pub const OVERRIDES: &[&str] = &[
    "name",
    "retries",
    "timeout",
    "interruptible",
    "container_image",
    "requests",
    "limits",
    "resources",
    "accelerator",
    "shared_memory",
    "pod_template",
    "after",
];

/// Lowers overrides, reporting to `cx`.
pub struct Overrides<'a> {
    /// Where errors go.
    pub cx: &'a Ctxt,
}

impl Overrides<'_> {
    /// The `Call` methods of a call's `methods`, in order (the ones written wrong reported).
    pub fn lower(&self, methods: &[&ExprMethodCall]) -> Vec<TokenStream> {
        self.check_resources_alone(methods);
        methods
            .iter()
            .filter_map(|m| self.override_method(m))
            .collect()
    }

    /// `.resources(..)` sets requests and limits together, so it stands alone, as flytekit's
    /// `with_overrides(resources=...)` refuses `requests` or `limits` beside it.
    fn check_resources_alone(&self, methods: &[&ExprMethodCall]) {
        if !methods.iter().any(|m| m.method == "resources") {
            return;
        }
        for method in methods {
            if method.method == "requests" || method.method == "limits" {
                self.cx.error_spanned_by(
                    &method.method,
                    format!(
                        "`.{}(..)` cannot be combined with `.resources(..)`: use `.resources(..)` alone, with a pair for a different request and limit such as `.resources(mem = (\"1Gi\", \"2Gi\"))`",
                        method.method
                    ),
                );
            }
        }
    }

    /// One `.method(..)` of a call chain as a `Call` method.
    fn override_method(&self, method: &ExprMethodCall) -> Option<TokenStream> {
        let name = method.method.to_string();
        let args: Vec<&Expr> = method.args.iter().collect();
        let span = method.method.span();
        let one_arg = |this: &Self| -> Option<&Expr> {
            if args.len() == 1 {
                Some(args[0])
            } else {
                this.cx
                    .error_spanned_by(&method.method, format!("`.{name}(...)` takes one argument"));
                None
            }
        };
        match name.as_str() {
            "accelerator" => {
                let arg = one_arg(self)?;
                Some(quote_spanned!(span=> .accelerator(#arg)))
            }
            "shared_memory" => {
                let arg = one_arg(self)?;
                if let Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(size),
                    ..
                }) = arg
                {
                    if !size.value().is_empty() {
                        if let Err(err) = parse_quantity(&size.value()) {
                            self.cx.error_spanned_by(
                                size,
                                format!("invalid shared memory size {:?}: {err}; write a quantity such as \"2Gi\", or \"\" for no limit", size.value()),
                            );
                            return None;
                        }
                    }
                }
                Some(quote_spanned!(span=> .shared_memory(#arg)))
            }
            "pod_template" => {
                let arg = one_arg(self)?;
                Some(quote_spanned!(span=> .pod_template(#arg)))
            }
            "name" | "container_image" => {
                let arg = one_arg(self)?;
                let ident = &method.method;
                Some(quote_spanned!(span=> .#ident(#arg)))
            }
            "retries" => {
                let arg = one_arg(self)?;
                Some(quote_spanned!(span=> .retries(#arg)))
            }
            "interruptible" => {
                let arg = one_arg(self)?;
                Some(quote_spanned!(span=> .interruptible(#arg)))
            }
            "timeout" => {
                let arg = one_arg(self)?;
                let duration = self.duration(arg)?;
                Some(quote_spanned!(span=> .timeout(#duration)))
            }
            "requests" | "limits" => {
                let entries = self.resources(method)?;
                let ident = &method.method;
                Some(quote_spanned!(span=> .#ident(&[#(#entries),*])))
            }
            "resources" => {
                // flytekit's `Resources(cpu="1", mem=("1Gi", "2Gi"))`: a value is a request, a
                // pair a request and a limit.
                let (requests, limits) = self.requests_and_limits(method)?;
                Some(quote_spanned!(span=> .requests(&[#(#requests),*]).limits(&[#(#limits),*])))
            }
            "after" => {
                let arg = one_arg(self)?;
                Some(quote_spanned!(span=> .after(#arg)))
            }
            "cache" => {
                self.cx.error_spanned_by(&method.method, "node-level cache settings have no effect on Flyte (propeller ignores them); set `cache(...)` on the task instead");
                None
            }
            _ => {
                self.cx.error_spanned_by(
                    &method.method,
                    format!(
                        "unknown node override `.{name}(...)`; the overrides are {}",
                        OVERRIDES
                            .iter()
                            .map(|o| format!("`.{o}(..)`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                None
            }
        }
    }

    /// A duration argument: a string such as "5m", checked now, or any `Duration` expression.
    pub fn duration(&self, arg: &Expr) -> Option<TokenStream> {
        match arg {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) => {
                match parse_duration(&text.value()) {
                    Ok(d) => {
                        let (secs, nanos) = (d.as_secs(), d.subsec_nanos());
                        Some(
                            quote_spanned!(text.span()=> ::core::time::Duration::new(#secs, #nanos)),
                        )
                    }
                    Err(err) => {
                        self.cx.error_spanned_by(text, format!("invalid duration {:?}: {err}; write e.g. \"30s\", \"5m\" or \"1h30m\"", text.value()));
                        None
                    }
                }
            }
            other => Some(quote!(#other)),
        }
    }

    /// `resources(cpu = "1", mem = ("1Gi", "2Gi"))` -> the requests and the limits entries,
    /// quantities checked.
    fn requests_and_limits(
        &self,
        method: &ExprMethodCall,
    ) -> Option<(Vec<TokenStream>, Vec<TokenStream>)> {
        let (mut requests, mut limits) = (Vec::new(), Vec::new());
        for arg in &method.args {
            let Some((key, value)) = self.resource_entry(method, arg) else {
                continue;
            };
            let Expr::Tuple(pair) = strip_parens(value) else {
                if let Some(request) = self.quantity(&key, value) {
                    requests.push(quote!((#key, #request)));
                }
                continue;
            };
            let [request, limit] = [pair.elems.first(), pair.elems.get(1)];
            match (request, limit, pair.elems.len()) {
                (Some(request), Some(limit), 2) => {
                    if let Some(request) = self.quantity(&key, request) {
                        requests.push(quote!((#key, #request)));
                    }
                    if let Some(limit) = self.quantity(&key, limit) {
                        limits.push(quote!((#key, #limit)));
                    }
                }
                _ => self.cx.error_spanned_by(
                    value,
                    format!("`{key}` takes one quantity (the request) or a pair (request, limit), e.g. `{key} = (\"1Gi\", \"2Gi\")`"),
                ),
            }
        }
        Some((requests, limits))
    }

    /// One `key = value` argument of a resources override, its key checked.
    fn resource_entry<'e>(
        &self,
        method: &ExprMethodCall,
        arg: &'e Expr,
    ) -> Option<(String, &'e Expr)> {
        let Expr::Assign(assign) = arg else {
            self.cx.error_spanned_by(
                arg,
                format!(
                    "write resources as `.{}(cpu = \"1\", mem = \"1Gi\")`",
                    method.method
                ),
            );
            return None;
        };
        let key = match &*assign.left {
            Expr::Path(path) => path.path.get_ident().map(|i| i.to_string()),
            _ => None,
        };
        let allowed = ["cpu", "mem", "gpu", "ephemeral_storage"];
        let Some(key) = key.filter(|k| allowed.contains(&k.as_str())) else {
            self.cx.error_spanned_by(
                &assign.left,
                "unknown resource; expected `cpu`, `mem`, `gpu` or `ephemeral_storage`",
            );
            return None;
        };
        Some((key, &assign.right))
    }

    /// A quantity: a literal (`"500m"`, `"1Gi"`, `2`), checked now, or any expression giving
    /// a string (`format!("{n}Gi")` in a `#[dynamic]` body, a constant), which the workflow
    /// builder checks before any spec is written.
    fn quantity(&self, key: &str, value: &Expr) -> Option<TokenStream> {
        let text = match value {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => s.value(),
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(i),
                ..
            }) => i.base10_digits().to_string(),
            Expr::Lit(other) => {
                self.cx.error_spanned_by(
                    other,
                    format!("`{key}` takes a quantity such as \"500m\" or \"1Gi\""),
                );
                return None;
            }
            computed => {
                return Some(
                    quote_spanned!(computed.span()=> ::core::convert::AsRef::<str>::as_ref(&(#computed))),
                );
            }
        };
        if let Err(err) = parse_quantity(&text) {
            self.cx
                .error_spanned_by(value, format!("invalid `{key}` quantity {text:?}: {err}"));
            return None;
        }
        Some(quote!(#text))
    }

    /// `requests(cpu = "1", mem = "1Gi")` -> `("cpu", "1"), ("mem", "1Gi")`, quantities checked.
    fn resources(&self, method: &ExprMethodCall) -> Option<Vec<TokenStream>> {
        let mut entries = Vec::new();
        for arg in &method.args {
            let Some((key, value)) = self.resource_entry(method, arg) else {
                continue;
            };
            if let Some(quantity) = self.quantity(&key, value) {
                entries.push(quote!((#key, #quantity)));
            }
        }
        Some(entries)
    }
}

/// `expr` without the parentheses or invisible groups around it.
fn strip_parens(mut expr: &Expr) -> &Expr {
    loop {
        match expr {
            Expr::Paren(inner) => expr = &inner.expr,
            Expr::Group(inner) => expr = &inner.expr,
            other => return other,
        }
    }
}
