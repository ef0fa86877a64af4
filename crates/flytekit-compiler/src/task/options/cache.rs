//! The `cache` option of `#[task]`.
//!
//! Consumes one `cache`, `cache = true|false` or `cache(version = "...", serialize,
//! ignored_inputs = ["..."])` argument; produces [`CacheOptions`] (`None` when caching is off) and
//! reports malformed values. Whether the ignored inputs are parameters of the task is checked
//! later, against the signature (`task::check`).

use proc_macro2::Span;
use syn::{Expr, ExprArray, ExprLit, Lit};

use crate::attr::args::{
    expect_flag_or_bool, expect_list, expect_nonempty_string, expect_value, expr_text,
    invalid_value, parse_args, string_literal, strip_invisible_groups, Arg, ArgForm, ArgList,
};
use crate::attr::Spanned;
use crate::ctxt::Ctxt;

/// Caching settings; present only when caching is on.
#[derive(Debug, Clone)]
pub struct CacheOptions {
    /// The span of the `cache` option name.
    pub span: Span,
    /// `version = "..."` (never empty). When `None`, the code generator uses
    /// [`derive_cache_version`](crate::task::cache_version::derive_cache_version) of the function,
    /// so editing the function body invalidates the cache.
    pub version: Option<Spanned<String>>,
    /// `serialize` / `serialize = true`: identical concurrent executions wait for one to finish
    /// and share its result (Flyte's `cache_serializable`).
    pub serialize: bool,
    /// `ignored_inputs = ["a", ...]`: inputs left out of the cache key, unique, in source order,
    /// each with the span of its string literal.
    pub ignored_inputs: Vec<Spanned<String>>,
    /// `salt = "..."`: mixed into the version derived from the function (flytekit's
    /// `Cache.salt`), to invalidate the cache without editing the code. Refused beside
    /// `version`, which it could not change.
    pub salt: Option<Spanned<String>>,
}

const CACHE_OPTIONS: ArgList = ArgList {
    what: "`cache` option",
    allowed: &["version", "serialize", "ignored_inputs", "salt"],
    aliases: &[
        ("cache_version", "version"),
        ("cache_serialize", "serialize"),
        ("cache_ignore_input_vars", "ignored_inputs"),
        ("ignore", "ignored_inputs"),
    ],
    hints: &[(
        "policies",
        "the version is derived from the function's code when `version` is not given (a \
             function-body policy); other cache policies are not supported",
    )],
};

const CACHE_EXAMPLE: &str =
    "`cache`, `cache = false` or `cache(version = \"1.0\", serialize, ignored_inputs = [\"verbose\"])`";

/// Parses the `cache` argument; `None` when caching is off or the value is invalid.
pub(crate) fn parse_cache(ctxt: &Ctxt, arg: &Arg) -> Option<CacheOptions> {
    let mut cache = CacheOptions {
        span: arg.name_span,
        version: None,
        serialize: false,
        ignored_inputs: Vec::new(),
        salt: None,
    };
    match arg.form() {
        ArgForm::Flag => Some(cache),
        ArgForm::Value(expr) => parse_cache_switch(ctxt, expr).then_some(cache),
        ArgForm::List(_) => {
            let tokens = expect_list(ctxt, arg, "cache(version = \"1.0\")")?;
            for option in parse_args(ctxt, tokens, &CACHE_OPTIONS) {
                match option.name.as_str() {
                    "version" => cache.version = parse_version(ctxt, &option),
                    "serialize" => {
                        cache.serialize = expect_flag_or_bool(ctxt, &option, "serialize = true")
                            .is_some_and(|serialize| serialize.value);
                    }
                    "salt" => {
                        cache.salt =
                            expect_value(ctxt, &option, "salt = \"2024-06\"").and_then(|expr| {
                                expect_nonempty_string(
                                    ctxt,
                                    "salt",
                                    expr,
                                    "a string such as `salt = \"2024-06\"`",
                                )
                            });
                    }
                    _ => cache.ignored_inputs = parse_ignored_inputs(ctxt, &option),
                }
            }
            if let (Some(salt), Some(_)) = (&cache.salt, &cache.version) {
                ctxt.error_at(
                    salt.span,
                    "`salt` changes only a version derived from the function; with `version` \
                     given it would do nothing: change the version, or remove it to derive one",
                );
            }
            Some(cache)
        }
    }
}

