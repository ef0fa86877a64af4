//! Tests of `task::signature`: the model of good signatures and every reported problem.

use quote::ToTokens;
use syn::ItemFn;

use super::*;
use crate::test_support::{error_messages, errors_with_source, parse};

fn model(source: &str) -> (TaskSignature, Ctxt) {
    let item: ItemFn = parse(source);
    let ctxt = Ctxt::new();
    let signature = parse_task_signature(&ctxt, &item);
    (signature, ctxt)
}

fn model_ok(source: &str) -> TaskSignature {
    let (signature, ctxt) = model(source);
    let errors = error_messages(ctxt);
    assert!(
        errors.is_empty(),
        "unexpected errors for `{source}`: {errors:?}"
    );
    signature
}

fn text(tokens: impl ToTokens) -> String {
    tokens.to_token_stream().to_string()
}

fn type_texts(values: &OutputValues) -> Vec<String> {
    values.types().into_iter().map(text).collect()
}

#[test]
fn models_inputs_in_order_with_types() {
    let signature = model_ok("fn add(a: i64, b: Vec<String>, r#type: Option<f64>) -> i64 { a }");
    assert_eq!(signature.ident, "add");
    assert!(!signature.is_async);
    let inputs: Vec<(String, String)> = signature
        .inputs
        .iter()
        .map(|input| (input.name(), text(&input.ty)))
        .collect();
    assert_eq!(
        inputs,
        [
            ("a".to_string(), "i64".to_string()),
            ("b".into(), "Vec < String >".into()),
            ("type".into(), "Option < f64 >".into()),
        ]
    );
    assert!(signature.inputs.iter().all(|input| input.default.is_none()));
}

#[test]
fn async_and_mut_bindings_are_fine() {
    let signature = model_ok("async fn f(mut x: i64, error: String) {}");
    assert!(signature.is_async);
    assert_eq!(signature.inputs[0].name(), "x");
    assert_eq!(
        signature.inputs[1].name(),
        "error",
        "`error` is an ordinary input name"
    );
}

#[test]
fn no_return_type_and_unit_are_no_outputs() {
    for source in [
        "fn f() {}",
        "fn f() -> () {}",
        "fn f() -> Result<(), String> { Ok(()) }",
    ] {
        let signature = model_ok(source);
        assert!(
            matches!(signature.output.values, OutputValues::Unit),
            "{source}"
        );
    }
    assert!(model_ok("fn f() {}").output.declared.is_none());
    assert!(model_ok("fn f() -> () {}").output.declared.is_some());
}

#[test]
fn single_and_tuple_outputs() {
    let single = model_ok("fn f() -> i64 { 1 }").output;
    assert!(single.result.is_none());
    assert!(matches!(single.values, OutputValues::Single(_)));
    assert_eq!(type_texts(&single.values), ["i64"]);

    let tuple = model_ok("fn f() -> (i64, String) { todo!() }").output;
    assert!(matches!(tuple.values, OutputValues::Tuple(_)));
    assert_eq!(type_texts(&tuple.values), ["i64", "String"]);

    let one_tuple = model_ok("fn f() -> (i64,) { todo!() }").output;
    assert!(matches!(one_tuple.values, OutputValues::Tuple(_)));
    assert_eq!(type_texts(&one_tuple.values), ["i64"]);

    let nested = model_ok("fn f() -> ((i64, i64), bool) { todo!() }").output;
    assert_eq!(type_texts(&nested.values), ["(i64 , i64)", "bool"]);

    let parenthesized = model_ok("fn f() -> (i64) { 1 }").output;
    assert!(matches!(parenthesized.values, OutputValues::Single(_)));
}

#[test]
fn result_with_two_arguments_records_the_error_type() {
    let output = model_ok("fn f() -> Result<(i64, String), MyError> { todo!() }").output;
    let result = output.result.expect("a Result");
    assert_eq!(text(&result.ok), "(i64 , String)");
    assert_eq!(result.err.map(text).as_deref(), Some("MyError"));
    assert_eq!(type_texts(&output.values), ["i64", "String"]);
}

#[test]
fn result_with_one_argument_has_no_error_type() {
    for source in [
        "fn f() -> anyhow::Result<i64> { todo!() }",
        "fn f() -> std::io::Result<i64> { todo!() }",
    ] {
        let output = model_ok(source).output;
        let result = output.result.expect(source);
        assert!(result.err.is_none());
        assert_eq!(type_texts(&output.values), ["i64"]);
    }
}

#[test]
fn paths_to_result_count_but_other_types_do_not() {
    let output = model_ok("fn f() -> std::result::Result<u8, E> { todo!() }").output;
    assert!(output.result.is_some());
    for source in [
        "fn f() -> Option<i64> { None }",
        "fn f() -> MyResult { todo!() }",
        "fn f() -> Result { todo!() }",
        "fn f() -> Results<i64, E> { todo!() }",
    ] {
        assert!(model_ok(source).output.result.is_none(), "{source}");
    }
}

