//! Code generation of `#[derive(FlyteType)]` (see the module docs of `derive`).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr};

use super::attrs::{container_attrs, field_attrs, ContainerAttrs, RenameRule};
use crate::ctxt::Ctxt;

struct NamedField<'a> {
    member: &'a syn::Ident,
    ty: &'a syn::Type,
    write_name: String,
    read_name: String,
    skip: bool,
    default: bool,
}

/// Expands the derive, or returns every error found.
pub fn expand(item: &DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::new();
    let container = container_attrs(&cx, &item.attrs);
    let body = match &item.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(fields) => expand_struct(&cx, item, &container, fields),
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                expand_newtype(item, &container, fields)
            }
            Fields::Unnamed(fields) => {
                cx.error_spanned_by(
                    fields,
                    "`FlyteType` cannot be derived for a tuple struct with several fields: \
                     flytekit dataclasses have named fields; name them, e.g. `struct Point { x: f64, y: f64 }`",
                );
                None
            }
            Fields::Unit => {
                cx.error_spanned_by(
                    &item.ident,
                    "`FlyteType` cannot be derived for a unit struct, which carries no value: give it \
                     named fields, or use `()` where no value is meant",
                );
                None
            }
        },
        Data::Enum(data) => expand_enum(&cx, item, &container, data),
        Data::Union(data) => {
            cx.error_spanned_by(
                data.union_token,
                "`FlyteType` cannot be derived for a union; use a struct or an enum of unit variants",
            );
            None
        }
    };
    cx.finish(())?;
    Ok(body.unwrap_or_default())
}

