//! The front end of `#[task]`: from the attribute and the function to a validated model.
//!
//! Consumes the attribute's argument tokens and the user's function; produces an
//! [`AnalyzedTask`]: the function to emit (without `#[default]` attributes), the
//! [`TaskDefinition`] model (options, signature, docs, resolved cache version) and every error
//! found, combined. Code generation builds on this model and is not part of this module.
//!
//! Phases, one file each: [`options`] (attribute), [`signature`] (function signature),
//! [`crate::docs`] (doc comment), [`check`] (options against signature), [`cache_version`]
//! (derived cache version).

pub mod cache_version;
pub mod check;
pub mod expand;
pub mod options;
pub mod signature;

#[cfg(test)]
mod tests;

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Item, ItemFn};

use crate::ctxt::Ctxt;
use crate::docs::{docs_from_attributes, parse_docstring, Docstring};
use options::{parse_task_options, TaskOptions};
use signature::{parse_task_signature, without_default_attributes, TaskSignature};

/// Everything known about a task after analysis.
#[derive(Debug, Clone)]
pub struct TaskDefinition {
    /// The `#[task(...)]` options.
    pub options: TaskOptions,
    /// The function's interface; each input's `description` is filled from `docs`.
    pub signature: TaskSignature,
    /// The description: from `docs = "..."` when given, else from the doc comment.
    pub docs: Docstring,
    /// The cache version to register when caching is on: `cache(version = ...)` if given, else
    /// [`cache_version::derive_cache_version`] of the function. `None` when caching is off.
    pub cache_version: Option<String>,
}

/// The result of analysing one `#[task]`.
#[derive(Debug, Clone)]
pub struct AnalyzedTask {
    /// The user's function with the `#[default(...)]` parameter attributes removed: emit this
    /// in every case, with or without errors, so one mistake does not cascade into "cannot find
    /// function" errors everywhere the task is called.
    pub item: ItemFn,
    /// The model. When `errors` is `Some`, it is best-effort: options with errors are unset and
    /// parameters with errors are missing, but it is consistent enough to emit a stub.
    pub definition: TaskDefinition,
    /// Every error found, combined; emit `errors.to_compile_error()` beside the item.
    pub errors: Option<syn::Error>,
    /// The signature has no errors (whatever the options have), so the task can still be made
    /// callable in workflows: their calls then type-check and add no errors of their own.
    pub signature_ok: bool,
}

/// Parses the tokens `#[task]` was put on as a function; an error says that `#[task]` only
/// applies to functions, naming what it was put on and pointing at its keyword and name.
pub fn parse_task_item(item: TokenStream) -> syn::Result<ItemFn> {
    let other = match syn::parse2::<Item>(item)? {
        Item::Fn(function) => return Ok(function),
        other => other,
    };
    let (what, keyword_and_name) = match &other {
        Item::Struct(s) => ("a struct", head(&s.struct_token, &s.ident)),
        Item::Enum(e) => ("an enum", head(&e.enum_token, &e.ident)),
        Item::Union(u) => ("a union", head(&u.union_token, &u.ident)),
        Item::Trait(t) => ("a trait", head(&t.trait_token, &t.ident)),
        Item::Impl(i) => ("an `impl` block", head(&i.impl_token, &i.self_ty)),
        Item::Mod(m) => ("a module", head(&m.mod_token, &m.ident)),
        Item::Const(c) => ("a constant", head(&c.const_token, &c.ident)),
        Item::Static(s) => ("a static", head(&s.static_token, &s.ident)),
        Item::Type(t) => ("a type alias", head(&t.type_token, &t.ident)),
        Item::Use(u) => ("a `use` declaration", u.to_token_stream()),
        _ => {
            // A function without a body (`fn f();`) parses as verbatim tokens.
            return Err(syn::Error::new_spanned(
                other,
                "`#[task]` can only be applied to a function with a body, e.g. `#[task] fn add(a: \
                 i64, b: i64) -> i64 { a + b }`",
            ));
        }
    };
    let data_hint = match &other {
        Item::Struct(_) | Item::Enum(_) => format!(
            "; to pass {what} to a task, write `#[derive(FlyteType)]` on it and take it as a \
             parameter"
        ),
        _ => String::new(),
    };
    Err(syn::Error::new_spanned(
        keyword_and_name,
        format!(
            "`#[task]` can only be applied to a function, not to {what}: write a function \
             such as `#[task] fn add(a: i64, b: i64) -> i64 {{ a + b }}`{data_hint}"
        ),
    ))
}

/// The tokens of an item's keyword and name, for an error that spans just those.
fn head(keyword: &impl ToTokens, name: &impl ToTokens) -> TokenStream {
    let mut tokens = keyword.to_token_stream();
    name.to_tokens(&mut tokens);
    tokens
}

/// Analyses a `#[task]`: parses `args` (the tokens inside `#[task(...)]`, empty for `#[task]`),
/// models `item`'s signature and docs, checks them against each other, and resolves the cache
/// version. Never panics on user input; every problem is in [`AnalyzedTask::errors`].
pub fn analyze_task(args: TokenStream, item: &ItemFn) -> AnalyzedTask {
    let ctxt = Ctxt::new();
    let options = parse_task_options(&ctxt, args);
    let before_signature = ctxt.error_count();
    let mut signature = parse_task_signature(&ctxt, item);
    let signature_ok = ctxt.error_count() == before_signature;
    check::check_options_against_signature(&ctxt, &options, &signature);
    check::check_not_a_builtin_name(&ctxt, &item.sig.ident);
    let docs = match &options.docs {
        Some(text) => parse_docstring(&text.value),
        None => docs_from_attributes(&item.attrs),
    };
    for input in &mut signature.inputs {
        input.description = docs.arguments.get(&input.name()).cloned();
    }
    let cache_version = options.cache.as_ref().map(|cache| match &cache.version {
        Some(version) => version.value.clone(),
        None => cache_version::derive_cache_version(
            item,
            cache.salt.as_ref().map_or("", |salt| salt.value.as_str()),
        ),
    });
    AnalyzedTask {
        item: without_default_attributes(item),
        definition: TaskDefinition {
            options,
            signature,
            docs,
            cache_version,
        },
        errors: ctxt.into_error(),
        signature_ok,
    }
}

/// Expands `#[task(args)]` on `item`: parse, analyse, generate. Never panics on user input.
pub fn task(args: TokenStream, item: TokenStream) -> TokenStream {
    match parse_task_item(item.clone()) {
        Ok(function) => expand::expand_task(&analyze_task(args, &function)),
        Err(error) => {
            // Keep the item: the error says what is wrong with it, nothing else should.
            let error = error.to_compile_error();
            quote::quote!(#item #error)
        }
    }
}
