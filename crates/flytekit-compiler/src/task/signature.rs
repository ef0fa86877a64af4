//! The signature of a `#[task]` function.
//!
//! Consumes the user's `syn::ItemFn`; produces a [`TaskSignature`] (name, asyncness, named and
//! typed inputs with their `#[default(...)]` values, and the outputs with any `Result` unwrapped)
//! and reports every signature a Flyte task cannot have: generics, `self`, patterns instead of
//! names, `impl Trait`, references, `const` / `unsafe` / `extern` functions, variadics, and
//! malformed or repeated `#[default]` attributes. Also produces the function with the
//! `#[default]` attributes removed ([`without_default_attributes`]), the only change made to the
//! user's code: rustc does not know that attribute.

use proc_macro2::Ident;
use syn::ext::IdentExt;
use syn::{
    Attribute, Expr, FnArg, GenericArgument, ItemFn, Meta, Pat, PathArguments, ReturnType,
    Signature, Type, TypePath,
};

use crate::attr::text::tokens_text;
use crate::ctxt::Ctxt;

/// The interface of a task, read from its function signature.
#[derive(Debug, Clone)]
pub struct TaskSignature {
    /// The function name.
    pub ident: Ident,
    /// Whether the function is `async`.
    pub is_async: bool,
    /// The parameters, in order. Parameters with errors are left out.
    pub inputs: Vec<TaskInput>,
    /// The return type, decomposed.
    pub output: TaskOutput,
}

/// One parameter of a task, which is one Flyte input.
#[derive(Debug, Clone)]
pub struct TaskInput {
    /// The parameter name as written (possibly raw, `r#type`); see [`TaskInput::name`].
    pub ident: Ident,
    /// The declared type.
    pub ty: Type,
    /// The value of `#[default(expr)]`, if any: the input's default in the Flyte interface.
    pub default: Option<Expr>,
    /// From the `# Arguments` section of the doc comment, if documented there.
    pub description: Option<String>,
}

impl TaskInput {
    /// The Flyte input name: the parameter name without `r#`.
    pub fn name(&self) -> String {
        self.ident.unraw().to_string()
    }
}

/// What a task returns.
#[derive(Debug, Clone)]
pub struct TaskOutput {
    /// The return type as written; `None` when there is no `->`.
    pub declared: Option<Type>,
    /// The values the task produces, after unwrapping a `Result`.
    pub values: OutputValues,
    /// `Some` when the return type is a `Result`.
    pub result: Option<ResultOutput>,
}

/// The values a task produces (Flyte outputs `o0`, `o1`, ...).
#[derive(Debug, Clone)]
pub enum OutputValues {
    /// No outputs: no return type, `()`, or `Result<(), E>`.
    Unit,
    /// One output of this type (boxed: a `syn::Type` is large and most tasks have one output).
    Single(Box<Type>),
    /// One output per element of a tuple type (a one-element tuple `(T,)` gives one output).
    Tuple(Vec<Type>),
}

impl OutputValues {
    /// The output types in order (empty for [`OutputValues::Unit`]).
    pub fn types(&self) -> Vec<&Type> {
        match self {
            Self::Unit => Vec::new(),
            Self::Single(ty) => vec![ty],
            Self::Tuple(types) => types.iter().collect(),
        }
    }
}

/// A `Result` return type. Recognised by the last path segment being `Result` with one or two
/// type arguments, so `std::io::Result<T>` and `anyhow::Result<T>` count; a type alias without
/// arguments (`type Res = Result<i64, E>`) cannot be seen through and is a single output.
#[derive(Debug, Clone)]
pub struct ResultOutput {
    /// The success type as written (`T` of `Result<T, E>`).
    pub ok: Type,
    /// The error type, `None` for one-argument aliases such as `anyhow::Result<T>`.
    pub err: Option<Type>,
}

const GENERIC_MESSAGE: &str = "tasks cannot be generic: Flyte needs one concrete interface per \
                               task; write a non-generic wrapper";

