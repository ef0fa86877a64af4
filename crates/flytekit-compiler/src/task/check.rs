//! Checks that need both the `#[task]` options and the function signature.
//!
//! Consumes a [`TaskOptions`] and a [`TaskSignature`] that were each already validated on their
//! own; reports the inconsistencies between them to the [`Ctxt`]. Produces nothing else.

use crate::attr::suggest::{backticked_list, did_you_mean};
use crate::attr::text::tokens_text;
use crate::ctxt::Ctxt;
use crate::task::options::TaskOptions;
use crate::task::signature::{OutputValues, TaskSignature};

/// Runs every options-versus-signature check.
pub fn check_options_against_signature(
    ctxt: &Ctxt,
    options: &TaskOptions,
    signature: &TaskSignature,
) {
    check_cache_ignored_inputs(ctxt, options, signature);
    check_output_names(ctxt, options.outputs.as_ref(), signature);
}

/// `outputs(...)` must name every output: as many names as the return type has values. The
/// error is on the `outputs` key and says what the function returns, so the fix is plain.
pub fn check_output_names(
    ctxt: &Ctxt,
    names: Option<&crate::attr::Spanned<Vec<String>>>,
    signature: &TaskSignature,
) {
    let Some(names) = names else { return };
    let types = signature.output.values.types();
    if names.value.len() == types.len() {
        return;
    }
    let named = match names.value.len() {
        0 => "no outputs".to_string(),
        1 => format!("1 output (`{}`)", names.value[0]),
        n => {
            let names: Vec<&str> = names.value.iter().map(String::as_str).collect();
            format!("{n} outputs ({})", backticked_list(&names))
        }
    };
    let returned = match &signature.output.values {
        OutputValues::Unit => "nothing".to_string(),
        OutputValues::Single(ty) => format!("1 value of type `{}`", tokens_text(ty)),
        OutputValues::Tuple(types) => {
            let texts: Vec<String> = types.iter().map(tokens_text).collect();
            match texts.as_slice() {
                [one] => format!("1 value of type `({one},)`"),
                _ => format!("{} values of type `({})`", texts.len(), texts.join(", ")),
            }
        }
    };
    ctxt.error_at(
        names.span,
        format!(
            "`outputs(...)` names {named}, but `{}` returns {returned}: give one name per \
             returned value",
            signature.ident
        ),
    );
}

/// Every name in `cache(ignored_inputs = [...])` must be an input of the task; the error points
/// at the name in the attribute.
pub fn check_cache_ignored_inputs(ctxt: &Ctxt, options: &TaskOptions, signature: &TaskSignature) {
    let Some(cache) = &options.cache else {
        return;
    };
    let input_names: Vec<String> = signature.inputs.iter().map(|input| input.name()).collect();
    let input_refs: Vec<&str> = input_names.iter().map(String::as_str).collect();
    let task = &signature.ident;
    for ignored in &cache.ignored_inputs {
        if input_refs.contains(&ignored.value.as_str()) {
            continue;
        }
        let message = if input_refs.is_empty() {
            format!(
                "`cache` ignores `{}`, which is not an input of `{task}`: `{task}` has no inputs",
                ignored.value
            )
        } else {
            let suggestion = did_you_mean(&ignored.value, &input_refs)
                .map(|close| format!("did you mean `{close}`? "))
                .unwrap_or_default();
            format!(
                "`cache` ignores `{}`, which is not an input of `{task}`: {suggestion}the inputs \
                 are {}",
                ignored.value,
                crate::attr::suggest::backticked_list(&input_refs)
            )
        };
        ctxt.error_at(ignored.span, message);
    }
}

/// The calls a workflow body reads as built-in nodes, not as calls of an entity.
pub const WORKFLOW_BUILTINS: &[&str] = &[
    "map_task",
    "sleep",
    "approve",
    "wait_for_input",
    "fail",
    "fixed",
];