/// `cache = true` (on) or `cache = false` (off); anything else is reported and means off.
fn parse_cache_switch(ctxt: &Ctxt, expr: &Expr) -> bool {
    let expr = strip_invisible_groups(expr);
    if let Expr::Lit(ExprLit {
        lit: Lit::Bool(on), ..
    }) = expr
    {
        return on.value;
    }
    let found = expr_text(expr);
    let message = match string_literal(expr) {
        // flytekit users write `cache_version = "1.0"`; the version has its own place here.
        Some(version) => format!(
            "invalid `cache` value `{found}`: a cache version goes inside the list, \
             `cache(version = \"{}\")`",
            version.value()
        ),
        None => invalid_value("cache", &found, CACHE_EXAMPLE),
    };
    ctxt.error_spanned_by(expr, message);
    false
}

fn parse_version(ctxt: &Ctxt, option: &Arg) -> Option<Spanned<String>> {
    const EXPECTED: &str = "a cache version such as `version = \"1.0\"`";
    let expr = expect_value(ctxt, option, "version = \"1.0\"")?;
    // Flyte rejects an empty `discovery_version` at run time; catch it at build time.
    expect_nonempty_string(ctxt, "version", expr, EXPECTED)
}

fn parse_ignored_inputs(ctxt: &Ctxt, option: &Arg) -> Vec<Spanned<String>> {
    const EXPECTED: &str = "a list of input names such as `ignored_inputs = [\"verbose\"]`";
    let Some(expr) = expect_value(ctxt, option, "ignored_inputs = [\"verbose\"]") else {
        return Vec::new();
    };
    let Expr::Array(ExprArray { elems, .. }) = strip_invisible_groups(expr) else {
        ctxt.error_spanned_by(
            expr,
            invalid_value("ignored_inputs", &expr_text(expr), EXPECTED),
        );
        return Vec::new();
    };
    let mut names: Vec<Spanned<String>> = Vec::new();
    for element in elems {
        let Some(literal) = string_literal(element).filter(|literal| !literal.value().is_empty())
        else {
            ctxt.error_spanned_by(
                element,
                format!(
                    "invalid `ignored_inputs` entry `{}`: expected an input name in quotes, \
                     e.g. `ignored_inputs = [\"verbose\"]`",
                    expr_text(element)
                ),
            );
            continue;
        };
        let name = literal.value();
        if names.iter().any(|seen| seen.value == name) {
            ctxt.error_at(literal.span(), format!("duplicate ignored input `{name}`"));
            continue;
        }
        names.push(Spanned::new(name, literal.span()));
    }
    names
}

#[cfg(test)]
mod tests {
    use crate::ctxt::Ctxt;
    use crate::task::options::{parse_task_options, TaskOptions};
    use crate::test_support::{error_messages, errors_with_source, tokens};

    fn parse(source: &str) -> (TaskOptions, Ctxt) {
        let ctxt = Ctxt::new();
        let options = parse_task_options(&ctxt, tokens(source));
        (options, ctxt)
    }

    #[test]
    fn bare_cache_turns_caching_on_with_defaults() {
        for source in ["cache", "cache = true", "cache()"] {
            let (options, ctxt) = parse(source);
            assert!(!ctxt.has_errors(), "{source}");
            let cache = options.cache.expect(source);
            assert!(cache.version.is_none());
            assert!(!cache.serialize);
            assert!(cache.ignored_inputs.is_empty());
        }
    }

    #[test]
    fn cache_false_turns_caching_off() {
        let (options, ctxt) = parse("cache = false");
        assert!(!ctxt.has_errors());
        assert!(options.cache.is_none());
    }

    #[test]
    fn cache_list_sets_every_field() {
        let (options, ctxt) =
            parse("cache(version = \"1.0\", serialize, ignored_inputs = [\"a\", \"b\"])");
        assert!(!ctxt.has_errors());
        let cache = options.cache.unwrap();
        assert_eq!(cache.version.unwrap().value, "1.0");
        assert!(cache.serialize);
        let ignored: Vec<String> = cache.ignored_inputs.into_iter().map(|n| n.value).collect();
        assert_eq!(ignored, ["a", "b"]);
    }

