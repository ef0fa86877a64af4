//! Gates: `sleep`, `approve` and `wait_for_input` become Flyte GateNodes.

use std::time::Duration;

use flytekit_idl::core::{
    gate_node, node, ApproveCondition, Binding, GateNode, Node, NodeMetadata, RetryStrategy,
    SignalCondition, SleepCondition,
};

/// flytekit's name for every sleep gate (`flytekit/core/gate.py`).
const SLEEP_GATE_NAME: &str = "sleep-gate";

/// flytekit's gate timeout when none is given (`DEFAULT_TIMEOUT`, one hour).
const DEFAULT_GATE_TIMEOUT: Duration = Duration::from_secs(3600);

use super::builder::WorkflowBuilder;
use super::promise::{IntoBinding, NodeRef, Promise};
use crate::types::FlyteType;

fn duration(d: Duration) -> prost_types::Duration {
    prost_types::Duration {
        seconds: d.as_secs() as i64,
        nanos: d.subsec_nanos() as i32,
    }
}

fn gate(
    builder: &mut WorkflowBuilder,
    name: &str,
    condition: gate_node::Condition,
    timeout: Option<Duration>,
    inputs: Vec<Binding>,
    upstream: Vec<String>,
) -> u32 {
    builder.add_node(Node {
        id: String::new(),
        metadata: Some(NodeMetadata {
            name: name.to_string(),
            timeout: timeout.map(duration),
            retries: Some(RetryStrategy::default()),
            ..Default::default()
        }),
        inputs,
        upstream_node_ids: upstream,
        output_aliases: Vec::new(),
        target: Some(node::Target::GateNode(GateNode {
            condition: Some(condition),
        })),
    })
}

/// Waits for `duration` before the nodes ordered after it run.
pub fn sleep(builder: &mut WorkflowBuilder, duration_: Duration) -> NodeRef {
    // flytekit gives a sleep its default gate timeout of an hour; a longer sleep gets none
    // rather than a timeout that would end it early.
    let timeout = (duration_ < DEFAULT_GATE_TIMEOUT).then_some(DEFAULT_GATE_TIMEOUT);
    let node = gate(
        builder,
        SLEEP_GATE_NAME,
        gate_node::Condition::Sleep(SleepCondition {
            duration: Some(duration(duration_)),
        }),
        timeout,
        Vec::new(),
        Vec::new(),
    );
    NodeRef { node }
}

/// Passes `value` on once someone approves signal `name` (within `timeout`).
pub fn approve<T: FlyteType>(
    builder: &mut WorkflowBuilder,
    value: impl IntoBinding<T>,
    name: &str,
    timeout: Duration,
) -> Promise<T> {
    let (inputs, upstream) = match builder.resolve(value.into_bound()) {
        Ok((binding, upstream)) => (
            vec![Binding {
                var: "o0".into(),
                binding: Some(binding),
            }],
            upstream.into_iter().collect(),
        ),
        Err(err) => {
            builder.error(format!("approve `{name}`: {err}"));
            (Vec::new(), Vec::new())
        }
    };
    let node = gate(
        builder,
        name,
        gate_node::Condition::Approve(ApproveCondition {
            signal_id: name.to_string(),
        }),
        Some(timeout),
        inputs,
        upstream,
    );
    builder.node_output(node, "o0")
}

/// A value of type `T` that someone provides as signal `name` (within `timeout`).
pub fn wait_for_input<T: FlyteType>(
    builder: &mut WorkflowBuilder,
    name: &str,
    timeout: Duration,
) -> Promise<T> {
    let condition = gate_node::Condition::Signal(SignalCondition {
        signal_id: name.to_string(),
        r#type: Some(T::literal_type()),
        output_variable_name: "o0".to_string(),
    });
    let node = gate(
        builder,
        name,
        condition,
        Some(timeout),
        Vec::new(),
        Vec::new(),
    );
    builder.node_output(node, "o0")
}
