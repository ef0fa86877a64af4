//! Gate nodes: `sleep`, `wait_for_input` (signal) and `approve`.
//!
//! Consumes a `GateNode`, the node's inputs and the executor's gate values; produces the node's
//! outputs. A sleep waits for its duration. A signal's value comes from
//! `ExecutorOptions::gate_values[signal_id]` (checked against the declared type) and is output
//! under `output_variable_name`. An approval takes a boolean from the same map: `true` passes
//! the node's inputs through, `false` fails the node. A missing value is asked for on the
//! terminal when the executor is interactive, and is otherwise an error that says how to give
//! it on the command line (`--signal NAME=VALUE`, `--approve NAME`).

use std::collections::BTreeMap;
use std::time::Duration;

use flytekit_core::types::json::{cli_arg_to_literal, type_name};
use flytekit_core::types::{describe_literal, primitive_literal, primitive_of, resolve};
use flytekit_idl::core::{
    gate_node, literal, literal_type, primitive, GateNode, Literal, LiteralMap, LiteralType,
    SimpleType,
};

use super::{GateValue, Inner};

/// Why a gate failed: a rule (refused, missing, wrong type) or a malformed gate.
pub(crate) enum GateError {
    Rule(String),
    Malformed(String),
}

/// A short description of the gate, for events: `sleep 5s`, `signal threshold`, ...
pub(crate) fn describe(gate: &GateNode) -> String {
    match &gate.condition {
        Some(gate_node::Condition::Sleep(s)) => match s.duration.as_ref().map(to_std) {
            Some(d) => format!("sleep {}", crate::attempt::humanize(d)),
            None => "sleep".to_string(),
        },
        Some(gate_node::Condition::Signal(s)) => format!("signal {}", s.signal_id),
        Some(gate_node::Condition::Approve(a)) => format!("approve {}", a.signal_id),
        None => "gate".to_string(),
    }
}

fn to_std(d: &prost_types::Duration) -> Duration {
    let secs = u64::try_from(d.seconds).unwrap_or(0);
    let nanos = u32::try_from(d.nanos).unwrap_or(0);
    Duration::new(secs, nanos.min(999_999_999))
}

/// Runs the gate of node `path`.
pub(crate) async fn run_gate(
    cx: &Inner,
    path: &str,
    gate: &GateNode,
    inputs: LiteralMap,
) -> Result<LiteralMap, GateError> {
    match &gate.condition {
        None => Err(GateError::Malformed(
            "the gate has no condition".to_string(),
        )),
        Some(gate_node::Condition::Sleep(sleep)) => {
            let duration = sleep
                .duration
                .as_ref()
                .ok_or_else(|| GateError::Malformed("the sleep has no duration".to_string()))?;
            tokio::time::sleep(to_std(duration)).await;
            Ok(LiteralMap::default())
        }
        Some(gate_node::Condition::Signal(signal)) => {
            let ty = signal.r#type.as_ref().ok_or_else(|| {
                GateError::Malformed(format!("signal `{}` has no type", signal.signal_id))
            })?;
            let value = match cx.options.gate_values.get(&signal.signal_id) {
                Some(GateValue::Literal(literal)) => check_type(literal, ty),
                Some(GateValue::Text(text)) => cli_arg_to_literal(text, ty)
                    .map_err(|e| format!("the value given for signal `{}`: {e}", signal.signal_id)),
                None => {
                    let question = format!(
                        "node {path} waits for signal `{}` ({}); enter its value: ",
                        signal.signal_id,
                        type_name(ty)
                    );
                    match ask(cx, &question).await {
                        Some(text) => cli_arg_to_literal(text.trim(), ty).map_err(|e| {
                            format!("the value entered for signal `{}`: {e}", signal.signal_id)
                        }),
                        None => Err(format!(
                            "node `{path}` waits for signal `{}` ({}) and no value was given; \
                             give it with `--signal {}=VALUE`",
                            signal.signal_id,
                            type_name(ty),
                            signal.signal_id
                        )),
                    }
                }
            }
            .map_err(GateError::Rule)?;
            let name = if signal.output_variable_name.is_empty() {
                "o0".to_string()
            } else {
                signal.output_variable_name.clone()
            };
            Ok(LiteralMap {
                literals: BTreeMap::from([(name, value)]),
            })
        }
        Some(gate_node::Condition::Approve(approve)) => {
            let id = &approve.signal_id;
            let approved = match cx.options.gate_values.get(id) {
                Some(GateValue::Literal(literal)) => {
                    match resolve(literal).ok().as_deref().and_then(primitive_of) {
                        Some(primitive::Value::Boolean(b)) => *b,
                        _ => {
                            return Err(GateError::Rule(format!(
                                "the value given for approval `{id}` must be a boolean, found {}",
                                describe_literal(literal)
                            )))
                        }
                    }
                }
                Some(GateValue::Text(text)) => yes_no(text).ok_or_else(|| {
                    GateError::Rule(format!(
                        "the value given for approval `{id}` is {text:?}; use yes or no"
                    ))
                })?,
                None => {
                    let question =
                        format!("node {path} waits for approval `{id}`; approve? [y/N] ");
                    match ask(cx, &question).await {
                        Some(answer) => yes_no(&answer).unwrap_or(false),
                        None => {
                            return Err(GateError::Rule(format!(
                                "node `{path}` waits for approval `{id}` and none was given; \
                                 approve it with `--approve {id}`"
                            )))
                        }
                    }
                }
            };
            if approved {
                Ok(inputs)
            } else {
                Err(GateError::Rule(format!(
                    "not approved: `{id}` was rejected"
                )))
            }
        }
    }
}

fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" | "true" | "1" | "approve" | "approved" => Some(true),
        "n" | "no" | "false" | "0" | "" | "reject" | "rejected" => Some(false),
        _ => None,
    }
}

/// Asks on the terminal (stderr) and reads a line from stdin; `None` when the executor is not
/// interactive or stdin is closed.
async fn ask(cx: &Inner, question: &str) -> Option<String> {
    if !cx.options.interactive {
        return None;
    }
    let _turn = cx.prompt.lock().await;
    let question = question.to_string();
    tokio::task::spawn_blocking(move || {
        use std::io::{BufRead, Write};
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "{question}");
        let _ = stderr.flush();
        let mut line = String::new();
        match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line.trim_end_matches(['\n', '\r']).to_string()),
        }
    })
    .await
    .ok()
    .flatten()
}

/// Checks a given literal against the signal's declared type where the type is a simple
/// primitive kind; an integer is accepted (and converted) for a FLOAT.
fn check_type(literal: &Literal, ty: &LiteralType) -> Result<Literal, String> {
    let Some(literal_type::Type::Simple(simple)) = &ty.r#type else {
        return Ok(literal.clone());
    };
    let Ok(simple) = SimpleType::try_from(*simple) else {
        return Ok(literal.clone());
    };
    let resolved = resolve(literal).map_err(|e| e.to_string())?;
    let found = primitive_of(&resolved);
    let matches = match (simple, found) {
        (SimpleType::Integer, Some(primitive::Value::Integer(_)))
        | (SimpleType::Float, Some(primitive::Value::FloatValue(_)))
        | (SimpleType::String, Some(primitive::Value::StringValue(_)))
        | (SimpleType::Boolean, Some(primitive::Value::Boolean(_)))
        | (SimpleType::Datetime, Some(primitive::Value::Datetime(_)))
        | (SimpleType::Duration, Some(primitive::Value::Duration(_))) => true,
        (SimpleType::Float, Some(primitive::Value::Integer(i))) => {
            return Ok(primitive_literal(primitive::Value::FloatValue(*i as f64)))
        }
        (
            SimpleType::Integer
            | SimpleType::Float
            | SimpleType::String
            | SimpleType::Boolean
            | SimpleType::Datetime
            | SimpleType::Duration,
            _,
        ) => false,
        _ => true,
    };
    if matches || matches!(resolved.value, Some(literal::Value::OffloadedMetadata(_))) {
        Ok(literal.clone())
    } else {
        Err(format!(
            "the value given is {}, but the signal expects {}",
            describe_literal(literal),
            type_name(ty)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flytekit_core::types::simple_type;
    use flytekit_core::FlyteType;

    #[test]
    fn given_values_are_checked_against_simple_types() {
        let int = simple_type(SimpleType::Integer);
        let float = simple_type(SimpleType::Float);
        assert!(check_type(&3_i64.to_literal().unwrap(), &int).is_ok());
        let converted = check_type(&3_i64.to_literal().unwrap(), &float).unwrap();
        assert_eq!(f64::from_literal(&converted).unwrap(), 3.0);
        assert_eq!(
            check_type(&"x".to_string().to_literal().unwrap(), &int).unwrap_err(),
            "the value given is STRING \"x\", but the signal expects INTEGER"
        );
        let list = Vec::<i64>::literal_type();
        assert!(check_type(&vec![1_i64].to_literal().unwrap(), &list).is_ok());
    }

    #[test]
    fn yes_and_no() {
        assert_eq!(yes_no(" Yes\n"), Some(true));
        assert_eq!(yes_no(""), Some(false));
        assert_eq!(yes_no("maybe"), None);
    }
}
