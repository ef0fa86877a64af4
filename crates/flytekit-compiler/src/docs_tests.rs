//! Tests of `docs`: doc text extraction, descriptions and the `# Arguments` section.

use syn::ItemFn;

use super::*;

fn docs_of(item: ItemFn) -> Docstring {
    docs_from_attributes(&item.attrs)
}

fn arguments(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(name, description)| (name.to_string(), description.to_string()))
        .collect()
}

#[test]
fn no_doc_comment_gives_empty_docs() {
    let item: ItemFn = syn::parse_quote! { fn f() {} };
    assert_eq!(docs_of(item), Docstring::default());
}

#[test]
fn doc_comment_lines_are_unindented_and_trimmed() {
    let item: ItemFn = syn::parse_quote! {
        ///
        /// Adds two numbers.
        ///
        ///     indented code
        ///
        #[inline]
        fn add() {}
    };
    assert_eq!(
        doc_text(&item.attrs).as_deref(),
        Some("Adds two numbers.\n\n    indented code")
    );
}

#[test]
fn other_doc_attribute_forms_are_skipped() {
    let item: ItemFn = syn::parse_quote! {
        #[doc(hidden)]
        #[doc = include_str!("README.md")]
        /// Kept.
        fn f() {}
    };
    assert_eq!(doc_text(&item.attrs).as_deref(), Some("Kept."));
}

#[test]
fn block_doc_comments_are_split_into_lines() {
    let item: ItemFn = syn::parse_quote! {
        /** First line
            continues.

            Second paragraph. */
        fn f() {}
    };
    let docs = docs_of(item);
    assert_eq!(
        docs.short_description.as_deref(),
        Some("First line continues.")
    );
}

#[test]
fn short_description_is_the_first_paragraph() {
    let item: ItemFn = syn::parse_quote! {
        /// Adds two numbers,
        /// carefully.
        ///
        /// Details that only the long description has.
        fn add() {}
    };
    let docs = docs_of(item);
    assert_eq!(
        docs.short_description.as_deref(),
        Some("Adds two numbers, carefully.")
    );
    assert_eq!(
        docs.long_description.as_deref(),
        Some("Details that only the long description has.")
    );
}

#[test]
fn long_description_is_the_body_without_the_interface_sections() {
    let docs = parse_docstring(
        "Adds.\n\nThe body,\nin two lines.\n\n# Arguments\n\n* `a` - the first\n\n\
         ## Example\n\n```\n# let x = 1;\n```\n\n# Returns\n\nThe sum.",
    );
    assert_eq!(docs.short_description.as_deref(), Some("Adds."));
    assert_eq!(
        docs.long_description.as_deref(),
        Some("The body,\nin two lines.\n\n## Example\n\n```\n# let x = 1;\n```")
    );
    assert_eq!(docs.arguments["a"], "the first");
    assert_eq!(docs.returns.as_deref(), Some("The sum."));
    assert_eq!(parse_docstring("Only a summary.").long_description, None);
    assert_eq!(
        parse_docstring("Summary.\n# Arguments\n* `a` - x").long_description,
        None
    );
}

#[test]
fn short_description_stops_at_a_heading_or_fence() {
    assert_eq!(
        parse_docstring("Summary.\n# Arguments\n* `a` - x")
            .short_description
            .as_deref(),
        Some("Summary.")
    );
    assert_eq!(
        parse_docstring("Summary.\n```\ncode\n```")
            .short_description
            .as_deref(),
        Some("Summary.")
    );
    assert_eq!(
        parse_docstring("# Arguments\n* `a` - x").short_description,
        None
    );
}

#[test]
fn arguments_section_accepts_the_common_entry_forms() {
    let docs = parse_docstring(
        "Does things.\n\n# Arguments\n\n* `a` - the first value\n- `b`: the second value\n* c - \
         the third value\n* `d` -- the fourth\n* `e` \u{2014} the fifth\n+ `r#type` - a raw \
         name\n* `g: i64` - typed name",
    );
    assert_eq!(
        docs.arguments,
        arguments(&[
            ("a", "the first value"),
            ("b", "the second value"),
            ("c", "the third value"),
            ("d", "the fourth"),
            ("e", "the fifth"),
            ("type", "a raw name"),
            ("g", "typed name"),
        ])
    );
}