fn crate_path(container: &ContainerAttrs) -> TokenStream {
    match &container.crate_path {
        Some(path) => quote!(#path),
        None => quote!(::flytekit),
    }
}

/// `impl<..> FlyteType for Name<..> where <every type parameter>: FlyteType`.
fn impl_header(item: &DeriveInput, krate: &TokenStream) -> TokenStream {
    let mut generics = item.generics.clone();
    let params: Vec<syn::Ident> = generics.type_params().map(|p| p.ident.clone()).collect();
    let where_clause = generics.make_where_clause();
    for param in params {
        where_clause
            .predicates
            .push(syn::parse_quote!(#param: #krate::__private::FlyteType));
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let name = &item.ident;
    quote!(impl #impl_generics #krate::__private::FlyteType for #name #ty_generics #where_clause)
}

fn expand_struct(
    cx: &Ctxt,
    item: &DeriveInput,
    container: &ContainerAttrs,
    fields: &syn::FieldsNamed,
) -> Option<TokenStream> {
    let krate = crate_path(container);
    let p = quote!(#krate::__private);
    let name = &item.ident;
    let rust_name = name.to_string();

    let fields: Vec<NamedField> = fields
        .named
        .iter()
        .filter_map(|field| {
            let member = field.ident.as_ref()?;
            let attrs = field_attrs(cx, &field.attrs);
            let plain = member.to_string();
            let plain = plain.strip_prefix("r#").unwrap_or(&plain).to_string();
            let renamed = container
                .rename_all
                .map_or(plain.clone(), |rule: RenameRule| {
                    rule.apply_to_field(&plain)
                });
            Some(NamedField {
                member,
                ty: &field.ty,
                write_name: attrs.write_name.unwrap_or_else(|| renamed.clone()),
                read_name: attrs.read_name.unwrap_or(renamed),
                skip: attrs.skip,
                default: attrs.default,
            })
        })
        .collect();

    let mut seen: Vec<&NamedField> = Vec::new();
    for field in fields.iter().filter(|f| !f.skip) {
        if let Some(first) = seen.iter().find(|f| f.write_name == field.write_name) {
            cx.error_spanned_by(
                field.member,
                format!(
                    "field `{}` has the Flyte name `{}`, like field `{}`: give one of them \
                     another name with `#[serde(rename = \"...\")]`",
                    field.member, field.write_name, first.member
                ),
            );
        }
        seen.push(field);
    }

    let written: Vec<&NamedField> = fields.iter().filter(|f| !f.skip).collect();
    let type_entries = written.iter().map(|f| {
        let (ty, key) = (f.ty, &f.write_name);
        // The bound check sits on the field's type, so a field of an unsupported type is an
        // error on that field, naming `FlyteType`.
        quote_spanned!(ty.span()=> (#key, <#ty as #p::FlyteType>::literal_type()))
    });
    let field_count = written.len();
    let writes = written.iter().map(|f| {
        let (member, key, ty) = (f.member, &f.write_name, f.ty);
        quote_spanned! {ty.span()=>
            #p::types::struct_key(out, #key);
            <#ty as #p::FlyteType>::write_msgpack(&self.#member, out).map_err(|e| e.at_field(#key))?;
        }
    });
    // Every use of a field's type is `<T as Trait>` at the type's span: a field of an unsupported
    // type is then one error on the type (identical diagnostics are shown once), and a skipped or
    // defaulted field whose type lacks `Default` is an error on the type too.
    let reads = fields.iter().map(|f| {
        let (member, key, ty) = (f.member, &f.read_name, f.ty);
        let default = quote_spanned!(ty.span()=> <#ty as ::core::default::Default>::default());
        if f.skip {
            quote!(#member: #default)
        } else {
            let missing = if f.default {
                quote_spanned!(ty.span()=> || ::core::option::Option::Some(#default))
            } else {
                quote_spanned!(ty.span()=> <#ty as #p::FlyteType>::msgpack_default)
            };
            quote_spanned! {ty.span()=>
                #member: #p::types::struct_field(entries, #key, <#ty as #p::FlyteType>::read_msgpack, #missing)?
            }
        }
    });
    let streamed = stream_reads(&fields, &p);
    let header = impl_header(item, &krate);
    let fields_impl = promise_fields(item, &written, &p);
    Some(quote! {
        #fields_impl

        #[automatically_derived]
        #header {
            fn literal_type() -> #p::LiteralType {
                #p::types::struct_literal_type(::std::vec![#(#type_entries),*])
            }

            fn union_tag() -> &'static str {
                #p::types::UNION_TAG_DATACLASS
            }

            fn to_literal(&self) -> ::core::result::Result<#p::Literal, #p::TypeError> {
                #p::types::struct_to_literal(self)
            }

            fn from_literal(literal: &#p::Literal) -> ::core::result::Result<Self, #p::TypeError> {
                #p::types::struct_from_literal(literal, #rust_name)
            }

            fn write_msgpack(&self, out: &mut ::std::vec::Vec<u8>) -> ::core::result::Result<(), #p::TypeError> {
                #p::types::struct_header(out, #field_count)?;
                #(#writes)*
                ::core::result::Result::Ok(())
            }

            fn read_msgpack(value: &#p::rmpv::ValueRef<'_>) -> ::core::result::Result<Self, #p::TypeError> {
                let entries = #p::types::struct_map(value, #rust_name)?;
                ::core::result::Result::Ok(#name { #(#reads),* })
            }

            #streamed
        }
    })
}

/// The derived `read_msgpack_from`: the struct's map read in place, each field into an
/// `Option` slot (a local per field, `__flytekit_slot_N`), then the struct built from the slots.
/// It reads what the tree reader `read_msgpack` reads; input that is not a map goes to it.
fn stream_reads(fields: &[NamedField], p: &TokenStream) -> TokenStream {
    let read: Vec<&NamedField> = fields.iter().filter(|f| !f.skip).collect();
    let slots: Vec<_> = (0..read.len())
        .map(|i| quote::format_ident!("__flytekit_slot_{}", i))
        .collect();
    let keys: Vec<&String> = read.iter().map(|f| &f.read_name).collect();
    let declarations = read.iter().zip(&slots).map(|(f, slot)| {
        let ty = f.ty;
        quote!(let mut #slot: ::core::option::Option<#ty> = ::core::option::Option::None;)
    });
    let arms = read.iter().zip(&slots).enumerate().map(|(i, (f, slot))| {
        let (key, ty) = (&f.read_name, f.ty);
        quote_spanned! {ty.span()=>
            #i => #p::types::struct_slot(&mut #slot, __reader, #key, <#ty as #p::FlyteType>::read_msgpack_from),
        }
    });
    let mut slot_iter = slots.iter();
    let values = fields.iter().map(|f| {
        let (member, key, ty) = (f.member, &f.read_name, f.ty);
        let default = quote_spanned!(ty.span()=> <#ty as ::core::default::Default>::default());
        if f.skip {
            return quote!(#member: #default);
        }
        let slot = slot_iter.next();
        let missing = if f.default {
            quote_spanned!(ty.span()=> || ::core::option::Option::Some(#default))
        } else {
            quote_spanned!(ty.span()=> <#ty as #p::FlyteType>::msgpack_default)
        };
        quote_spanned! {ty.span()=>
            #member: #p::types::struct_slot_value(#slot, #key, #missing)?
        }
    });
    quote! {
        fn read_msgpack_from(__reader: &mut #p::types::MsgpackReader<'_>) -> ::core::result::Result<Self, #p::TypeError> {
            #(#declarations)*
            let __is_map = #p::types::struct_read_fields(__reader, &[#(#keys),*], &mut |__index, __reader| match __index {
                #(#arms)*
                _ => __reader.skip_value(),
            })?;
            if !__is_map {
                return <Self as #p::FlyteType>::read_msgpack(&__reader.read_value()?);
            }
            ::core::result::Result::Ok(Self { #(#values),* })
        }
    }
}

/// For a non-generic struct: a hidden struct of field promises and `HasFields`, so a workflow
/// can read `point.x` from a `Promise<Point>` (an attribute-path promise, checked by rustc).
fn promise_fields(item: &DeriveInput, fields: &[&NamedField], p: &TokenStream) -> TokenStream {
    if !item.generics.params.is_empty() {
        return TokenStream::new();
    }
    let name = &item.ident;
    let vis = &item.vis;
    let fields_name = quote::format_ident!("__FlytekitFieldsOf{}", name);
    let members: Vec<_> = fields.iter().map(|f| f.member).collect();
    let types: Vec<_> = fields.iter().map(|f| f.ty).collect();
    let keys: Vec<_> = fields.iter().map(|f| &f.write_name).collect();
    let doc = format!("The field promises of a `Promise<{name}>` in a workflow.");
    quote! {
        #[doc = #doc]
        #[doc(hidden)]
        #[allow(non_camel_case_types, missing_docs)]
        #vis struct #fields_name {
            #(pub #members: #p::Promise<#types>,)*
        }

        #[automatically_derived]
        impl #p::HasFields for #name {
            type Fields = #fields_name;
            fn fields(builder: &mut #p::WorkflowBuilder, promise: #p::Promise<Self>) -> #fields_name {
                #fields_name { #(#members: builder.field::<Self, #types>(promise, #keys),)* }
            }
        }
    }
}

fn expand_newtype(
    item: &DeriveInput,
    container: &ContainerAttrs,
    fields: &syn::FieldsUnnamed,
) -> Option<TokenStream> {
    let krate = crate_path(container);
    let p = quote!(#krate::__private);
    let name = &item.ident;
    let ty = &fields.unnamed.first()?.ty;
    let header = impl_header(item, &krate);
    let inner = quote_spanned!(ty.span()=> <#ty as #p::FlyteType>);
    Some(quote! {
        #[automatically_derived]
        #header {
            fn literal_type() -> #p::LiteralType {
                #inner::literal_type()
            }

            fn union_tag() -> &'static str {
                #inner::union_tag()
            }

            fn to_literal(&self) -> ::core::result::Result<#p::Literal, #p::TypeError> {
                #inner::to_literal(&self.0)
            }

            fn from_literal(literal: &#p::Literal) -> ::core::result::Result<Self, #p::TypeError> {
                #inner::from_literal(literal).map(#name)
            }

            fn write_msgpack(&self, out: &mut ::std::vec::Vec<u8>) -> ::core::result::Result<(), #p::TypeError> {
                #inner::write_msgpack(&self.0, out)
            }

            fn read_msgpack(value: &#p::rmpv::ValueRef<'_>) -> ::core::result::Result<Self, #p::TypeError> {
                #inner::read_msgpack(value).map(#name)
            }

            fn read_msgpack_from(reader: &mut #p::types::MsgpackReader<'_>) -> ::core::result::Result<Self, #p::TypeError> {
                #inner::read_msgpack_from(reader).map(#name)
            }

            fn msgpack_default() -> ::core::option::Option<Self> {
                #inner::msgpack_default().map(#name)
            }
        }
    })
}

fn expand_enum(
    cx: &Ctxt,
    item: &DeriveInput,
    container: &ContainerAttrs,
    data: &syn::DataEnum,
) -> Option<TokenStream> {
    let krate = crate_path(container);
    let p = quote!(#krate::__private);
    let name = &item.ident;
    let rust_name = name.to_string();
    if !item.generics.params.is_empty() {
        cx.error_spanned_by(
            &item.generics,
            "a Flyte enum cannot be generic: its values are fixed strings; remove the type \
             parameters",
        );
    }
    if data.variants.is_empty() {
        cx.error_spanned_by(
            name,
            "a Flyte enum needs at least one variant: add a unit variant, e.g. `enum Color { Red }`",
        );
    }
    let mut values = Vec::new();
    let mut idents = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            cx.error_spanned_by(
                &variant.fields,
                format!(
                    "variant `{}` carries data, but a Flyte enum is a set of strings; use unit \
                     variants only, or a struct with an enum field for the kind",
                    variant.ident
                ),
            );
            continue;
        }
        let attrs = field_attrs(cx, &variant.attrs);
        let plain = variant.ident.to_string();
        let value = attrs.write_name.unwrap_or_else(|| {
            container
                .rename_all
                .map_or(plain.clone(), |rule| rule.apply_to_variant(&plain))
        });
        if let Some(first) = values.iter().position(|seen| *seen == value) {
            cx.error_spanned_by(
                &variant.ident,
                format!(
                    "variant `{}` has the Flyte value `{value}`, like variant `{}`: give one of \
                     them another value with `#[serde(rename = \"...\")]`",
                    variant.ident, idents[first]
                ),
            );
        }
        values.push(value);
        idents.push(&variant.ident);
    }
    if cx.has_errors() {
        return None;
    }
    let value_lits: Vec<LitStr> = values
        .iter()
        .map(|v| LitStr::new(v, proc_macro2::Span::call_site()))
        .collect();
    let indices = 0..idents.len();
    let indices2 = 0..idents.len();
    let header = impl_header(item, &krate);
    Some(quote! {
        #[automatically_derived]
        #header {
            fn literal_type() -> #p::LiteralType {
                #p::types::enum_literal_type(&[#(#value_lits),*])
            }

            fn union_tag() -> &'static str {
                #p::types::UNION_TAG_ENUM
            }

            fn to_literal(&self) -> ::core::result::Result<#p::Literal, #p::TypeError> {
                ::core::result::Result::Ok(#p::types::enum_to_literal(match self {
                    #(#name::#idents => #value_lits),*
                }))
            }

            fn from_literal(literal: &#p::Literal) -> ::core::result::Result<Self, #p::TypeError> {
                match #p::types::enum_from_literal(literal, #rust_name, &[#(#value_lits),*])? {
                    #(#indices => ::core::result::Result::Ok(#name::#idents),)*
                    other => ::core::result::Result::Err(#p::TypeError::new(::std::format!("no variant {}", other))),
                }
            }

            fn write_msgpack(&self, out: &mut ::std::vec::Vec<u8>) -> ::core::result::Result<(), #p::TypeError> {
                #p::rmp::encode::write_str(out, match self {
                    #(#name::#idents => #value_lits),*
                }).map_err(|e| #p::TypeError::new(::std::string::ToString::to_string(&e)))
            }

            fn read_msgpack(value: &#p::rmpv::ValueRef<'_>) -> ::core::result::Result<Self, #p::TypeError> {
                match #p::types::enum_read_msgpack(value, #rust_name, &[#(#value_lits),*])? {
                    #(#indices2 => ::core::result::Result::Ok(#name::#idents),)*
                    other => ::core::result::Result::Err(#p::TypeError::new(::std::format!("no variant {}", other))),
                }
            }
        }
    })
}
