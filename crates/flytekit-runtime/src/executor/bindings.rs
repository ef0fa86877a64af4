//! Bindings: a node's inputs computed from the workflow inputs and earlier nodes' outputs.
//!
//! Consumes `Binding`s / `BindingData` and an [`Env`] (the outputs a node may read); produces
//! the node's input `LiteralMap`. A promise reads output `var` of node `node_id` (`""` is the
//! workflow's inputs) and steps along its `attr_path`: into collections by index, maps by key,
//! and into msgpack-encoded structs (dataclasses, dicts) by field name or list index, whose
//! result is re-encoded as a msgpack `Binary`, as flytepropeller does. Also lists the node ids
//! bindings read, for scheduling.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use flytekit_core::types::{decode_msgpack, describe_literal, msgpack_literal, resolve};
use flytekit_idl::core::{
    binding_data, literal, promise_attribute, scalar, Binding, BindingData, Literal,
    LiteralCollection, LiteralMap, OutputReference, PromiseAttribute,
};

/// The node id of the workflow's inputs in promises (flytekit's `GLOBAL_INPUT_NODE_ID`); the
/// compiled form calls it `start-node`.
pub(crate) fn is_start_node(node_id: &str) -> bool {
    node_id.is_empty() || node_id == "start-node"
}

/// Deepest nesting of binding collections and maps accepted (deeper is malformed, not a stack
/// overflow).
const MAX_DEPTH: usize = 64;

/// What bindings can read: the inputs of the workflow and the outputs of finished nodes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Env {
    /// The workflow's inputs.
    pub(crate) inputs: Arc<LiteralMap>,
    /// Outputs of finished nodes, by node id.
    pub(crate) nodes: HashMap<String, Arc<LiteralMap>>,
}

/// Evaluates a node's bindings. `Err` is a message naming the binding.
pub(crate) fn eval_bindings(bindings: &[Binding], env: &Env) -> Result<LiteralMap, String> {
    eval_named(bindings, env, "input")
}

/// Evaluates a workflow's output bindings.
pub(crate) fn eval_outputs(bindings: &[Binding], env: &Env) -> Result<LiteralMap, String> {
    eval_named(bindings, env, "output")
}

fn eval_named(bindings: &[Binding], env: &Env, what: &str) -> Result<LiteralMap, String> {
    let mut literals = BTreeMap::new();
    for binding in bindings {
        let data = binding
            .binding
            .as_ref()
            .ok_or_else(|| format!("{what} `{}` has an empty binding", binding.var))?;
        let literal = eval(data, env, 0).map_err(|e| format!("{what} `{}`: {e}", binding.var))?;
        if literals.insert(binding.var.clone(), literal).is_some() {
            return Err(format!("{what} `{}` is bound more than once", binding.var));
        }
    }
    Ok(LiteralMap { literals })
}

fn eval(data: &BindingData, env: &Env, depth: usize) -> Result<Literal, String> {
    if depth > MAX_DEPTH {
        return Err(format!("bindings nest more than {MAX_DEPTH} levels deep"));
    }
    let value = match &data.value {
        None => return Err("the binding has no value".to_string()),
        Some(binding_data::Value::Scalar(scalar)) => {
            literal::Value::Scalar(Box::new(scalar.clone()))
        }
        Some(binding_data::Value::Collection(collection)) => {
            let literals = collection
                .bindings
                .iter()
                .enumerate()
                .map(|(i, b)| eval(b, env, depth + 1).map_err(|e| format!("[{i}]: {e}")))
                .collect::<Result<Vec<_>, _>>()?;
            literal::Value::Collection(LiteralCollection { literals })
        }
        Some(binding_data::Value::Map(map)) => {
            let literals = map
                .bindings
                .iter()
                .map(|(k, b)| {
                    eval(b, env, depth + 1)
                        .map(|l| (k.clone(), l))
                        .map_err(|e| format!("[{k:?}]: {e}"))
                })
                .collect::<Result<BTreeMap<_, _>, _>>()?;
            literal::Value::Map(LiteralMap { literals })
        }
        Some(binding_data::Value::Promise(promise)) => return eval_promise(promise, env),
        Some(binding_data::Value::OffloadedMetadata(meta)) => {
            literal::Value::OffloadedMetadata(Box::new(meta.clone()))
        }
    };
    Ok(Literal {
        value: Some(value),
        ..Default::default()
    })
}

