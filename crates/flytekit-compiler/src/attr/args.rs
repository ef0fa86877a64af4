//! Comma-separated attribute argument lists: `name`, `name = value` and `name(...)`.
//!
//! Consumes the token stream inside an attribute's parentheses (or inside a nested `name(...)`);
//! produces the arguments as [`Arg`]s in source order, after reporting to the [`Ctxt`] every
//! syntax error (parsing resumes at the next comma), every unknown name (listing the allowed ones,
//! with a "did you mean" when one is close) and every duplicate. Also holds the helpers that check
//! an argument has the right form (flag, value or list) and that a value is the right kind of
//! literal, each reporting an error that names the argument and gives an example.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Expr, ExprLit, Lit, LitStr, MacroDelimiter, Meta, MetaList};

use super::suggest::{backticked_list, did_you_mean};
use super::Spanned;
use crate::ctxt::Ctxt;

/// Describes one kind of argument list, for validation and messages.
#[derive(Debug, Clone, Copy)]
pub struct ArgList {
    /// What one argument is called in messages, e.g. "`#[task]` option" or "resource".
    pub what: &'static str,
    /// Every allowed argument name, in the order messages list them.
    pub allowed: &'static [&'static str],
    /// Other names people use for an allowed argument, each with the allowed name, for "did you
    /// mean" when the edit distance is too large (e.g. `memory` -> `mem`).
    pub aliases: &'static [(&'static str, &'static str)],
    /// Names people are likely to write that are not allowed and have no direct replacement,
    /// each with what to write instead (e.g. flytekit's `cache_version` -> "write
    /// `cache(version = \"1.0\")` instead").
    pub hints: &'static [(&'static str, &'static str)],
}

/// One argument of a list: its name (raw identifiers unprefixed) and its syntax.
#[derive(Debug, Clone)]
pub struct Arg {
    /// The name as written, without `r#`.
    pub name: String,
    /// The span of the name, for errors about the argument as a whole.
    pub name_span: Span,
    /// The whole argument.
    pub meta: Meta,
}

/// The three forms an argument can take.
#[derive(Debug, Clone, Copy)]
pub enum ArgForm<'a> {
    /// `name`
    Flag,
    /// `name = value`
    Value(&'a Expr),
    /// `name(...)` (or with brackets / braces, which [`expect_list`] rejects)
    List(&'a MetaList),
}

impl Arg {
    /// Which of the three forms this argument has.
    pub fn form(&self) -> ArgForm<'_> {
        match &self.meta {
            Meta::Path(_) => ArgForm::Flag,
            Meta::NameValue(name_value) => ArgForm::Value(&name_value.value),
            Meta::List(list) => ArgForm::List(list),
        }
    }
}

/// Parses `tokens` as a comma-separated list of `Meta`s (a trailing comma is fine). The list is
/// split at its top-level commas first and each argument is parsed on its own, so a syntax error
/// in one argument is reported and does not hide the others. (Argument values are literals,
/// paths, tuples and arrays, whose commas are always inside a group.)
pub fn parse_meta_list(ctxt: &Ctxt, tokens: TokenStream) -> Vec<Meta> {
    let mut metas = Vec::new();
    let mut argument: Vec<TokenTree> = Vec::new();
    for tree in tokens {
        match &tree {
            TokenTree::Punct(punct) if punct.as_char() == ',' => {
                if argument.is_empty() {
                    ctxt.error_at(punct.span(), "expected an argument before this `,`");
                } else {
                    parse_one_meta(ctxt, std::mem::take(&mut argument), &mut metas);
                }
            }
            _ => argument.push(tree),
        }
    }
    if !argument.is_empty() {
        parse_one_meta(ctxt, argument, &mut metas);
    }
    metas
}

