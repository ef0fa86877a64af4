//! The body walker of `#[dynamic]`: rewrites a copy of the body so that it builds a sub-workflow.
//!
//! Consumes the function body and the shape of its outputs; produces the body of the generated
//! build closure, in which `__b` is the `&DynamicBuilder`. The body stays ordinary Rust over the
//! real input values; only these change:
//!
//! - a call whose callee is a bare lowercase name (`double(x)`), not a local variable and not
//!   `drop` / `current_context`, is a call of a task, workflow or launch plan: it becomes a
//!   node (`__b.builder().call::<double>().bind::<0, _>(..)...finish()`) and its value is the
//!   call's promise. Its arguments are evaluated first, each bound at its own span, so rustc
//!   checks each against the callee's input type there. Calls inside `vec![...]` are found too;
//!   calls with a path (`helpers::f(x)`, `i64::max(a, b)`), methods and calls inside other
//!   macros stay plain Rust. A bare name passed as a value (`.map(double)`) is an error: a
//!   task passed as a function would run inside the dynamic task, not as a node;
//! - the value the body returns (its tail, every `return`, through `if` / `match` / blocks)
//!   becomes the task's outputs: a promise, a plain value, or a collection of promises each, as
//!   [`Outputs`] says, inside `Ok(..)` for a function returning `Result`.
//!
//! - a `map_task(square, xs, fixed(k))` call (with its options) is an array node, as in a
//!   workflow ([`super::maps`], which also gives its plain form in the function as written);
//! - override methods on an entity call (`double(x).retries(2)`) are the node's overrides, as
//!   in a workflow ([`super::overrides`], which also drops them from the function as written).
//!
//! - `sleep(..)`, `approve(..)`, `wait_for_input::<T>(..)` (with `.after(node)`) are gate
//!   nodes ([`super::gates`], which also gives their plain form).
//!
//! `fail` belongs to a workflow's branch: here it is a spanned error. Nested functions and
//! closures' own `return`s are left alone.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, ExprCall, Stmt};

use super::{gates, maps, overrides};
use crate::ctxt::Ctxt;
use crate::workflow::overrides::Overrides;

/// Bare names that are functions of the prelude, not entities.
const PLAIN_FUNCTIONS: &[&str] = &["drop", "current_context"];

/// Workflow-body forms that a dynamic body cannot use, with what to do instead.
const WORKFLOW_ONLY: &[(&str, &str)] = &[(
    "fail",
    "`fail(...)` belongs to a workflow's branch; in a `#[dynamic]` body return an error (declare `-> Result<T, E>`) or panic",
)];

/// How the body's value becomes the task's outputs.
#[derive(Debug, Clone)]
pub enum Outputs {
    /// `()`: `no_output`.
    Unit,
    /// One output of this type: `output::<T>`.
    Single(Box<syn::Type>),
    /// Several: `outputs::<(A, B, ..), _>`.
    Tuple(Vec<syn::Type>),
}

/// The rewriter of one dynamic body.
pub struct Rewriter<'a> {
    cx: &'a Ctxt,
    /// `<crate>::__private`.
    p: TokenStream,
    /// Every name a pattern of the body binds (and the parameters): calls of these are calls of
    /// local closures or function values, not of entities.
    locals: BTreeSet<String>,
    outputs: Outputs,
    /// Whether the function returns `Result<.., E>`.
    fallible: bool,
    /// How many entity calls the body has (where it is written, not how often they run).
    pub calls: usize,
    /// Inside a closure or async block: `return` there is not the body's.
    closures: usize,
}

impl<'a> Rewriter<'a> {
    /// A rewriter reporting to `cx`, generating paths through `p`.
    pub fn new(
        cx: &'a Ctxt,
        p: TokenStream,
        params: impl IntoIterator<Item = String>,
        outputs: Outputs,
        fallible: bool,
    ) -> Self {
        Rewriter {
            cx,
            p,
            locals: params.into_iter().collect(),
            outputs,
            fallible,
            calls: 0,
            closures: 0,
        }
    }

