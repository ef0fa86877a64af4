//! Tests of `task::analyze_task` and `task::parse_task_item`: the phases working together.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

use super::*;
use crate::test_support::{parse, split_error, tokens};

fn analyze(args: &str, function: &str) -> AnalyzedTask {
    analyze_task(tokens(args), &parse(function))
}

fn error_messages(task: &AnalyzedTask) -> Vec<String> {
    split_error(task.errors.clone())
        .into_iter()
        .map(|(message, _)| message)
        .collect()
}

#[test]
fn a_bare_task_has_defaults_and_no_errors() {
    let item: ItemFn = syn::parse_quote! {
        /// Adds one.
        pub fn add_one(x: i64) -> i64 { x + 1 }
    };
    let task = analyze_task(TokenStream::new(), &item);
    assert!(task.errors.is_none());
    let definition = &task.definition;
    assert!(definition.options.name.is_none());
    assert!(definition.cache_version.is_none());
    assert_eq!(definition.signature.ident, "add_one");
    assert_eq!(
        definition.docs.short_description.as_deref(),
        Some("Adds one.")
    );
    assert_eq!(
        task.item.to_token_stream().to_string(),
        item.to_token_stream().to_string()
    );
}

#[test]
fn descriptions_come_from_the_arguments_section() {
    let task = analyze(
        "",
        "/// Adds.\n///\n/// # Arguments\n/// * `a` - the left side\n/// * `c` - not a \
         parameter\nfn add(a: i64, b: i64) -> i64 { a + b }",
    );
    assert!(task.errors.is_none());
    let descriptions: Vec<Option<&str>> = task
        .definition
        .signature
        .inputs
        .iter()
        .map(|input| input.description.as_deref())
        .collect();
    assert_eq!(descriptions, [Some("the left side"), None]);
}

#[test]
fn docs_option_replaces_the_doc_comment() {
    let task = analyze(
        "docs = \"Overridden.\n\n# Arguments\n* `a` - from the option\"",
        "/// Original.\nfn f(a: i64) {}",
    );
    let definition = &task.definition;
    assert_eq!(
        definition.docs.short_description.as_deref(),
        Some("Overridden.")
    );
    assert_eq!(
        definition.signature.inputs[0].description.as_deref(),
        Some("from the option")
    );
}

#[test]
fn cache_version_is_explicit_or_derived() {
    let explicit = analyze("cache(version = \"7\")", "fn f(a: i64) -> i64 { a }");
    assert_eq!(explicit.definition.cache_version.as_deref(), Some("7"));

    let function = "fn f(a: i64) -> i64 { a }";
    let derived = analyze("cache", function);
    assert_eq!(
        derived.definition.cache_version,
        Some(cache_version::derive_cache_version(&parse(function), ""))
    );
    // A salt changes the derived version, and only that.
    let salted = analyze("cache(salt = \"2024-06\")", function);
    assert_eq!(
        salted.definition.cache_version,
        Some(cache_version::derive_cache_version(
            &parse(function),
            "2024-06"
        ))
    );
    assert_ne!(
        salted.definition.cache_version,
        derived.definition.cache_version
    );
    assert!(analyze("cache = false", function)
        .definition
        .cache_version
        .is_none());
}

#[test]
fn defaults_are_modelled_and_stripped_from_the_emitted_item() {
    let task = analyze("", "fn f(a: i64, #[default(3)] b: i64) -> i64 { a + b }");
    assert!(task.errors.is_none());
    assert_eq!(
        task.definition.signature.inputs[1]
            .default
            .to_token_stream()
            .to_string(),
        "3"
    );
    assert_eq!(
        task.item.to_token_stream().to_string(),
        quote!(
            fn f(a: i64, b: i64) -> i64 {
                a + b
            }
        )
        .to_string()
    );
}

#[test]
fn errors_of_all_phases_are_combined_and_the_item_is_still_emitted() {
    let task = analyze(
        "retries = 11, cache(ignored_inputs = [\"z\"]), colour = 1",
        "fn add<T>(a: &str, #[default] b: i64) -> i64 { 0 }",
    );
    assert_eq!(
        error_messages(&task),
        [
            "unknown `#[task]` option `colour`: expected one of `name`, `retries`, `timeout`, \
             `interruptible`, `deprecated`, `cache`, `container_image`, `environment`, \
             `requests`, `limits`, `resources`, `secret_requests`, `accelerator`, \
             `shared_memory`, `pod_template_name`, `enable_deck`, `docs`, `source_code`, `task_type`, `crate`, `outputs`",
            "invalid `retries` value `11`: expected an integer from 0 to 10 (Flyte allows at \
             most 10 retries), e.g. `retries = 3`",
            "tasks cannot be generic: Flyte needs one concrete interface per task; write a \
             non-generic wrapper",
            "task inputs must be owned values: take an owned `String` instead of `&str`",
            "`#[default]` needs a value, e.g. `#[default(3)] b: i64`",
            "`cache` ignores `z`, which is not an input of `add`: the inputs are `a`, `b`",
        ]
    );
    assert!(task.definition.options.retries.is_none());
    assert_eq!(
        task.definition.signature.inputs.len(),
        2,
        "a stub keeps the inputs"
    );
    assert_eq!(
        task.item.to_token_stream().to_string(),
        quote!(
            fn add<T>(a: &str, b: i64) -> i64 {
                0
            }
        )
        .to_string()
    );
}

#[test]
fn parse_task_item_accepts_functions_only() {
    assert!(parse_task_item(quote!(
        pub async fn f() {}
    ))
    .is_ok());
    for (item, message) in [
        (
            quote!(
                struct S;
            ),
            "`#[task]` can only be applied to a function, not to a struct: write a function \
             such as `#[task] fn add(a: i64, b: i64) -> i64 { a + b }`; to pass a struct to a \
             task, write `#[derive(FlyteType)]` on it and take it as a parameter",
        ),
        (
            quote!(
                fn f();
            ),
            "`#[task]` can only be applied to a function with a body, e.g. `#[task] fn add(a: \
             i64, b: i64) -> i64 { a + b }`",
        ),
    ] {
        let error = parse_task_item(item.clone()).expect_err("not a function with a body");
        assert_eq!(error.to_string(), message, "{item}");
    }
}
