//! The `secret_requests(...)` option of `#[task]`.
//!
//! Consumes `secret_requests(secret(group = "db", key = "password", version = "1",
//! mount = "env_var", env_var = "DB_PASSWORD"), ...)`; produces one [`SecretRequest`] per
//! `secret(...)` (Flyte's `core.Secret`: group, group_version, key, mount_requirement, env_var) and
//! reports missing groups, unknown fields, invalid mount requirements and environment variable
//! names, and repeated secrets.

use proc_macro2::Span;
use syn::{Meta, MetaList};

use crate::attr::args::{
    expect_list, expect_nonempty_string, expect_value, invalid_value, parse_args, parse_meta_list,
    Arg, ArgList,
};
use crate::attr::Spanned;
use crate::ctxt::Ctxt;

/// How the secret is made available to the task (Flyte's `Secret.MountType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MountRequirement {
    /// `"any"` (the default): the platform chooses; Flyte's `ANY`.
    #[default]
    Any,
    /// `"env_var"`: an environment variable; Flyte's `ENV_VAR`.
    EnvVar,
    /// `"file"`: a file; Flyte's `FILE`.
    File,
}

/// One `secret(...)` of `secret_requests(...)`.
#[derive(Debug, Clone)]
pub struct SecretRequest {
    /// The span of the `secret` keyword.
    pub span: Span,
    /// `group = "..."` (required, never empty).
    pub group: Spanned<String>,
    /// `version = "..."`: Flyte's `group_version`.
    pub group_version: Option<Spanned<String>>,
    /// `key = "..."`.
    pub key: Option<Spanned<String>>,
    /// `mount = "any" | "env_var" | "file"`.
    pub mount: MountRequirement,
    /// `env_var = "NAME"`: an extra environment variable to expose the secret (or, for file
    /// mounts, the file's path) under; a valid variable name.
    pub env_var: Option<Spanned<String>>,
}

const SECRET_FIELDS: ArgList = ArgList {
    what: "`secret` field",
    allowed: &["group", "key", "version", "mount", "env_var"],
    aliases: &[
        ("group_version", "version"),
        ("mount_requirement", "mount"),
        ("env", "env_var"),
    ],
    hints: &[],
};

const SECRET_EXAMPLE: &str = "secret_requests(secret(group = \"db\", key = \"password\"))";

/// Parses the `secret_requests(...)` argument.
pub(crate) fn parse_secret_requests(ctxt: &Ctxt, arg: &Arg) -> Vec<SecretRequest> {
    let Some(tokens) = expect_list(ctxt, arg, SECRET_EXAMPLE) else {
        return Vec::new();
    };
    let mut requests: Vec<SecretRequest> = Vec::new();
    for meta in parse_meta_list(ctxt, tokens) {
        let secret = match &meta {
            Meta::List(list) if list.path.is_ident("secret") => list,
            _ => {
                ctxt.error_spanned_by(
                    &meta,
                    format!("expected `secret(group = \"...\", ...)`, e.g. `{SECRET_EXAMPLE}`"),
                );
                continue;
            }
        };
        let Some(request) = parse_secret(ctxt, secret) else {
            continue;
        };
        let is_repeated = requests.iter().any(|seen| {
            seen.group.value == request.group.value
                && seen.key.as_ref().map(|key| &key.value)
                    == request.key.as_ref().map(|key| &key.value)
                && seen.group_version.as_ref().map(|v| &v.value)
                    == request.group_version.as_ref().map(|v| &v.value)
        });
        if is_repeated {
            ctxt.error_at(request.span, "this secret is already requested");
            continue;
        }
        requests.push(request);
    }
    requests
}

fn parse_secret(ctxt: &Ctxt, secret: &MetaList) -> Option<SecretRequest> {
    let span = secret
        .path
        .get_ident()
        .map_or_else(Span::call_site, |ident| ident.span());
    let mut group = None;
    let mut group_version = None;
    let mut key = None;
    let mut mount = MountRequirement::Any;
    let mut env_var = None;
    let mut fields_valid = true;
    for field in parse_args(ctxt, secret.tokens.clone(), &SECRET_FIELDS) {
        let name = field.name.as_str();
        let example = match name {
            "group" => "group = \"db\"",
            "key" => "key = \"password\"",
            "version" => "version = \"1\"",
            "mount" => "mount = \"env_var\"",
            _ => "env_var = \"DB_PASSWORD\"",
        };
        let Some(expr) = expect_value(ctxt, &field, example) else {
            fields_valid = false;
            continue;
        };
        let expected = format!("a string such as `{example}`");
        let Some(value) = expect_nonempty_string(ctxt, name, expr, &expected) else {
            fields_valid = false;
            continue;
        };
        match name {
            "group" => group = Some(value),
            "key" => key = Some(value),
            "version" => group_version = Some(value),
            "mount" => match parse_mount(&value.value) {
                Some(parsed) => mount = parsed,
                None => {
                    ctxt.error_at(
                        value.span,
                        invalid_value(
                            "mount",
                            &value.value,
                            "one of `\"any\"`, `\"env_var\"` or `\"file\"`, e.g. `mount = \"env_var\"`",
                        ),
                    );
                    fields_valid = false;
                }
            },
            _ => {
                if is_env_var_name(&value.value) {
                    env_var = Some(value);
                } else {
                    ctxt.error_at(
                        value.span,
                        invalid_value(
                            "env_var",
                            &value.value,
                            "an environment variable name (letters, digits and `_`, not \
                             starting with a digit), e.g. `env_var = \"DB_PASSWORD\"`",
                        ),
                    );
                    fields_valid = false;
                }
            }
        }
    }
    let Some(group) = group else {
        // An invalid `group` value was reported already; a missing one is reported here.
        if fields_valid {
            ctxt.error_at(
                span,
                "`secret` needs a `group`, e.g. `secret(group = \"db\", key = \"password\")`",
            );
        }
        return None;
    };
    fields_valid.then_some(SecretRequest {
        span,
        group,
        group_version,
        key,
        mount,
        env_var,
    })
}

