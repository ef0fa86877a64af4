//! `#[reference_task]`, `#[reference_workflow]` and `#[reference_launch_plan]`: entities
//! registered elsewhere (a Python task, another team's workflow), declared as bodiless Rust
//! signatures so workflows call them with full type checking.
//!
//! Consumes the attribute's tokens (`project`, `domain`, `name`, `version`, all required;
//! optional `local = stand_in` and `crate = ...`) and the signature; produces the model
//! ([`ReferenceOptions`] plus the `#[task]` signature model) and every error, then hands them to
//! [`expand`] for code generation. Errors in the attribute still generate the full entity with
//! placeholder values, so a mistake there does not also break every workflow that calls it.

pub mod expand;

use proc_macro2::{Span, TokenStream};
use syn::{Expr, ExprLit, ExprPath, Lit};

use crate::attr::args::{
    expect_nonempty_string, expect_string, expect_value, expr_text, invalid_value, parse_args,
    strip_invisible_groups, Arg, ArgList,
};
use crate::attr::Spanned;
use crate::bodiless::parse_bodiless;
use crate::ctxt::Ctxt;

/// Which reference macro is expanding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceKind {
    /// `#[reference_task]`.
    Task,
    /// `#[reference_workflow]`.
    Workflow,
    /// `#[reference_launch_plan]`.
    LaunchPlan,
}

impl ReferenceKind {
    /// The macro's name.
    pub fn macro_name(self) -> &'static str {
        match self {
            ReferenceKind::Task => "reference_task",
            ReferenceKind::Workflow => "reference_workflow",
            ReferenceKind::LaunchPlan => "reference_launch_plan",
        }
    }

    fn keys(self) -> &'static ArgList {
        match self {
            ReferenceKind::Task => &TASK_KEYS,
            ReferenceKind::Workflow => &WORKFLOW_KEYS,
            ReferenceKind::LaunchPlan => &LAUNCH_PLAN_KEYS,
        }
    }

    /// A complete declaration, for messages.
    pub fn example(self) -> &'static str {
        match self {
            ReferenceKind::Task => {
                "#[reference_task(project = \"flytesnacks\", domain = \"development\", name = \
                 \"core.add\", version = \"v1\")] fn py_add(a: i64, b: i64) -> i64;"
            }
            ReferenceKind::Workflow => {
                "#[reference_workflow(project = \"flytesnacks\", domain = \"development\", name \
                 = \"core.pipeline\", version = \"v1\")] fn pipeline(x: i64) -> i64;"
            }
            ReferenceKind::LaunchPlan => {
                "#[reference_launch_plan(project = \"flytesnacks\", domain = \"development\", \
                 name = \"nightly\", version = \"v1\")] fn nightly(x: i64) -> i64;"
            }
        }
    }
}

const ALLOWED: &[&str] = &["project", "domain", "name", "version", "local", "crate"];
const ALIASES: &[(&str, &str)] = &[
    ("stand_in", "local"),
    ("local_stand_in", "local"),
    ("proj", "project"),
];
const HINTS: &[(&str, &str)] = &[(
    "image",
    "a reference runs where it is registered; declare a `#[container_task]` to run an image",
)];

const TASK_KEYS: ArgList = ArgList {
    what: "`#[reference_task]` key",
    allowed: ALLOWED,
    aliases: ALIASES,
    hints: HINTS,
};
const WORKFLOW_KEYS: ArgList = ArgList {
    what: "`#[reference_workflow]` key",
    allowed: ALLOWED,
    aliases: ALIASES,
    hints: HINTS,
};
const LAUNCH_PLAN_KEYS: ArgList = ArgList {
    what: "`#[reference_launch_plan]` key",
    allowed: ALLOWED,
    aliases: ALIASES,
    hints: HINTS,
};

/// The keys of a reference macro. Required keys with errors are `None` (an error was reported).
#[derive(Debug, Clone, Default)]
pub struct ReferenceOptions {
    /// `project = "..."`.
    pub project: Option<Spanned<String>>,
    /// `domain = "..."`.
    pub domain: Option<Spanned<String>>,
    /// `name = "..."`: the registered name, such as `core.add`.
    pub name: Option<Spanned<String>>,
    /// `version = "..."`.
    pub version: Option<Spanned<String>>,
    /// `local = stand_in`: a `#[task]` (or `#[workflow]`) that runs in its place locally.
    pub local: Option<syn::Path>,
    /// `crate = "::path"`: where generated code finds flytekit.
    pub crate_path: Option<syn::Path>,
}