/// Models the signature of a `#[task]` function, reporting every problem to `ctxt`. The model is
/// complete enough for a stub even when errors were reported.
pub fn parse_task_signature(ctxt: &Ctxt, item: &ItemFn) -> TaskSignature {
    let signature = &item.sig;
    check_function_kind(ctxt, signature);
    let mut inputs: Vec<TaskInput> = Vec::new();
    for argument in &signature.inputs {
        let typed = match argument {
            FnArg::Receiver(receiver) => {
                ctxt.error_spanned_by(
                    receiver,
                    "a task or workflow cannot take `self`: it is a free function; move it out \
                     of the `impl` block and pass what it needs as parameters",
                );
                continue;
            }
            FnArg::Typed(typed) => typed,
        };
        let default = parse_default_attribute(ctxt, &typed.attrs, &typed.pat)
            .map(|expr| string_literal_as_owned(expr, &typed.ty));
        check_type(ctxt, &typed.ty, Position::Input);
        let Some(ident) = parameter_name(ctxt, &typed.pat) else {
            continue;
        };
        if inputs.iter().any(|seen| ident.unraw() == seen.name()) {
            ctxt.error_spanned_by(
                ident,
                format!(
                    "duplicate parameter `{}`: each task input needs its own name",
                    ident.unraw()
                ),
            );
            continue;
        }
        inputs.push(TaskInput {
            ident: ident.clone(),
            ty: (*typed.ty).clone(),
            default,
            description: None,
        });
    }
    if let Some(extra) = signature.inputs.iter().nth(MAX_ARITY) {
        ctxt.error_spanned_by(
            extra,
            format!(
                "a task takes at most {MAX_ARITY} inputs: group related inputs in a struct with \
                 `#[derive(FlyteType)]`"
            ),
        );
    }
    let output = parse_output(ctxt, &signature.output);
    if let (OutputValues::Tuple(types), ReturnType::Type(_, ty)) =
        (&output.values, &signature.output)
    {
        if types.len() > MAX_ARITY {
            ctxt.error_spanned_by(
                ty,
                format!(
                    "a task returns at most {MAX_ARITY} outputs: group related outputs in a \
                     struct with `#[derive(FlyteType)]`"
                ),
            );
        }
    }
    TaskSignature {
        ident: signature.ident.clone(),
        is_async: signature.asyncness.is_some(),
        inputs,
        output,
    }
}

/// The most inputs, and outputs, of a task: the sync runner (`flytekit_core::run_sync`) reads
/// arguments and writes outputs through tuples up to this size.
const MAX_ARITY: usize = 16;

/// Reports `const`, `unsafe`, `extern`, generics, where clauses and variadics.
fn check_function_kind(ctxt: &Ctxt, signature: &Signature) {
    if let Some(constness) = &signature.constness {
        ctxt.error_spanned_by(
            constness,
            "tasks cannot be `const fn`: a task runs when Flyte schedules it; remove `const`",
        );
    }
    if let Some(unsafety) = &signature.unsafety {
        ctxt.error_spanned_by(
            unsafety,
            "tasks cannot be `unsafe fn`: Flyte calls a task with no way to uphold its safety \
             conditions; remove `unsafe` and use an `unsafe` block inside the body",
        );
    }
    if let Some(abi) = &signature.abi {
        ctxt.error_spanned_by(
            abi,
            "tasks cannot have an `extern` ABI: Flyte calls a task as a Rust function; remove \
             the `extern` and write a separate `extern` function if one is needed",
        );
    }
    if !signature.generics.params.is_empty() {
        ctxt.error_spanned_by(&signature.generics, GENERIC_MESSAGE);
    }
    if let Some(where_clause) = &signature.generics.where_clause {
        ctxt.error_spanned_by(where_clause, GENERIC_MESSAGE);
    }
    if let Some(variadic) = &signature.variadic {
        ctxt.error_spanned_by(
            variadic,
            "tasks cannot be variadic: Flyte needs a fixed list of named inputs; take a `Vec` \
             instead",
        );
    }
}

/// The name a parameter binds, or an error saying to bind it to a name.
fn parameter_name<'a>(ctxt: &Ctxt, pattern: &'a Pat) -> Option<&'a Ident> {
    match pattern {
        Pat::Ident(binding) if binding.subpat.is_none() => Some(&binding.ident),
        Pat::Wild(_) => {
            ctxt.error_spanned_by(
                pattern,
                "task parameters need a name, since each is a named Flyte input: write \
                 `_unused: T` instead of `_: T`",
            );
            None
        }
        _ => {
            ctxt.error_spanned_by(
                pattern,
                "bind the parameter to a name, since each task parameter is a named Flyte \
                 input: write `pair: (i64, i64)` and destructure it in the body, instead of \
                 `(a, b): (i64, i64)`",
            );
            None
        }
    }
}

