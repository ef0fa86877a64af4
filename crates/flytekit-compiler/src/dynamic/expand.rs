//! Code generation of `#[dynamic]`: from the function to the tokens that replace it.
//!
//! Emits the function as written (`#[default]` attributes removed), the marker struct, and the
//! registration of a task (`crate::task::expand::registration`) whose code is a
//! `TaskFn::Dynamic`: a function that reads the inputs as `#[task]` does and runs the build copy
//! of the body ([`super::rewrite`]) in a closure given the shared `&DynamicBuilder` `__b`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn};

use std::collections::BTreeSet;

use syn::visit_mut::VisitMut;

use super::gates::PlainGates;
use super::maps::PlainMaps;
use super::overrides::PlainOverrides;
use super::rewrite::{Names, Outputs, Rewriter};
use crate::ctxt::Ctxt;
use crate::task::expand::{error_display, registration, RawContainerCode};
use crate::task::signature::OutputValues;
use crate::task::{analyze_task, AnalyzedTask};

/// Expands one dynamic task.
pub fn expand_dynamic(args: TokenStream, item: &ItemFn) -> TokenStream {
    let analyzed = analyze_task(args, item);
    let cx = Ctxt::new();
    let definition = &analyzed.definition;
    let signature = &definition.signature;
    if let Some(asyncness) = &item.sig.asyncness {
        cx.error_spanned_by(
            asyncness,
            "a `#[dynamic]` function cannot be `async`: its body runs once to build a workflow from its inputs; make it a plain `fn` (its calls become nodes, which run in parallel)",
        );
    }
    if let Some(task_type) = &definition.options.task_type {
        cx.error_at(
            task_type.span,
            "a `#[dynamic]` task cannot set `task_type`: Flyte runs it as a container task that returns a workflow",
        );
    }
    let krate = match &definition.options.crate_path {
        Some(path) => quote!(#path),
        None => quote!(::flytekit),
    };
    let p = quote!(#krate::__private);
    let outputs = match &signature.output.values {
        OutputValues::Unit => Outputs::Unit,
        OutputValues::Single(ty) => Outputs::Single(ty.clone()),
        OutputValues::Tuple(types) => Outputs::Tuple(types.clone()),
    };
    let fallible = signature.output.result.is_some();
    let mut rewriter = Rewriter::new(
        &cx,
        p.clone(),
        signature.inputs.iter().map(|input| input.ident.to_string()),
        outputs,
        fallible,
    );
    let body = rewriter.body(&analyzed.item.block);
    let user_item = &plain_maps(&analyzed.item, &signature.inputs, &p);
    let ident = &user_item.sig.ident;
    let vis = &user_item.vis;
    let marker = quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #ident {}
    };
    let errors = match (analyzed.errors.clone(), cx.into_error()) {
        (Some(mut first), Some(second)) => {
            first.combine(second);
            Some(first)
        }
        (first, second) => first.or(second),
    };
    if let Some(errors) = errors {
        let errors = errors.to_compile_error();
        let marker = user_item.sig.receiver().is_none().then_some(marker);
        // The plain form of a form written wrong is a placeholder (`unreachable!()`): its
        // warnings would only follow the errors that say what is wrong.
        return quote! {
            #[allow(unreachable_code, unused_variables)]
            #user_item
            #marker
            #errors
        };
    }

    let run = run_code(&analyzed, body, &p);
    let code = RawContainerCode {
        raw_container: None,
        run,
    };
    let registration = registration(definition, user_item, Some(&code));
    quote! {
        // `|x| double(x)` is not redundant here: it is how a call in a closure becomes a node.
        #[allow(clippy::redundant_closure)]
        #user_item
        #marker
        const _: () = { #registration };
    }
}

/// The function as written, its `map_task` calls in their plain form ([`PlainMaps`]) and the
/// overrides of its calls dropped ([`PlainOverrides`]), its gates not waiting ([`PlainGates`]).
fn plain_maps(
    item: &ItemFn,
    inputs: &[crate::task::signature::TaskInput],
    p: &TokenStream,
) -> ItemFn {
    let mut item = item.clone();
    let mut locals: BTreeSet<String> = inputs.iter().map(|i| i.ident.to_string()).collect();
    Names(&mut locals).visit_block_mut(&mut item.block.clone());
    let mut plain = PlainMaps {
        p: p.clone(),
        locals,
    };
    plain.visit_block_mut(&mut item.block);
    PlainOverrides {
        locals: plain.locals.clone(),
    }
    .visit_block_mut(&mut item.block);
    PlainGates {
        p: p.clone(),
        locals: plain.locals,
    }
    .visit_block_mut(&mut item.block);
    item
}

/// The `TaskFn::Dynamic` of the task: reads the inputs, then builds.
fn run_code(analyzed: &AnalyzedTask, body: TokenStream, p: &TokenStream) -> TokenStream {
    let item = &analyzed.item;
    let signature = &analyzed.definition.signature;
    let ident = &signature.ident;
    let patterns = item.sig.inputs.iter().filter_map(|arg| match arg {
        FnArg::Typed(typed) => Some(&typed.pat),
        FnArg::Receiver(_) => None,
    });
    let reads = signature.inputs.iter().zip(patterns).map(|(input, pat)| {
        let (name, ty) = (input.name(), &input.ty);
        let read = quote_spanned!(ty.span()=> <#ty as #p::FlyteType>::from_literal);
        match &input.default {
            Some(expr) => quote_spanned! {ty.span()=>
                let #pat: #ty = #p::glue::input_or(__inputs, #name, #read, || { let value: #ty = #expr; value })?;
            },
            None => quote_spanned!(ty.span()=> let #pat: #ty = #p::glue::input(__inputs, #name, #read)?;),
        }
    });
    let input_types = signature.inputs.iter().map(|input| &input.ty);
    let returns = match &signature.output.declared {
        Some(ty) => quote!(#ty),
        None => quote!(()),
    };
    let build = match &signature.output.result {
        None => quote! {
            #p::dynamic::build(__entry(), move |__b: &#p::dynamic::DynamicBuilder| -> #p::dynamic::DynamicOutputs {
                #body
            })
        },
        Some(result) => {
            let err = match &result.err {
                Some(err) => quote!(#err),
                None => quote!(<#returns as #p::run_sync::ResultParts>::Err),
            };
            let display = error_display(signature, result, item.sig.span(), p);
            quote! {
                #p::dynamic::build_fallible(
                    __entry(),
                    move |__b: &#p::dynamic::DynamicBuilder| -> ::core::result::Result<#p::dynamic::DynamicOutputs, #err> {
                        #body
                    },
                    #display,
                )
            }
        }
    };
    quote! {
        {
            #[allow(unused_variables, unused_mut, unused_braces, unreachable_code, clippy::all)]
            fn run(__inputs: &#p::LiteralMap) -> ::core::result::Result<#p::CompiledWorkflow, #p::TaskError> {
                // The function as written is the local form of the task; this is its Flyte form.
                let _ = #ident as fn(#(#input_types),*) -> #returns;
                #(#reads)*
                #build
            }
            #p::TaskFn::Dynamic(run)
        }
    }
}
