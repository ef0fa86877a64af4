//! The attribute of `#[container_task(...)]`.
//!
//! Consumes the tokens inside the parentheses; produces [`ContainerOptions`]: the container keys
//! parsed and checked here (`image` and `command` required), and the remaining `#[task]` keys
//! re-emitted as tokens for the `#[task]` front end, plus `container_image = <image>`. Unknown
//! keys get one error listing every allowed key, including `#[task]`'s. `outputs(area, ...)` is
//! one of those `#[task]` keys: the output names are parsed and checked against the signature by
//! the same code as a `#[task]`'s, and the co-pilot reads one file per name from `outputs_dir`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::{Expr, ExprArray};

use crate::attr::args::{
    expect_nonempty_string, expect_string, expect_value, expr_text, invalid_value, parse_args,
    strip_invisible_groups, Arg, ArgList,
};
use crate::ctxt::Ctxt;

/// The co-pilot's inputs / outputs format (`format = "json" | "yaml" | "proto"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// JSON, flytekit's default.
    #[default]
    Json,
    /// YAML.
    Yaml,
    /// Protobuf.
    Proto,
}

/// What `#[container_task(...)]` says.
#[derive(Debug, Clone, Default)]
pub struct ContainerOptions {
    /// `image = "..."` (empty after an error).
    pub image: String,
    /// `command = ["...", ...]`.
    pub command: Vec<String>,
    /// `args = ["...", ...]`.
    pub args: Vec<String>,
    /// `inputs_dir = "/var/inputs"` (empty: not set).
    pub inputs_dir: String,
    /// `outputs_dir = "/var/outputs"` (empty: not set).
    pub outputs_dir: String,
    /// `format = "json"`.
    pub format: Format,
    /// The `#[task]` keys, re-emitted for the `#[task]` front end.
    pub task_tokens: TokenStream,
}

const CONTAINER_KEYS: &[&str] = &[
    "image",
    "command",
    "args",
    "inputs_dir",
    "outputs_dir",
    "format",
];

const KEYS: ArgList = ArgList {
    what: "`#[container_task]` key",
    allowed: &[
        "image",
        "command",
        "args",
        "inputs_dir",
        "outputs_dir",
        "format",
        "outputs",
        "name",
        "retries",
        "timeout",
        "interruptible",
        "deprecated",
        "cache",
        "environment",
        "requests",
        "limits",
        "resources",
        "secret_requests",
        "accelerator",
        "shared_memory",
        "pod_template_name",
        "docs",
        "crate",
    ],
    aliases: &[
        ("container_image", "image"),
        ("arguments", "args"),
        ("input_data_dir", "inputs_dir"),
        ("output_data_dir", "outputs_dir"),
        ("metadata_format", "format"),
        ("env", "environment"),
        ("secrets", "secret_requests"),
    ],
    hints: &[(
        "task_type",
        "a container task always has type `raw-container`",
    )],
};

