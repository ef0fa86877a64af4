//! Doc comments as Flyte descriptions.
//!
//! Consumes a function's attributes (the `#[doc = "..."]` lines that `///` comments become) or a
//! text given in `docs = "..."`; produces a [`Docstring`]: the short description (the first
//! paragraph), the long description (the rest, without the sections below, as flytekit splits
//! a docstring into summary, body and `Args:` / `Returns:`), per-parameter descriptions from a
//! rustdoc-style `# Arguments` section and the text of a `# Returns` section. Parsing is lenient:
//! text that does not follow the conventions is simply not picked up, never an error.
//!
//! Accepted argument entries (in a section headed `Arguments`, `Args`, `Parameters`, `Params` or
//! `Inputs`, at any heading level, ending at the next heading):
//!
//! ```text
//! * `x` - the value        - `x`: the value        * x - the value       * `x` -- the value
//! ```
//!
//! An entry may continue on the following lines until a blank line or the next bullet.

use std::collections::BTreeMap;

use syn::{Attribute, Expr, ExprLit, Lit, Meta};

/// The descriptions found in a doc comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docstring {
    /// The first paragraph, its lines joined with spaces; `None` when there is no text.
    pub short_description: Option<String>,
    /// The text after the first paragraph, without the `# Arguments` and `# Returns`
    /// sections, unindented, without leading or trailing blank lines; `None` when empty.
    pub long_description: Option<String>,
    /// Parameter name (without `r#`) -> description, from the `# Arguments` section.
    pub arguments: BTreeMap<String, String>,
    /// The text of a `# Returns` section, lines joined with spaces.
    pub returns: Option<String>,
}

/// The doc comment of an item: every `#[doc = "..."]` string, in order, unindented (the common
/// leading whitespace removed, as rustdoc does) and without leading or trailing blank lines.
/// `#[doc = include_str!(...)]` and `#[doc(hidden)]` carry no text here and are skipped.
pub fn doc_text(attrs: &[Attribute]) -> Option<String> {
    let mut lines: Vec<&str> = Vec::new();
    let mut owned: Vec<String> = Vec::new();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("doc")) {
        if let Meta::NameValue(name_value) = &attr.meta {
            if let Expr::Lit(ExprLit {
                lit: Lit::Str(text),
                ..
            }) = &name_value.value
            {
                owned.push(text.value());
            }
        }
    }
    for text in &owned {
        lines.extend(text.lines());
        // `"".lines()` is empty, but an empty `///` line is still a (blank) line.
        if text.is_empty() {
            lines.push("");
        }
    }
    let text = unindent(&lines);
    (!text.is_empty()).then_some(text)
}

/// The [`Docstring`] of an item's doc comment.
pub fn docs_from_attributes(attrs: &[Attribute]) -> Docstring {
    doc_text(attrs)
        .map(|text| parse_docstring(&text))
        .unwrap_or_default()
}

/// Parses a doc text (already unindented, or given in `docs = "..."`, which is unindented here).
pub fn parse_docstring(text: &str) -> Docstring {
    let lines: Vec<&str> = text.lines().collect();
    let text = unindent(&lines);
    if text.is_empty() {
        return Docstring::default();
    }
    let lines: Vec<&str> = text.lines().collect();
    let sections = split_sections(&lines);
    let mut arguments = BTreeMap::new();
    let mut returns = None;
    for section in &sections {
        match section.heading.as_deref() {
            Some("arguments" | "args" | "parameters" | "params" | "inputs") => {
                for (name, description) in parse_argument_entries(&section.lines) {
                    arguments.entry(name).or_insert(description);
                }
            }
            Some("returns" | "return" | "outputs") if returns.is_none() => {
                let joined = join_words(&section.lines);
                returns = (!joined.is_empty()).then_some(joined);
            }
            _ => {}
        }
    }
    Docstring {
        short_description: first_paragraph(&lines),
        long_description: body(&sections),
        arguments,
        returns,
    }
}

/// Whether a section's heading is one whose text goes into the interface instead (arguments
/// and returns), as flytekit's docstring parser takes `Args:` / `Returns:` out of the body.
fn is_interface_heading(heading: &str) -> bool {
    matches!(
        heading,
        "arguments"
            | "args"
            | "parameters"
            | "params"
            | "inputs"
            | "returns"
            | "return"
            | "outputs"
    )
}

/// The long description, split as flytekit splits a docstring: the text after the summary (the
/// first paragraph), without the sections that describe inputs and outputs; `None` when
/// nothing is left.
fn body(sections: &[Section<'_>]) -> Option<String> {
    let mut lines: Vec<&str> = Vec::new();
    for (index, section) in sections.iter().enumerate() {
        if section.heading.as_deref().is_some_and(is_interface_heading) {
            continue;
        }
        let mut own: &[&str] = &section.lines;
        if index == 0 {
            // The summary: the leading lines up to a blank line, a heading or a fence.
            let summary = own
                .iter()
                .take_while(|line| !line.trim().is_empty() && !is_fence(line))
                .count();
            own = &own[summary..];
        }
        lines.extend(section.heading_line);
        lines.extend(own);
    }
    let text = unindent(&lines);
    (!text.is_empty()).then_some(text)
}

/// Removes the indentation common to all non-blank lines, trailing whitespace, and leading and
/// trailing blank lines.
fn unindent(lines: &[&str]) -> String {
    let indentation = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let unindented: Vec<&str> = lines
        .iter()
        .map(|line| {
            // ok: `indentation` is at most this line's count of leading whitespace bytes (which
            // are ASCII or multi-byte whitespace; `get` refuses a split inside a character).
            line.get(indentation..)
                .unwrap_or(line.trim_start())
                .trim_end()
        })
        .collect();
    let first = unindented.iter().position(|line| !line.is_empty());
    let last = unindented.iter().rposition(|line| !line.is_empty());
    match (first, last) {
        (Some(first), Some(last)) => unindented[first..=last].join("\n"),
        _ => String::new(),
    }
}

/// A run of lines under one heading (`heading` lowercased, without `#`s); the text before the
/// first heading has none.
struct Section<'a> {
    heading: Option<String>,
    /// The heading as written, to give the body back its other headings.
    heading_line: Option<&'a str>,
    lines: Vec<&'a str>,
}