/// The value of the parameter's `#[default(expr)]` attribute, if it has exactly one well-formed
/// one; reports malformed and repeated ones.
fn parse_default_attribute(ctxt: &Ctxt, attrs: &[Attribute], pattern: &Pat) -> Option<Expr> {
    let parameter = match pattern {
        Pat::Ident(binding) => format!(" on parameter `{}`", binding.ident.unraw()),
        _ => String::new(),
    };
    let mut default: Option<Expr> = None;
    let mut seen_default = false;
    for attr in attrs.iter().filter(|attr| is_default_attribute(attr)) {
        if seen_default {
            ctxt.error_spanned_by(
                attr,
                format!("duplicate `#[default]`{parameter}: give one default value"),
            );
            continue;
        }
        seen_default = true;
        default = match &attr.meta {
            Meta::List(list) if list.tokens.is_empty() => {
                report_default_without_value(ctxt, attr);
                None
            }
            Meta::List(_) => ctxt.ok(attr.parse_args::<Expr>()),
            Meta::NameValue(name_value) => {
                ctxt.error_spanned_by(
                    attr,
                    format!(
                        "write `#[default({})]`, with the value in parentheses",
                        tokens_text(&name_value.value)
                    ),
                );
                None
            }
            Meta::Path(_) => {
                report_default_without_value(ctxt, attr);
                None
            }
        };
    }
    default
}

/// `#[default("eu")]` on a `String` input: a string literal is a `&str`, so it becomes
/// `String::from("eu")`; every other default is used as written (a string literal on another
/// type stays a type error on the literal).
fn string_literal_as_owned(expr: Expr, ty: &syn::Type) -> Expr {
    let is_string = matches!(ty, syn::Type::Path(path)
        if path.qself.is_none() && path.path.segments.last().is_some_and(|s| s.ident == "String"));
    match &expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) if is_string => {
            syn::parse_quote_spanned!(text.span()=> ::std::string::String::from(#text))
        }
        _ => expr,
    }
}

fn report_default_without_value(ctxt: &Ctxt, attr: &Attribute) {
    ctxt.error_spanned_by(
        attr,
        "`#[default]` needs a value, e.g. `#[default(3)] b: i64`",
    );
}

fn is_default_attribute(attr: &Attribute) -> bool {
    attr.path().is_ident("default")
}

/// `item` without the `#[default(...)]` attributes on its parameters: what the macro emits in
/// place of the user's function (rustc would reject the unknown attribute). Nothing else changes.
pub fn without_default_attributes(item: &ItemFn) -> ItemFn {
    let mut item = item.clone();
    for argument in &mut item.sig.inputs {
        if let FnArg::Typed(typed) = argument {
            typed.attrs.retain(|attr| !is_default_attribute(attr));
        }
    }
    item
}

fn parse_output(ctxt: &Ctxt, output: &ReturnType) -> TaskOutput {
    let declared = match output {
        ReturnType::Default => {
            return TaskOutput {
                declared: None,
                values: OutputValues::Unit,
                result: None,
            }
        }
        ReturnType::Type(_, ty) => (**ty).clone(),
    };
    if let Type::Never(never) = strip_type_groups(&declared) {
        ctxt.error_spanned_by(
            never,
            "tasks cannot return `!`: a task must finish with its outputs; return \
             `Result<T, E>` to fail with an error",
        );
    }
    check_type(ctxt, &declared, Position::Output);
    let result = result_output(&declared);
    let values = match &result {
        Some(result) => output_values(&result.ok),
        None => output_values(&declared),
    };
    TaskOutput {
        declared: Some(declared),
        values,
        result,
    }
}

