//! The `#[task(...)]` attribute arguments.
//!
//! Consumes the token stream inside `#[task(...)]`; produces [`TaskOptions`], a plain typed model
//! in which every value is already validated, and reports every problem of the attribute to the
//! [`Ctxt`] at once (unknown or duplicate options, wrong value kinds, invalid durations and
//! quantities, conflicting options). Options with errors are left out of the model, so the rest
//! can still be used to emit a stub. The compound options live in their own files: [`cache`],
//! [`resources`], [`secrets`] and [`extended`] (accelerator, shared memory).

pub mod cache;
pub mod extended;
pub mod resources;
pub mod secrets;

#[cfg(test)]
mod tests;

use std::time::Duration;

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::{Expr, ExprLit, ExprPath, Lit, LitInt, Meta};

use crate::attr::args::{
    expect_flag_or_bool, expect_list, expect_nonempty_string, expect_string, expect_value,
    expr_text, invalid_value, parse_args, parse_meta_list, strip_invisible_groups, Arg, ArgList,
};
use crate::attr::duration::{parse_duration, DurationError};
use crate::attr::output_names::parse_output_names;
use crate::attr::Spanned;
use crate::ctxt::Ctxt;

pub use cache::CacheOptions;
pub use extended::{Accelerator, AcceleratorPartition, SharedMemory};
pub use resources::{ResourceKind, ResourceSet, Resources};
pub use secrets::{MountRequirement, SecretRequest};

/// Everything `#[task(...)]` can set. `None` / empty means "not written": the code generator
/// applies the defaults (flytekit's, unless DESIGN.md says otherwise).
#[derive(Debug, Clone, Default)]
pub struct TaskOptions {
    /// `name = "..."`: the task name registered with Flyte (default: module path + fn name).
    pub name: Option<Spanned<String>>,
    /// `retries = n`, 0 to 10 (Flyte's `RetryStrategy` allows at most 10).
    pub retries: Option<Spanned<u32>>,
    /// `timeout = "1h30m"`, always longer than zero.
    pub timeout: Option<Spanned<Duration>>,
    /// `interruptible` / `interruptible = true|false`. `Some(false)` is meaningful: it overrides
    /// an interruptible default set by a workflow or launch plan.
    pub interruptible: Option<Spanned<bool>>,
    /// `deprecated = "message"`: Flyte's `deprecated_error_message`, never empty.
    pub deprecated: Option<Spanned<String>>,
    /// `cache`, `cache = true` or `cache(...)`: `Some` means caching is on. `cache = false` is
    /// accepted and leaves this `None`.
    pub cache: Option<CacheOptions>,
    /// `container_image = "..."`, never empty.
    pub container_image: Option<Spanned<String>>,
    /// `environment(KEY = "value", ...)`, in source order, names unique.
    pub environment: Vec<EnvironmentVariable>,
    /// `requests(...)`, `limits(...)` or `resources(...)`, merged into requests and limits.
    pub resources: Resources,
    /// `secret_requests(secret(...), ...)`, in source order.
    pub secret_requests: Vec<SecretRequest>,
    /// `accelerator = "device"` or `accelerator(device = "...", ...)`.
    pub accelerator: Option<Accelerator>,
    /// `shared_memory` or `shared_memory = "1Gi"`; `shared_memory = false` leaves this `None`.
    pub shared_memory: Option<SharedMemory>,
    /// `pod_template_name = "..."`, a valid Kubernetes resource name.
    pub pod_template_name: Option<Spanned<String>>,
    /// `enable_deck` / `enable_deck = bool`: the task writes a deck (`deck.html`).
    pub enable_deck: Option<Spanned<bool>>,
    /// `docs = "..."`: replaces the doc comment as the task's description (may be empty).
    pub docs: Option<Spanned<String>>,
    /// `source_code = "https://..."`: a link to the task's source, never empty.
    pub source_code: Option<Spanned<String>>,
    /// `task_type = "spark"`: the plugin task type (default decided by the code generator).
    pub task_type: Option<Spanned<String>>,
    /// `crate = "::path"` or `crate = ::path`: where generated code finds flytekit.
    pub crate_path: Option<syn::Path>,
    /// `outputs(total, count)`: names for the outputs, in order (default `o0`, `o1`, ...).
    pub outputs: Option<Spanned<Vec<String>>>,
}

