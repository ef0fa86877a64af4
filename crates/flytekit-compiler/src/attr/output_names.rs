//! `outputs(total, count)`: the names of an entity's outputs.
//!
//! Consumes the `outputs(...)` argument of `#[task]`, `#[workflow]` or `#[container_task]` (which
//! hands it on to `#[task]`'s front end); produces the names in order, spanned at the `outputs`
//! key, and reports to the [`Ctxt`] every name that is not an identifier and every name given
//! twice. Whether there is one name per returned value needs the signature: that is
//! `task::check::check_output_names`.

use proc_macro2::{TokenStream, TokenTree};
use syn::ext::IdentExt;

use crate::attr::args::{expect_list, Arg};
use crate::attr::text::tokens_text;
use crate::attr::Spanned;
use crate::ctxt::Ctxt;

const EXAMPLE: &str = "outputs(total, count)";

/// Parses `outputs(a, b, ...)`: each name an identifier (`r#type` is `type`), each given once.
/// `None` after any error (reported): then the count is not checked against the signature
/// either, which would only repeat the mistake as a wrong count.
pub fn parse_output_names(ctxt: &Ctxt, arg: &Arg) -> Option<Spanned<Vec<String>>> {
    let tokens = expect_list(ctxt, arg, EXAMPLE)?;
    let errors_before = ctxt.error_count();
    let mut names: Vec<String> = Vec::new();
    for piece in split_on_commas(ctxt, tokens) {
        let Some(ident) = single_ident(&piece) else {
            not_a_name(ctxt, &piece);
            continue;
        };
        let name = ident.unraw().to_string();
        if names.contains(&name) {
            ctxt.error_at(
                ident.span(),
                format!(
                    "duplicate output name `{name}`: each output needs its own name, e.g. \
                     `{EXAMPLE}`"
                ),
            );
            continue;
        }
        names.push(name);
    }
    if ctxt.error_count() > errors_before {
        return None;
    }
    Some(Spanned::new(names, arg.name_span))
}

/// The comma-separated pieces of `tokens`; a trailing comma is allowed, an empty piece before a
/// comma is reported at that comma.
fn split_on_commas(ctxt: &Ctxt, tokens: TokenStream) -> Vec<TokenStream> {
    let mut pieces = Vec::new();
    let mut piece: Vec<TokenTree> = Vec::new();
    for tree in tokens {
        match &tree {
            TokenTree::Punct(punct) if punct.as_char() == ',' => {
                if piece.is_empty() {
                    ctxt.error_at(
                        punct.span(),
                        format!("expected an output name before this `,`, e.g. `{EXAMPLE}`"),
                    );
                } else {
                    pieces.push(std::mem::take(&mut piece).into_iter().collect());
                }
            }
            _ => piece.push(tree),
        }
    }
    if !piece.is_empty() {
        pieces.push(piece.into_iter().collect());
    }
    pieces
}

fn single_ident(piece: &TokenStream) -> Option<proc_macro2::Ident> {
    let mut trees = piece.clone().into_iter();
    match (trees.next(), trees.next()) {
        // `_` is an identifier token, but it names nothing: flytekit could not read it back.
        (Some(TokenTree::Ident(ident)), None) if ident != "_" => Some(ident),
        _ => None,
    }
}

/// The error for a piece that is not an identifier, pointing at all of its tokens. A string
/// literal whose text is an identifier gets the name without quotes as the fix.
fn not_a_name(ctxt: &Ctxt, piece: &TokenStream) {
    let written = tokens_text(piece);
    let unquoted = syn::parse2::<syn::LitStr>(piece.clone())
        .ok()
        .map(|literal| literal.value())
        .filter(|text| syn::parse_str::<syn::Ident>(text).is_ok());
    let fix = match unquoted {
        Some(text) => format!("write `{text}` without quotes"),
        None => format!("e.g. `{EXAMPLE}`"),
    };
    ctxt.error_spanned_by(
        piece,
        format!("`{written}` is not an output name: output names are identifiers, {fix}"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr::args::{parse_args, ArgList};
    use crate::test_support::{errors_with_source, tokens};

    const LIST: ArgList = ArgList {
        what: "test key",
        allowed: &["outputs"],
        aliases: &[],
        hints: &[],
    };

    fn parse(source: &str) -> (Option<Vec<String>>, Vec<(String, String)>) {
        let ctxt = Ctxt::new();
        let args = parse_args(&ctxt, tokens(source), &LIST);
        let names = parse_output_names(&ctxt, &args[0]).map(Spanned::into_value);
        (names, errors_with_source(ctxt))
    }

    #[test]
    fn identifiers_in_order_raw_ones_unraw() {
        let (names, errors) = parse("outputs(area, r#type, perimeter,)");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(names.unwrap(), ["area", "type", "perimeter"]);
    }

    #[test]
    fn a_duplicate_is_reported_at_its_second_occurrence() {
        let (names, errors) = parse("outputs(area, area)");
        assert!(names.is_none());
        assert_eq!(
            errors,
            [(
                "duplicate output name `area`: each output needs its own name, e.g. \
                 `outputs(total, count)`"
                    .to_string(),
                "area".to_string()
            )]
        );
    }

    #[test]
    fn non_identifiers_point_at_what_was_written() {
        let (names, errors) = parse("outputs(\"area\", 1x, a.b, _, , c)");
        assert!(names.is_none());
        let sources: Vec<&str> = errors.iter().map(|(_, source)| source.as_str()).collect();
        assert_eq!(sources, [",", "\"area\"", "1x", "a.b", "_"]);
        assert_eq!(
            errors[1].0,
            "`\"area\"` is not an output name: output names are identifiers, write `area` \
             without quotes"
        );
        assert_eq!(
            errors[3].0,
            "`a.b` is not an output name: output names are identifiers, e.g. \
             `outputs(total, count)`"
        );
    }

    #[test]
    fn not_a_list_is_reported() {
        let (names, errors) = parse("outputs = \"area\"");
        assert!(names.is_none());
        assert_eq!(errors.len(), 1, "{errors:?}");
    }
}