#[test]
fn defaults_are_read_from_parameter_attributes() {
    let signature = model_ok(
        "fn f(a: i64, #[default(3)] b: i64, #[default(String::from(\"x\"))] c: String) {}",
    );
    let defaults: Vec<Option<String>> = signature
        .inputs
        .iter()
        .map(|input| input.default.as_ref().map(text))
        .collect();
    assert_eq!(
        defaults,
        [
            None,
            Some("3".into()),
            Some("String :: from (\"x\")".into())
        ]
    );
}

#[test]
fn other_parameter_attributes_are_ignored() {
    let signature = model_ok("fn f(#[allow(unused)] a: i64) {}");
    assert!(signature.inputs[0].default.is_none());
}

#[test]
fn stripping_removes_only_default_attributes() {
    let item: ItemFn = parse(
        "#[doc = \"d\"] fn f(#[default(3)] #[allow(unused)] a: i64, #[default(1)] b: i64) -> i64 \
         { a + b }",
    );
    let stripped = without_default_attributes(&item);
    assert_eq!(
        text(&stripped),
        text(parse::<ItemFn>(
            "#[doc = \"d\"] fn f(#[allow(unused)] a: i64, b: i64) -> i64 { a + b }"
        ))
    );
}

#[test]
fn reports_generics_and_where_clauses() {
    let (_, ctxt) = model("fn f<T: Clone, 'a>(x: T) -> T where T: Copy { x }");
    let message = "tasks cannot be generic: Flyte needs one concrete interface per task; write a \
                   non-generic wrapper";
    assert_eq!(
        errors_with_source(ctxt),
        [
            (message.to_string(), "<T: Clone, 'a>".to_string()),
            (message.to_string(), "where T: Copy".to_string()),
        ]
    );
}

#[test]
fn reports_const_unsafe_and_extern() {
    let (_, ctxt) = model("const unsafe extern \"C\" fn f() {}");
    assert_eq!(
        errors_with_source(ctxt),
        [
            (
                "tasks cannot be `const fn`: a task runs when Flyte schedules it; remove `const`"
                    .to_string(),
                "const".to_string()
            ),
            (
                "tasks cannot be `unsafe fn`: Flyte calls a task with no way to uphold its \
                 safety conditions; remove `unsafe` and use an `unsafe` block inside the body"
                    .into(),
                "unsafe".into()
            ),
            (
                "tasks cannot have an `extern` ABI: Flyte calls a task as a Rust function; \
                 remove the `extern` and write a separate `extern` function if one is needed"
                    .into(),
                "extern \"C\"".into()
            ),
        ]
    );
}

#[test]
fn reports_variadics() {
    let (_, ctxt) = model("fn f(a: i64, ...) {}");
    assert_eq!(
        errors_with_source(ctxt),
        [(
            "tasks cannot be variadic: Flyte needs a fixed list of named inputs; take a `Vec` \
             instead"
                .to_string(),
            "...".to_string()
        )]
    );
}

#[test]
fn reports_self_receivers() {
    for (source, receiver) in [
        ("fn f(&self, a: i64) {}", "&self"),
        ("fn f(self, a: i64) {}", "self"),
        ("fn f(mut self: Box<Self>) {}", "mut self: Box<Self>"),
    ] {
        let (signature, ctxt) = model(source);
        assert_eq!(
            errors_with_source(ctxt),
            [(
                "a task or workflow cannot take `self`: it is a free function; move it out of \
                 the `impl` block and pass what it needs as parameters"
                    .to_string(),
                receiver.to_string()
            )],
            "{source}"
        );
        assert!(signature.inputs.len() <= 1);
    }
}

#[test]
fn reports_patterns_and_wildcards() {
    let (signature, ctxt) =
        model("fn f((a, b): (i64, i64), _: i64, Point { x, y }: Point, v @ _: i64, ok: i64) {}");
    assert_eq!(signature.inputs.len(), 1, "only `ok` is an input");
    let errors = errors_with_source(ctxt);
    let pattern_message = "bind the parameter to a name, since each task parameter is a named \
                           Flyte input: write `pair: (i64, i64)` and destructure it in the body, \
                           instead of `(a, b): (i64, i64)`";
    assert_eq!(
        errors,
        [
            (pattern_message.to_string(), "(a, b)".to_string()),
            (
                "task parameters need a name, since each is a named Flyte input: write \
                 `_unused: T` instead of `_: T`"
                    .into(),
                "_".into()
            ),
            (pattern_message.into(), "Point { x, y }".into()),
            (pattern_message.into(), "v @ _".into()),
        ]
    );
}

