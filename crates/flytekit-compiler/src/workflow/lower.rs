//! The workflow-body walker: lowers the statements of a `#[workflow]` body to builder calls.
//!
//! Consumes the function body; produces the statements of the generated build function, in
//! which `__b` is the `&mut WorkflowBuilder`. What a DAG can express is lowered:
//!
//! - `let a = t(x, 3);` -> a node calling entity `t`; arguments are promises or literal values,
//!   each type-checked by rustc at the argument (`Call::bind`); left-out trailing arguments take
//!   the callee's defaults (`Call::defaults_from`);
//! - `.name(..)`, `.retries(..)`, `.timeout("5m")`, `.interruptible(..)`, `.container_image(..)`,
//!   `.requests(cpu = "1")`, `.limits(..)`, `.after(node)` on a call -> node overrides;
//! - `let (a, b) = t(x);`, `r.0`, `p.field` (a field of a struct output) -> promises;
//! - `if` / `else if` / `else` on comparisons -> a branch node; `fail("...")` as the last arm;
//! - `map_task(t, xs, fixed(k))` with `.concurrency(n)`, `.min_successes(n)`,
//!   `.min_success_ratio(r)` -> an array node;
//! - `sleep(..)`, `approve(v, "name", timeout)`, `wait_for_input::<T>("name", timeout)` -> gates.
//!
//! Everything else (loops, `match`, closures, mutation, early return, arithmetic on promises,
//! macros) is a spanned error naming the alternative. All errors of a body are collected.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{BinOp, Expr, ExprCall, ExprIf, ExprMethodCall, Pat, Stmt};

use super::gates;
use super::overrides::Overrides;
use crate::ctxt::Ctxt;

/// Lowers one workflow body.
pub struct Lowerer<'a> {
    cx: &'a Ctxt,
    /// `<crate>::__private`.
    p: TokenStream,
    /// Names bound to promises so far (inputs and `let`s), to catch arithmetic on them.
    promises: BTreeSet<String>,
    /// Names bound to a field of a struct output (`let total = summary.total;`), with the
    /// field expression as written: they may not be compared in a branch condition.
    field_promises: BTreeMap<String, String>,
    branch_count: usize,
    /// How many nodes the body adds (calls, maps, gates): Flyte rejects a workflow with none.
    pub(crate) nodes: usize,
    /// The workflow's own function name: calling it would be a workflow calling itself.
    own_name: Option<String>,
}

/// An arm of a branch: a value, or `fail("message")`.
enum Arm {
    Value(TokenStream),
    Fail(syn::LitStr),
}

const MAP_OPTIONS: &[&str] = &["concurrency", "min_successes", "min_success_ratio", "after"];

impl<'a> Lowerer<'a> {
    /// A walker reporting to `cx`, generating paths through `p`; `inputs` are the workflow's
    /// input names.
    pub fn new(cx: &'a Ctxt, p: TokenStream, inputs: impl IntoIterator<Item = String>) -> Self {
        Lowerer {
            cx,
            p,
            promises: inputs.into_iter().collect(),
            field_promises: BTreeMap::new(),
            branch_count: 0,
            nodes: 0,
            own_name: None,
        }
    }

    /// Tells the walker the workflow's own function name, so that a call of it is refused.
    pub fn with_own_name(mut self, name: String) -> Self {
        self.own_name = Some(name);
        self
    }

