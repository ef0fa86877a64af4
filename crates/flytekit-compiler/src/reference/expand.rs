//! Code generation of the reference macros.
//!
//! Emits, in place of the bodiless signature: a struct of the same name (in the type namespace,
//! carrying the user's doc comment), a function of the same name that panics (so that a
//! `#[dynamic]` body, which is also plain Rust, can call it), and, inside `const _: () = { ... };`, a static
//! `ReferenceEntry` registered in a linker section (`linkme`), the `Entity` / `EntityInput` /
//! `DefaultsFrom` impls that let workflows call it input by input, and, with `local = ...`,
//! compile-time checks that the stand-in has the same interface. Every path goes through
//! `<crate>::__private`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::ItemFn;

use super::{ReferenceKind, ReferenceOptions};
use crate::ctxt::Ctxt;
use crate::task::expand::{defaults_fn, entity_items, promises_of};
use crate::task::signature::parse_task_signature;

/// Expands a reference: with signature errors, only the marker struct and the errors; with
/// attribute errors, the whole entity (placeholders for the missing keys) and the errors.
pub fn expand_reference(
    ctxt: Ctxt,
    kind: ReferenceKind,
    options: &ReferenceOptions,
    item: &ItemFn,
) -> TokenStream {
    let signature_ctxt = Ctxt::new();
    let signature = parse_task_signature(&signature_ctxt, item);
    let ident = &item.sig.ident;
    let vis = &item.vis;
    let docs = item.attrs.iter().filter(|attr| attr.path().is_ident("doc"));
    let marker = quote! {
        #(#docs)*
        #[allow(non_camel_case_types)]
        #vis struct #ident {}
    };
    let signature_errors = signature_ctxt.into_error();
    let errors = ctxt.into_error();
    let mut all_errors = TokenStream::new();
    for error in [&signature_errors, &errors].into_iter().flatten() {
        all_errors.extend(error.to_compile_error());
    }
    if signature_errors.is_some() {
        return quote!(#marker #all_errors);
    }

    let krate = match &options.crate_path {
        Some(path) => quote!(#path),
        None => quote!(::flytekit),
    };
    let p = quote!(#krate::__private);
    let text = |value: &Option<crate::attr::Spanned<String>>| {
        value.as_ref().map(|v| v.value.clone()).unwrap_or_default()
    };
    let (project, domain, name, version) = (
        text(&options.project),
        text(&options.domain),
        text(&options.name),
        text(&options.version),
    );
    let fn_name = ident.to_string();
    let kind_tokens = match kind {
        ReferenceKind::Task => quote!(#p::reference::ReferenceKind::Task),
        ReferenceKind::Workflow => quote!(#p::reference::ReferenceKind::Workflow),
        ReferenceKind::LaunchPlan => quote!(#p::reference::ReferenceKind::LaunchPlan),
    };

    let input_entries = signature.inputs.iter().map(|input| {
        let (name, ty) = (input.name(), &input.ty);
        quote_spanned!(ty.span()=> #p::glue::VariableSpec { name: #name, literal_type: <#ty as #p::FlyteType>::literal_type, description: "" })
    });
    let output_types = signature.output.values.types();
    let output_names: Vec<String> = (0..output_types.len()).map(|i| format!("o{i}")).collect();
    let output_entries = output_types.iter().zip(&output_names).map(|(ty, name)| {
        quote_spanned!(ty.span()=> #p::glue::VariableSpec { name: #name, literal_type: <#ty as #p::FlyteType>::literal_type, description: "" })
    });
    let defaults = defaults_fn(&signature.inputs, &p);
    let promises = promises_of(&signature.output.values, &p);

    let (local, checks) = match &options.local {
        Some(local) => {
            let span = local.span();
            let stand_in = match kind {
                ReferenceKind::Task => {
                    quote_spanned!(span=> #p::reference::StandIn::Task(<#local as #p::Task>::entry))
                }
                _ => {
                    quote_spanned!(span=> #p::reference::StandIn::Workflow(<#local as #p::Workflow>::entry))
                }
            };
            let same_types = signature.inputs.iter().enumerate().map(|(i, input)| {
                let ty = &input.ty;
                quote_spanned!(span=> #p::reference::same_as::<<#local as #p::EntityInput<#i>>::Type, #ty>();)
            });
            let count = signature.inputs.len();
            let same_names = signature.inputs.iter().enumerate().map(|(i, input)| {
                let name = input.name();
                let message = format!(
                    "the local stand-in's input number {i} is not named `{name}`, as in the reference"
                );
                quote_spanned! {span=>
                    const _: () = ::core::assert!(
                        #p::reference::input_named(<#local as #p::Entity>::CALLEE, #i, #name),
                        #message
                    );
                }
            });
            let checks = quote_spanned! {span=>
                #[allow(dead_code)]
                fn __stand_in_has_the_same_interface() {
                    #(#same_types)*
                    #p::reference::same_as::<<#local as #p::Entity>::Promises, #promises>();
                    fn no_more_inputs<E: #p::DefaultsFrom<#count>>() {}
                    no_more_inputs::<#local>();
                }
                #(#same_names)*
            };
            (quote!(::core::option::Option::Some(#stand_in)), checks)
        }
        None => (quote!(::core::option::Option::None), TokenStream::new()),
    };

    let entity = entity_items(
        ident,
        &signature.inputs,
        &promises,
        &output_names,
        quote!(#p::CalleeKind::Reference(&REFERENCE)),
        &p,
    );
    let sig_span = item.sig.span();
    let body = quote_spanned! {sig_span=>
        fn interface() -> #p::TypedInterface {
            #p::glue::interface_of(&[#(#input_entries),*], &[#(#output_entries),*])
        }

        static REFERENCE: #p::reference::ReferenceEntry = #p::reference::ReferenceEntry {
            kind: #kind_tokens,
            project: #project,
            domain: #domain,
            name: #name,
            version: #version,
            module_path: ::core::module_path!(),
            fn_name: #fn_name,
            file: ::core::file!(),
            line: ::core::line!(),
            interface,
            defaults: #defaults,
            local: #local,
        };

        #entity

        #[#p::linkme::distributed_slice(#p::reference::FLYTEKIT_REFERENCES)]
        #[linkme(crate = #p::linkme)]
        static __REGISTRATION: #p::reference::ReferenceRegistration =
            #p::reference::ReferenceRegistration(&REFERENCE);
    };
    let function = plain_function(item, kind, &name);
    quote! {
        #marker
        #function
        const _: () = {
            #body
            #checks
        };
        #all_errors
    }
}

/// The reference as a Rust function, for the places where entities are called as functions (the
/// body of a `#[dynamic]` task run as plain Rust): it panics, saying that the entity runs on
/// Flyte (or, locally, through the executor, which runs its stand-in). Calling the stand-in
/// here instead would repeat every error of a mismatched stand-in.
fn plain_function(item: &ItemFn, kind: ReferenceKind, name: &str) -> TokenStream {
    let item = crate::task::signature::without_default_attributes(item);
    let attrs = item.attrs.iter().filter(|attr| attr.path().is_ident("doc"));
    let vis = &item.vis;
    let sig = &item.sig;
    let what = match kind {
        ReferenceKind::Task => "task",
        ReferenceKind::Workflow => "workflow",
        ReferenceKind::LaunchPlan => "launch plan",
    };
    let message = format!(
        "`{name}` is a reference {what}, registered on Flyte: it cannot be called as a Rust function; call it from a workflow or a `#[dynamic]` task (`run` runs its `local = ...` stand-in)"
    );
    let body = quote!(::core::panic!(#message));
    quote! {
        #(#attrs)*
        #[allow(dead_code, unused_variables, clippy::too_many_arguments)]
        #vis #sig {
            #body
        }
    }
}