    /// Rewrites `block` (a copy of the body) into the statements of the build closure, its
    /// tail converted to outputs.
    pub fn body(&mut self, block: &Block) -> TokenStream {
        let mut block = block.clone();
        let mut names = Names(&mut self.locals);
        names.visit_block_mut(&mut block);
        self.visit_block_mut(&mut block);
        let stmts = &block.stmts;
        match stmts.last() {
            Some(Stmt::Expr(tail, None)) => {
                let head = &stmts[..stmts.len() - 1];
                let tail = self.convert(tail.clone());
                quote!(#(#head)* #tail)
            }
            _ if self.returns_unit() => {
                // No tail: the body's value is `()` (or it always returns early).
                let tail = self.convert(syn::parse_quote!(()));
                quote!(#(#stmts)* #tail)
            }
            // No tail, and a value to return: the body returns early on every path.
            _ => quote!(#(#stmts)*),
        }
    }

    /// `expr` (a value the body returns) as outputs, the conversion pushed into the arms of
    /// `if`, `match` and blocks so that each arm may be a promise or a plain value.
    fn convert(&self, expr: Expr) -> Expr {
        match expr {
            Expr::If(expr_if) if expr_if.else_branch.is_none() => {
                self.convert_value(Expr::If(expr_if))
            }
            Expr::If(mut expr_if) => {
                self.convert_block(&mut expr_if.then_branch);
                if let Some((_, other)) = expr_if.else_branch.as_mut() {
                    **other = self.convert((**other).clone());
                }
                Expr::If(expr_if)
            }
            Expr::Match(mut expr_match) => {
                for arm in expr_match.arms.iter_mut() {
                    *arm.body = self.convert((*arm.body).clone());
                }
                Expr::Match(expr_match)
            }
            Expr::Block(mut block) if block.label.is_none() => {
                self.convert_block(&mut block.block);
                Expr::Block(block)
            }
            Expr::Paren(paren) => self.convert(*paren.expr),
            // They do not produce a value here.
            Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => expr,
            Expr::Macro(ref mac) if is_diverging(&mac.mac) => expr,
            other => self.convert_value(other),
        }
    }

    fn convert_block(&self, block: &mut Block) {
        match block.stmts.last_mut() {
            Some(Stmt::Expr(tail, None)) => *tail = self.convert(tail.clone()),
            // A block ending in `;` (or empty) has the value `()`, or diverges (`return x;`),
            // which needs no conversion.
            _ if self.returns_unit() => {
                let unit = self.convert(syn::parse_quote!(()));
                block.stmts.push(Stmt::Expr(unit, None));
            }
            _ => {}
        }
    }

    /// Whether the function returns `()` (not in a `Result`).
    fn returns_unit(&self) -> bool {
        matches!(self.outputs, Outputs::Unit) && !self.fallible
    }

    /// The conversion of one value (of a `Result`, for a fallible function).
    fn convert_value(&self, expr: Expr) -> Expr {
        if !self.fallible {
            return self.outputs_of(&expr);
        }
        if let Expr::Call(call) = &expr {
            if let Expr::Path(path) = &*call.func {
                let last = path.path.segments.last().map(|s| s.ident.to_string());
                match (last.as_deref(), call.args.len()) {
                    (Some("Ok"), 1) => {
                        let value = self.outputs_of(&call.args[0]);
                        return syn::parse_quote_spanned!(expr.span()=> ::core::result::Result::Ok(#value));
                    }
                    (Some("Err"), 1) => return expr,
                    _ => {}
                }
            }
        }
        let value = self.outputs_of(&syn::parse_quote!(__value));
        syn::parse_quote_spanned!(expr.span()=> ::core::result::Result::map(#expr, |__value| #value))
    }

    fn outputs_of(&self, expr: &Expr) -> Expr {
        let p = &self.p;
        let span = expr.span();
        match &self.outputs {
            Outputs::Unit => syn::parse_quote_spanned!(span=> #p::dynamic::no_output(#expr)),
            Outputs::Single(ty) => {
                syn::parse_quote_spanned!(span=> #p::dynamic::output::<#ty>(#expr))
            }
            Outputs::Tuple(types) => {
                syn::parse_quote_spanned!(span=> #p::dynamic::outputs::<(#(#types,)*), _>(#expr))
            }
        }
    }

    /// The name of the entity `call` calls, if it calls one.
    fn entity_name(&self, call: &ExprCall) -> Option<syn::Ident> {
        entity_ident(call, &self.locals)
    }

    /// A call of entity `ident`: its arguments, then the node with its `overrides` (lowered
    /// `Call` methods).
    fn entity_call(
        &mut self,
        call: &ExprCall,
        ident: &syn::Ident,
        overrides: &[TokenStream],
    ) -> Expr {
        self.calls += 1;
        let mut hoisted = Vec::new();
        let mut binds = Vec::new();
        for (i, arg) in call.args.iter().enumerate() {
            let var = quote::format_ident!("__arg{}", i, span = arg.span());
            hoisted.push(quote_spanned!(arg.span()=> let #var = #arg;));
            binds.push(quote_spanned!(arg.span()=> .bind::<#i, _>(#var)));
        }
        let count = call.args.len();
        let defaults = quote_spanned!(call.paren_token.span.close()=> .defaults_from::<#count>());
        let p = &self.p;
        let start = quote_spanned!(ident.span()=> __b.builder().call::<<#ident as #p::dynamic::Callable>::Entity>());
        syn::parse_quote_spanned! {call.span()=>
            {
                #(#hoisted)*
                let __promises = #start #(#binds)* #defaults #(#overrides)* .finish();
                __promises
            }
        }
    }

    /// `sleep(..)`, `approve(..)`, `wait_for_input::<T>(..)`, each maybe followed by
    /// `.after(node)` calls: the gate node ([`gates::node`]), if `expr` is one.
    fn gate_node(&mut self, expr: &Expr) -> Option<Expr> {
        let mut after = Vec::new();
        let mut methods = Vec::new();
        let mut current = expr;
        while let Expr::MethodCall(method) = current {
            methods.push(method);
            current = &method.receiver;
        }
        let Expr::Call(call) = current else {
            return None;
        };
        let kind = gates::gate_kind(call, &self.locals)?;
        for method in methods.iter().rev() {
            match (method.method == "after", method.args.len()) {
                (true, 1) => after.push(method.args[0].clone()),
                (true, _) => self.cx.error_spanned_by(
                    &method.method,
                    "`.after(...)` takes one argument: the node or output to run after",
                ),
                (false, _) => self.cx.error_spanned_by(
                    &method.method,
                    format!(
                        "`{kind}(...)` takes no `.{}(...)`; it takes `.after(node)` to run after another node",
                        method.method
                    ),
                ),
            }
        }
        let mut call = call.clone();
        for arg in call.args.iter_mut() {
            self.visit_expr_mut(arg);
        }
        for upstream in after.iter_mut() {
            self.visit_expr_mut(upstream);
        }
        self.calls += 1;
        let span = call.span();
        Some(
            gates::node(self.cx, &self.p, &call, &kind, &after)
                .unwrap_or_else(|| syn::parse_quote_spanned!(span=> ::core::unreachable!())),
        )
    }

    /// `t(x).retries(2)...`: the node of an entity call with its overrides, if `expr` is one
    /// ([`overrides::chain`]). Gates and `fail` are left to the error of their own.
    fn overridden_call(&mut self, expr: &Expr) -> Option<Expr> {
        let Expr::MethodCall(method) = expr else {
            return None;
        };
        let (mut call, methods) = overrides::chain(method)?;
        let ident = self.entity_name(&call)?;
        if WORKFLOW_ONLY.iter().any(|(name, _)| ident == name) {
            return None;
        }
        for arg in call.args.iter_mut() {
            self.visit_expr_mut(arg);
        }
        let methods: Vec<&syn::ExprMethodCall> = methods.iter().collect();
        let lowered = Overrides { cx: self.cx }.lower(&methods);
        Some(self.entity_call(&call, &ident, &lowered))
    }

    /// `vec![a, f(x)]` with its items rewritten; `None` when the macro is something else or
    /// holds no entity call.
    fn vec_macro(&mut self, mac: &syn::Macro) -> Option<TokenStream> {
        if !mac.path.is_ident("vec") {
            return None;
        }
        let parser = syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated;
        let mut items = mac.parse_body_with(parser).ok()?;
        let before = self.calls;
        for item in items.iter_mut() {
            self.visit_expr_mut(item);
        }
        if self.calls == before {
            return None;
        }
        let path = &mac.path;
        let bang = &mac.bang_token;
        Some(quote_spanned!(mac.span()=> #path #bang [#items]))
    }
}

impl VisitMut for Rewriter<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match maps::parse(expr, &self.locals) {
            Some(Ok(mut map)) => {
                // Its inputs and options first: a call among them is a node of its own.
                for input in map.inputs.iter_mut() {
                    self.visit_expr_mut(&mut input.value);
                }
                for (_, arg) in map.options.iter_mut() {
                    self.visit_expr_mut(arg);
                }
                self.calls += 1;
                *expr = maps::node(&map, &self.p);
                return;
            }
            Some(Err(err)) => {
                self.cx.push(err);
                return;
            }
            None => {}
        }
        if let Some(node) = self.gate_node(expr) {
            *expr = node;
            return;
        }
        if let Some(node) = self.overridden_call(expr) {
            *expr = node;
            return;
        }
        match expr {
            Expr::Closure(_) | Expr::Async(_) => {
                self.closures += 1;
                visit_mut::visit_expr_mut(self, expr);
                self.closures -= 1;
            }
            Expr::Call(call) => {
                if let Expr::Path(path) = &*call.func {
                    if let Some(ident) = path.path.get_ident() {
                        let name = ident.to_string();
                        if let Some((_, message)) = WORKFLOW_ONLY.iter().find(|(n, _)| *n == name) {
                            if !self.locals.contains(&name) {
                                // Its arguments would only add errors (a task passed as a value).
                                self.cx.error_spanned_by(ident, message);
                                return;
                            }
                        }
                    }
                }
                // Arguments first: a call in an argument is a node of its own.
                for arg in call.args.iter_mut() {
                    self.visit_expr_mut(arg);
                }
                if !matches!(&*call.func, Expr::Path(path) if path.path.get_ident().is_some()) {
                    self.visit_expr_mut(&mut call.func);
                }
                if let Some(ident) = self.entity_name(call) {
                    *expr = self.entity_call(call, &ident, &[]);
                }
            }
            Expr::Return(ret) if self.closures == 0 => {
                if let Some(value) = ret.expr.as_mut() {
                    self.visit_expr_mut(value);
                    **value = self.convert((**value).clone());
                } else {
                    let unit = self.convert(syn::parse_quote!(()));
                    ret.expr = Some(Box::new(unit));
                }
            }
            Expr::Macro(mac) => {
                if let Some(tokens) = self.vec_macro(&mac.mac) {
                    if let Ok(rewritten) = syn::parse2::<syn::Macro>(tokens) {
                        mac.mac = rewritten;
                    }
                }
            }
            Expr::Path(path) => {
                if let Some(ident) = path.path.get_ident().filter(|_| path.qself.is_none()) {
                    let name = ident.to_string();
                    let lowercase = name.chars().next().is_some_and(char::is_lowercase);
                    if lowercase
                        && !self.locals.contains(&name)
                        && !PLAIN_FUNCTIONS.contains(&name.as_str())
                    {
                        self.cx.error_spanned_by(
                            ident,
                            format!(
                                "`{name}` is passed as a function here: a task called that way would run inside this task instead of as a node; call it in a closure, `|x| {name}(x)`, or, for a plain function, name it with a path, `self::{name}`"
                            ),
                        );
                    }
                }
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
        if let Stmt::Macro(mac) = stmt {
            if let Some(tokens) = self.vec_macro(&mac.mac) {
                if let Ok(rewritten) = syn::parse2::<syn::Macro>(tokens) {
                    mac.mac = rewritten;
                }
            }
            return;
        }
        visit_mut::visit_stmt_mut(self, stmt);
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {
        // A nested function or type is plain Rust of its own.
    }
}

/// The name of the entity `call` calls, if it calls one: a bare lowercase name that is not one
/// of `locals` nor a plain function of the prelude.
pub(super) fn entity_ident(call: &ExprCall, locals: &BTreeSet<String>) -> Option<syn::Ident> {
    let Expr::Path(path) = &*call.func else {
        return None;
    };
    if path.qself.is_some() || path.path.leading_colon.is_some() {
        return None;
    }
    let ident = path.path.get_ident()?;
    let name = ident.to_string();
    let first = name.trim_start_matches("r#").chars().next()?;
    if !first.is_lowercase() || PLAIN_FUNCTIONS.contains(&name.as_str()) {
        return None;
    }
    if locals.contains(&name) {
        return None;
    }
    Some(ident.clone())
}

/// Collects every name a pattern binds.
pub(super) struct Names<'a>(pub(super) &'a mut BTreeSet<String>);

impl VisitMut for Names<'_> {
    fn visit_pat_ident_mut(&mut self, pat: &mut syn::PatIdent) {
        self.0.insert(pat.ident.to_string());
        visit_mut::visit_pat_ident_mut(self, pat);
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `panic!`, `unreachable!`, `todo!`, `unimplemented!`: they have no value to convert.
fn is_diverging(mac: &syn::Macro) -> bool {
    ["panic", "unreachable", "todo", "unimplemented"]
        .iter()
        .any(|name| mac.path.is_ident(name))
}
