//! `map_task` in a `#[dynamic]` body, in both of the body's copies.
//!
//! Consumes a `map_task(square, xs, fixed(k))` call, with `.concurrency(n)`, `.min_successes(n)`
//! or `.min_success_ratio(r)` after it; produces its plain form and its node form. Unlike
//! every other call of the body, it has no meaning as plain Rust (a task is not passed as a
//! value anywhere else), so here the function as written changes too:
//!
//! - [`PlainMaps`] rewrites the function as written: the call becomes the loop the map stands
//!   for, the task called once per element, the lists zipped (of equal lengths: a panic naming
//!   the task otherwise, as flytekit raises), the fixed values cloned, the results collected
//!   into a `Vec` (of `Some(..)` with a minimum of successes, the element type a partial map
//!   gives). The options are evaluated, and have no other effect there.
//! - [`node`] is the build copy's form, used by [`super::rewrite::Rewriter`]: an array node, as
//!   `map_task` makes in a workflow (`MapCall`), with the same options.

use std::collections::BTreeSet;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ExprCall};

/// The options a map call takes in a dynamic body.
const OPTIONS: &[&str] = &["concurrency", "min_successes", "min_success_ratio"];

/// One input of a map call: a list mapped element by element, or one value for all.
pub struct MapInput {
    /// Whether it was written `fixed(value)`.
    pub fixed: bool,
    /// The list, or the value.
    pub value: Expr,
}

/// A map call as written.
pub struct MapSyntax {
    /// The task mapped.
    pub task: syn::Ident,
    /// Its inputs, in order.
    pub inputs: Vec<MapInput>,
    /// The options after the call: `.concurrency(n)` and the like.
    pub options: Vec<(syn::Ident, Expr)>,
    /// The span of the whole call, for the node.
    pub span: Span,
    /// The span of the call's closing parenthesis, where a missing input is reported.
    pub close: Span,
}

impl MapSyntax {
    /// Whether some elements may fail (`min_successes` or `min_success_ratio`).
    pub fn partial(&self) -> bool {
        self.options.iter().any(|(name, _)| name != "concurrency")
    }
}

/// `expr` as a map call, when it is one: `None` when it is something else, an error when it
/// is a map call written wrong.
pub fn parse(expr: &Expr, locals: &BTreeSet<String>) -> Option<syn::Result<MapSyntax>> {
    let mut options = Vec::new();
    let mut current = expr;
    while let Expr::MethodCall(method) = current {
        if !OPTIONS.contains(&method.method.to_string().as_str()) {
            return None;
        }
        options.push(method);
        current = &method.receiver;
    }
    let Expr::Call(call) = current else {
        return None;
    };
    if !is_map_task(call, locals) {
        return None;
    }
    Some(parse_call(
        call,
        options.into_iter().rev().collect(),
        locals,
    ))
}

fn is_map_task(call: &ExprCall, locals: &BTreeSet<String>) -> bool {
    matches!(&*call.func, Expr::Path(path) if path.qself.is_none() && path.path.is_ident("map_task"))
        && !locals.contains("map_task")
}

fn parse_call(
    call: &ExprCall,
    methods: Vec<&syn::ExprMethodCall>,
    locals: &BTreeSet<String>,
) -> syn::Result<MapSyntax> {
    let mut args = call.args.iter();
    let task = match args.next() {
        Some(Expr::Path(path)) if path.qself.is_none() => path
            .path
            .get_ident()
            .filter(|ident| !locals.contains(&ident.to_string()))
            .cloned(),
        _ => None,
    };
    let Some(task) = task else {
        return Err(syn::Error::new_spanned(
            call,
            "`map_task` takes the task first, by its name, then its inputs: `map_task(square, xs)`",
        ));
    };
    if call.args.len() == 1 {
        return Err(syn::Error::new_spanned(
            call,
            format!("`map_task({task})` has nothing to map: pass the task's inputs after it, the lists to map and the others with `fixed(..)`: `map_task({task}, xs)`"),
        ));
    }
    let mut inputs = Vec::new();
    for arg in args {
        match arg {
            Expr::Call(inner) if matches!(&*inner.func, Expr::Path(f) if f.path.is_ident("fixed")) =>
            {
                let [value] = inner.args.iter().collect::<Vec<_>>()[..] else {
                    return Err(syn::Error::new_spanned(
                        inner,
                        "`fixed(...)` takes one value",
                    ));
                };
                inputs.push(MapInput {
                    fixed: true,
                    value: value.clone(),
                });
            }
            other => inputs.push(MapInput {
                fixed: false,
                value: other.clone(),
            }),
        }
    }
    if !inputs.iter().any(|input| !input.fixed) {
        return Err(syn::Error::new_spanned(
            call,
            format!("`map_task({task}, ..)` needs a list to map: pass at least one input as a list, the others with `fixed(..)`"),
        ));
    }
    let mut options = Vec::new();
    for method in methods {
        let [arg] = method.args.iter().collect::<Vec<_>>()[..] else {
            return Err(syn::Error::new_spanned(
                &method.method,
                format!("`.{}(...)` takes one argument", method.method),
            ));
        };
        options.push((method.method.clone(), arg.clone()));
    }
    Ok(MapSyntax {
        task,
        inputs,
        options,
        span: call.span(),
        close: call.paren_token.span.close(),
    })
}

