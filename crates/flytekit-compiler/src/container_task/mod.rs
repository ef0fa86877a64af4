//! `#[container_task(...)]`: flytekit's `ContainerTask`, a task with a declared interface that
//! runs a given image and command (Flyte's co-pilot writes the inputs to `inputs_dir` and reads
//! one file per output from `outputs_dir`).
//!
//! Consumes the attribute's tokens and a bodiless signature. The container keys (`image`,
//! `command`, `args`, `inputs_dir`, `outputs_dir`, `format`) are parsed here ([`options`]); the
//! other keys are `#[task]`'s own (retries, timeout, resources, environment, cache, ...), handed
//! to the `#[task]` front end together with `container_image = <image>`; among them
//! `outputs(area, ...)`, so the output names of the interface, of the workflow callee and of the
//! files the co-pilot collects are a `#[task]`'s, checked by the same code. Code generation is
//! `#[task]`'s registration with a `RawContainer` in the config and a body that says the task
//! runs on a cluster.

pub mod options;

#[cfg(test)]
mod tests;

use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::bodiless::parse_bodiless;
use crate::ctxt::Ctxt;
use crate::task::analyze_task;
use crate::task::expand::{callable_stub, registration, RawContainerCode};
use options::{parse_container_options, ContainerOptions, Format};

const EXAMPLE: &str = "#[container_task(image = \"alpine:3.19\", command = [\"sh\", \"-c\", \
                       \"echo {{.inputs.x}} > /var/outputs/o0\"], inputs_dir = \"/var/inputs\", \
                       outputs_dir = \"/var/outputs\")] fn echo(x: i64) -> String;";

/// Expands `#[container_task(args)]` on `item`. Never panics on user input.
pub fn container_task(args: TokenStream, item: TokenStream) -> TokenStream {
    let bodiless = match parse_bodiless(item, "container_task", EXAMPLE) {
        Ok(bodiless) => bodiless,
        Err(error) => return error.to_compile_error(),
    };
    let ctxt = Ctxt::new();
    if let Some(error) = bodiless.body_error {
        ctxt.push(error);
    }
    let options = parse_container_options(&ctxt, args, EXAMPLE);
    let analyzed = analyze_task(options.task_tokens.clone(), &bodiless.item);
    let item = &analyzed.item;
    let ident = &item.sig.ident;
    let vis = &item.vis;
    let docs = item.attrs.iter().filter(|attr| attr.path().is_ident("doc"));
    let marker = quote! {
        #(#docs)*
        #[allow(non_camel_case_types)]
        #vis struct #ident {}
    };
    let mut errors = TokenStream::new();
    if let Some(error) = ctxt.into_error() {
        errors.extend(error.to_compile_error());
    }
    if let Some(error) = &analyzed.errors {
        // The signature or a `#[task]` option is wrong: the marker and, with a sound
        // signature, the impls that keep calls of it free of errors, as `#[task]` does.
        errors.extend(error.to_compile_error());
        let callable = analyzed.signature_ok.then(|| {
            let entity = callable_stub(&analyzed.definition);
            quote!(const _: () = { #entity };)
        });
        return quote!(#marker #errors #callable);
    }
    let krate = match &analyzed.definition.options.crate_path {
        Some(path) => quote!(#path),
        None => quote!(::flytekit),
    };
    let p = quote!(#krate::__private);
    let code = raw_container_code(&options, &p);
    let registration = registration(&analyzed.definition, item, Some(&code));
    quote! {
        #marker
        const _: () = { #registration };
        #errors
    }
}

fn raw_container_code(options: &ContainerOptions, p: &TokenStream) -> RawContainerCode {
    let command = &options.command;
    let args = &options.args;
    let input_path = &options.inputs_dir;
    let output_path = &options.outputs_dir;
    let format = match options.format {
        Format::Json => quote!(#p::container::MetadataFormat::Json),
        Format::Yaml => quote!(#p::container::MetadataFormat::Yaml),
        Format::Proto => quote!(#p::container::MetadataFormat::Proto),
    };
    let image = syn::LitStr::new(&options.image, Span::call_site());
    RawContainerCode {
        raw_container: Some(quote! {
            #p::container::RawContainer {
                command: &[#(#command),*],
                args: &[#(#args),*],
                input_path: #input_path,
                output_path: #output_path,
                format: #format,
            }
        }),
        run: quote! {
            fn run(_inputs: &#p::LiteralMap) -> ::core::result::Result<#p::LiteralMap, #p::TaskError> {
                ::core::result::Result::Err(#p::container::local_run_error(&__entry().name(), #image))
            }
            #p::TaskFn::Sync(#p::run_sync::keep(run as #p::LiteralFn))
        },
    }
}