#[test]
fn reports_impl_trait_in_arguments_and_return() {
    let (_, ctxt) = model(
        "fn f(a: impl Into<i64>, b: Vec<impl Clone>) -> impl Iterator<Item = i64> { todo!() }",
    );
    assert_eq!(
        errors_with_source(ctxt),
        [
            (
                "task inputs cannot be `impl Trait`: Flyte needs one concrete type per input; \
                 take a concrete type such as `Vec<i64>`"
                    .to_string(),
                "impl Into<i64>".to_string()
            ),
            (
                "task inputs cannot be `impl Trait`: Flyte needs one concrete type per input; \
                 take a concrete type such as `Vec<i64>`"
                    .into(),
                "impl Clone".into()
            ),
            (
                "tasks cannot return `impl Trait`: Flyte needs one concrete type per output; \
                 return a concrete type such as `Vec<i64>`"
                    .into(),
                "impl Iterator<Item = i64>".into()
            ),
        ]
    );
}

#[test]
fn reports_references_with_the_owned_type_to_use() {
    let (_, ctxt) = model(
        "fn f(a: &str, b: &mut Vec<i64>, c: &[u8], d: Option<&'static str>, e: &Path, g: (i64, \
         &String)) -> &'static str { \"\" }",
    );
    let messages = error_messages(ctxt);
    assert_eq!(
        messages,
        [
            "task inputs must be owned values: take an owned `String` instead of `&str`",
            "task inputs must be owned values: take an owned `Vec<i64>` instead of `&mut \
             Vec<i64>`",
            "task inputs must be owned values: take an owned `Vec<u8>` instead of `&[u8]`",
            "task inputs must be owned values: take an owned `String` instead of `&'static str`",
            "task inputs must be owned values: take an owned `PathBuf` instead of `&Path`",
            "task inputs must be owned values: take an owned `String` instead of `&String`",
            "task outputs must be owned values: return an owned `String` instead of `&'static \
             str`",
        ]
    );
}

#[test]
fn reports_never_return_type() {
    let (_, ctxt) = model("fn f() -> ! { loop {} }");
    assert_eq!(
        error_messages(ctxt),
        ["tasks cannot return `!`: a task must finish with its outputs; return `Result<T, E>` to \
          fail with an error"]
    );
}

#[test]
fn reports_malformed_and_repeated_defaults() {
    let (signature, ctxt) = model(
        "fn f(#[default] a: i64, #[default()] b: i64, #[default = 3] c: i64, #[default(1)] \
         #[default(2)] d: i64, #[default(1 +)] e: i64) {}",
    );
    assert_eq!(
        signature.inputs.len(),
        5,
        "bad defaults do not drop the input"
    );
    let d = &signature.inputs[3];
    assert_eq!(
        d.default.as_ref().map(text).as_deref(),
        Some("1"),
        "the first default is kept"
    );
    assert_eq!(
        errors_with_source(ctxt),
        [
            (
                "`#[default]` needs a value, e.g. `#[default(3)] b: i64`".to_string(),
                "#[default]".to_string()
            ),
            (
                "`#[default]` needs a value, e.g. `#[default(3)] b: i64`".into(),
                "#[default()]".into()
            ),
            (
                "write `#[default(3)]`, with the value in parentheses".into(),
                "#[default = 3]".into()
            ),
            (
                "duplicate `#[default]` on parameter `d`: give one default value".into(),
                "#[default(2)]".into()
            ),
            (
                "unexpected end of input, expected an expression".into(),
                ")".into()
            ),
        ]
    );
}

#[test]
fn reports_duplicate_parameter_names() {
    let (signature, ctxt) = model("fn f(a: i64, b: i64, a: String, r#b: bool) {}");
    assert_eq!(signature.inputs.len(), 2);
    assert_eq!(
        errors_with_source(ctxt),
        [
            (
                "duplicate parameter `a`: each task input needs its own name".to_string(),
                "a".to_string()
            ),
            (
                "duplicate parameter `b`: each task input needs its own name".into(),
                "r#b".into()
            ),
        ]
    );
}

#[test]
fn reports_every_problem_of_one_signature_together() {
    let (_, ctxt) = model("unsafe fn f<T>(&self, (a, b): (T, T), c: &str) -> impl Clone { a }");
    // unsafe, generic, self, pattern, reference, impl Trait
    assert_eq!(ctxt.error_count(), 6);
}

#[test]
fn sixteen_inputs_and_outputs_are_the_most() {
    let params = |n: usize| {
        (0..n)
            .map(|i| format!("a{i}: i64"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let tuple = |n: usize| format!("({})", vec!["i64"; n].join(", "));
    model_ok(&format!(
        "fn f({}) -> {} {{ todo!() }}",
        params(16),
        tuple(16)
    ));
    let (_, ctxt) = model(&format!("fn f({}) -> i64 {{ 0 }}", params(17)));
    assert_eq!(
        error_messages(ctxt),
        ["a task takes at most 16 inputs: group related inputs in a struct with `#[derive(FlyteType)]`"]
    );
    let (_, ctxt) = model(&format!("fn f() -> {} {{ todo!() }}", tuple(17)));
    assert_eq!(
        error_messages(ctxt),
        ["a task returns at most 16 outputs: group related outputs in a struct with `#[derive(FlyteType)]`"]
    );
}