/// The build copy's form of `map`, its inputs already rewritten: an array node.
pub fn node(map: &MapSyntax, p: &TokenStream) -> Expr {
    let mut hoisted = Vec::new();
    let mut binds = Vec::new();
    for (i, input) in map.inputs.iter().enumerate() {
        let value = &input.value;
        let var = format_ident!("__arg{}", i, span = value.span());
        let method = if input.fixed {
            quote_spanned!(value.span()=> fixed)
        } else {
            quote_spanned!(value.span()=> map)
        };
        hoisted.push(quote_spanned!(value.span()=> let #var = #value;));
        binds.push(quote_spanned!(value.span()=> .#method::<#i, _>(#var)));
    }
    let count = map.inputs.len();
    let defaults = quote_spanned!(map.close=> .defaults_from::<#count>());
    let options = map
        .options
        .iter()
        .map(|(name, arg)| quote_spanned!(name.span()=> .#name(#arg)));
    let finish = if map.partial() {
        quote!(.finish_partial())
    } else {
        quote!(.finish())
    };
    let task = &map.task;
    let start = quote_spanned! {task.span()=>
        #p::MapCall::<<#task as #p::dynamic::Callable>::Entity>::new(&mut *__b.builder())
    };
    syn::parse_quote_spanned! {map.span=>
        {
            #(#hoisted)*
            let __promises = #start #(#binds)* #defaults #(#options)* #finish;
            __promises
        }
    }
}

/// The plain form of `map`: the loop it stands for.
fn plain(map: &MapSyntax, p: &TokenStream) -> Expr {
    let mut lets = Vec::new();
    let mut lists = Vec::new();
    let mut call_args = Vec::new();
    for (i, input) in map.inputs.iter().enumerate() {
        let value = &input.value;
        if input.fixed {
            let var = format_ident!("__fixed{}", i, span = value.span());
            lets.push(quote_spanned!(value.span()=> let #var = #value;));
            call_args.push(quote_spanned!(value.span()=> ::core::clone::Clone::clone(&#var)));
        } else {
            let var = format_ident!("__list{}", i, span = value.span());
            lets.push(quote_spanned! {value.span()=>
                let #var: ::std::vec::Vec<_> =
                    ::core::iter::Iterator::collect(::core::iter::IntoIterator::into_iter(#value));
            });
            let element = format_ident!("__element{}", i, span = value.span());
            call_args.push(quote!(#element));
            lists.push((var, element));
        }
    }
    let options = map.options.iter().map(|(_, arg)| quote!(let _ = #arg;));
    let lengths = lists.iter().map(|(var, _)| quote!(#var.len()));
    let name = map.task.to_string();
    let task = &map.task;
    // `a.zip(b).zip(c)` yields `((x, y), z)`. `parse` made sure there is a list.
    let mut lists_iter = lists.iter();
    let Some((first, first_element)) = lists_iter.next() else {
        return syn::parse_quote_spanned!(map.span=> ::core::panic!("map_task"));
    };
    let mut zipped = quote!(::core::iter::IntoIterator::into_iter(#first));
    let mut pattern = quote!(#first_element);
    for (var, element) in lists_iter {
        zipped = quote!(::core::iter::Iterator::zip(#zipped, #var));
        pattern = quote!((#pattern, #element));
    }
    let mut result = quote_spanned!(task.span()=> #task(#(#call_args),*));
    if map.partial() {
        result = quote!(::core::option::Option::Some(#result));
    }
    syn::parse_quote_spanned! {map.span=>
        {
            #(#lets)*
            #(#options)*
            #p::dynamic::plain_map_lengths(#name, &[#(#lengths),*]);
            ::core::iter::Iterator::collect::<::std::vec::Vec<_>>(
                ::core::iter::Iterator::map(#zipped, |#pattern| #result),
            )
        }
    }
}

/// Rewrites the map calls of the function as written into their plain form. A map call
/// written wrong becomes a panic: the build copy reports its error, once.
pub struct PlainMaps {
    /// `<crate>::__private`.
    pub p: TokenStream,
    /// The names the body binds: a local `map_task` is the user's own.
    pub locals: BTreeSet<String>,
}

/// The values a map call written wrong passes, `fixed(..)` unwrapped, its options' arguments
/// too: every expression of it but the task.
fn written_values(expr: &Expr, locals: &BTreeSet<String>) -> Vec<Expr> {
    let mut values = Vec::new();
    let mut current = expr;
    while let Expr::MethodCall(method) = current {
        values.extend(method.args.iter().cloned());
        current = &method.receiver;
    }
    if let Expr::Call(call) = current {
        for arg in call.args.iter().skip(1) {
            match arg {
                Expr::Call(inner) if matches!(&*inner.func, Expr::Path(f) if f.path.is_ident("fixed")) => {
                    values.extend(inner.args.iter().cloned())
                }
                other => values.push(other.clone()),
            }
        }
        // `map_task(xs)`: a local variable where the task belongs is a value too.
        if let Some(Expr::Path(first)) = call.args.first() {
            let is_local = first
                .path
                .get_ident()
                .is_some_and(|ident| locals.contains(&ident.to_string()));
            if is_local {
                values.push(Expr::Path(first.clone()));
            }
        }
    }
    values
}

impl VisitMut for PlainMaps {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match parse(expr, &self.locals) {
            Some(Ok(mut map)) => {
                for input in map.inputs.iter_mut() {
                    self.visit_expr_mut(&mut input.value);
                }
                *expr = plain(&map, &self.p);
            }
            Some(Err(_)) => {
                // The values are still evaluated, so that they are not reported unused.
                let values = written_values(expr, &self.locals);
                *expr = syn::parse_quote_spanned! {expr.span()=>
                    { let _ = (#(#values,)*); ::core::panic!("map_task") }
                };
            }
            None => visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {
        // A nested function is plain Rust of its own.
    }
}