fn eval_promise(promise: &OutputReference, env: &Env) -> Result<Literal, String> {
    let (outputs, source) = if is_start_node(&promise.node_id) {
        (&env.inputs, "the workflow".to_string())
    } else {
        let outputs = env.nodes.get(&promise.node_id).ok_or_else(|| {
            format!(
                "node `{}` has not produced outputs (is it an upstream of this node?)",
                promise.node_id
            )
        })?;
        (outputs, format!("node `{}`", promise.node_id))
    };
    let literal = outputs.literals.get(&promise.var).ok_or_else(|| {
        let start = is_start_node(&promise.node_id);
        if !start && outputs.literals.is_empty() {
            return format!(
                "{source} has no output `{}`: it wrote no outputs at all (its task returned \
                 IgnoreOutputs)",
                promise.var
            );
        }
        let what = if start { "input" } else { "output" };
        format!(
            "{source} has no {what} `{}`; it has {}",
            promise.var,
            names(outputs.literals.keys())
        )
    })?;
    if promise.attr_path.is_empty() {
        return Ok(literal.clone());
    }
    resolve_attr_path(literal, &promise.attr_path).map_err(|e| {
        format!(
            "{source}, output `{}{}`: {e}",
            promise.var,
            show_path(&promise.attr_path)
        )
    })
}

/// `` `a`, `b` `` or `nothing`.
pub(crate) fn names<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let list: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    if list.is_empty() {
        "nothing".to_string()
    } else {
        list.join(", ")
    }
}

fn show_step(step: &PromiseAttribute) -> String {
    match &step.value {
        Some(promise_attribute::Value::StringValue(key)) => format!(".{key}"),
        Some(promise_attribute::Value::IntValue(index)) => format!("[{index}]"),
        None => ".<empty>".to_string(),
    }
}

fn show_path(path: &[PromiseAttribute]) -> String {
    path.iter().map(show_step).collect()
}

/// Steps into `literal` along `path`.
pub(crate) fn resolve_attr_path(
    literal: &Literal,
    path: &[PromiseAttribute],
) -> Result<Literal, String> {
    let mut current = literal.clone();
    for (i, step) in path.iter().enumerate() {
        let resolved = resolve(&current).map_err(|e| e.to_string())?.into_owned();
        let next = match (&resolved.value, &step.value) {
            (Some(literal::Value::Collection(c)), Some(promise_attribute::Value::IntValue(n))) => {
                usize::try_from(*n)
                    .ok()
                    .and_then(|n| c.literals.get(n))
                    .cloned()
                    .ok_or_else(|| {
                        format!(
                            "index {n} is out of range of a list of {}",
                            c.literals.len()
                        )
                    })?
            }
            (Some(literal::Value::Map(m)), Some(promise_attribute::Value::StringValue(k))) => {
                m.literals.get(k).cloned().ok_or_else(|| {
                    format!(
                        "the map has no key {k:?}; it has {}",
                        names(m.literals.keys())
                    )
                })?
            }
            (Some(literal::Value::Scalar(s)), _) => match &s.value {
                Some(scalar::Value::Binary(b)) if b.tag == flytekit_core::types::MSGPACK_TAG => {
                    return resolve_in_msgpack(&b.value, &path[i..]);
                }
                Some(scalar::Value::Generic(_)) => {
                    return Err("stepping into a generic (protobuf Struct) value is not \
                                supported; use a msgpack-encoded struct"
                        .to_string())
                }
                _ => {
                    return Err(format!(
                        "cannot step into {} with `{}`",
                        describe_literal(&resolved),
                        show_step(step)
                    ))
                }
            },
            _ => {
                return Err(format!(
                    "cannot step into {} with `{}`",
                    describe_literal(&resolved),
                    show_step(step)
                ))
            }
        };
        current = next;
    }
    Ok(current)
}

fn resolve_in_msgpack(bytes: &[u8], path: &[PromiseAttribute]) -> Result<Literal, String> {
    let root = decode_msgpack(bytes).map_err(|e| e.to_string())?;
    let mut current = &root;
    for step in path {
        current = match (current, &step.value) {
            (rmpv::ValueRef::Map(entries), Some(promise_attribute::Value::StringValue(key))) => {
                entries
                    .iter()
                    .find(|(k, _)| flytekit_core::types::msgpack_str(k) == Some(key.as_str()))
                    .map(|(_, v)| v)
                    .ok_or_else(|| format!("the struct has no field `{key}`"))?
            }
            (rmpv::ValueRef::Array(items), Some(promise_attribute::Value::IntValue(n))) => {
                usize::try_from(*n)
                    .ok()
                    .and_then(|n| items.get(n))
                    .ok_or_else(|| {
                        format!("index {n} is out of range of a list of {}", items.len())
                    })?
            }
            (value, _) => {
                return Err(format!(
                    "cannot step into {} with `{}`",
                    flytekit_core::types::msgpack_kind(value),
                    show_step(step)
                ))
            }
        };
    }
    let mut out = Vec::new();
    rmpv::encode::write_value_ref(&mut out, current)
        .map_err(|e| format!("cannot re-encode the value: {e}"))?;
    Ok(msgpack_literal(out))
}

