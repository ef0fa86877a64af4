//! Helpers for the unit tests of this crate (compiled only for tests).
//!
//! Consumes test source text and collected errors; produces token streams whose spans carry
//! source positions (so tests can assert what an error points at) and the errors' messages with
//! the source text under each error's span.

use proc_macro2::TokenStream;

use crate::ctxt::Ctxt;

/// Lexes `source` as a test input. Unlike `quote!`, the tokens get real positions, so
/// [`errors_with_source`] can read back what each error points at.
pub(crate) fn tokens(source: &str) -> TokenStream {
    match source.parse() {
        Ok(tokens) => tokens,
        Err(error) => panic!("test input does not lex: {error}: {source}"),
    }
}

/// Parses `source` as a syntax tree node, with positions (see [`tokens`]).
pub(crate) fn parse<T: syn::parse::Parse>(source: &str) -> T {
    match syn::parse2(tokens(source)) {
        Ok(node) => node,
        Err(error) => panic!("test input does not parse: {error}: {source}"),
    }
}

/// The messages of every error collected in `ctxt`, in order.
pub(crate) fn error_messages(ctxt: Ctxt) -> Vec<String> {
    split_error(ctxt.into_error())
        .into_iter()
        .map(|(message, _)| message)
        .collect()
}

/// Each error collected in `ctxt` as (message, source text under its span).
pub(crate) fn errors_with_source(ctxt: Ctxt) -> Vec<(String, String)> {
    split_error(ctxt.into_error())
}

/// Each error inside a combined `syn::Error` as (message, source text under its span); the text
/// is `<no source>` for spans without a position (tokens made by `quote!`).
pub(crate) fn split_error(error: Option<syn::Error>) -> Vec<(String, String)> {
    let Some(error) = error else {
        return Vec::new();
    };
    error
        .into_iter()
        .map(|single| {
            let source = single
                .span()
                .source_text()
                .unwrap_or_else(|| "<no source>".to_string());
            (single.to_string(), source)
        })
        .collect()
}