/// Parses the keys of a reference macro, reporting unknown, duplicate, malformed and missing
/// keys (the missing ones together, at the attribute).
pub fn parse_reference_options(
    ctxt: &Ctxt,
    kind: ReferenceKind,
    args: TokenStream,
) -> ReferenceOptions {
    let mut options = ReferenceOptions::default();
    let args = parse_args(ctxt, args, kind.keys());
    for arg in &args {
        parse_one(ctxt, kind, arg, &mut options);
    }
    let required = ["project", "domain", "name", "version"];
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|key| !args.iter().any(|arg| arg.name == *key))
        .collect();
    if !missing.is_empty() {
        ctxt.error_at(
            Span::call_site(),
            format!(
                "`#[{}]` is missing {}: a reference needs all of `project`, `domain`, `name` \
                 and `version`, e.g. `{}`",
                kind.macro_name(),
                and_list(&missing),
                kind.example()
            ),
        );
    }
    options
}

fn parse_one(ctxt: &Ctxt, kind: ReferenceKind, arg: &Arg, options: &mut ReferenceOptions) {
    let name = arg.name.as_str();
    // Project, domain and version may be empty: registration fills them with the package's
    // own, as flytekit allows (`reference_task(project="", domain="", ..., version="")`).
    let may_be_empty = matches!(name, "project" | "domain" | "version");
    let string = |example: &str, expected: &str| {
        expect_value(ctxt, arg, example)
            .and_then(|expr| {
                if may_be_empty {
                    expect_string(ctxt, name, expr, expected)
                } else {
                    expect_nonempty_string(ctxt, name, expr, expected)
                }
            })
            .and_then(|text| {
                if text.value.chars().any(char::is_whitespace) {
                    ctxt.error_at(
                        text.span,
                        format!(
                            "invalid `{name}` value `{}`: it cannot contain whitespace, \
                             expected {expected}",
                            text.value
                        ),
                    );
                    None
                } else {
                    Some(text)
                }
            })
    };
    match name {
        "project" => {
            options.project = string(
                "project = \"flytesnacks\"",
                "a project such as `project = \"flytesnacks\"`",
            )
        }
        "domain" => {
            options.domain = string(
                "domain = \"development\"",
                "a domain such as `domain = \"development\"`",
            )
        }
        "name" => {
            options.name = string(
                "name = \"core.add\"",
                "the registered name such as `name = \"core.add\"`",
            )
        }
        "version" => {
            options.version = string("version = \"v1\"", "a version such as `version = \"v1\"`")
        }
        "local" => {
            let what = match kind {
                ReferenceKind::Task => "a `#[task]` with the same interface, e.g. `local = my_add`",
                _ => "a `#[workflow]` with the same interface, e.g. `local = my_workflow`",
            };
            options.local = expect_value(ctxt, arg, "local = my_add")
                .and_then(|expr| path_value(ctxt, "local", expr, what));
        }
        "crate" => {
            options.crate_path = expect_value(ctxt, arg, "crate = \"::my_crate::flytekit\"")
                .and_then(|expr| {
                    path_value(
                        ctxt,
                        "crate",
                        expr,
                        "a path such as `crate = \"::flytekit\"`",
                    )
                });
        }
        // ok: `parse_args` only returns allowed names, all handled above.
        other => ctxt.error_at(
            arg.name_span,
            format!("internal error: key `{other}` is not implemented"),
        ),
    }
}

/// `` `a` ``, `` `a` and `b` ``, `` `a`, `b` and `c` ``.
pub(crate) fn and_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// A path written as a path (`my_add`) or as a string (`"::flytekit"`).
pub(crate) fn path_value(
    ctxt: &Ctxt,
    name: &str,
    expr: &Expr,
    expected: &str,
) -> Option<syn::Path> {
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
        ctxt.error_spanned_by(expr, invalid_value(name, &expr_text(expr), expected));
    }
    path
}

/// Expands one reference macro. Never panics on user input.
pub fn reference(kind: ReferenceKind, args: TokenStream, item: TokenStream) -> TokenStream {
    let bodiless = match parse_bodiless(item.clone(), kind.macro_name(), kind.example()) {
        Ok(bodiless) => bodiless,
        Err(error) => return error.to_compile_error(),
    };
    let ctxt = Ctxt::new();
    if let Some(error) = bodiless.body_error {
        ctxt.push(error);
    }
    let options = parse_reference_options(&ctxt, kind, args);
    expand::expand_reference(ctxt, kind, &options, &bodiless.item)
}