fn parse_one_meta(ctxt: &Ctxt, argument: Vec<TokenTree>, metas: &mut Vec<Meta>) {
    // ok: callers never pass an empty argument.
    let Some(last_span) = argument.last().map(TokenTree::span) else {
        return;
    };
    // Parsed from inside a group whose span is the argument's last token, so that "unexpected
    // end of input" points at the argument (e.g. at `=` in `retries =`) rather than at the whole
    // attribute, which is what a top-level end of input would point at.
    let mut group = Group::new(Delimiter::Parenthesis, argument.into_iter().collect());
    group.set_span(last_span);
    let parse_inside_group = |input: ParseStream| -> syn::Result<Meta> {
        let content;
        syn::parenthesized!(content in input);
        let meta: Meta = content.parse()?;
        if !content.is_empty() {
            return Err(content.error("unexpected token"));
        }
        Ok(meta)
    };
    let tokens = TokenStream::from(TokenTree::Group(group));
    if let Some(meta) = ctxt.ok(parse_inside_group.parse2(tokens)) {
        metas.push(meta);
    }
}

/// Parses `tokens` as an argument list of kind `list`: reports syntax errors, names that are not
/// single identifiers, unknown names and duplicates (on the later occurrence); returns the valid,
/// first-seen arguments in source order.
pub fn parse_args(ctxt: &Ctxt, tokens: TokenStream, list: &ArgList) -> Vec<Arg> {
    let mut args: Vec<Arg> = Vec::new();
    for meta in parse_meta_list(ctxt, tokens) {
        let Some(ident) = meta.path().get_ident() else {
            ctxt.error_spanned_by(
                meta.path(),
                format!(
                    "expected a {} name, one of {}",
                    list.what,
                    backticked_list(list.allowed)
                ),
            );
            continue;
        };
        let name = ident.unraw().to_string();
        let name_span = ident.span();
        if !list.allowed.contains(&name.as_str()) {
            ctxt.error_at(name_span, unknown_name_message(&name, list));
            continue;
        }
        if args.iter().any(|seen| seen.name == name) {
            ctxt.error_at(name_span, format!("duplicate {} `{name}`", list.what));
            continue;
        }
        args.push(Arg {
            name,
            name_span,
            meta,
        });
    }
    args
}

fn unknown_name_message(name: &str, list: &ArgList) -> String {
    if let Some((_, hint)) = list.hints.iter().find(|(alias, _)| *alias == name) {
        return format!("unknown {} `{name}`: {hint}", list.what);
    }
    let expected = format!("expected one of {}", backticked_list(list.allowed));
    let alias = list
        .aliases
        .iter()
        .find(|(alias, _)| *alias == name)
        .map(|(_, allowed)| *allowed);
    match alias.or_else(|| did_you_mean(name, list.allowed)) {
        Some(close) => format!(
            "unknown {} `{name}`: did you mean `{close}`? {expected}",
            list.what
        ),
        None => format!("unknown {} `{name}`: {expected}", list.what),
    }
}

/// The value of `name = value`; reports an error (with `example`, e.g. `retries = 3`) for the
/// flag and list forms.
pub fn expect_value<'a>(ctxt: &Ctxt, arg: &'a Arg, example: &str) -> Option<&'a Expr> {
    match arg.form() {
        ArgForm::Value(expr) => Some(strip_invisible_groups(expr)),
        ArgForm::Flag => {
            ctxt.error_spanned_by(
                &arg.meta,
                format!("`{}` needs a value, e.g. `{example}`", arg.name),
            );
            None
        }
        ArgForm::List(_) => {
            ctxt.error_spanned_by(
                &arg.meta,
                format!("`{}` takes a value, not a list, e.g. `{example}`", arg.name),
            );
            None
        }
    }
}