    /// Lowers a statement that is not the tail expression.
    pub fn statement(&mut self, stmt: &Stmt) -> TokenStream {
        match stmt {
            Stmt::Local(local) => {
                if let Some(init) = &local.init {
                    if let Some((_, diverge)) = &init.diverge {
                        self.cx.error_spanned_by(diverge, "`let ... else` cannot be expressed in a workflow: a DAG has no early exit");
                    }
                }
                let Some(init) = &local.init else {
                    self.cx.error_spanned_by(
                        local,
                        "a `let` in a workflow needs a value: `let a = task(x);`",
                    );
                    return TokenStream::new();
                };
                let name = self.check_pattern(&local.pat);
                if let Some(name) = &name {
                    match struct_field(&init.expr) {
                        Some(field) => self.field_promises.insert(name.clone(), field),
                        None => self.field_promises.remove(name),
                    };
                }
                let value = self.value(&init.expr, name.as_deref());
                let pat = &local.pat;
                quote_spanned!(local.span()=> let #pat = #value;)
            }
            Stmt::Expr(expr, _) => {
                let value = self.value(expr, None);
                quote_spanned!(expr.span()=> let _ = #value;)
            }
            Stmt::Item(item) => {
                self.cx.error_spanned_by(item, "items cannot be declared inside a workflow body; declare them next to the workflow");
                TokenStream::new()
            }
            Stmt::Macro(mac) => {
                self.macro_error(&mac.mac);
                TokenStream::new()
            }
        }
    }

    fn macro_error(&self, mac: &syn::Macro) {
        self.cx.error_spanned_by(
            &mac.path,
            "macros cannot be used in a workflow body: the body runs when the workflow is built, not when it runs; do the work in a task",
        );
    }

    /// Checks a `let` pattern (a name, `_`, or a tuple of those) and records the names as
    /// promises; returns the name for a plain binding.
    fn check_pattern(&mut self, pat: &Pat) -> Option<String> {
        match pat {
            Pat::Ident(ident) => {
                if let Some(mutability) = &ident.mutability {
                    self.cx.error_spanned_by(mutability, "workflow values cannot be mutated: they are promises of values produced when the workflow runs; remove `mut`");
                }
                if ident.by_ref.is_some() || ident.subpat.is_some() {
                    self.cx.error_spanned_by(
                        ident,
                        "bind a plain name here, e.g. `let total = add(a, b);`",
                    );
                }
                let name = ident.ident.to_string();
                self.promises.insert(name.clone());
                Some(name)
            }
            Pat::Wild(_) => None,
            Pat::Tuple(tuple) => {
                for element in &tuple.elems {
                    self.check_pattern(element);
                }
                None
            }
            Pat::Type(typed) => {
                self.cx.error_spanned_by(&typed.ty, "leave the type out: a call's outputs are promises whose types come from the task");
                None
            }
            other => {
                self.cx.error_spanned_by(
                    other,
                    "use a name or a tuple of names here, e.g. `let (lo, hi) = split(x);`",
                );
                None
            }
        }
    }

    /// Lowers an expression that produces promises (or a literal value).
    pub fn value(&mut self, expr: &Expr, name: Option<&str>) -> TokenStream {
        match expr {
            Expr::Call(call) => self.call(call, &[]),
            Expr::MethodCall(method) => self.method_chain(method, name),
            Expr::If(expr_if) => {
                let name = name.map(str::to_string).unwrap_or_else(|| {
                    self.branch_count += 1;
                    format!("branch_{}", self.branch_count)
                });
                self.branch(expr_if, &name)
            }
            Expr::Paren(paren) => {
                let inner = self.value(&paren.expr, name);
                quote!((#inner))
            }
            Expr::Tuple(tuple) => {
                let elems: Vec<TokenStream> =
                    tuple.elems.iter().map(|e| self.value(e, None)).collect();
                quote_spanned!(tuple.span()=> (#(#elems,)*))
            }
            Expr::Field(field) => {
                let base = self.value(&field.base, None);
                match &field.member {
                    syn::Member::Unnamed(index) => quote_spanned!(field.span()=> #base.#index),
                    syn::Member::Named(member) => {
                        let p = &self.p;
                        quote_spanned!(field.span()=> #p::fields(&mut *__b, #base).#member)
                    }
                }
            }
            Expr::Reference(reference) => {
                let inner = self.value(&reference.expr, None);
                quote!(&#inner)
            }
            Expr::Array(array) if self.mentions_promise(expr) => {
                let items: Vec<&Expr> = array.elems.iter().collect();
                self.list_of(&items, array.span())
            }
            // `sales as StructuredDataset<Units>`: the same output read as another column set.
            Expr::Cast(cast) if self.mentions_promise(&cast.expr) => {
                let inner = self.value(&cast.expr, None);
                let ty = &cast.ty;
                let p = &self.p;
                quote_spanned!(cast.span()=> #p::cast_promise::<#ty, _>(#inner))
            }
            Expr::Path(_)
            | Expr::Lit(_)
            | Expr::Array(_)
            | Expr::Unary(_)
            | Expr::Cast(_)
            | Expr::Struct(_) => {
                self.check_no_promise_arithmetic(expr);
                quote!(#expr)
            }
            Expr::Binary(binary) => {
                if self.mentions_promise(expr) {
                    self.cx.error_spanned_by(
                        binary,
                        "this computes with promises, whose values exist only when the workflow runs; do the computation in a task, or compare in an `if` condition",
                    );
                }
                quote!(#expr)
            }
            Expr::Macro(mac) if mac.mac.path.is_ident("vec") => {
                if !self.mentions_promise(expr) {
                    return quote!(#expr);
                }
                let parser = syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated;
                match mac.mac.parse_body_with(parser) {
                    Ok(items) => {
                        let items: Vec<&Expr> = items.iter().collect();
                        // The items are lowered from a parsed copy: spans stay the user's.
                        let lowered = self.list_of(&items, mac.span());
                        quote!(#lowered)
                    }
                    Err(_) => {
                        self.cx.error_spanned_by(mac, "a list of promises is written item by item: `vec![a, b, 3]`; `vec![a; n]` would repeat one promise, use `map_task` or a task for that");
                        quote!(())
                    }
                }
            }
            Expr::Macro(mac) => {
                self.macro_error(&mac.mac);
                quote!(())
            }
            Expr::ForLoop(_) | Expr::While(_) | Expr::Loop(_) => {
                self.error_first_token(expr, "loops cannot be expressed in a Flyte DAG: use `map_task(task, list)` to run a task for each element, or make this a `#[dynamic]` task, whose body may loop over the real values (see \"Dynamic workflows\" in docs/guide.md)");
                quote!(())
            }
            Expr::Match(m) => {
                self.cx.error_spanned_by(m.match_token, "`match` cannot be lowered to a Flyte DAG: use `if` / `else if` with comparisons (a branch node), or decide inside a task");
                quote!(())
            }
            Expr::Closure(c) => {
                self.cx.error_spanned_by(c, "closures cannot be part of a workflow: they would run when the workflow is built; put the code in a task");
                quote!(())
            }
            Expr::Return(r) => {
                self.cx.error_spanned_by(r, "a workflow cannot return early: its outputs are the last expression of the body");
                quote!(())
            }
            Expr::Assign(_) => {
                self.cx.error_spanned_by(expr, "workflow values cannot be reassigned: they are promises; bind a new name with `let`");
                quote!(())
            }
            Expr::Await(a) => {
                self.cx.error_spanned_by(a, "workflows are not async: a call in a workflow is a node, not a future; remove `.await`");
                quote!(())
            }
            Expr::Try(t) => {
                self.cx.error_spanned_by(t, "`?` cannot be used in a workflow: a task that fails fails the workflow on its own");
                quote!(())
            }
            Expr::Block(_) | Expr::Unsafe(_) | Expr::Async(_) | Expr::Const(_) => {
                self.error_first_token(expr, "blocks cannot be part of a workflow body; write the calls directly, or put them in a sub-workflow");
                quote!(())
            }
            other => {
                self.cx.error_spanned_by(other, "this expression cannot be part of a workflow: a workflow body is made of calls, `let` bindings and `if` branches");
                quote!(())
            }
        }
    }

    fn error_first_token(&self, expr: &Expr, message: &str) {
        let span = quote!(#expr)
            .into_iter()
            .next()
            .map(|t| t.span())
            .unwrap_or_else(Span::call_site);
        self.cx.error_at(span, message);
    }

    /// Whether `expr` mentions a name bound to a promise.
    fn mentions_promise(&self, expr: &Expr) -> bool {
        fn walk(tokens: TokenStream, promises: &BTreeSet<String>) -> bool {
            tokens.into_iter().any(|t| match t {
                proc_macro2::TokenTree::Ident(ident) => promises.contains(&ident.to_string()),
                proc_macro2::TokenTree::Group(group) => walk(group.stream(), promises),
                _ => false,
            })
        }
        walk(quote!(#expr), &self.promises)
    }

    fn check_no_promise_arithmetic(&self, expr: &Expr) {
        if let Expr::Unary(unary) = expr {
            if self.mentions_promise(&unary.expr) {
                self.cx.error_spanned_by(unary, "this computes with a promise, whose value exists only when the workflow runs; do the computation in a task");
            }
        }
    }

    /// An argument of a call: a value expression, lowered.
    fn argument(&mut self, arg: &Expr) -> TokenStream {
        self.value(arg, None)
    }

    /// A call with the method chain applied to it (`methods` in source order).
    fn call(&mut self, call: &ExprCall, methods: &[&ExprMethodCall]) -> TokenStream {
        let Expr::Path(func) = &*call.func else {
            self.cx.error_spanned_by(
                &call.func,
                "call a task, a workflow or a launch plan by its name here",
            );
            return quote!(());
        };
        let last = func
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if let Some(lowered) = self.map_literal(call, &func.path, methods) {
            return lowered;
        }
        match last.as_str() {
            "map_task" => self.map_task(call, methods),
            "sleep" | "approve" | "wait_for_input" => {
                let gate = self.gate(call, &last);
                self.ordered(gate, methods, &format!("`{last}(...)`"))
            }
            "fail" => {
                self.cx.error_spanned_by(
                    call,
                    "`fail(\"...\")` can only be the last `else` arm of a branch",
                );
                quote!(())
            }
            "fixed" => {
                self.cx.error_spanned_by(call, "`fixed(...)` marks an argument of `map_task` that is the same for every element");
                quote!(())
            }
            _ => self.entity_call(call, &func.path, methods),
        }
    }

    fn no_methods(&self, methods: &[&ExprMethodCall], what: &str) {
        if let Some(method) = methods.first() {
            self.cx
                .error_spanned_by(&method.method, format!("`{what}(...)` takes no options"));
        }
    }

    fn entity_call(
        &mut self,
        call: &ExprCall,
        path: &syn::Path,
        methods: &[&ExprMethodCall],
    ) -> TokenStream {
        self.nodes += 1;
        if let (Some(own), Some(ident)) = (&self.own_name, path.get_ident()) {
            if ident == own {
                self.cx.error_spanned_by(
                    path,
                    format!("workflow `{own}` calls itself: a Flyte DAG cannot recurse; for depth that depends on data use a `#[dynamic]` task"),
                );
            }
        }
        // Arguments are evaluated first (they may be calls themselves, which need the builder),
        // then bound one by one, each at its own span so a type error points at it.
        let mut hoisted = Vec::new();
        let mut binds = Vec::new();
        for (i, arg) in call.args.iter().enumerate() {
            let value = self.argument(arg);
            let var = quote::format_ident!("__arg{}", i, span = arg.span());
            hoisted.push(quote_spanned!(arg.span()=> let #var = #value;));
            binds.push(quote_spanned!(arg.span()=> .bind::<#i, _>(#var)));
        }
        let count = call.args.len();
        let defaults = quote_spanned!(call.paren_token.span.close()=> .defaults_from::<#count>());
        let overrides = Overrides { cx: self.cx }.lower(methods);
        let start = quote_spanned!(path.span()=> __b.call::<#path>());
        quote_spanned!(call.span()=> { #(#hoisted)* #start #(#binds)* #defaults #(#overrides)* .finish() })
    }

    /// Unwinds `t(x).a(..).b(..)` into the call and its methods, in order.
    fn method_chain(&mut self, method: &ExprMethodCall, name: Option<&str>) -> TokenStream {
        let mut methods = vec![method];
        let mut receiver = &*method.receiver;
        loop {
            match receiver {
                Expr::MethodCall(inner) => {
                    methods.push(inner);
                    receiver = &inner.receiver;
                }
                Expr::Call(call) => {
                    methods.reverse();
                    return self.call(call, &methods);
                }
                // `if ... { a } else { b }.after(n)`: a branch ordered after a node.
                Expr::If(expr_if) => {
                    methods.reverse();
                    let name = name.map(str::to_string).unwrap_or_else(|| {
                        self.branch_count += 1;
                        format!("branch_{}", self.branch_count)
                    });
                    let branch = self.branch(expr_if, &name);
                    return self.ordered(branch, &methods, "a branch");
                }
                Expr::Paren(paren) if matches!(&*paren.expr, Expr::If(_)) => {
                    receiver = &paren.expr;
                }
                other => {
                    if self.mentions_promise(other) {
                        self.cx.error_spanned_by(
                            &method.method,
                            "methods cannot be called on promises: their values exist only when the workflow runs; do this in a task",
                        );
                    } else {
                        self.cx.error_spanned_by(&method.method, "a method here must follow a call of a task or workflow, e.g. `add(x, y).retries(3)`");
                    }
                    return quote!(());
                }
            }
        }
    }

    fn map_task(&mut self, call: &ExprCall, methods: &[&ExprMethodCall]) -> TokenStream {
        self.nodes += 1;
        let p = self.p.clone();
        let mut args = call.args.iter();
        let Some(Expr::Path(task)) = args.next() else {
            self.cx.error_spanned_by(
                call,
                "`map_task` takes the task first, then its inputs: `map_task(square, xs)`",
            );
            return quote!(());
        };
        let mut binds = Vec::new();
        let mut hoisted = Vec::new();
        for (i, arg) in args.enumerate() {
            let var = quote::format_ident!("__arg{}", i, span = arg.span());
            let (value, method) = match arg {
                Expr::Call(inner) if matches!(&*inner.func, Expr::Path(f) if f.path.is_ident("fixed")) =>
                {
                    let Some(value) = inner.args.first().filter(|_| inner.args.len() == 1) else {
                        self.cx
                            .error_spanned_by(inner, "`fixed(...)` takes one value");
                        continue;
                    };
                    (self.argument(value), quote_spanned!(arg.span()=> fixed))
                }
                _ => (self.argument(arg), quote_spanned!(arg.span()=> map)),
            };
            hoisted.push(quote_spanned!(arg.span()=> let #var = #value;));
            binds.push(quote_spanned!(arg.span()=> .#method::<#i, _>(#var)));
        }
        let count = binds.len();
        let defaults = quote_spanned!(call.paren_token.span.close()=> .defaults_from::<#count>());
        let mut options = Vec::new();
        let mut partial = false;
        for method in methods {
            let name = method.method.to_string();
            let Some(arg) = method.args.first().filter(|_| method.args.len() == 1) else {
                self.cx
                    .error_spanned_by(&method.method, format!("`.{name}(...)` takes one argument"));
                continue;
            };
            let span = method.method.span();
            match name.as_str() {
                "concurrency" => options.push(quote_spanned!(span=> .concurrency(#arg))),
                "min_successes" => {
                    partial = true;
                    options.push(quote_spanned!(span=> .min_successes(#arg)));
                }
                "min_success_ratio" => {
                    partial = true;
                    options.push(quote_spanned!(span=> .min_success_ratio(#arg)));
                }
                "after" => options.push(quote_spanned!(span=> .after(#arg))),
                _ => self.cx.error_spanned_by(
                    &method.method,
                    format!(
                        "unknown `map_task` option `.{name}(...)`; the options are {}",
                        MAP_OPTIONS
                            .iter()
                            .map(|o| format!("`.{o}(..)`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
        let finish = if partial {
            quote!(.finish_partial())
        } else {
            quote!(.finish())
        };
        let start = quote_spanned!(task.span()=> #p::MapCall::<#task>::new(&mut *__b));
        quote!({ #(#hoisted)* #start #(#binds)* #defaults #(#options)* #finish })
    }

    fn gate(&mut self, call: &ExprCall, kind: &str) -> TokenStream {
        self.nodes += 1;
        let p = self.p.clone();
        let args: Vec<&Expr> = call.args.iter().collect();
        let span = call.span();
        match (kind, args.as_slice()) {
            ("sleep", [duration]) => {
                let Some(duration) = Overrides { cx: self.cx }.duration(duration) else {
                    return quote!(());
                };
                quote_spanned!(span=> #p::gates::sleep(&mut *__b, #duration))
            }
            ("approve", [value, name, timeout]) => {
                let value = self.argument(value);
                let Some(timeout) = Overrides { cx: self.cx }.duration(timeout) else {
                    return quote!(());
                };
                quote_spanned!(span=> #p::gates::approve(&mut *__b, #value, #name, #timeout))
            }
            ("wait_for_input", [name, timeout]) => {
                let Some(timeout) = Overrides { cx: self.cx }.duration(timeout) else {
                    return quote!(());
                };
                match gates::turbofish(call) {
                    Some(generics) => {
                        quote_spanned!(span=> #p::gates::wait_for_input #generics (&mut *__b, #name, #timeout))
                    }
                    None => {
                        self.cx
                            .error_spanned_by(&call.func, gates::MISSING_SIGNAL_TYPE);
                        quote!(())
                    }
                }
            }
            _ => {
                let usage = gates::usage(kind);
                self.cx
                    .error_spanned_by(call, format!("wrong arguments: write {usage}"));
                quote!(())
            }
        }
    }

    /// `if` / `else if` / `else` -> a branch node named `name`.
    fn branch(&mut self, expr_if: &ExprIf, name: &str) -> TokenStream {
        let p = self.p.clone();
        let mut cases = Vec::new();
        let mut current = expr_if;
        let mut default = None;
        let mut else_span = expr_if.span();
        loop {
            let condition = self.condition(&current.cond);
            let arm = self.arm(&current.then_branch, name, false);
            match arm {
                Some(Arm::Value(value)) => cases.push(quote_spanned! {current.then_branch.span()=>
                    .case(|__b: &mut #p::WorkflowBuilder| #condition, |__b: &mut #p::WorkflowBuilder| #value)
                }),
                Some(Arm::Fail(_)) | None => {}
            }
            match &current.else_branch {
                Some((_, else_expr)) => match &**else_expr {
                    Expr::If(next) => current = next,
                    Expr::Block(block) => {
                        else_span = block.span();
                        default = self.arm(&block.block, name, true);
                        break;
                    }
                    other => {
                        self.cx.error_spanned_by(other, "expected `else { ... }`");
                        break;
                    }
                },
                None => {
                    self.cx.error_spanned_by(
                        expr_if.if_token,
                        "this `if` has no `else`: a Flyte branch must handle every case; add `else { ... }` or `else { fail(\"...\") }`",
                    );
                    break;
                }
            }
        }
        let default = match default {
            Some(Arm::Value(value)) => {
                quote_spanned!(else_span=> .otherwise(|__b: &mut #p::WorkflowBuilder| #value))
            }
            Some(Arm::Fail(message)) => quote!(.fail(#message)),
            None => TokenStream::new(),
        };
        quote!(#p::Branch::new(&mut *__b, #name) #(#cases)* #default .finish())
    }

    /// One arm: a block holding exactly one call, a nested `if`, or (last) `fail("...")`.
    fn arm(&mut self, block: &syn::Block, name: &str, last: bool) -> Option<Arm> {
        let [Stmt::Expr(expr, None)] = block.stmts.as_slice() else {
            self.cx.error_spanned_by(
                block,
                "a branch arm must be a single call (or a nested `if`); put several calls in a workflow and call that",
            );
            return None;
        };
        if let Expr::Call(call) = expr {
            if matches!(&*call.func, Expr::Path(f) if f.path.is_ident("fail")) {
                if !last {
                    self.cx.error_spanned_by(call, "`fail(\"...\")` can only be the last `else` arm: Flyte branches fail only when no case holds");
                    return None;
                }
                return match call.args.first() {
                    Some(Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(message),
                        ..
                    })) if call.args.len() == 1 => Some(Arm::Fail(message.clone())),
                    _ => {
                        self.cx.error_spanned_by(
                            call,
                            "`fail` takes one string: `fail(\"negative totals are not allowed\")`",
                        );
                        None
                    }
                };
            }
        }
        let value = match expr {
            Expr::If(nested) => self.branch(nested, &format!("{name}_inner")),
            Expr::Call(_) | Expr::MethodCall(_) => self.value(expr, None),
            other => {
                self.cx.error_spanned_by(other, "a branch arm must call a task, a workflow or a launch plan, e.g. `{ double(x) }`");
                return None;
            }
        };
        Some(Arm::Value(value))
    }

    /// A branch condition -> an expression building a `Condition`.
    fn condition(&mut self, expr: &Expr) -> TokenStream {
        let p = self.p.clone();
        match expr {
            Expr::Binary(binary) => {
                let compare = match binary.op {
                    BinOp::Eq(_) => Some(quote!(Eq)),
                    BinOp::Ne(_) => Some(quote!(Ne)),
                    BinOp::Gt(_) => Some(quote!(Gt)),
                    BinOp::Ge(_) => Some(quote!(Ge)),
                    BinOp::Lt(_) => Some(quote!(Lt)),
                    BinOp::Le(_) => Some(quote!(Le)),
                    _ => None,
                };
                if let Some(op) = compare {
                    let (left, right) = (self.operand(&binary.left), self.operand(&binary.right));
                    return quote_spanned! {binary.span()=>
                        { let __left = #left; let __right = #right; #p::compare(&mut *__b, #p::Compare::#op, __left, __right) }
                    };
                }
                match binary.op {
                    BinOp::And(_) => {
                        let (left, right) =
                            (self.condition(&binary.left), self.condition(&binary.right));
                        quote!(#p::and(#left, #right))
                    }
                    BinOp::Or(_) => {
                        let (left, right) =
                            (self.condition(&binary.left), self.condition(&binary.right));
                        quote!(#p::or(#left, #right))
                    }
                    _ => {
                        self.cx.error_spanned_by(binary.op, "a branch condition compares values (`==`, `!=`, `<`, `<=`, `>`, `>=`) and combines comparisons with `&&` and `||`");
                        quote!(#p::never())
                    }
                }
            }
            Expr::Paren(paren) => self.condition(&paren.expr),
            Expr::Path(path) if path.path.get_ident().is_some() => {
                self.refuse_struct_field(expr);
                quote_spanned!(path.span()=> #p::is_true(&mut *__b, #path))
            }
            Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Not(_)) => {
                self.cx.error_spanned_by(
                    unary.op,
                    "Flyte conditions have no `!`; compare instead, e.g. `flag == false`",
                );
                quote!(#p::never())
            }
            other => {
                self.cx.error_spanned_by(other, "a branch condition must compare promises or inputs with each other or with constants, e.g. `total > 10 && scale < 1.0`");
                quote!(#p::never())
            }
        }
    }

    /// One side of a comparison: a promise name or a constant, passed through for rustc to type.
    fn operand(&mut self, expr: &Expr) -> TokenStream {
        if self.refuse_struct_field(expr) {
            return quote!(());
        }
        match expr {
            Expr::Path(_) | Expr::Lit(_) | Expr::Unary(_) => quote!(#expr),
            Expr::Paren(paren) => self.operand(&paren.expr),
            Expr::Field(_) => self.value(expr, None),
            other => {
                self.cx.error_spanned_by(other, "compare a promise or an input with a constant or another promise; compute anything else in a task first");
                quote!(())
            }
        }
    }

    /// A gate or branch node followed by `.after(node)` calls (flytekit's `a >> b`): each
    /// orders the node, once added, after another; no other method applies to it.
    fn ordered(
        &mut self,
        node: TokenStream,
        methods: &[&ExprMethodCall],
        what: &str,
    ) -> TokenStream {
        let mut lowered = node;
        for method in methods {
            let args: Vec<&Expr> = method.args.iter().collect();
            match (method.method.to_string().as_str(), args.as_slice()) {
                ("after", [upstream]) => {
                    let span = method.span();
                    lowered = quote_spanned! {span=>
                        { let __node = #lowered; __b.order_after(__node, #upstream) }
                    };
                }
                ("after", _) => self
                    .cx
                    .error_spanned_by(&method.method, "`.after(...)` takes one argument: the node or output to run after"),
                (other, _) => self.cx.error_spanned_by(
                    &method.method,
                    format!("{what} takes no `.{other}(...)`; it takes `.after(node)` to run after another node"),
                ),
            }
        }
        lowered
    }

    /// A list of promises and values (`vec![a, b, 3]`, `[a, b]`): a collection binding whose
    /// items rustc types against the input's item type.
    fn list_of(&mut self, items: &[&Expr], span: Span) -> TokenStream {
        let p = self.p.clone();
        let pushes: Vec<TokenStream> = items
            .iter()
            .map(|item| {
                let value = self.value(item, None);
                quote_spanned!(item.span()=> __list.push(#value);)
            })
            .collect();
        quote_spanned!(span=> { let mut __list = #p::ListOf::new(); #(#pushes)* __list })
    }

    /// `HashMap::from([("k", a), ...])` / `BTreeMap::from([...])` holding promises: a map
    /// binding. `None` for any other call (literal maps stay plain Rust values).
    fn map_literal(
        &mut self,
        call: &ExprCall,
        path: &syn::Path,
        methods: &[&ExprMethodCall],
    ) -> Option<TokenStream> {
        let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let [.., kind, from] = names.as_slice() else {
            return None;
        };
        if from != "from" || (kind != "HashMap" && kind != "BTreeMap") {
            return None;
        }
        if !self.mentions_promise(&Expr::Call(call.clone())) {
            return Some(quote!(#call));
        }
        self.no_methods(methods, &format!("{kind}::from"));
        let entries = match call.args.first() {
            Some(Expr::Array(array)) if call.args.len() == 1 => array
                .elems
                .iter()
                .map(|entry| match entry {
                    Expr::Tuple(pair) if pair.elems.len() == 2 => {
                        Some((&pair.elems[0], &pair.elems[1]))
                    }
                    _ => None,
                })
                .collect::<Option<Vec<_>>>(),
            _ => None,
        };
        let Some(entries) = entries else {
            self.cx.error_spanned_by(
                call,
                format!("a map of promises is written `{kind}::from([(\"a\", a), (\"b\", 2)])`: one array of (key, value) pairs"),
            );
            return Some(quote!(()));
        };
        let p = self.p.clone();
        let mut inserts = Vec::new();
        for (key, value) in entries {
            if self.mentions_promise(key) {
                self.cx.error_spanned_by(key, "map keys are fixed strings: a promise cannot be a key, since Flyte binds maps by key when the workflow is registered");
            }
            let value_tokens = self.value(value, None);
            inserts.push(quote_spanned!(value.span()=> __map.insert(#key, #value_tokens);));
        }
        Some(quote_spanned!(call.span()=> { let mut __map = #p::MapOf::new(); #(#inserts)* __map }))
    }

    /// A struct field in a branch condition (`summary.total`, directly or through a `let`)
    /// cannot be registered: propeller types a branch node's inputs from its bindings without
    /// the attribute path (`validators/branch.go` calls `ValidateBindings` with
    /// `validateParamTypes=false`, and `bindings.go` then returns the output's whole type), so
    /// the condition compares the struct with a constant (`MismatchingTypes`) and the typed pass
    /// fails too (`MismatchingVariables`). Reports it on the user's tokens; true if it did.
    fn refuse_struct_field(&mut self, expr: &Expr) -> bool {
        let field = match expr {
            Expr::Paren(paren) => return self.refuse_struct_field(&paren.expr),
            Expr::Path(path) => path
                .path
                .get_ident()
                .and_then(|ident| self.field_promises.get(&ident.to_string()))
                .map(|field| format!("`{}` (`{field}`)", quote!(#path))),
            other => struct_field(other).map(|field| format!("`{field}`")),
        };
        let Some(field) = field else {
            return false;
        };
        self.cx.error_spanned_by(
            expr,
            format!(
                "a branch condition cannot compare {field}, a field of a struct output: Flyte types a branch's inputs as the whole struct, so registration would fail (`MismatchingTypes`); return the value as an output of its own and compare that, e.g. `-> (Summary, i64)` and `let (summary, total) = summarize(xs);`"
            ),
        );
        true
    }
}

/// The text of `expr` when it reads a named field (`summary.total`, `(s).a.b`), else `None`;
/// `r.0` (an output of a tuple-returning task) is a promise of its own, not a field.
fn struct_field(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Paren(paren) => struct_field(&paren.expr),
        Expr::Field(field) if matches!(field.member, syn::Member::Named(_)) => Some(
            quote!(#expr)
                .to_string()
                .replace(" . ", ".")
                .replace(' ', ""),
        ),
        _ => None,
    }
}