#[test]
fn entries_continue_on_following_lines() {
    let docs = parse_docstring(
        "# Arguments\n* `a` - starts here\n  and goes on\nand on\n\nnot part of it\n* `b` - short",
    );
    assert_eq!(
        docs.arguments,
        arguments(&[("a", "starts here and goes on and on"), ("b", "short")])
    );
}

#[test]
fn arguments_section_ends_at_the_next_heading() {
    let docs = parse_docstring(
        "# Arguments\n* `a` - inside\n\n# Examples\n* `b` - outside\n\n## Parameters\n* `c` - \
         another section of arguments",
    );
    assert_eq!(
        docs.arguments,
        arguments(&[("a", "inside"), ("c", "another section of arguments")])
    );
}

#[test]
fn hashes_inside_code_blocks_are_not_headings() {
    let docs = parse_docstring(
        "# Arguments\n* `a` - inside\n```\n# hidden line\n```\n* `b` - still inside",
    );
    assert_eq!(
        docs.arguments,
        arguments(&[("a", "inside"), ("b", "still inside")])
    );
}

#[test]
fn heading_levels_and_case_do_not_matter() {
    for heading in [
        "# Arguments",
        "## arguments",
        "### ARGS ###",
        "# Parameters",
        "# Inputs",
    ] {
        let docs = parse_docstring(&format!("{heading}\n* `x` - the x"));
        assert_eq!(docs.arguments, arguments(&[("x", "the x")]), "{heading}");
    }
    let not_heading = parse_docstring("#Arguments\n* `x` - the x");
    assert!(not_heading.arguments.is_empty());
}

#[test]
fn malformed_entries_are_skipped() {
    let docs = parse_docstring(
        "# Arguments\n* `unclosed - x\n* 1abc - digits first\n* `x` -\n\n*no_space - y\n* `ok` \
         - fine\n* `ok` - first one wins",
    );
    assert_eq!(docs.arguments, arguments(&[("ok", "fine")]));
}

#[test]
fn entries_outside_an_arguments_section_are_ignored() {
    let docs = parse_docstring("Summary.\n\n* `a` - not an argument list");
    assert!(docs.arguments.is_empty());
}

#[test]
fn returns_section_is_collected() {
    let docs = parse_docstring("Sum.\n\n# Returns\n\nThe sum\nof both.\n\n# Panics\nNever.");
    assert_eq!(docs.returns.as_deref(), Some("The sum of both."));
    assert_eq!(parse_docstring("Sum.").returns, None);
}

#[test]
fn override_text_is_unindented_too() {
    let docs = parse_docstring("\n    Summary line.\n\n    # Arguments\n    * `a` - value\n");
    assert_eq!(docs.short_description.as_deref(), Some("Summary line."));
    assert_eq!(docs.arguments, arguments(&[("a", "value")]));
    assert_eq!(parse_docstring("  \n "), Docstring::default());
}

#[test]
fn rustdoc_style_doc_comment_end_to_end() {
    let item: ItemFn = syn::parse_quote! {
        /// Scales a value.
        ///
        /// # Arguments
        ///
        /// * `x` - the value to scale
        /// * `factor` - how much to scale it by;
        ///   defaults to 2
        ///
        /// # Returns
        ///
        /// The scaled value.
        fn scale(x: f64, factor: f64) -> f64 { x * factor }
    };
    let docs = docs_of(item);
    assert_eq!(docs.short_description.as_deref(), Some("Scales a value."));
    assert_eq!(
        docs.arguments,
        arguments(&[
            ("x", "the value to scale"),
            ("factor", "how much to scale it by; defaults to 2"),
        ])
    );
    assert_eq!(docs.returns.as_deref(), Some("The scaled value."));
}