/// The tokens inside `name(...)`; reports an error (with `example`) for the flag and value forms
/// and for brackets or braces.
pub fn expect_list(ctxt: &Ctxt, arg: &Arg, example: &str) -> Option<TokenStream> {
    match arg.form() {
        ArgForm::List(list) if matches!(list.delimiter, MacroDelimiter::Paren(_)) => {
            Some(list.tokens.clone())
        }
        ArgForm::List(_) => {
            ctxt.error_spanned_by(
                &arg.meta,
                format!(
                    "`{}` takes its list in parentheses, e.g. `{example}`",
                    arg.name
                ),
            );
            None
        }
        ArgForm::Flag | ArgForm::Value(_) => {
            ctxt.error_spanned_by(
                &arg.meta,
                format!("`{}` takes a list, e.g. `{example}`", arg.name),
            );
            None
        }
    }
}

/// `name` (true) or `name = true|false`; reports an error (with `example`) otherwise.
pub fn expect_flag_or_bool(ctxt: &Ctxt, arg: &Arg, example: &str) -> Option<Spanned<bool>> {
    match arg.form() {
        ArgForm::Flag => Some(Spanned::new(true, arg.name_span)),
        ArgForm::Value(expr) => {
            let expr = strip_invisible_groups(expr);
            if let Expr::Lit(ExprLit {
                lit: Lit::Bool(value),
                ..
            }) = expr
            {
                return Some(Spanned::new(value.value, value.span));
            }
            ctxt.error_spanned_by(
                expr,
                invalid_value(
                    &arg.name,
                    &expr_text(expr),
                    &format!("`true` or `false`, e.g. `{example}`"),
                ),
            );
            None
        }
        ArgForm::List(_) => {
            ctxt.error_spanned_by(
                &arg.meta,
                format!("`{}` takes no list, e.g. `{example}`", arg.name),
            );
            None
        }
    }
}

/// The content of a string literal; reports "invalid `name` value `found`: expected
/// `expected`" for anything else. A number with a suffix (`5m`, `1Gi`), which Rust lexes as one
/// numeric literal, gets a hint to put it in quotes.
pub fn expect_string(
    ctxt: &Ctxt,
    name: &str,
    expr: &Expr,
    expected: &str,
) -> Option<Spanned<String>> {
    let expr = strip_invisible_groups(expr);
    if let Some(literal) = string_literal(expr) {
        return Some(Spanned::new(literal.value(), literal.span()));
    }
    let found = expr_text(expr);
    let message = match suffixed_number(expr) {
        Some(_) => format!(
            "invalid `{name}` value `{found}`: write it as a string, `{name} = \"{found}\"`"
        ),
        None => invalid_value(name, &found, expected),
    };
    ctxt.error_spanned_by(expr, message);
    None
}

/// Like [`expect_string`], then also reports an empty (or all-whitespace) string.
pub fn expect_nonempty_string(
    ctxt: &Ctxt,
    name: &str,
    expr: &Expr,
    expected: &str,
) -> Option<Spanned<String>> {
    let text = expect_string(ctxt, name, expr, expected)?;
    if text.value.trim().is_empty() {
        ctxt.error_at(
            text.span,
            format!("`{name}` cannot be empty: expected {expected}"),
        );
        return None;
    }
    Some(text)
}

/// The string literal `expr` is, if it is one.
pub fn string_literal(expr: &Expr) -> Option<&LitStr> {
    match strip_invisible_groups(expr) {
        Expr::Lit(ExprLit {
            lit: Lit::Str(literal),
            ..
        }) => Some(literal),
        _ => None,
    }
}

/// The suffix of a numeric literal such as `5m` or `1Gi`, if `expr` is one with a suffix.
pub fn suffixed_number(expr: &Expr) -> Option<String> {
    match strip_invisible_groups(expr) {
        Expr::Lit(ExprLit {
            lit: Lit::Int(literal),
            ..
        }) if !literal.suffix().is_empty() => Some(literal.suffix().to_string()),
        Expr::Lit(ExprLit {
            lit: Lit::Float(literal),
            ..
        }) if !literal.suffix().is_empty() => Some(literal.suffix().to_string()),
        _ => None,
    }
}

