//! Inputs given on the command line: `run add --a 1 --b 2`, checked against the entity's
//! interface, with declared defaults filling the gaps.

use std::collections::BTreeMap;

use flytekit_core::types::json::{cli_arg_to_literal, type_name};
use flytekit_idl::core::{Literal, LiteralMap, TypedInterface};

/// Why the command-line inputs were rejected (the message is shown as it is).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

/// Text listing an entity's inputs with their types, for `--help` and errors.
pub fn describe_inputs(interface: &TypedInterface, defaults: &BTreeMap<String, Literal>) -> String {
    let Some(inputs) = interface
        .inputs
        .as_ref()
        .filter(|i| !i.variables.is_empty())
    else {
        return "  (no inputs)".to_string();
    };
    inputs
        .variables
        .iter()
        .map(|(name, var)| {
            let ty = var.r#type.as_ref().map(type_name).unwrap_or_default();
            let default = match defaults
                .get(name)
                .map(flytekit_core::types::json::literal_to_json)
            {
                Some(Ok(json)) => format!(" (default: {json})"),
                _ if defaults.contains_key(name) => " (has a default)".to_string(),
                _ => String::new(),
            };
            let description = if var.description.is_empty() || var.description == *name {
                String::new()
            } else {
                format!("  {}", var.description)
            };
            format!("  --{name} <{ty}>{default}{description}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses `--name value` / `--name=value` pairs into the inputs of `interface`; inputs not given
/// take their default; an input that is neither given nor defaulted is an error unless it is
/// optional (a union with NONE), which is then `None`, as flytekit makes an omitted `Optional`.
pub fn parse_inputs(
    args: &[String],
    interface: &TypedInterface,
    defaults: &BTreeMap<String, Literal>,
) -> Result<LiteralMap, InputError> {
    let variables = interface
        .inputs
        .as_ref()
        .map(|v| v.variables.clone())
        .unwrap_or_default();
    let mut given: BTreeMap<String, Literal> = BTreeMap::new();
    let mut args = args.iter().peekable();
    while let Some(arg) = args.next() {
        let Some(flag) = arg.strip_prefix("--") else {
            return Err(InputError(format!(
                "unexpected argument `{arg}`; inputs are given as `--name value`"
            )));
        };
        let (name, value) = match flag.split_once('=') {
            Some((name, value)) => (name.to_string(), value.to_string()),
            None => {
                let name = flag.to_string();
                let is_bool = variables
                    .get(&name)
                    .and_then(|v| v.r#type.as_ref())
                    .is_some_and(|t| type_name(t) == "BOOLEAN");
                match args.peek() {
                    Some(next) if !(is_bool && next.starts_with("--")) => {
                        (name, args.next().cloned().unwrap_or_default())
                    }
                    _ if is_bool => (name, "true".to_string()),
                    _ => return Err(InputError(format!("input `--{name}` needs a value"))),
                }
            }
        };
        let Some(variable) = variables.get(&name) else {
            return Err(InputError(format!(
                "unknown input `--{name}`; the inputs are:\n{}",
                describe_inputs(interface, defaults)
            )));
        };
        if given.contains_key(&name) {
            return Err(InputError(format!("input `--{name}` is given twice")));
        }
        let ty = variable.r#type.clone().unwrap_or_default();
        let literal = cli_arg_to_literal(&value, &ty)
            .map_err(|err| InputError(format!("input `--{name}`: {err}")))?;
        given.insert(name, literal);
    }
    let mut missing = Vec::new();
    for (name, variable) in &variables {
        if given.contains_key(name) {
            continue;
        }
        if let Some(default) = defaults.get(name) {
            given.insert(name.clone(), default.clone());
        } else if let Some(none) = none_of(variable.r#type.as_ref()) {
            // Left out, the task would find the input missing, not `None`.
            given.insert(name.clone(), none);
        } else {
            missing.push(format!("`--{name}`"));
        }
    }
    if !missing.is_empty() {
        return Err(InputError(format!(
            "missing input{} {}; the inputs are:\n{}",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", "),
            describe_inputs(interface, defaults)
        )));
    }
    Ok(LiteralMap { literals: given })
}

/// The `None` of an optional type (a union with NONE), as JSON `null` converts to it.
fn none_of(ty: Option<&flytekit_idl::core::LiteralType>) -> Option<Literal> {
    use flytekit_idl::core::{literal_type::Type, SimpleType};
    let ty = ty?;
    let Some(Type::UnionType(u)) = &ty.r#type else {
        return None;
    };
    let optional = u
        .variants
        .iter()
        .any(|v| matches!(v.r#type, Some(Type::Simple(s)) if s == SimpleType::None as i32));
    optional
        .then(|| flytekit_core::types::json::json_to_literal(&serde_json::Value::Null, ty).ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use flytekit_core::FlyteType;

    fn interface() -> TypedInterface {
        flytekit_core::glue::interface(
            vec![
                ("a", i64::literal_type(), ""),
                ("b", i64::literal_type(), "the second number"),
                ("names", Vec::<String>::literal_type(), ""),
                ("verbose", bool::literal_type(), ""),
                ("note", Option::<String>::literal_type(), ""),
            ],
            vec![],
        )
    }

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn inputs_parse_with_defaults_and_flags() {
        let defaults = BTreeMap::from([("b".to_string(), 3_i64.to_literal().unwrap())]);
        let parsed = parse_inputs(
            &args(&["--a", "1", "--names", r#"["x","y"]"#, "--verbose"]),
            &interface(),
            &defaults,
        )
        .unwrap();
        assert_eq!(i64::from_literal(&parsed.literals["b"]).unwrap(), 3);
        assert_eq!(
            Vec::<String>::from_literal(&parsed.literals["names"]).unwrap(),
            ["x", "y"]
        );
        assert!(bool::from_literal(&parsed.literals["verbose"]).unwrap());
        assert_eq!(
            Option::<String>::from_literal(&parsed.literals["note"]).unwrap(),
            None
        );
        let parsed = parse_inputs(
            &args(&["--a=2", "--names=[]", "--verbose", "false"]),
            &interface(),
            &defaults,
        )
        .unwrap();
        assert!(!bool::from_literal(&parsed.literals["verbose"]).unwrap());
    }

    #[test]
    fn mistakes_are_explained() {
        let none = BTreeMap::new();
        let err = parse_inputs(&args(&["--c", "1"]), &interface(), &none)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("unknown input `--c`; the inputs are:\n  --a <INTEGER>\n  --b <INTEGER>  the second number"), "{err}");
        let err = parse_inputs(&args(&["--a", "x"]), &interface(), &none)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "input `--a`: expected INTEGER, found the string \"x\"");
        let err = parse_inputs(&args(&["--names", "[\"x\","]), &interface(), &none)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "input `--names`: `[\"x\",` is not valid JSON: EOF while parsing a value at line 1 \
             column 5"
        );
        let err = parse_inputs(&args(&["--a", "1"]), &interface(), &none)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("missing inputs `--b`, `--names`, `--verbose`"),
            "{err}"
        );
    }
}
