//! Code generation of `#[task]`: from an [`AnalyzedTask`] to the tokens that replace the item.
//!
//! The user's function is emitted exactly as written (only `#[default]` attributes removed).
//! Beside it: a braced struct of the same name in the type namespace (so `use m::add;` brings
//! both, and workflows can name the task as a type), and, inside `const _: () = { ... };` so
//! nothing else leaks into the user's module, the function that builds its `TaskEntry` on
//! first use, its registration in the linker section, the `Task` impl, and the functions that
//! build the interface and run the task on literals. Every path goes through `<crate>::__private`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;

use super::options::{
    AcceleratorPartition, MountRequirement, ResourceKind, ResourceSet, TaskOptions,
};
use super::signature::{OutputValues, ResultOutput, TaskSignature};
use super::{AnalyzedTask, TaskDefinition};

/// Expands an analysed task. With errors, emits the function, the marker struct and the errors,
/// so one mistake does not also break every place that calls the function.
pub fn expand_task(analyzed: &AnalyzedTask) -> TokenStream {
    let item = &analyzed.item;
    let ident = &item.sig.ident;
    let vis = &item.vis;
    let marker = quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #ident {}
    };
    if let Some(errors) = &analyzed.errors {
        let errors = errors.to_compile_error();
        // A method (it has `self`) sits in an `impl` block, where a struct is not allowed: the
        // marker would only add a second, confusing error to the one about `self`.
        let free = item.sig.receiver().is_none();
        let marker = free.then_some(marker);
        // With a sound signature, workflows calling the task get its `Entity` impls (and no
        // registration): the option's error is then the only one, not followed by "`add:
        // Entity` is not satisfied" at every call.
        let callable = (free && analyzed.signature_ok).then(|| {
            let entity = callable_stub(&analyzed.definition);
            quote!(const _: () = { #entity };)
        });
        return quote!(#item #marker #errors #callable);
    }
    let registration = registration(&analyzed.definition, item, None);
    quote! {
        #item
        #marker
        const _: () = { #registration };
    }
}

fn str_lit(value: &str) -> syn::LitStr {
    syn::LitStr::new(value, Span::call_site())
}

fn opt_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

/// What `#[container_task]` and `#[dynamic]` change in a task's registration: the
/// `RawContainer` of its config (a container task's) and the code that runs instead of the
/// function as written.
pub(crate) struct RawContainerCode {
    /// An expression of type `RawContainer`, for a container task.
    pub raw_container: Option<TokenStream>,
    /// An expression of type `TaskFn`.
    pub run: TokenStream,
}

/// The `Entity` impls of a task whose options have errors: calls of it type-check, and the
/// build, which never runs (compilation stops at the errors), has nothing to register.
pub(crate) fn callable_stub(definition: &TaskDefinition) -> TokenStream {
    let krate = match &definition.options.crate_path {
        Some(path) => quote!(#path),
        None => quote!(::flytekit),
    };
    let p = quote!(#krate::__private);
    let signature = &definition.signature;
    let count = signature.output.values.types().len();
    let output_names: Vec<String> = (0..count).map(|i| format!("o{i}")).collect();
    entity_items(
        &signature.ident,
        &signature.inputs,
        &promises_of(&signature.output.values, &p),
        &output_names,
        quote!(#p::CalleeKind::Uncompiled),
        &p,
    )
}

/// The registration of a task (its `TaskEntry`, registration record and trait impls); with
/// `raw`, of a container task, which has no Rust function to call.
pub(crate) fn registration(
    definition: &TaskDefinition,
    item: &syn::ItemFn,
    raw: Option<&RawContainerCode>,
) -> TokenStream {
    let options = &definition.options;
    let krate = match &options.crate_path {
        Some(path) => quote!(#path),
        None => quote!(::flytekit),
    };
    let p = quote!(#krate::__private);
    let signature = &definition.signature;
    let ident = &signature.ident;
    let sig_span = item.sig.span();
    let fn_name = str_lit(&ident.unraw_string());
    let raw_container = raw.and_then(|raw| raw.raw_container.as_ref());
    let config = task_config(
        options,
        definition.cache_version.as_deref(),
        &p,
        raw_container,
    );
    let short = str_lit(
        definition
            .docs
            .short_description
            .as_deref()
            .unwrap_or_default(),
    );
    let long = str_lit(
        definition
            .docs
            .long_description
            .as_deref()
            .unwrap_or_default(),
    );

    // Interface: one entry per input and output, each checked against `FlyteType` at the
    // user's type so an unsupported type is an error on that type.
    let input_entries = signature.inputs.iter().map(|input| {
        let (name, ty) = (input.name(), &input.ty);
        let description = input.description.clone().unwrap_or_default();
        quote_spanned!(ty.span()=> #p::glue::VariableSpec { name: #name, literal_type: <#ty as #p::FlyteType>::literal_type, description: #description })
    });
    let output_types = signature.output.values.types();
    let output_names: Vec<String> = match &options.outputs {
        Some(names) if names.value.len() == output_types.len() => names.value.clone(),
        _ => (0..output_types.len()).map(|i| format!("o{i}")).collect(),
    };
    let returns = definition.docs.returns.clone().unwrap_or_default();
    let single_name = output_names
        .first()
        .cloned()
        .unwrap_or_else(|| "o0".to_string());
    let output_entries = output_types.iter().zip(&output_names).map(|(ty, name)| {
        let description = if output_types.len() == 1 {
            returns.clone()
        } else {
            String::new()
        };
        quote_spanned!(ty.span()=> #p::glue::VariableSpec { name: #name, literal_type: <#ty as #p::FlyteType>::literal_type, description: #description })
    });

    let defaults = defaults_fn(&signature.inputs, &p);

    let run = match raw {
        Some(raw) => {
            let run = &raw.run;
            quote!({ #run })
        }
        None if signature.is_async => {
            async_run(signature, &output_names, &single_name, sig_span, &p)
        }
        None => sync_run(signature, sig_span, &p),
    };

    let input_types = signature.inputs.iter().map(|input| &input.ty);
    let output_type = match &signature.output.values {
        OutputValues::Unit => quote!(()),
        OutputValues::Single(ty) => quote!(#ty),
        OutputValues::Tuple(types) => quote!((#(#types,)*)),
    };
    let sig_span = item.sig.span();
    let entity = entity_items(
        ident,
        &signature.inputs,
        &promises_of(&signature.output.values, &p),
        &output_names,
        quote!(#p::CalleeKind::Task(<#ident as #p::Task>::entry)),
        &p,
    );

    let name = opt_str(options.name.as_ref().map(|n| n.value.as_str()));
    // The entry is built in code on first use, not kept in a `static`: a static of pointers is
    // written by the loader at every start of the binary (see `flytekit_core::task`). The
    // items' names start with `__` so that a task named `build` or `entry` keeps its own.
    quote_spanned! {sig_span=>
        fn __build_entry() -> #p::TaskEntry {
            #p::TaskEntry {
                module_path: ::core::module_path!(),
                fn_name: #fn_name,
                file: ::core::file!(),
                line: ::core::line!(),
                config: #config,
                short_description: #short,
                long_description: #long,
                inputs: #p::glue::variables([#(#input_entries),*]),
                outputs: #p::glue::variables([#(#output_entries),*]),
                defaults: #defaults,
                run: #run,
            }
        }

        fn __entry() -> &'static #p::TaskEntry {
            static ENTRY: #p::TaskEntryCell = #p::TaskEntryCell::new();
            #p::TaskEntry::built_once(&ENTRY, __build_entry)
        }

        impl #p::Task for #ident {
            type Inputs = (#(#input_types,)*);
            type Outputs = #output_type;
            fn entry() -> &'static #p::TaskEntry {
                __entry()
            }
        }

        #entity

        #[#p::linkme::distributed_slice(#p::FLYTEKIT_TASKS)]
        #[linkme(crate = #p::linkme)]
        static __REGISTRATION: #p::TaskRegistration =
            #p::TaskRegistration::new(::core::module_path!(), #fn_name, #name, __entry);
    }
}

/// The `Option<DefaultsFn>` of an entity's inputs: `None` without defaults, else a function
/// building their literals from the user's expressions (typed as the input, at the
/// expression's span).
pub(crate) fn defaults_fn(inputs: &[super::signature::TaskInput], p: &TokenStream) -> TokenStream {
    let defaults: Vec<TokenStream> = inputs
        .iter()
        .filter_map(|input| {
            let expr = input.default.as_ref()?;
            let (name, ty) = (input.name(), &input.ty);
            let write = quote_spanned!(ty.span()=> <#ty as #p::FlyteType>::to_literal);
            Some(quote_spanned! {expr.span()=>
                #p::glue::default_value(defaults, #name, { let value: #ty = #expr; value }, #write)?;
            })
        })
        .collect();
    if defaults.is_empty() {
        return quote!(::core::option::Option::None);
    }
    // The map is owned by `collect_defaults`, so its code is not compiled in the user's crate.
    quote! {
        ::core::option::Option::Some({
            fn defaults() -> ::core::result::Result<#p::BTreeMap<::std::string::String, #p::Literal>, #p::TypeError> {
                #p::glue::collect_defaults(&mut |defaults| {
                    #(#defaults)*
                    ::core::result::Result::Ok(())
                })
            }
            defaults
        })
    }
}

/// The `TaskFn` of a sync task: a `SyncTask` holding the function and, as function pointers
/// named at the user's types, the readers of its inputs and writers of its outputs. Tasks of
/// the same signature share its compiled code (see `flytekit_core::run_sync`).
fn sync_run(signature: &TaskSignature, sig_span: Span, p: &TokenStream) -> TokenStream {
    let ident = &signature.ident;
    let input_types: Vec<&syn::Type> = signature.inputs.iter().map(|input| &input.ty).collect();
    let returns = match &signature.output.declared {
        Some(ty) => quote!(#ty),
        None => quote!(()),
    };
    let readers = input_types.iter().map(|ty| {
        quote_spanned!(ty.span()=> <#ty as #p::FlyteType>::from_literal as #p::run_sync::Reader<#ty>)
    });
    let writers = |values: &OutputValues| -> TokenStream {
        let writer = |ty: &syn::Type| quote_spanned!(ty.span()=> <#ty as #p::FlyteType>::to_literal as #p::run_sync::Writer<#ty>);
        match values {
            OutputValues::Unit => quote!(()),
            OutputValues::Single(ty) => writer(ty),
            OutputValues::Tuple(types) => {
                let writers = types.iter().map(writer);
                quote!((#(#writers,)*))
            }
        }
    };
    let ok = writers(&signature.output.values);
    let write = match &signature.output.result {
        Some(result) => {
            let display = error_display(signature, result, sig_span, p);
            quote!(#p::run_sync::Fallible { ok: #ok, display: #display })
        }
        None => ok,
    };
    quote! {
        #p::TaskFn::Sync(#p::run_sync::keep(#p::run_sync::SyncTask {
            call: #ident as fn(#(#input_types),*) -> #returns,
            read: (#(#readers,)*),
            write: #write,
        }))
    }
}

/// How a task's error is shown: `<E as Display>::fmt`, named at the user's error type (or at the
/// return type, for aliases such as `anyhow::Result<T>`), so an error type without `Display` is
/// an error there.
pub(crate) fn error_display(
    signature: &TaskSignature,
    result: &ResultOutput,
    sig_span: Span,
    p: &TokenStream,
) -> TokenStream {
    match (&result.err, &signature.output.declared) {
        (Some(err), _) => quote_spanned!(err.span()=> <#err as ::core::fmt::Display>::fmt),
        (None, Some(returns)) => quote_spanned! {returns.span()=>
            <<#returns as #p::run_sync::ResultParts>::Err as ::core::fmt::Display>::fmt
        },
        (None, None) => quote_spanned!(sig_span=> <_ as ::core::fmt::Display>::fmt),
    }
}

/// The `TaskFn` of an async task: a function reading the inputs into the future of the user's
/// function and writing its outputs (a future's type is the function's own, so this code is
/// per task).
fn async_run(
    signature: &TaskSignature,
    output_names: &[String],
    single_name: &str,
    sig_span: Span,
    p: &TokenStream,
) -> TokenStream {
    let ident = &signature.ident;
    // Reading inputs: a missing input with a default takes the default.
    let reads = signature.inputs.iter().enumerate().map(|(i, input)| {
        let (name, ty) = (input.name(), &input.ty);
        let var = format_ident!("__input{}", i);
        let read = quote_spanned!(ty.span()=> <#ty as #p::FlyteType>::from_literal);
        match &input.default {
            Some(expr) => quote_spanned! {ty.span()=>
                let #var: #ty = #p::glue::input_or(&inputs, #name, #read, || { let value: #ty = #expr; value })?;
            },
            None => quote_spanned!(ty.span()=> let #var: #ty = #p::glue::input(&inputs, #name, #read)?;),
        }
    });
    let args = (0..signature.inputs.len()).map(|i| format_ident!("__input{}", i));
    let call = quote!(#ident(#(#args),*).await);
    let value = match &signature.output.result {
        Some(result) => {
            let display = error_display(signature, result, sig_span, p);
            quote! {
                match #call {
                    ::core::result::Result::Ok(value) => value,
                    ::core::result::Result::Err(error) => {
                        return ::core::result::Result::Err(#p::into_task_error(error, #display));
                    }
                }
            }
        }
        None => call,
    };
    // Writing outputs, the body's tail: one call for the usual single output.
    let writes = match &signature.output.values {
        OutputValues::Unit => quote! {
            let () = #value;
            ::core::result::Result::Ok(<#p::LiteralMap as ::core::default::Default>::default())
        },
        OutputValues::Single(ty) => {
            let write = quote_spanned!(ty.span()=> <#ty as #p::FlyteType>::to_literal);
            quote! {
                let value = #value;
                #p::glue::single_output(#single_name, &value, #write)
            }
        }
        OutputValues::Tuple(types) => {
            let vars: Vec<_> = (0..types.len())
                .map(|i| format_ident!("__output{}", i))
                .collect();
            let writes = types
                .iter()
                .map(|ty| quote_spanned!(ty.span()=> <#ty as #p::FlyteType>::to_literal));
            quote! {
                let (#(#vars,)*) = #value;
                let mut outputs = <#p::LiteralMap as ::core::default::Default>::default();
                #(#p::glue::output(&mut outputs, #output_names, &#vars, #writes)?;)*
                ::core::result::Result::Ok(outputs)
            }
        }
    };
    quote! {
        {
            fn run(inputs: #p::LiteralMap) -> #p::TaskFuture {
                ::std::boxed::Box::pin(async move {
                    #(#reads)*
                    #writes
                })
            }
            #p::TaskFn::Async(run)
        }
    }
}

/// The items that make an entity callable in workflows, shared by tasks, workflows and
/// references: its `Entity` impl (the promises a call returns and its `Callee`, whose `kind`
/// is given), an `EntityInput` impl per input and the `DefaultsFrom` impls.
pub(crate) fn entity_items(
    ident: &syn::Ident,
    inputs: &[super::signature::TaskInput],
    promises: &TokenStream,
    output_names: &[String],
    kind: TokenStream,
    p: &TokenStream,
) -> TokenStream {
    let input_names = inputs.iter().map(|input| input.name());
    let entity_inputs = inputs.iter().enumerate().map(|(i, input)| {
        let ty = &input.ty;
        quote!(impl #p::EntityInput<#i> for #ident { type Type = #ty; })
    });
    let defaults_from = defaults_from_impls(inputs, ident, p);
    quote! {
        impl #p::Entity for #ident {
            type Promises = #promises;
            const CALLEE: &'static #p::Callee = &#p::Callee {
                input_names: &[#(#input_names),*],
                output_names: &[#(#output_names),*],
                kind: #kind,
            };
        }
        #(#entity_inputs)*
        #defaults_from
    }
}

/// The promises a call of an entity returns: `NodeRef`, `Promise<T>` or a tuple of promises.
pub(crate) fn promises_of(values: &OutputValues, p: &TokenStream) -> TokenStream {
    match values {
        OutputValues::Unit => quote!(#p::NodeRef),
        OutputValues::Single(ty) => quote!(#p::Promise<#ty>),
        OutputValues::Tuple(types) => quote!((#(#p::Promise<#types>,)*)),
    }
}

/// `DefaultsFrom<K>` for every `K` after which all inputs have defaults: a call may stop after
/// `K` arguments.
pub(crate) fn defaults_from_impls(
    inputs: &[super::signature::TaskInput],
    ident: &syn::Ident,
    p: &TokenStream,
) -> TokenStream {
    let mut first = inputs.len();
    while first > 0 && inputs[first - 1].default.is_some() {
        first -= 1;
    }
    // Up to a few past the last input too, so a call with too many arguments gets one error
    // (no input number N) instead of a second one about defaults.
    let ks = first..=inputs.len() + 4;
    quote!(#(impl #p::DefaultsFrom<#ks> for #ident {})*)
}

fn task_config(
    options: &TaskOptions,
    cache_version: Option<&str>,
    p: &TokenStream,
    raw_container: Option<&TokenStream>,
) -> TokenStream {
    let name = opt_str(options.name.as_ref().map(|n| n.value.as_str()));
    let task_type = opt_str(options.task_type.as_ref().map(|t| t.value.as_str()));
    let retries = options.retries.as_ref().map_or(0, |r| r.value);
    let timeout = match &options.timeout {
        Some(t) => {
            let (secs, nanos) = (t.value.as_secs(), t.value.subsec_nanos());
            quote!(::core::option::Option::Some(::core::time::Duration::new(#secs, #nanos)))
        }
        None => quote!(::core::option::Option::None),
    };
    let interruptible = match &options.interruptible {
        Some(i) => {
            let value = i.value;
            quote!(::core::option::Option::Some(#value))
        }
        None => quote!(::core::option::Option::None),
    };
    let deprecated = opt_str(options.deprecated.as_ref().map(|d| d.value.as_str()));
    let cache = match (&options.cache, cache_version) {
        (Some(cache), Some(version)) => {
            let serialize = cache.serialize;
            let ignored = cache.ignored_inputs.iter().map(|i| i.value.as_str());
            quote!(::core::option::Option::Some(#p::CacheConfig {
                version: #version,
                serialize: #serialize,
                ignored_inputs: &[#(#ignored),*],
            }))
        }
        _ => quote!(::core::option::Option::None),
    };
    let image = opt_str(options.container_image.as_ref().map(|i| i.value.as_str()));
    let environment = options.environment.iter().map(|e| {
        let (k, v) = (&e.name, &e.value);
        quote!((#k, #v))
    });
    let gpu_both = gpu_request_and_limit(&options.resources.requests, &options.resources.limits);
    let requests = resource_entries(&options.resources.requests, gpu_both, p);
    let limits = resource_entries(&options.resources.limits, gpu_both, p);
    let secrets = options.secret_requests.iter().map(|s| {
        let group = &s.group.value;
        let key = opt_str(s.key.as_ref().map(|k| k.value.as_str()));
        let version = opt_str(s.group_version.as_ref().map(|v| v.value.as_str()));
        let env_var = opt_str(s.env_var.as_ref().map(|v| v.value.as_str()));
        let mount = match s.mount {
            MountRequirement::Any => quote!(#p::SecretMount::Any),
            MountRequirement::EnvVar => quote!(#p::SecretMount::EnvVar),
            MountRequirement::File => quote!(#p::SecretMount::File),
        };
        quote!(#p::SecretRequest { group: #group, key: #key, group_version: #version, mount: #mount, env_var: #env_var })
    });
    let accelerator = match &options.accelerator {
        Some(a) => {
            let device = &a.device.value;
            let (size, unpartitioned) = match &a.partition {
                Some(AcceleratorPartition::Size(size)) => (opt_str(Some(&size.value)), false),
                Some(AcceleratorPartition::Unpartitioned) => (opt_str(None), true),
                None => (opt_str(None), false),
            };
            quote!(::core::option::Option::Some(#p::Accelerator { device: #device, partition_size: #size, unpartitioned: #unpartitioned }))
        }
        None => quote!(::core::option::Option::None),
    };
    let shared_memory = match &options.shared_memory {
        Some(shm) => {
            let size = opt_str(shm.size_limit.as_ref().map(|s| s.value.as_str()));
            quote!(::core::option::Option::Some(#size))
        }
        None => quote!(::core::option::Option::None),
    };
    let pod_template = opt_str(options.pod_template_name.as_ref().map(|p| p.value.as_str()));
    let source_code = opt_str(options.source_code.as_ref().map(|s| s.value.as_str()));
    let enable_deck = options.enable_deck.as_ref().is_some_and(|d| d.value);
    let raw_container = match raw_container {
        Some(raw) => quote!(::core::option::Option::Some(#raw)),
        None => quote!(::core::option::Option::None),
    };
    let fields = [
        ("name", name),
        ("task_type", task_type),
        ("retries", quote!(#retries)),
        ("timeout", timeout),
        ("interruptible", interruptible),
        ("deprecated", deprecated),
        ("cache", cache),
        ("container_image", image),
        ("environment", quote!(&[#(#environment),*])),
        ("requests", quote!(&[#(#requests),*])),
        ("limits", quote!(&[#(#limits),*])),
        ("secrets", quote!(&[#(#secrets),*])),
        ("accelerator", accelerator),
        ("shared_memory", shared_memory),
        ("pod_template_name", pod_template),
        ("enable_deck", quote!(#enable_deck)),
        ("source_code", source_code),
        ("raw_container", raw_container),
    ];
    // Only the options given: the rest comes from `TaskConfig::DEFAULT`, which keeps the
    // generated code (and the compiler's work on it) small for the usual bare `#[task]`.
    let unset = [
        quote!(::core::option::Option::None).to_string(),
        quote!(&[]).to_string(),
        quote!(0u32).to_string(),
        quote!(false).to_string(),
    ];
    let given = fields.iter().filter_map(|(field, value)| {
        let field = format_ident!("{}", field);
        (!unset.contains(&value.to_string())).then(|| quote!(#field: #value,))
    });
    quote! {
        #p::TaskConfig { #(#given)* ..#p::TaskConfig::DEFAULT }
    }
}

/// Flyte rejects a GPU request that differs from the limit: when only one is given it is used
/// for both.
fn gpu_request_and_limit<'a>(
    requests: &'a ResourceSet,
    limits: &'a ResourceSet,
) -> Option<&'a str> {
    match (&requests.gpu, &limits.gpu) {
        (Some(gpu), None) | (None, Some(gpu)) => Some(gpu.value.as_str()),
        _ => None,
    }
}

fn resource_entries<'a>(
    set: &'a ResourceSet,
    gpu_both: Option<&'a str>,
    p: &'a TokenStream,
) -> impl Iterator<Item = TokenStream> + 'a {
    ResourceKind::ALL.into_iter().filter_map(move |kind| {
        let value = match (kind, set.get(kind)) {
            (_, Some(value)) => value.value.as_str(),
            (ResourceKind::Gpu, None) => gpu_both?,
            (_, None) => return None,
        };
        let resource = match kind {
            ResourceKind::Cpu => quote!(#p::Resource::Cpu),
            ResourceKind::Memory => quote!(#p::Resource::Memory),
            ResourceKind::Gpu => quote!(#p::Resource::Gpu),
            ResourceKind::EphemeralStorage => quote!(#p::Resource::EphemeralStorage),
        };
        Some(quote!((#resource, #value)))
    })
}

trait UnrawString {
    fn unraw_string(&self) -> String;
}

impl UnrawString for syn::Ident {
    fn unraw_string(&self) -> String {
        use syn::ext::IdentExt;
        self.unraw().to_string()
    }
}