/// A task named like a workflow built-in (`map_task`, `sleep`, `fail`, ...) could never be
/// called from a workflow: the body would read the call as the built-in.
pub fn check_not_a_builtin_name(ctxt: &Ctxt, ident: &syn::Ident) {
    let name = ident.to_string();
    if WORKFLOW_BUILTINS.contains(&name.as_str()) {
        ctxt.error_spanned_by(
            ident,
            format!("a task cannot be named `{name}`: in a workflow, `{name}(...)` is the built-in, so this task could not be called; rename the function (its entity name can stay `{name}` with `#[task(name = \"...\")]`)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::options::parse_task_options;
    use crate::task::signature::parse_task_signature;
    use crate::test_support::{errors_with_source, parse, tokens};

    fn check(options: &str, function: &str) -> Vec<(String, String)> {
        let ctxt = Ctxt::new();
        let options = parse_task_options(&ctxt, tokens(options));
        let signature = parse_task_signature(&ctxt, &parse(function));
        assert!(!ctxt.has_errors(), "the inputs themselves are valid");
        check_options_against_signature(&ctxt, &options, &signature);
        errors_with_source(ctxt)
    }

    #[test]
    fn ignored_inputs_that_are_parameters_pass() {
        let errors = check(
            "cache(ignored_inputs = [\"verbose\", \"type\"])",
            "fn add(a: i64, verbose: bool, r#type: String) -> i64 { a }",
        );
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn a_wrong_count_of_output_names_says_what_the_function_returns() {
        let cases = [
            (
                "outputs(area, perimeter)",
                "fn calc(x: f64) -> f64 { x }",
                "`outputs(...)` names 2 outputs (`area`, `perimeter`), but `calc` returns 1 value \
                 of type `f64`: give one name per returned value",
            ),
            (
                "outputs(q)",
                "fn divide(a: i64) -> (i64, Vec<i64>) { (a, vec![]) }",
                "`outputs(...)` names 1 output (`q`), but `divide` returns 2 values of type \
                 `(i64, Vec<i64>)`: give one name per returned value",
            ),
            (
                "outputs(a)",
                "fn nothing() {}",
                "`outputs(...)` names 1 output (`a`), but `nothing` returns nothing: give one \
                 name per returned value",
            ),
            (
                "outputs()",
                "fn one() -> (i64,) { (1,) }",
                "`outputs(...)` names no outputs, but `one` returns 1 value of type `(i64,)`: \
                 give one name per returned value",
            ),
        ];
        for (options, function, message) in cases {
            let errors = check(options, function);
            assert_eq!(errors, [(message.to_string(), "outputs".to_string())]);
        }
    }

    #[test]
    fn no_cache_means_nothing_to_check() {
        assert!(check("retries = 1", "fn add(a: i64) -> i64 { a }").is_empty());
    }

    #[test]
    fn unknown_ignored_inputs_point_at_the_name_with_a_suggestion() {
        let errors = check(
            "cache(ignored_inputs = [\"verbos\", \"z\", \"a\"])",
            "fn add(a: i64, verbose: bool) -> i64 { a }",
        );
        assert_eq!(
            errors,
            [
                (
                    "`cache` ignores `verbos`, which is not an input of `add`: did you mean \
                     `verbose`? the inputs are `a`, `verbose`"
                        .to_string(),
                    "\"verbos\"".to_string()
                ),
                (
                    "`cache` ignores `z`, which is not an input of `add`: the inputs are `a`, \
                     `verbose`"
                        .into(),
                    "\"z\"".into()
                ),
            ]
        );
    }

    #[test]
    fn task_without_inputs_says_so() {
        let errors = check("cache(ignored_inputs = [\"x\"])", "fn now() -> i64 { 0 }");
        assert_eq!(
            errors,
            [(
                "`cache` ignores `x`, which is not an input of `now`: `now` has no inputs"
                    .to_string(),
                "\"x\"".to_string()
            )]
        );
    }
}