    #[test]
    fn serialize_accepts_a_bool() {
        let (options, _) = parse("cache(serialize = false)");
        assert!(!options.cache.unwrap().serialize);
        let (options, _) = parse("cache(serialize = true)");
        assert!(options.cache.unwrap().serialize);
    }

    #[test]
    fn ignored_inputs_keep_the_span_of_each_name() {
        let (options, _) = parse("cache(ignored_inputs = [\"a\", \"bb\"])");
        let spans: Vec<Option<String>> = options
            .cache
            .unwrap()
            .ignored_inputs
            .iter()
            .map(|name| name.span.source_text())
            .collect();
        assert_eq!(spans, [Some("\"a\"".into()), Some("\"bb\"".into())]);
    }

    #[test]
    fn a_version_string_in_place_of_the_switch_is_redirected() {
        let (options, ctxt) = parse("cache = \"1.0\"");
        assert!(options.cache.is_none());
        assert_eq!(
            errors_with_source(ctxt),
            [(
                "invalid `cache` value `\"1.0\"`: a cache version goes inside the list, \
                 `cache(version = \"1.0\")`"
                    .to_string(),
                "\"1.0\"".to_string()
            )]
        );
    }

    #[test]
    fn other_cache_values_list_the_forms() {
        let (_, ctxt) = parse("cache = 1");
        assert_eq!(
            error_messages(ctxt),
            [
                "invalid `cache` value `1`: expected `cache`, `cache = false` or `cache(version = \
              \"1.0\", serialize, ignored_inputs = [\"verbose\"])`"
            ]
        );
    }

    #[test]
    fn every_cache_error_is_reported_together() {
        let (options, ctxt) = parse(
            "cache(version = \"\", version = \"2\", serialize = 1, ignored_inputs = [\"a\", b, \
             \"a\", \"\"], cache_version = \"1\", salt = \"x\", versoin = \"3\")",
        );
        let cache = options.cache.expect("the list form still turns caching on");
        assert!(cache.version.is_none());
        assert_eq!(
            errors_with_source(ctxt),
            [
                (
                    "duplicate `cache` option `version`".to_string(),
                    "version".to_string()
                ),
                (
                    "unknown `cache` option `cache_version`: did you mean `version`? expected one \
                     of `version`, `serialize`, `ignored_inputs`, `salt`"
                        .into(),
                    "cache_version".into()
                ),
                (
                    "unknown `cache` option `versoin`: did you mean `version`? expected one of \
                     `version`, `serialize`, `ignored_inputs`, `salt`"
                        .into(),
                    "versoin".into()
                ),
                (
                    "`version` cannot be empty: expected a cache version such as `version = \
                     \"1.0\"`"
                        .into(),
                    "\"\"".into()
                ),
                (
                    "invalid `serialize` value `1`: expected `true` or `false`, e.g. \
                     `serialize = true`"
                        .into(),
                    "1".into()
                ),
                (
                    "invalid `ignored_inputs` entry `b`: expected an input name in quotes, e.g. \
                     `ignored_inputs = [\"verbose\"]`"
                        .into(),
                    "b".into()
                ),
                ("duplicate ignored input `a`".into(), "\"a\"".into()),
                (
                    "invalid `ignored_inputs` entry `\"\"`: expected an input name in quotes, \
                     e.g. `ignored_inputs = [\"verbose\"]`"
                        .into(),
                    "\"\"".into()
                ),
            ]
        );
    }

    #[test]
    fn ignored_inputs_must_be_a_list() {
        let (_, ctxt) = parse("cache(ignored_inputs = \"a\")");
        assert_eq!(
            error_messages(ctxt),
            [
                "invalid `ignored_inputs` value `\"a\"`: expected a list of input names such as \
              `ignored_inputs = [\"verbose\"]`"
            ]
        );
    }

    #[test]
    fn cache_in_brackets_is_rejected() {
        let (options, ctxt) = parse("cache[version = \"1\"]");
        assert!(options.cache.is_none());
        assert_eq!(
            error_messages(ctxt),
            ["`cache` takes its list in parentheses, e.g. `cache(version = \"1.0\")`"]
        );
    }
}
