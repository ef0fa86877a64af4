//! Expansion snapshots: what `#[task]`, `#[workflow]` and `#[derive(FlyteType)]` generate for
//! representative inputs, pretty-printed and compared with `tests/snapshots/*.rs`.
//!
//! A change to code generation shows up here as a readable diff. After checking it, regenerate
//! with `UPDATE_SNAPSHOTS=1 cargo test -p flytekit-compiler --test expansion_snapshots`.

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

fn pretty(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(err) => panic!("expansion is not valid Rust ({err}):\n{tokens}"),
    }
}

fn check(name: &str, expansion: TokenStream) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.rs"));
    let actual = pretty(expansion);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}; run with UPDATE_SNAPSHOTS=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .filter(|(_, (e, a))| e != a)
            .take(10)
            .map(|(i, (e, a))| format!("line {}:\n  snapshot: {e}\n  now:      {a}", i + 1))
            .collect();
        panic!(
            "expansion of `{name}` changed ({} vs {} lines); first differences:\n{}\nrerun with UPDATE_SNAPSHOTS=1 if the change is intended",
            expected.lines().count(),
            actual.lines().count(),
            diff.join("\n")
        );
    }
}

#[test]
fn task_plain() {
    check(
        "task_plain",
        flytekit_compiler::task::task(
            quote!(),
            quote!(
                fn add(a: i64, #[default(3)] b: i64) -> i64 {
                    a + b
                }
            ),
        ),
    );
}

#[test]
fn task_async_result_tuple_with_options() {
    check(
        "task_async_result_tuple_with_options",
        flytekit_compiler::task::task(
            quote!(
                retries = 2,
                timeout = "5m",
                cache(version = "1"),
                requests(cpu = "1", mem = "1Gi")
            ),
            quote! {
                /// Splits a number.
                async fn split(x: i64) -> Result<(i64, String), MyError> { Ok((x, x.to_string())) }
            },
        ),
    );
}

#[test]
fn workflow_chain_branch_map() {
    check(
        "workflow_chain_branch_map",
        flytekit_compiler::workflow::workflow(
            quote!(),
            quote! {
                fn pipeline(x: i64, xs: Vec<i64>) -> (i64, Vec<i64>) {
                    let a = add(x).retries(3);
                    let (lo, hi) = split(a);
                    let out = if hi > 10 { double(lo) } else { fail("too small") };
                    let squares = map_task(square, xs);
                    (out, squares)
                }
            },
        ),
    );
}

#[test]
fn derive_struct_and_enum() {
    check(
        "derive_struct",
        flytekit_compiler::derive::derive_flyte_type(quote! {
            struct Point { x: f64, #[serde(rename = "label")] name: Option<String> }
        }),
    );
    check(
        "derive_enum",
        flytekit_compiler::derive::derive_flyte_type(quote! {
            #[serde(rename_all = "snake_case")]
            enum Color { Red, DeepBlue }
        }),
    );
}