fn parse_mount(text: &str) -> Option<MountRequirement> {
    match text {
        "any" => Some(MountRequirement::Any),
        "env_var" => Some(MountRequirement::EnvVar),
        "file" => Some(MountRequirement::File),
        _ => None,
    }
}

/// A POSIX-style environment variable name: letters, digits and `_`, not starting with a digit.
fn is_env_var_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::options::{parse_task_options, TaskOptions};
    use crate::test_support::{error_messages, errors_with_source, tokens};

    fn parse(source: &str) -> (TaskOptions, Ctxt) {
        let ctxt = Ctxt::new();
        let options = parse_task_options(&ctxt, tokens(source));
        (options, ctxt)
    }

    #[test]
    fn parses_full_and_minimal_secrets() {
        let (options, ctxt) = parse(
            "secret_requests(secret(group = \"db\", key = \"password\", version = \"1\", mount = \
             \"env_var\", env_var = \"DB_PASSWORD\"), secret(group = \"api\"), secret(group = \
             \"tls\", mount = \"file\"))",
        );
        assert!(!ctxt.has_errors());
        let [db, api, tls] = options.secret_requests.as_slice() else {
            panic!("expected three secrets, got {:?}", options.secret_requests);
        };
        assert_eq!(db.group.value, "db");
        assert_eq!(db.key.as_ref().unwrap().value, "password");
        assert_eq!(db.group_version.as_ref().unwrap().value, "1");
        assert_eq!(db.mount, MountRequirement::EnvVar);
        assert_eq!(db.env_var.as_ref().unwrap().value, "DB_PASSWORD");
        assert_eq!(api.group.value, "api");
        assert!(api.key.is_none() && api.group_version.is_none() && api.env_var.is_none());
        assert_eq!(api.mount, MountRequirement::Any);
        assert_eq!(tls.mount, MountRequirement::File);
    }

    #[test]
    fn explicit_any_mount_is_accepted() {
        let (options, ctxt) = parse("secret_requests(secret(group = \"g\", mount = \"any\"))");
        assert!(!ctxt.has_errors());
        assert_eq!(options.secret_requests[0].mount, MountRequirement::Any);
    }

    #[test]
    fn missing_group_points_at_the_secret() {
        let (options, ctxt) = parse("secret_requests(secret(key = \"password\"))");
        assert!(options.secret_requests.is_empty());
        assert_eq!(
            errors_with_source(ctxt),
            [(
                "`secret` needs a `group`, e.g. `secret(group = \"db\", key = \"password\")`"
                    .to_string(),
                "secret".to_string()
            )]
        );
    }

    #[test]
    fn every_field_error_is_reported_together() {
        let (options, ctxt) = parse(
            "secret_requests(secret(group = \"\", key = 1, mount = \"env\", env_var = \"DB-PASS\", \
             group_version = \"1\", colour = \"x\"), \"db\", other(group = \"x\"))",
        );
        assert!(options.secret_requests.is_empty());
        assert_eq!(
            error_messages(ctxt),
            [
                "expected identifier",
                "unknown `secret` field `group_version`: did you mean `version`? expected one of \
                 `group`, `key`, `version`, `mount`, `env_var`",
                "unknown `secret` field `colour`: expected one of `group`, `key`, `version`, \
                 `mount`, `env_var`",
                "`group` cannot be empty: expected a string such as `group = \"db\"`",
                "invalid `key` value `1`: expected a string such as `key = \"password\"`",
                "invalid `mount` value `env`: expected one of `\"any\"`, `\"env_var\"` or \
                 `\"file\"`, e.g. `mount = \"env_var\"`",
                "invalid `env_var` value `DB-PASS`: expected an environment variable name \
                 (letters, digits and `_`, not starting with a digit), e.g. `env_var = \
                 \"DB_PASSWORD\"`",
                "expected `secret(group = \"...\", ...)`, e.g. `secret_requests(secret(group = \
                 \"db\", key = \"password\"))`",
            ]
        );
    }

    #[test]
    fn repeated_secret_is_reported() {
        let (options, ctxt) = parse(
            "secret_requests(secret(group = \"db\", key = \"k\"), secret(group = \"db\", key = \
             \"k\"), secret(group = \"db\", key = \"other\"))",
        );
        assert_eq!(options.secret_requests.len(), 2);
        assert_eq!(error_messages(ctxt), ["this secret is already requested"]);
    }

    #[test]
    fn secret_requests_must_be_a_list() {
        let (_, ctxt) = parse("secret_requests = \"db\"");
        assert_eq!(
            error_messages(ctxt),
            ["`secret_requests` takes a list, e.g. `secret_requests(secret(group = \"db\", key = \
              \"password\"))`"]
        );
    }

    #[test]
    fn env_var_names_are_validated() {
        assert!(is_env_var_name("DB_PASSWORD"));
        assert!(is_env_var_name("_x1"));
        assert!(!is_env_var_name("1X"));
        assert!(!is_env_var_name("A-B"));
        assert!(!is_env_var_name(""));
    }
}