/// Removes the invisible (`None`-delimited) groups that `macro_rules!` puts around `$x:expr`
/// fragments, so `retries = $n` from a user's macro is seen as the literal it holds.
pub fn strip_invisible_groups(mut expr: &Expr) -> &Expr {
    while let Expr::Group(group) = expr {
        expr = &group.expr;
    }
    expr
}

/// The tokens of `expr` as text, for quoting them in messages (spaced as the user wrote them).
pub fn expr_text(expr: &Expr) -> String {
    super::text::tokens_text(expr)
}

/// "invalid `name` value `found`: expected ..." (the message style of every value error).
pub fn invalid_value(name: &str, found: &str, expected: &str) -> String {
    format!("invalid `{name}` value `{found}`: expected {expected}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{error_messages, errors_with_source, tokens};

    const COLORS: ArgList = ArgList {
        what: "`paint` option",
        allowed: &["red", "green", "blue"],
        aliases: &[("crimson", "red")],
        hints: &[("colour", "write `red`, `green` or `blue` directly")],
    };

    fn names(args: &[Arg]) -> Vec<&str> {
        args.iter().map(|arg| arg.name.as_str()).collect()
    }

    #[test]
    fn parses_all_three_forms_in_order() {
        let ctxt = Ctxt::new();
        let args = parse_args(&ctxt, tokens("red, green = 1, blue(x, y),"), &COLORS);
        assert!(!ctxt.has_errors());
        assert_eq!(names(&args), ["red", "green", "blue"]);
        assert!(matches!(args[0].form(), ArgForm::Flag));
        assert!(matches!(args[1].form(), ArgForm::Value(_)));
        assert!(matches!(args[2].form(), ArgForm::List(_)));
    }

    #[test]
    fn empty_input_is_an_empty_list() {
        let ctxt = Ctxt::new();
        assert!(parse_args(&ctxt, TokenStream::new(), &COLORS).is_empty());
        assert!(!ctxt.has_errors());
    }

    #[test]
    fn raw_identifiers_are_unprefixed() {
        let ctxt = Ctxt::new();
        let args = parse_args(&ctxt, tokens("r#red"), &COLORS);
        assert_eq!(names(&args), ["red"]);
    }

    #[test]
    fn reports_unknown_duplicate_and_path_names_together() {
        let ctxt = Ctxt::new();
        let args = parse_args(
            &ctxt,
            tokens("red, gren = 1, red, purple, a::b, colour, crimson, blue"),
            &COLORS,
        );
        assert_eq!(names(&args), ["red", "blue"]);
        assert_eq!(
            errors_with_source(ctxt),
            [
                (
                    "unknown `paint` option `gren`: did you mean `green`? expected one of `red`, \
                     `green`, `blue`"
                        .to_string(),
                    "gren".to_string()
                ),
                ("duplicate `paint` option `red`".into(), "red".into()),
                (
                    "unknown `paint` option `purple`: expected one of `red`, `green`, `blue`"
                        .into(),
                    "purple".into()
                ),
                (
                    "expected a `paint` option name, one of `red`, `green`, `blue`".into(),
                    "a::b".into()
                ),
                (
                    "unknown `paint` option `colour`: write `red`, `green` or `blue` directly"
                        .into(),
                    "colour".into()
                ),
                (
                    "unknown `paint` option `crimson`: did you mean `red`? expected one of \
                     `red`, `green`, `blue`"
                        .into(),
                    "crimson".into()
                ),
            ]
        );
    }

    #[test]
    fn recovers_from_syntax_errors_at_the_next_comma() {
        let ctxt = Ctxt::new();
        let args = parse_args(
            &ctxt,
            tokens("red = , green = 1 2, , blue = (1 2), blue = [1 2], blue"),
            &COLORS,
        );
        assert_eq!(names(&args), ["blue"]);
        assert_eq!(
            errors_with_source(ctxt),
            [
                (
                    "unexpected end of input, expected an expression".to_string(),
                    "=".to_string()
                ),
                ("unexpected token".into(), "2".into()),
                ("expected an argument before this `,`".into(), ",".into()),
                ("expected `,`".into(), "2".into()),
                ("expected `,` or `;`".into(), "2".into()),
            ]
        );
    }

    #[test]
    fn literal_in_name_position_is_a_syntax_error() {
        let ctxt = Ctxt::new();
        let args = parse_args(&ctxt, tokens("\"red\" = 1, blue"), &COLORS);
        assert_eq!(names(&args), ["blue"]);
        assert_eq!(ctxt.error_count(), 1);
    }

    #[test]
    fn form_helpers_report_the_wrong_form() {
        let ctxt = Ctxt::new();
        let args = parse_args(&ctxt, tokens("red, green = 1, blue[1]"), &COLORS);
        assert!(expect_value(&ctxt, &args[0], "red = 1").is_none());
        assert!(expect_list(&ctxt, &args[1], "green(1)").is_none());
        assert!(expect_list(&ctxt, &args[2], "blue(1)").is_none());
        assert!(expect_flag_or_bool(&ctxt, &args[1], "green = true").is_none());
        assert_eq!(
            error_messages(ctxt),
            [
                "`red` needs a value, e.g. `red = 1`",
                "`green` takes a list, e.g. `green(1)`",
                "`blue` takes its list in parentheses, e.g. `blue(1)`",
                "invalid `green` value `1`: expected `true` or `false`, e.g. `green = true`",
            ]
        );
    }

    #[test]
    fn flag_or_bool_accepts_both_forms() {
        let ctxt = Ctxt::new();
        let args = parse_args(&ctxt, tokens("red, green = false, blue = true"), &COLORS);
        let values: Vec<bool> = args
            .iter()
            .filter_map(|arg| expect_flag_or_bool(&ctxt, arg, "x"))
            .map(|value| value.value)
            .collect();
        assert_eq!(values, [true, false, true]);
        assert!(!ctxt.has_errors());
    }

    #[test]
    fn strings_are_checked_and_suffixed_numbers_get_a_quote_hint() {
        let ctxt = Ctxt::new();
        let args = parse_args(&ctxt, tokens("red = \"x\", green = 5m, blue = 3"), &COLORS);
        let values: Vec<Option<String>> = args
            .iter()
            .map(|arg| {
                let expr = expect_value(&ctxt, arg, "x")?;
                expect_string(&ctxt, &arg.name, expr, "a string such as \"x\"")
                    .map(Spanned::into_value)
            })
            .collect();
        assert_eq!(values, [Some("x".to_string()), None, None]);
        assert_eq!(
            errors_with_source(ctxt),
            [
                (
                    "invalid `green` value `5m`: write it as a string, `green = \"5m\"`"
                        .to_string(),
                    "5m".to_string()
                ),
                (
                    "invalid `blue` value `3`: expected a string such as \"x\"".into(),
                    "3".into()
                ),
            ]
        );
    }

    #[test]
    fn empty_strings_are_rejected_when_asked() {
        let ctxt = Ctxt::new();
        let args = parse_args(&ctxt, tokens("red = \"  \""), &COLORS);
        let expr = expect_value(&ctxt, &args[0], "x").unwrap();
        assert!(expect_nonempty_string(&ctxt, "red", expr, "a colour such as \"#f00\"").is_none());
        assert_eq!(
            error_messages(ctxt),
            ["`red` cannot be empty: expected a colour such as \"#f00\""]
        );
    }

    #[test]
    fn invisible_groups_are_looked_through() {
        let inner: Expr = syn::parse_quote!("x");
        let grouped = Expr::Group(syn::ExprGroup {
            attrs: Vec::new(),
            group_token: Default::default(),
            expr: Box::new(inner),
        });
        assert_eq!(
            string_literal(&grouped).map(LitStr::value),
            Some("x".into())
        );
    }
}