/// Splits the text at Markdown headings that are outside fenced code blocks (a `# hidden` line
/// in a Rust example is not a heading).
fn split_sections<'a>(lines: &[&'a str]) -> Vec<Section<'a>> {
    let mut sections = vec![Section {
        heading: None,
        heading_line: None,
        lines: Vec::new(),
    }];
    let mut in_code_block = false;
    for line in lines {
        if is_fence(line) {
            in_code_block = !in_code_block;
        }
        match heading_text(line).filter(|_| !in_code_block) {
            Some(heading) => sections.push(Section {
                heading: Some(heading.to_lowercase()),
                heading_line: Some(line),
                lines: Vec::new(),
            }),
            None => {
                // ok: `sections` starts non-empty and only grows.
                if let Some(current) = sections.last_mut() {
                    current.lines.push(line);
                }
            }
        }
    }
    sections
}

fn is_fence(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with("```") || trimmed.starts_with("~~~")
}

/// The text of a Markdown ATX heading (`# Arguments` -> `Arguments`), if `line` is one.
fn heading_text(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    let level = trimmed.len() - trimmed.trim_start_matches('#').len();
    if !(1..=6).contains(&level) {
        return None;
    }
    // ok: `level` counts leading ASCII `#` bytes, so it is a character boundary.
    let rest = &trimmed[level..];
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None; // `#hashtag`, not a heading
    }
    Some(rest.trim().trim_end_matches('#').trim())
}

/// The first paragraph, stopping at a blank line, a heading or a code fence.
fn first_paragraph(lines: &[&str]) -> Option<String> {
    let paragraph: Vec<&str> = lines
        .iter()
        .take_while(|line| {
            !line.trim().is_empty() && heading_text(line).is_none() && !is_fence(line)
        })
        .copied()
        .collect();
    let joined = join_words(&paragraph);
    (!joined.is_empty()).then_some(joined)
}

/// Trimmed, non-blank lines joined by single spaces.
fn join_words(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|line| line.trim())
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `(name, description)` entries of an arguments section, in order.
fn parse_argument_entries(lines: &[&str]) -> Vec<(String, String)> {
    let mut entries: Vec<(String, Vec<String>)> = Vec::new();
    // Whether the next non-bullet line continues the last entry.
    let mut continuing = false;
    let mut in_code_block = false;
    for line in lines {
        let trimmed = line.trim();
        if is_fence(line) {
            in_code_block = !in_code_block;
            continuing = false;
            continue;
        }
        if in_code_block {
            continue;
        }
        if trimmed.is_empty() {
            continuing = false;
            continue;
        }
        if let Some(item) = bullet_item(trimmed) {
            continuing = false;
            if let Some((name, first_line)) = parse_entry(item) {
                entries.push((name, vec![first_line]));
                continuing = true;
            }
            continue;
        }
        if continuing {
            if let Some((_, description)) = entries.last_mut() {
                description.push(trimmed.to_string());
            }
        }
    }
    entries
        .into_iter()
        .map(|(name, parts)| {
            (
                name,
                join_words(&parts.iter().map(String::as_str).collect::<Vec<_>>()),
            )
        })
        .filter(|(_, description)| !description.is_empty())
        .collect()
}

/// The text after a list bullet (`*`, `-` or `+` followed by whitespace).
fn bullet_item(line: &str) -> Option<&str> {
    let rest = line.strip_prefix(['*', '-', '+'])?;
    rest.starts_with(char::is_whitespace)
        .then(|| rest.trim_start())
}

/// `` `x` - the value `` / `` `x`: the value `` / `x - the value` -> `("x", "the value")`.
fn parse_entry(item: &str) -> Option<(String, String)> {
    let (name_text, rest) = match item.strip_prefix('`') {
        Some(quoted) => {
            // ok: slicing at a found ASCII '`' (and one byte past it) stays on boundaries.
            let end = quoted.find('`')?;
            (&quoted[..end], &quoted[end + 1..])
        }
        None => {
            // ok: `find` returns a character boundary.
            let end = item
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '#'))
                .unwrap_or(item.len());
            (&item[..end], &item[end..])
        }
    };
    let name = identifier_prefix(name_text)?;
    let rest = rest.trim_start();
    let description = ["--", "-", "\u{2013}", "\u{2014}", ":"]
        .iter()
        .find_map(|separator| rest.strip_prefix(separator))
        .unwrap_or(rest);
    Some((name, description.trim().to_string()))
}

/// The identifier at the start of `text` without `r#` (so `` `x: i64` `` documents `x`), if any.
fn identifier_prefix(text: &str) -> Option<String> {
    let text = text.trim();
    let text = text.strip_prefix("r#").unwrap_or(text);
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    let name = &text[..end]; // ok: `end` comes from `find`, a character boundary
    let starts_well = name.starts_with(|c: char| c.is_alphabetic() || c == '_');
    starts_well.then(|| name.to_string())
}

#[cfg(test)]
#[path = "docs_tests.rs"]
mod tests;
