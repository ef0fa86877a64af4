//! `#[workflow(...)]` options: `name`, `failure_policy`, `on_failure`, `interruptible`, `docs`,
//! `crate`. Consumes the attribute tokens; produces [`WorkflowOptions`], reporting every problem.

use proc_macro2::TokenStream;

use crate::attr::args::{
    expect_flag_or_bool, expect_nonempty_string, expect_string, expect_value, parse_args, ArgList,
};
use crate::attr::Spanned;
use crate::ctxt::Ctxt;

/// What happens when a node fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailurePolicy {
    /// `"fail_immediately"` (the default).
    FailImmediately,
    /// `"fail_after_executable_nodes_complete"`.
    FailAfterExecutableNodesComplete,
}

/// Everything `#[workflow(...)]` can set.
#[derive(Debug, Clone, Default)]
pub struct WorkflowOptions {
    /// `name = "..."`.
    pub name: Option<Spanned<String>>,
    /// `failure_policy = "..."`.
    pub failure_policy: Option<Spanned<FailurePolicy>>,
    /// `on_failure = some_task`: the failure node.
    pub on_failure: Option<syn::Path>,
    /// `interruptible` / `interruptible = bool`.
    pub interruptible: Option<Spanned<bool>>,
    /// `docs = "..."`.
    pub docs: Option<Spanned<String>>,
    /// `source_code = "https://..."`: a link to the workflow's source, never empty.
    pub source_code: Option<Spanned<String>>,
    /// `crate = "..."`.
    pub crate_path: Option<syn::Path>,
    /// `outputs(total, message)`: names for the outputs (default `o0`, `o1`, ...).
    pub outputs: Option<Spanned<Vec<String>>>,
}

const WORKFLOW_OPTIONS: ArgList = ArgList {
    what: "`#[workflow]` option",
    allowed: &[
        "name",
        "failure_policy",
        "on_failure",
        "interruptible",
        "docs",
        "source_code",
        "crate",
        "outputs",
    ],
    aliases: &[
        ("description", "docs"),
        ("on_failure_policy", "failure_policy"),
    ],
    hints: &[],
};

/// Parses the arguments of `#[workflow(...)]`.
pub fn parse_workflow_options(ctxt: &Ctxt, args: TokenStream) -> WorkflowOptions {
    let mut options = WorkflowOptions::default();
    for arg in parse_args(ctxt, args, &WORKFLOW_OPTIONS) {
        match arg.name.as_str() {
            "name" => {
                let expected = "a workflow name such as `name = \"my.workflow\"`";
                if let Some(value) = expect_value(ctxt, &arg, expected) {
                    options.name = expect_nonempty_string(ctxt, "name", value, expected);
                }
            }
            "docs" => {
                let expected = "a string such as `docs = \"Trains a model.\"`";
                if let Some(value) = expect_value(ctxt, &arg, expected) {
                    options.docs = expect_string(ctxt, "docs", value, expected);
                }
            }
            "source_code" => {
                let expected = "a link such as `source_code = \"https://github.com/org/repo/blob/main/src/flows.rs\"`";
                if let Some(value) = expect_value(ctxt, &arg, expected) {
                    options.source_code = crate::attr::link::source_code_link(ctxt, value);
                }
            }
            "interruptible" => {
                options.interruptible =
                    expect_flag_or_bool(ctxt, &arg, "`interruptible` or `interruptible = false`")
            }
            "failure_policy" => {
                let expected = "\"fail_immediately\" or \"fail_after_executable_nodes_complete\"";
                let value = expect_value(ctxt, &arg, expected)
                    .and_then(|v| expect_string(ctxt, "failure_policy", v, expected));
                if let Some(value) = value {
                    let policy = match value.value.as_str() {
                        "fail_immediately" => Some(FailurePolicy::FailImmediately),
                        "fail_after_executable_nodes_complete" => {
                            Some(FailurePolicy::FailAfterExecutableNodesComplete)
                        }
                        _ => None,
                    };
                    match policy {
                        Some(policy) => {
                            options.failure_policy = Some(Spanned::new(policy, value.span))
                        }
                        None => ctxt.error_at(
                            value.span,
                            format!(
                                "unknown `failure_policy` {:?}; expected {expected}",
                                value.value
                            ),
                        ),
                    }
                }
            }
            "on_failure" => {
                if let Some(value) =
                    expect_value(ctxt, &arg, "a task, e.g. `on_failure = clean_up`")
                {
                    match crate::attr::args::strip_invisible_groups(value) {
                        syn::Expr::Path(path) => options.on_failure = Some(path.path.clone()),
                        other => ctxt.error_spanned_by(
                            other,
                            "`on_failure` takes a task, e.g. `on_failure = clean_up`",
                        ),
                    }
                }
            }
            "outputs" => {
                options.outputs = crate::attr::output_names::parse_output_names(ctxt, &arg)
            }
            "crate" => {
                if let Some(value) = expect_value(
                    ctxt,
                    &arg,
                    "a path such as `crate = \"::my_crate::flytekit\"`",
                ) {
                    match crate::attr::args::strip_invisible_groups(value) {
                        syn::Expr::Path(path) => options.crate_path = Some(path.path.clone()),
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }) => match s.parse::<syn::Path>() {
                            Ok(path) => options.crate_path = Some(path),
                            Err(_) => ctxt.error_spanned_by(
                                s,
                                "`crate` must be a path such as \"::my_crate::flytekit\"",
                            ),
                        },
                        other => ctxt.error_spanned_by(
                            other,
                            "`crate` must be a path such as \"::my_crate::flytekit\"",
                        ),
                    }
                }
            }
            _ => {}
        }
    }
    options
}
