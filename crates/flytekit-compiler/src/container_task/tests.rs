//! Unit tests of the `#[container_task]` expansion: named outputs reach the interface and the
//! callee, and wrong names are errors at the user's tokens.

use super::container_task;
use crate::test_support::tokens;

const KEYS: &str =
    "image = \"alpine:3.19\", command = [\"sh\", \"-c\", \"x\"], outputs_dir = \"/var/outputs\"";

fn expand(outputs: &str, function: &str) -> String {
    container_task(tokens(&format!("{KEYS}, {outputs}")), tokens(function)).to_string()
}

/// The messages of the `compile_error!`s an expansion emits, in order (their spans are
/// checked by the UI tests).
fn errors(outputs: &str, function: &str) -> Vec<String> {
    let expanded = container_task(tokens(&format!("{KEYS}, {outputs}")), tokens(function));
    let file: syn::File = syn::parse2(expanded).unwrap();
    file.items
        .into_iter()
        .filter_map(|item| match item {
            syn::Item::Macro(item)
                if item.mac.path.segments.last().unwrap().ident == "compile_error" =>
            {
                Some(item.mac.parse_body::<syn::LitStr>().unwrap().value())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn named_outputs_are_the_interface_and_callee_names() {
    let expanded = expand(
        "outputs(area, perimeter)",
        "fn calc(w: f64, h: f64) -> (f64, f64);",
    );
    assert!(expanded.contains("name : \"area\""), "{expanded}");
    assert!(expanded.contains("name : \"perimeter\""), "{expanded}");
    assert!(
        expanded.contains("output_names : & [\"area\" , \"perimeter\"]"),
        "{expanded}"
    );
    assert!(!expanded.contains("\"o0\""), "{expanded}");
    assert!(!expanded.contains("compile_error"), "{expanded}");
}

#[test]
fn without_names_outputs_are_o0_o1() {
    let expanded = expand("retries = 1", "fn calc(w: f64) -> (f64, f64);");
    assert!(
        expanded.contains("output_names : & [\"o0\" , \"o1\"]"),
        "{expanded}"
    );
}

#[test]
fn wrong_names_are_errors_without_a_second_one_about_the_count() {
    let messages = errors(
        "outputs(area, area, \"p\")",
        "fn calc(w: f64) -> (f64, f64);",
    );
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].starts_with("duplicate output name `area`"));
    assert!(messages[1].starts_with("`\"p\"` is not an output name"));
}

#[test]
fn a_wrong_count_is_an_error() {
    let messages = errors("outputs(area)", "fn calc(w: f64) -> (f64, f64);");
    assert_eq!(
        messages,
        [
            "`outputs(...)` names 1 output (`area`), but `calc` returns 2 values of type \
          `(f64, f64)`: give one name per returned value"
        ]
    );
}