/// One `KEY = "value"` of `environment(...)`.
#[derive(Debug, Clone)]
pub struct EnvironmentVariable {
    /// The variable name (an identifier, without `r#`).
    pub name: String,
    /// The value, verbatim.
    pub value: String,
    /// The span of the name.
    pub span: Span,
}

const TASK_OPTIONS: ArgList = ArgList {
    what: "`#[task]` option",
    allowed: &[
        "name",
        "retries",
        "timeout",
        "interruptible",
        "deprecated",
        "cache",
        "container_image",
        "environment",
        "requests",
        "limits",
        "resources",
        "secret_requests",
        "accelerator",
        "shared_memory",
        "pod_template_name",
        "enable_deck",
        "docs",
        "source_code",
        "task_type",
        "crate",
        "outputs",
    ],
    aliases: &[
        ("image", "container_image"),
        ("env", "environment"),
        ("secrets", "secret_requests"),
        ("pod_template", "pod_template_name"),
        ("description", "docs"),
        ("type", "task_type"),
        ("max_retries", "retries"),
    ],
    hints: &[
        ("cache_version", "write `cache(version = \"1.0\")` instead"),
        ("cache_serialize", "write `cache(serialize)` instead"),
        (
            "cache_ignore_input_vars",
            "write `cache(ignored_inputs = [\"name\"])` instead",
        ),
        ("cpu", RESOURCE_HINT),
        ("mem", RESOURCE_HINT),
        ("memory", RESOURCE_HINT),
        ("gpu", RESOURCE_HINT),
        (
            "disable_deck",
            "flytekit deprecated it; decks are off unless you write `enable_deck`",
        ),
        ("ephemeral_storage", RESOURCE_HINT),
    ],
};

const RESOURCE_HINT: &str = "resources go inside `requests(...)`, `limits(...)` or \
                             `resources(...)`, e.g. `requests(cpu = \"1\", mem = \"1Gi\")`";

const NAME_EXPECTED: &str = "a task name such as `name = \"my_module.my_task\"`";
const RETRIES_EXPECTED: &str =
    "an integer from 0 to 10 (Flyte allows at most 10 retries), e.g. `retries = 3`";
const TIMEOUT_EXPECTED: &str = "a duration such as `\"30s\"`, `\"5m\"` or `\"1h30m\"`";
const DEPRECATED_EXPECTED: &str = "a message such as `deprecated = \"use add_v2 instead\"`";
const IMAGE_EXPECTED: &str = "an image such as `container_image = \"ghcr.io/org/image:tag\"`";
const POD_TEMPLATE_EXPECTED: &str = "a Kubernetes resource name (lowercase letters, digits, `-` \
                                     and `.`), e.g. `pod_template_name = \"gpu-template\"`";
const SOURCE_CODE_EXAMPLE: &str =
    "source_code = \"https://github.com/org/repo/blob/main/src/tasks.rs\"";
const DOCS_EXPECTED: &str = "a string such as `docs = \"Adds two numbers.\"`";
const TASK_TYPE_EXPECTED: &str = "a plugin task type such as `task_type = \"spark\"`";
const CRATE_EXPECTED: &str = "a path such as `crate = \"::my_crate::flytekit\"`";

/// Parses the arguments of `#[task(...)]` (the tokens inside the parentheses; empty for a bare
/// `#[task]`). Every problem is reported to `ctxt`; options with errors are left unset.
pub fn parse_task_options(ctxt: &Ctxt, args: TokenStream) -> TaskOptions {
    let mut options = TaskOptions::default();
    let args = parse_args(ctxt, args, &TASK_OPTIONS);
    for arg in &args {
        parse_one_option(ctxt, arg, &mut options);
    }
    resources::check_resource_option_conflicts(ctxt, &args);
    resources::check_requests_within_limits(ctxt, &options.resources);
    options
}