/// `Some` if `ty` is `...::Result<T>` or `...::Result<T, E>`.
fn result_output(ty: &Type) -> Option<ResultOutput> {
    let Type::Path(TypePath { qself: None, path }) = strip_type_groups(ty) else {
        return None;
    };
    let last = path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    let types: Vec<&Type> = arguments
        .args
        .iter()
        .filter_map(|argument| match argument {
            GenericArgument::Type(ty) => Some(ty),
            _ => None,
        })
        .collect();
    match types.as_slice() {
        [ok] => Some(ResultOutput {
            ok: (*ok).clone(),
            err: None,
        }),
        [ok, err] => Some(ResultOutput {
            ok: (*ok).clone(),
            err: Some((*err).clone()),
        }),
        _ => None,
    }
}

fn output_values(ty: &Type) -> OutputValues {
    match strip_type_groups(ty) {
        Type::Tuple(tuple) if tuple.elems.is_empty() => OutputValues::Unit,
        Type::Tuple(tuple) => OutputValues::Tuple(tuple.elems.iter().cloned().collect()),
        _ => OutputValues::Single(Box::new(ty.clone())),
    }
}

/// Looks through `(T)` and the invisible groups `macro_rules!` puts around `$t:ty`.
fn strip_type_groups(mut ty: &Type) -> &Type {
    loop {
        match ty {
            Type::Group(group) => ty = &group.elem,
            Type::Paren(paren) => ty = &paren.elem,
            _ => return ty,
        }
    }
}

/// Where a type appears, for wording its errors.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    Input,
    Output,
}

/// Reports `impl Trait` and references anywhere inside `ty` (`Vec<&str>` too): Flyte values
/// cross process boundaries, so inputs and outputs are owned, concrete types.
fn check_type(ctxt: &Ctxt, ty: &Type, position: Position) {
    match ty {
        Type::ImplTrait(_) => {
            let message = match position {
                Position::Input => {
                    "task inputs cannot be `impl Trait`: Flyte needs one concrete type per \
                     input; take a concrete type such as `Vec<i64>`"
                }
                Position::Output => {
                    "tasks cannot return `impl Trait`: Flyte needs one concrete type per \
                     output; return a concrete type such as `Vec<i64>`"
                }
            };
            ctxt.error_spanned_by(ty, message);
        }
        Type::Reference(reference) => {
            let owned = owned_equivalent(&reference.elem);
            let written = tokens_text(ty);
            let message = match position {
                Position::Input => format!(
                    "task inputs must be owned values: take an owned `{owned}` instead of \
                     `{written}`"
                ),
                Position::Output => format!(
                    "task outputs must be owned values: return an owned `{owned}` instead of \
                     `{written}`"
                ),
            };
            ctxt.error_spanned_by(ty, message);
        }
        Type::Path(path) => {
            for segment in &path.path.segments {
                if let PathArguments::AngleBracketed(arguments) = &segment.arguments {
                    for argument in &arguments.args {
                        match argument {
                            GenericArgument::Type(inner) => check_type(ctxt, inner, position),
                            GenericArgument::AssocType(assoc) => {
                                check_type(ctxt, &assoc.ty, position)
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        Type::Tuple(tuple) => {
            for element in &tuple.elems {
                check_type(ctxt, element, position);
            }
        }
        Type::Array(array) => check_type(ctxt, &array.elem, position),
        Type::Slice(slice) => check_type(ctxt, &slice.elem, position),
        Type::Paren(paren) => check_type(ctxt, &paren.elem, position),
        Type::Group(group) => check_type(ctxt, &group.elem, position),
        // Function pointers, trait objects, raw pointers and macros are not Flyte types either,
        // but rustc reports that precisely through the missing `FlyteType` implementation.
        _ => {}
    }
}

/// The owned type to suggest in place of `&elem`: `String` for `str`, `Vec<T>` for `[T]`,
/// `PathBuf` for `Path`, else `elem` itself.
fn owned_equivalent(elem: &Type) -> String {
    match strip_type_groups(elem) {
        Type::Path(path) if path.qself.is_none() && path.path.is_ident("str") => "String".into(),
        Type::Path(path) if path.qself.is_none() && path.path.is_ident("Path") => "PathBuf".into(),
        Type::Slice(slice) => format!("Vec<{}>", tokens_text(&slice.elem)),
        other => tokens_text(other),
    }
}

#[cfg(test)]
#[path = "signature_tests.rs"]
mod tests;
