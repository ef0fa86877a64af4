//! Tokens as the text a user would write, for quoting types and values in error messages.
//!
//! Consumes a `TokenStream` (a type such as `&mut Vec<i64>`, or an attribute value); produces a
//! string spaced the way rustfmt writes it (`&mut Vec<i64>`, `Option<&'static str>`, `["a", "b"]`,
//! `-1`), where `TokenStream::to_string` would give `& mut Vec < i64 >`. Only spacing changes;
//! the tokens are the user's, in order.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// `tokens` as text, spaced as rustfmt would write them.
pub fn tokens_text(tokens: impl quote::ToTokens) -> String {
    let mut out = String::new();
    write_stream(&mut out, tokens.to_token_stream());
    out
}

/// Keywords that are always followed by a space (`&mut [u8]`, `impl Fn(i64)`, `dyn Trait`).
const SPACED_KEYWORDS: &[&str] = &[
    "as", "async", "const", "dyn", "else", "for", "if", "impl", "in", "let", "match", "move",
    "mut", "ref", "return", "unsafe", "where", "while",
];

fn write_stream(out: &mut String, tokens: TokenStream) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    // How many `<` opened a generic argument list and are not closed yet.
    let mut generic_depth = 0usize;
    for (index, tree) in trees.iter().enumerate() {
        let previous = index.checked_sub(1).map(|i| &trees[i]);
        let before_previous = index.checked_sub(2).map(|i| &trees[i]);
        let opens_generics = is_punct(tree, '<') && previous.is_none_or(starts_generics);
        let closes_generics = is_punct(tree, '>') && generic_depth > 0 && !after_joint(previous);
        if let Some(previous) = previous {
            let mut space = space_between(before_previous, previous, tree);
            if opens_generics
                || closes_generics
                || previous_opened_generics(previous, &trees, index)
            {
                space = false;
            }
            if space {
                out.push(' ');
            }
        }
        if opens_generics {
            generic_depth += 1;
        } else if closes_generics {
            generic_depth -= 1;
        }
        match tree {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{ ", " }"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                write_stream(out, group.stream());
                out.push_str(close);
            }
            other => out.push_str(&other.to_string()),
        }
    }
}

/// Whether the `<` at `index - 1` opened generics (so no space follows it).
fn previous_opened_generics(previous: &TokenTree, trees: &[TokenTree], index: usize) -> bool {
    is_punct(previous, '<')
        && index
            .checked_sub(2)
            .map(|i| &trees[i])
            .is_none_or(starts_generics)
}

/// A `<` after this token opens generic arguments: after a type name (`Vec<`), after `::` in a
/// turbofish (`f::<`), or at the start (`<T as Trait>`). A lowercase name is taken for a value,
/// so `a < b` keeps its spaces.
fn starts_generics(previous: &TokenTree) -> bool {
    match previous {
        TokenTree::Ident(ident) => {
            let name = ident.to_string();
            name.starts_with(|c: char| c.is_ascii_uppercase()) && !name.starts_with("r#")
        }
        TokenTree::Punct(punct) => punct.as_char() == ':',
        _ => false,
    }
}

fn is_punct(tree: &TokenTree, c: char) -> bool {
    matches!(tree, TokenTree::Punct(punct) if punct.as_char() == c)
}

fn after_joint(previous: Option<&TokenTree>) -> bool {
    matches!(previous, Some(TokenTree::Punct(p)) if p.spacing() == Spacing::Joint)
}

/// Whether a space goes between `previous` and `next` (generics aside).
fn space_between(before: Option<&TokenTree>, previous: &TokenTree, next: &TokenTree) -> bool {
    if let TokenTree::Punct(punct) = previous {
        if punct.spacing() == Spacing::Joint {
            return false; // `::`, `->`, `'a`
        }
        let ends_operator = after_joint(before);
        match punct.as_char() {
            // The second `:` of `::`.
            ':' if ends_operator && matches!(before, Some(b) if is_punct(b, ':')) => return false,
            '#' | '$' | '.' => return false,
            // Prefix operators: `&str`, `-1`, `!done`, `*ptr`.
            '&' | '-' | '!' | '*' if !ends_operator && is_prefix_position(before) => return false,
            _ => {}
        }
    }
    match next {
        TokenTree::Punct(punct) => match punct.as_char() {
            ',' | ';' | '.' | '?' => false,
            // `a: T`, `std::x`, `Vec<T>::new`; but `as ::std::x` and `= ::std::x`.
            ':' => match previous {
                TokenTree::Ident(ident) => is_spaced_keyword(ident),
                TokenTree::Punct(punct) => punct.as_char() != '>',
                TokenTree::Group(_) => false,
                TokenTree::Literal(_) => true,
            },
            // `vec!`
            '!' => !matches!(previous, TokenTree::Ident(_)),
            _ => true,
        },
        // Calls and indexing: `Fn(i64)`, `vec![1]`, `xs[0]`; not after a keyword.
        TokenTree::Group(group) if group.delimiter() != Delimiter::Brace => match previous {
            TokenTree::Ident(ident) => is_spaced_keyword(ident),
            // `f::<i64>(x)` but `-> (i64, i64)`.
            TokenTree::Punct(punct) if punct.as_char() == '>' => after_joint(before),
            TokenTree::Punct(punct) => !matches!(punct.as_char(), '!' | '&' | '#' | '<'),
            _ => true,
        },
        _ => true,
    }
}

/// Whether an operator after `before` is a prefix operator (nothing or an operator before it).
fn is_prefix_position(before: Option<&TokenTree>) -> bool {
    match before {
        None => true,
        Some(TokenTree::Punct(punct)) => !matches!(punct.as_char(), ')' | ']' | '}'),
        Some(TokenTree::Ident(ident)) => is_spaced_keyword(ident),
        Some(_) => false,
    }
}

fn is_spaced_keyword(ident: &proc_macro2::Ident) -> bool {
    SPACED_KEYWORDS.contains(&ident.to_string().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(source: &str) -> String {
        let tokens: TokenStream = source.parse().expect("valid tokens");
        tokens_text(tokens)
    }

    #[test]
    fn types_read_as_written() {
        for ty in [
            "&str",
            "&mut Vec<i64>",
            "&'static str",
            "&[u8]",
            "&mut [u8]",
            "Option<&'static str>",
            "(i64, &String)",
            "impl Iterator<Item = i64>",
            "HashMap<String, Vec<i64>>",
            "std::sync::Mutex<i64>",
            "::std::vec::Vec<Option<f64>>",
            "Box<dyn Fn(i64) -> i64 + Send>",
            "<T as Trait>::Output",
            "[u8; 4]",
            "fn(i64) -> i64",
            "Vec<(i64, String)>",
        ] {
            assert_eq!(text(ty), ty);
        }
    }

    #[test]
    fn values_read_as_written() {
        for value in [
            "\"many\"",
            "11",
            "-1",
            "1 + 2",
            "a && b",
            "a < b",
            "[\"a\", \"b\"]",
            "(\"1Gi\", \"2Gi\")",
            "vec![1, 2]",
            "Some(3)",
            "x.len()",
            "f::<i64>(x)?",
            "!done",
            "a - b",
        ] {
            assert_eq!(text(value), value);
        }
    }
}