fn parse_one_option(ctxt: &Ctxt, arg: &Arg, options: &mut TaskOptions) {
    let name = arg.name.as_str();
    match name {
        "name" => {
            options.name = expect_value(ctxt, arg, "name = \"my_module.my_task\"")
                .and_then(|expr| single_word(ctxt, name, expr, NAME_EXPECTED));
        }
        "retries" => {
            options.retries =
                expect_value(ctxt, arg, "retries = 3").and_then(|expr| parse_retries(ctxt, expr));
        }
        "timeout" => {
            options.timeout = expect_value(ctxt, arg, "timeout = \"1h30m\"")
                .and_then(|expr| parse_timeout(ctxt, expr));
        }
        "interruptible" => {
            options.interruptible = expect_flag_or_bool(ctxt, arg, "interruptible = false");
        }
        "enable_deck" => {
            options.enable_deck = expect_flag_or_bool(ctxt, arg, "enable_deck = true");
        }
        "deprecated" => {
            options.deprecated = expect_value(ctxt, arg, "deprecated = \"use add_v2 instead\"")
                .and_then(|expr| expect_nonempty_string(ctxt, name, expr, DEPRECATED_EXPECTED));
        }
        "cache" => options.cache = cache::parse_cache(ctxt, arg),
        "container_image" => {
            options.container_image =
                expect_value(ctxt, arg, "container_image = \"ghcr.io/org/image:tag\"")
                    .and_then(|expr| single_word(ctxt, name, expr, IMAGE_EXPECTED));
        }
        "environment" => options.environment = parse_environment(ctxt, arg),
        "requests" | "limits" | "resources" => {
            resources::parse_resource_option(ctxt, arg, &mut options.resources);
        }
        "secret_requests" => options.secret_requests = secrets::parse_secret_requests(ctxt, arg),
        "accelerator" => options.accelerator = extended::parse_accelerator(ctxt, arg),
        "shared_memory" => options.shared_memory = extended::parse_shared_memory(ctxt, arg),
        "pod_template_name" => {
            options.pod_template_name =
                expect_value(ctxt, arg, "pod_template_name = \"gpu-template\"")
                    .and_then(|expr| parse_pod_template_name(ctxt, expr));
        }
        "docs" => {
            options.docs = expect_value(ctxt, arg, "docs = \"Adds two numbers.\"")
                .and_then(|expr| expect_string(ctxt, name, expr, DOCS_EXPECTED));
        }
        "source_code" => {
            options.source_code = expect_value(ctxt, arg, SOURCE_CODE_EXAMPLE)
                .and_then(|expr| crate::attr::link::source_code_link(ctxt, expr));
        }
        "task_type" => {
            options.task_type = expect_value(ctxt, arg, "task_type = \"spark\"")
                .and_then(|expr| single_word(ctxt, name, expr, TASK_TYPE_EXPECTED));
        }
        "outputs" => options.outputs = parse_output_names(ctxt, arg),
        "crate" => {
            options.crate_path = expect_value(ctxt, arg, "crate = \"::my_crate::flytekit\"")
                .and_then(|expr| parse_crate_path(ctxt, expr));
        }
        // ok: `parse_args` only returns names from TASK_OPTIONS.allowed, all handled above; an
        // option added to the list but not here is a bug of this crate, reported, not panicked.
        other => ctxt.error_at(
            arg.name_span,
            format!("internal error: `#[task]` option `{other}` is not implemented"),
        ),
    }
}

/// A non-empty string without whitespace (names, images, task types end up on command lines and
/// in identifiers, where a space is always a mistake).
fn single_word(ctxt: &Ctxt, name: &str, expr: &Expr, expected: &str) -> Option<Spanned<String>> {
    let text = expect_nonempty_string(ctxt, name, expr, expected)?;
    if text.value.chars().any(char::is_whitespace) {
        ctxt.error_at(
            text.span,
            format!(
                "invalid `{name}` value `{}`: it cannot contain whitespace, expected {expected}",
                text.value
            ),
        );
        return None;
    }
    Some(text)
}

/// An integer literal without a suffix, or with an integer type suffix (`3u32`); `5m` is a
/// numeric literal with suffix `m` that must not be read as 5.
pub(crate) fn integer_literal(expr: &Expr) -> Option<&LitInt> {
    const INTEGER_SUFFIXES: [&str; 13] = [
        "", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
    ];
    match strip_invisible_groups(expr) {
        Expr::Lit(ExprLit {
            lit: Lit::Int(literal),
            ..
        }) if INTEGER_SUFFIXES.contains(&literal.suffix()) => Some(literal),
        _ => None,
    }
}

fn parse_retries(ctxt: &Ctxt, expr: &Expr) -> Option<Spanned<u32>> {
    let retries = integer_literal(expr)
        .and_then(|literal| literal.base10_parse::<u32>().ok())
        .filter(|retries| *retries <= 10);
    if retries.is_none() {
        ctxt.error_spanned_by(
            expr,
            invalid_value("retries", &expr_text(expr), RETRIES_EXPECTED),
        );
    }
    retries.map(|retries| Spanned::new(retries, expr_span(expr)))
}