/// Every node id the binding reads (promises), in order, with repeats.
pub(crate) fn promise_node_ids<'a>(data: &'a BindingData, out: &mut Vec<&'a str>) {
    let mut pending = vec![data];
    while let Some(data) = pending.pop() {
        match &data.value {
            Some(binding_data::Value::Promise(p)) => out.push(&p.node_id),
            Some(binding_data::Value::Collection(c)) => pending.extend(c.bindings.iter()),
            Some(binding_data::Value::Map(m)) => pending.extend(m.bindings.values()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flytekit_core::FlyteType;

    fn promise(node: &str, var: &str, path: Vec<PromiseAttribute>) -> BindingData {
        BindingData {
            value: Some(binding_data::Value::Promise(OutputReference {
                node_id: node.into(),
                var: var.into(),
                attr_path: path,
            })),
            ..Default::default()
        }
    }

    fn key(k: &str) -> PromiseAttribute {
        PromiseAttribute {
            value: Some(promise_attribute::Value::StringValue(k.into())),
        }
    }

    fn index(i: i32) -> PromiseAttribute {
        PromiseAttribute {
            value: Some(promise_attribute::Value::IntValue(i)),
        }
    }

    fn env() -> Env {
        let point = serde_json::json!({"x": 1.5, "tags": ["a", "b"], "inner": {"n": 7}});
        let node = LiteralMap {
            literals: [
                ("o0".to_string(), point.to_literal().unwrap()),
                ("o1".to_string(), vec![10_i64, 20].to_literal().unwrap()),
                (
                    "o2".to_string(),
                    BTreeMap::from([("k".to_string(), 3_i64)])
                        .to_literal()
                        .unwrap(),
                ),
            ]
            .into(),
        };
        Env {
            inputs: Arc::new(LiteralMap {
                literals: [("x".to_string(), 5_i64.to_literal().unwrap())].into(),
            }),
            nodes: [("n0".to_string(), Arc::new(node))].into(),
        }
    }

    fn eval_one(data: BindingData) -> Result<Literal, String> {
        eval(&data, &env(), 0)
    }

    #[test]
    fn promises_read_inputs_and_outputs() {
        let x = eval_one(promise("", "x", vec![])).unwrap();
        assert_eq!(i64::from_literal(&x).unwrap(), 5);
        let second = eval_one(promise("n0", "o1", vec![index(1)])).unwrap();
        assert_eq!(i64::from_literal(&second).unwrap(), 20);
        let k = eval_one(promise("n0", "o2", vec![key("k")])).unwrap();
        assert_eq!(i64::from_literal(&k).unwrap(), 3);
    }

    #[test]
    fn attr_paths_step_into_msgpack_structs() {
        let x = eval_one(promise("n0", "o0", vec![key("x")])).unwrap();
        assert!(flytekit_core::types::msgpack_of(&x).is_some());
        assert_eq!(f64::from_literal(&x).unwrap(), 1.5);
        let tag = eval_one(promise("n0", "o0", vec![key("tags"), index(1)])).unwrap();
        assert_eq!(String::from_literal(&tag).unwrap(), "b");
        let n = eval_one(promise("n0", "o0", vec![key("inner"), key("n")])).unwrap();
        assert_eq!(i64::from_literal(&n).unwrap(), 7);
        let inner = eval_one(promise("n0", "o0", vec![key("inner")])).unwrap();
        assert_eq!(
            serde_json::Value::from_literal(&inner).unwrap(),
            serde_json::json!({"n": 7})
        );
    }

    #[test]
    fn bad_promises_are_errors_that_say_what_exists() {
        let err = eval_one(promise("n0", "o9", vec![])).unwrap_err();
        assert_eq!(err, "node `n0` has no output `o9`; it has `o0`, `o1`, `o2`");
        let err = eval_one(promise("n7", "o0", vec![])).unwrap_err();
        assert!(err.contains("node `n7` has not produced outputs"), "{err}");
        let err = eval_one(promise("n0", "o0", vec![key("missing")])).unwrap_err();
        assert_eq!(
            err,
            "node `n0`, output `o0.missing`: the struct has no field `missing`"
        );
        let err = eval_one(promise("n0", "o1", vec![index(5)])).unwrap_err();
        assert!(
            err.ends_with("index 5 is out of range of a list of 2"),
            "{err}"
        );
        let err = eval_one(promise("", "x", vec![key("a")])).unwrap_err();
        assert!(
            err.ends_with("cannot step into INTEGER 5 with `.a`"),
            "{err}"
        );
    }

    #[test]
    fn collections_and_maps_of_bindings() {
        let data = BindingData {
            value: Some(binding_data::Value::Collection(
                flytekit_idl::core::BindingDataCollection {
                    bindings: vec![
                        promise("", "x", vec![]),
                        promise("n0", "o1", vec![index(0)]),
                    ],
                },
            )),
            ..Default::default()
        };
        let list = eval_one(data.clone()).unwrap();
        assert_eq!(Vec::<i64>::from_literal(&list).unwrap(), vec![5, 10]);
        let mut ids = Vec::new();
        promise_node_ids(&data, &mut ids);
        ids.sort();
        assert_eq!(ids, vec!["", "n0"]);
        let twice = vec![
            Binding {
                var: "a".into(),
                binding: Some(promise("", "x", vec![])),
            };
            2
        ];
        assert_eq!(
            eval_bindings(&twice, &env()).unwrap_err(),
            "input `a` is bound more than once"
        );
    }
}