/// Parses the attribute, reporting every problem to `ctxt`.
pub fn parse_container_options(
    ctxt: &Ctxt,
    tokens: TokenStream,
    example: &str,
) -> ContainerOptions {
    let mut options = ContainerOptions::default();
    let args = parse_args(ctxt, tokens, &KEYS);
    let mut task_args: Vec<TokenStream> = Vec::new();
    let mut image_span = None;
    for arg in &args {
        if !CONTAINER_KEYS.contains(&arg.name.as_str()) {
            task_args.push(arg.meta.to_token_stream());
            continue;
        }
        match arg.name.as_str() {
            "image" => {
                if let Some(text) =
                    expect_value(ctxt, arg, "image = \"alpine:3.19\"").and_then(|expr| {
                        expect_nonempty_string(
                            ctxt,
                            "image",
                            expr,
                            "an image such as `\"alpine:3.19\"`",
                        )
                    })
                {
                    if text.value.chars().any(char::is_whitespace) {
                        ctxt.error_at(
                            text.span,
                            format!(
                                "invalid `image` value `{}`: it cannot contain whitespace",
                                text.value
                            ),
                        );
                    } else {
                        image_span = Some(text.span);
                        options.image = text.value;
                    }
                }
            }
            "command" => options.command = string_list(ctxt, arg, true),
            "args" => options.args = string_list(ctxt, arg, false),
            "inputs_dir" => options.inputs_dir = directory(ctxt, arg),
            "outputs_dir" => options.outputs_dir = directory(ctxt, arg),
            "format" => options.format = format(ctxt, arg),
            // ok: CONTAINER_KEYS holds exactly the names above.
            _ => {}
        }
    }
    let missing: Vec<&str> = ["image", "command"]
        .into_iter()
        .filter(|key| !args.iter().any(|arg| arg.name == *key))
        .collect();
    if !missing.is_empty() {
        ctxt.error_at(
            Span::call_site(),
            format!(
                "`#[container_task]` is missing {}: a container task runs a command in an image, \
                 e.g. `{example}`",
                crate::reference::and_list(&missing)
            ),
        );
    }
    if let Some(span) = image_span {
        let image = &options.image;
        task_args.push(quote_spanned!(span=> container_image = #image));
    }
    options.task_tokens = quote!(#(#task_args),*);
    options
}

fn string_list(ctxt: &Ctxt, arg: &Arg, required: bool) -> Vec<String> {
    let name = arg.name.as_str();
    let example = format!("{name} = [\"sh\", \"-c\", \"echo {{{{.inputs.x}}}}\"]");
    let Some(expr) = expect_value(ctxt, arg, &example) else {
        return Vec::new();
    };
    let Expr::Array(ExprArray { elems, .. }) = strip_invisible_groups(expr) else {
        ctxt.error_spanned_by(
            expr,
            invalid_value(
                name,
                &expr_text(expr),
                &format!("a list of strings, e.g. `{example}`"),
            ),
        );
        return Vec::new();
    };
    if required && elems.is_empty() {
        ctxt.error_spanned_by(
            expr,
            format!("`{name}` cannot be empty: give the program to run, e.g. `{example}`"),
        );
    }
    elems
        .iter()
        .filter_map(|elem| expect_string(ctxt, name, elem, "a string"))
        .map(|text| text.value)
        .collect()
}

fn directory(ctxt: &Ctxt, arg: &Arg) -> String {
    let name = arg.name.as_str();
    let example = format!("{name} = \"/var/{}\"", name.trim_end_matches("_dir"));
    let expected = format!("an absolute path in the container, e.g. `{example}`");
    let Some(text) = expect_value(ctxt, arg, &example)
        .and_then(|expr| expect_nonempty_string(ctxt, name, expr, &expected))
    else {
        return String::new();
    };
    if !text.value.starts_with('/') {
        ctxt.error_at(text.span, invalid_value(name, &text.value, &expected));
        return String::new();
    }
    text.value
}

fn format(ctxt: &Ctxt, arg: &Arg) -> Format {
    const EXPECTED: &str = "`\"json\"`, `\"yaml\"` or `\"proto\"`";
    let Some(text) = expect_value(ctxt, arg, "format = \"json\"")
        .and_then(|expr| expect_string(ctxt, "format", expr, EXPECTED))
    else {
        return Format::Json;
    };
    match text.value.as_str() {
        "json" => Format::Json,
        "yaml" => Format::Yaml,
        "proto" => Format::Proto,
        other => {
            ctxt.error_at(text.span, invalid_value("format", other, EXPECTED));
            Format::Json
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_keys_are_taken_and_task_keys_passed_on() {
        let ctxt = Ctxt::new();
        let options = parse_container_options(
            &ctxt,
            quote!(
                image = "alpine:3.19",
                command = ["sh", "-c", "x"],
                args = ["a"],
                inputs_dir = "/var/inputs",
                outputs_dir = "/var/outputs",
                format = "yaml",
                retries = 2,
                outputs(area)
            ),
            "",
        );
        assert!(ctxt.into_error().is_none());
        assert_eq!(options.image, "alpine:3.19");
        assert_eq!(options.command, ["sh", "-c", "x"]);
        assert_eq!(options.args, ["a"]);
        assert_eq!(options.format, Format::Yaml);
        assert_eq!(
            options.task_tokens.to_string(),
            "retries = 2 , outputs (area) , container_image = \"alpine:3.19\""
        );
    }

    #[test]
    fn missing_and_bad_keys_are_reported() {
        let ctxt = Ctxt::new();
        parse_container_options(
            &ctxt,
            quote!(format = "xml", inputs_dir = "rel", bogus = 1),
            "",
        );
        let message = ctxt
            .into_error()
            .unwrap()
            .into_iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>();
        assert_eq!(message.len(), 4, "{message:?}");
        assert!(message
            .iter()
            .any(|m| m.contains("missing `image` and `command`")));
        assert!(message
            .iter()
            .any(|m| m.contains("unknown `#[container_task]` key `bogus`")));
    }
}