fn parse_timeout(ctxt: &Ctxt, expr: &Expr) -> Option<Spanned<Duration>> {
    let text = expect_string(ctxt, "timeout", expr, TIMEOUT_EXPECTED)?;
    match parse_duration(&text.value) {
        Ok(duration) => Some(Spanned::new(duration, text.span)),
        Err(error) => {
            let message = match &error {
                DurationError::Empty | DurationError::Malformed => {
                    invalid_value("timeout", &text.value, TIMEOUT_EXPECTED)
                }
                DurationError::Zero => {
                    format!("invalid `timeout` value `{}`: {error}", text.value)
                }
                _ => format!(
                    "invalid `timeout` value `{}`: {error}; expected {TIMEOUT_EXPECTED}",
                    text.value
                ),
            };
            ctxt.error_at(text.span, message);
            None
        }
    }
}

fn parse_pod_template_name(ctxt: &Ctxt, expr: &Expr) -> Option<Spanned<String>> {
    let text = expect_nonempty_string(ctxt, "pod_template_name", expr, POD_TEMPLATE_EXPECTED)?;
    if !is_dns_subdomain(&text.value) {
        ctxt.error_at(
            text.span,
            invalid_value("pod_template_name", &text.value, POD_TEMPLATE_EXPECTED),
        );
        return None;
    }
    Some(text)
}

/// A Kubernetes object name (RFC 1123 subdomain): at most 253 characters of lowercase letters,
/// digits, `-` and `.`, starting and ending with a letter or digit.
fn is_dns_subdomain(name: &str) -> bool {
    let is_alphanumeric = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    name.len() <= 253
        && name.starts_with(is_alphanumeric)
        && name.ends_with(is_alphanumeric)
        && name
            .chars()
            .all(|c| is_alphanumeric(c) || c == '-' || c == '.')
}

fn parse_crate_path(ctxt: &Ctxt, expr: &Expr) -> Option<syn::Path> {
    let path = match strip_invisible_groups(expr) {
        Expr::Path(ExprPath {
            qself: None, path, ..
        }) => Some(path.clone()),
        Expr::Lit(ExprLit {
            lit: Lit::Str(literal),
            ..
        }) => literal.parse::<syn::Path>().ok(),
        _ => None,
    };
    if path.is_none() {
        ctxt.error_spanned_by(
            expr,
            invalid_value("crate", &expr_text(expr), CRATE_EXPECTED),
        );
    }
    path
}

fn parse_environment(ctxt: &Ctxt, arg: &Arg) -> Vec<EnvironmentVariable> {
    const EXAMPLE: &str = "environment(RUST_LOG = \"debug\")";
    let Some(tokens) = expect_list(ctxt, arg, EXAMPLE) else {
        return Vec::new();
    };
    let mut variables: Vec<EnvironmentVariable> = Vec::new();
    for meta in parse_meta_list(ctxt, tokens) {
        let Some(ident) = meta.path().get_ident() else {
            ctxt.error_spanned_by(
                meta.path(),
                format!(
                    "expected an environment variable name such as `RUST_LOG`, e.g. `{EXAMPLE}`"
                ),
            );
            continue;
        };
        let name = ident.unraw().to_string();
        let Meta::NameValue(name_value) = &meta else {
            ctxt.error_spanned_by(
                &meta,
                format!("environment variable `{name}` needs a value, e.g. `{name} = \"value\"`"),
            );
            continue;
        };
        if variables.iter().any(|seen| seen.name == name) {
            ctxt.error_at(
                ident.span(),
                format!("duplicate environment variable `{name}`"),
            );
            continue;
        }
        let expected = format!("a string, e.g. `{name} = \"value\"`");
        if let Some(value) = expect_string(ctxt, &name, &name_value.value, &expected) {
            variables.push(EnvironmentVariable {
                name,
                value: value.value,
                span: ident.span(),
            });
        }
    }
    variables
}

/// The span of a whole expression (first to last token), for values that span several tokens.
pub(crate) fn expr_span(expr: &Expr) -> Span {
    use syn::spanned::Spanned as _;
    expr.span()
}
