//! Code generation of `#[workflow]`.
//!
//! The function keeps its signature; its body becomes a call that builds the workflow and runs
//! it locally (cluster semantics, through the runtime). Beside it, as for tasks: a marker struct
//! of the same name in the type namespace, and inside `const _: () = { ... };` a static
//! `WorkflowEntry` registered in a linker section (`linkme`), the build function (the lowered
//! body), and the `Entity` / `EntityInput` / `DefaultsFrom` / `Workflow` impls that let other
//! workflows call this one as a sub-workflow.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::ItemFn;

use super::lower::Lowerer;
use super::options::{parse_workflow_options, FailurePolicy};
use crate::ctxt::Ctxt;
use crate::docs::{docs_from_attributes, parse_docstring};
use crate::task::expand::{defaults_fn, entity_items, promises_of};
use crate::task::signature::{parse_task_signature, without_default_attributes, OutputValues};

/// Expands one workflow.
pub fn expand_workflow(args: TokenStream, item: &ItemFn) -> TokenStream {
    let cx = Ctxt::new();
    let options = parse_workflow_options(&cx, args);
    let before_signature = cx.error_count();
    let signature = parse_task_signature(&cx, item);
    if let Some(result) = &signature.output.result {
        cx.error_spanned_by(&result.ok, "a workflow cannot return a `Result`: a failing node fails the workflow; return the value itself");
    }
    let signature_ok = cx.error_count() == before_signature;
    let krate = match &options.crate_path {
        Some(path) => quote!(#path),
        None => quote!(::flytekit),
    };
    let p = quote!(#krate::__private);
    let docs = match &options.docs {
        Some(text) => parse_docstring(&text.value),
        None => docs_from_attributes(&item.attrs),
    };

    // The lowered body.
    let mut lowerer = Lowerer::new(&cx, p.clone(), signature.inputs.iter().map(|i| i.name()))
        .with_own_name(item.sig.ident.to_string());
    let stmts = &item.block.stmts;
    let (body, tail) = match stmts.last() {
        Some(syn::Stmt::Expr(expr, None)) => (&stmts[..stmts.len() - 1], Some(expr)),
        _ => (&stmts[..], None),
    };
    let lowered: Vec<(TokenStream, Vec<proc_macro2::Ident>)> = body
        .iter()
        .map(|stmt| (lowerer.statement(stmt), super::parts::bound_names(stmt)))
        .collect();
    let lowered = super::parts::split(&p, lowered);
    let output_types = signature.output.values.types();
    crate::task::check::check_output_names(&cx, options.outputs.as_ref(), &signature);
    let output_names: Vec<String> = match &options.outputs {
        Some(names) if names.value.len() == output_types.len() => names.value.clone(),
        _ => (0..output_types.len()).map(|i| format!("o{i}")).collect(),
    };
    let single_name = output_names
        .first()
        .cloned()
        .unwrap_or_else(|| "o0".to_string());
    let outputs = match (&signature.output.values, tail) {
        (OutputValues::Unit, Some(tail)) => {
            // A tail that is a value, not a call (`let a = t(x); a`), would be an output the
            // signature drops: say so rather than lose it.
            if !matches!(
                tail,
                syn::Expr::Call(_) | syn::Expr::MethodCall(_) | syn::Expr::If(_)
            ) {
                cx.error_spanned_by(
                    tail,
                    format!(
                        "workflow `{}` declares no output, but its body ends with this value: declare it (`-> T`) to return it, or end the line with `;`",
                        item.sig.ident
                    ),
                );
            }
            let value = lowerer.value(tail, None);
            quote!(let _ = #value;)
        }
        (OutputValues::Unit, None) => TokenStream::new(),
        (OutputValues::Single(ty), Some(tail)) => {
            let value = lowerer.value(tail, None);
            let output = quote_spanned!(tail.span()=> __output);
            quote_spanned!(tail.span()=> let #output = #value; __b.output::<#ty>(#single_name, #output);)
        }
        (OutputValues::Tuple(types), Some(tail)) => {
            let value = lowerer.value(tail, None);
            let fields = (0..types.len()).map(syn::Index::from);
            let names = output_names.iter();
            quote_spanned! {tail.span()=>
                let __outputs = #value;
                #(__b.output::<#types>(#names, __outputs.#fields);)*
            }
        }
        (_, None) => {
            // After an earlier error (an early `return`, say) this would only repeat it.
            if !cx.has_errors() {
                let ty = signature.output.declared.as_ref();
                cx.error_spanned_by(
                    ty,
                    "this workflow returns a value: end the body with it, e.g. `total` or `(a, b)`",
                );
            }
            TokenStream::new()
        }
    };

    if lowerer.nodes == 0 && !cx.has_errors() {
        cx.error_spanned_by(
            &item.sig.ident,
            format!(
                "workflow `{}` calls no task, workflow or gate: Flyte rejects a workflow without nodes (`NoNodesFound`); call at least one task",
                item.sig.ident
            ),
        );
    }

    let ident = &item.sig.ident;
    let vis = &item.vis;
    let marker = quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #ident {}
    };
    let clean_item = without_default_attributes(item);
    if let Some(errors) = cx.into_error() {
        // The body is workflow wiring, not code to run: emitting it as written would add
        // rustc's own errors about it (methods on promises, missing `else` types) to ours. The
        // function keeps its signature, so its callers still type-check.
        let errors = errors.to_compile_error();
        let attrs = &clean_item.attrs;
        let sig = &clean_item.sig;
        let message = format!("workflow `{}` did not compile", item.sig.ident);
        // Workflows calling this one still type-check against its signature, and add no
        // "`Entity` is not satisfied" of their own (nothing is registered).
        let callable = (signature_ok && item.sig.receiver().is_none()).then(|| {
            let entity = entity_items(
                ident,
                &signature.inputs,
                &promises_of(&signature.output.values, &p),
                &output_names,
                quote!(#p::CalleeKind::Uncompiled),
                &p,
            );
            quote!(const _: () = { #entity };)
        });
        // A method (it has `self`) sits in an `impl` block, where a struct is not allowed: the
        // marker would only add a second, confusing error to the one about `self`.
        let marker = item.sig.receiver().is_none().then_some(marker);
        return quote! {
            #(#attrs)*
            #[allow(unused_variables)]
            #vis #sig {
                ::core::panic!(#message) // ok: never runs, the crate does not compile
            }
            #marker
            #errors
            #callable
        };
    }

    let fn_name = ident.to_string();
    let name_override = match &options.name {
        Some(name) => {
            let name = &name.value;
            quote!(::core::option::Option::Some(#name))
        }
        None => quote!(::core::option::Option::None),
    };
    let source_code = options
        .source_code
        .as_ref()
        .map(|s| s.value.clone())
        .unwrap_or_default();
    let short = docs.short_description.clone().unwrap_or_default();
    let long = docs.long_description.clone().unwrap_or_default();
    let input_decls = signature.inputs.iter().map(|input| {
        let (name, ty, var) = (input.name(), &input.ty, &input.ident);
        let description = input.description.clone().unwrap_or_default();
        quote_spanned!(ty.span()=> let #var: #p::Promise<#ty> = __b.input::<#ty>(#name, #description);)
    });
    let settings = {
        let policy = options.failure_policy.as_ref().map(|f| match f.value {
            FailurePolicy::FailImmediately => {
                quote!(__b.failure_policy(#p::FailurePolicy::FailImmediately);)
            }
            FailurePolicy::FailAfterExecutableNodesComplete => {
                quote!(__b.failure_policy(#p::FailurePolicy::FailAfterExecutableNodesComplete);)
            }
        });
        let interruptible = options.interruptible.as_ref().map(|i| {
            let value = i.value;
            quote!(__b.interruptible(#value);)
        });
        let on_failure = options
            .on_failure
            .as_ref()
            .map(|task| quote_spanned!(task.span()=> __b.on_failure::<#task>();));
        quote!(#policy #interruptible #on_failure)
    };
    let defaults = defaults_fn(&signature.inputs, &p);
    let entity = entity_items(
        ident,
        &signature.inputs,
        &promises_of(&signature.output.values, &p),
        &output_names,
        quote!(#p::CalleeKind::Workflow(&ENTRY)),
        &p,
    );

    // The function itself: same signature, runs the workflow locally.
    let attrs = &clean_item.attrs;
    let sig = &clean_item.sig;
    let params = signature.inputs.iter().map(|input| {
        let (name, var) = (input.name(), &input.ident);
        quote!((#name, #p::FlyteType::to_literal(&#var)))
    });
    let result = match &signature.output.values {
        OutputValues::Unit => quote!(let _ = __outputs;),
        OutputValues::Single(ty) => {
            quote!(#p::glue::workflow_output::<#ty>(&__outputs, #single_name))
        }
        OutputValues::Tuple(types) => {
            let names = output_names.iter();
            quote!((#(#p::glue::workflow_output::<#types>(&__outputs, #names),)*))
        }
    };

    quote! {
        #(#attrs)*
        #vis #sig {
            let __outputs = #p::run_workflow(<#ident as #p::Workflow>::entry(), &[#(#params),*]);
            #result
        }

        #marker

        const _: () = {
            static ENTRY: #p::WorkflowEntry = #p::WorkflowEntry {
                module_path: ::core::module_path!(),
                fn_name: #fn_name,
                name_override: #name_override,
                file: ::core::file!(),
                line: ::core::line!(),
                short_description: #short,
                long_description: #long,
                source_code: #source_code,
                build,
                defaults: #defaults,
            };

            #[allow(unused_variables, clippy::let_unit_value, clippy::unit_arg)]
            fn build(__b: &mut #p::WorkflowBuilder) {
                #(#input_decls)*
                #settings
                #(#lowered)*
                #outputs
            }

            #entity

            impl #p::Workflow for #ident {
                fn entry() -> &'static #p::WorkflowEntry {
                    &ENTRY
                }
            }


            #[#p::linkme::distributed_slice(#p::FLYTEKIT_WORKFLOWS)]
            #[linkme(crate = #p::linkme)]
            static __REGISTRATION: #p::WorkflowRegistration = #p::WorkflowRegistration(&ENTRY);
        };
    }
}
