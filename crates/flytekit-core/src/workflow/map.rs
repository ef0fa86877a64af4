//! `map_task`: run a task once per element of its list inputs, as a Flyte ArrayNode.
//!
//! Mapped inputs take a list of the task's input type; fixed inputs take a single value given
//! to every element (`bound_inputs`). By default every element must succeed and the outputs are
//! lists; with `min_successes` / `min_success_ratio`, failed elements are allowed and the
//! outputs become lists of `Option`, so the type system makes the caller handle the gaps.

use std::marker::PhantomData;

use flytekit_idl::core::{array_node, node, ArrayNode, Node, TaskNodeOverrides};

use super::builder::WorkflowBuilder;
use super::call::PendingCall;
use super::entity::{DefaultsFrom, Entity, EntityInput, MapPromises, NodePromises};
use super::promise::IntoBinding;

/// A map-task call being assembled. Like [`Call`](super::Call), a typed handle over the
/// builder's pending call: its methods only type-check and forward.
#[must_use = "a map task only becomes a node when `finish()` is called"]
pub struct MapCall<'b, E: Entity> {
    builder: &'b mut WorkflowBuilder,
    _entity: PhantomData<E>,
}

impl<'b, E: Entity> MapCall<'b, E>
where
    E::Promises: MapPromises,
{
    /// Starts mapping task `E`.
    pub fn new(builder: &'b mut WorkflowBuilder) -> Self {
        builder.begin_call(E::CALLEE);
        MapCall {
            builder,
            _entity: PhantomData,
        }
    }

    /// Maps input number `N` over a list of its type.
    pub fn map<const N: usize, V>(self, values: V) -> Self
    where
        E: EntityInput<N>,
        V: IntoBinding<Vec<<E as EntityInput<N>>::Type>>,
    {
        self.builder.map_mapped();
        self.builder.bind_pending(N, values.into_bound());
        self
    }

    /// Gives input number `N` one value, the same for every element.
    pub fn fixed<const N: usize, V>(self, value: V) -> Self
    where
        E: EntityInput<N>,
        V: IntoBinding<<E as EntityInput<N>>::Type>,
    {
        self.builder.map_fixed(N);
        self.builder.bind_pending(N, value.into_bound());
        self
    }

    /// Gives every input from number `K` on its declared default, the same for every element.
    pub fn defaults_from<const K: usize>(self) -> Self
    where
        E: DefaultsFrom<K>,
    {
        self.builder.map_defaults_from(K);
        self
    }

    /// Runs at most `n` elements at a time.
    pub fn concurrency(self, n: u32) -> Self {
        self.builder.map_concurrency(n);
        self
    }

    /// Succeeds when at least `n` elements succeed (use with [`MapCall::finish_partial`]).
    pub fn min_successes(self, n: u32) -> Self {
        self.builder.map_min_successes(n);
        self
    }

    /// Succeeds when at least this fraction of elements succeed (use with
    /// [`MapCall::finish_partial`]).
    pub fn min_success_ratio(self, ratio: f32) -> Self {
        self.builder.map_min_success_ratio(ratio);
        self
    }

    /// Adds the array node; every element must succeed; outputs are lists.
    pub fn finish(self) -> <E::Promises as MapPromises>::Lists {
        let handle = self.builder.finish_map(false);
        <E::Promises as MapPromises>::Lists::from_node(self.builder, handle)
    }

    /// Adds the array node allowing failed elements (per `min_successes` / `min_success_ratio`);
    /// outputs are lists of `Option`, `None` where an element failed.
    pub fn finish_partial(self) -> <E::Promises as MapPromises>::PartialLists {
        let handle = self.builder.finish_map(true);
        <E::Promises as MapPromises>::PartialLists::from_node(self.builder, handle)
    }
}

/// The untyped side of map calls, on the builder's pending call.
impl WorkflowBuilder {
    fn map_mapped(&mut self) {
        if let Some(call) = self.pending.as_mut() {
            call.mapped += 1;
        }
    }

    fn map_concurrency(&mut self, n: u32) {
        if let Some(call) = self.pending.as_mut() {
            call.parallelism = Some(n);
        }
    }

    fn map_min_successes(&mut self, n: u32) {
        if let Some(call) = self.pending.as_mut() {
            call.min_successes = Some(n);
        }
    }

    fn map_fixed(&mut self, index: usize) {
        if let Some(call) = self.pending.as_mut() {
            call.bound.push(call.callee.input_name(index).to_string());
        }
    }

    fn map_defaults_from(&mut self, from: usize) {
        let names = self.bind_pending_defaults(from);
        if let Some(call) = self.pending.as_mut() {
            call.bound.extend(names);
        }
    }

    fn map_min_success_ratio(&mut self, ratio: f32) {
        if !(0.0..=1.0).contains(&ratio) {
            self.error(format!(
                "`min_success_ratio` must be between 0 and 1, not {ratio}"
            ));
        }
        if let Some(call) = self.pending.as_mut() {
            call.min_success_ratio = Some(ratio);
        }
    }

    /// Adds the pending map as an array node; returns its handle.
    fn finish_map(&mut self, partial: bool) -> u32 {
        let Some(call) = self.pending.take() else {
            return 0;
        };
        let name = call.callee.entity_name();
        if call.mapped == 0 {
            self.error(format!(
                "the map over `{name}` maps no input: give at least one list"
            ));
        }
        let allows_failures =
            call.min_successes.is_some() || call.min_success_ratio.is_some_and(|r| r < 1.0);
        if allows_failures && !partial {
            self.error(format!(
                "the map over `{name}` allows failed elements, so its outputs are lists of `Option`: use `finish_partial()`"
            ));
        }
        let target = match call.callee.target(self) {
            Ok(node::Target::TaskNode(mut task)) => {
                task.overrides = Some(TaskNodeOverrides::default());
                Some(node::Target::TaskNode(task))
            }
            Ok(_) => {
                self.error(format!("`map_task` maps tasks; `{name}` is not a task"));
                None
            }
            Err(err) => {
                self.error(err);
                None
            }
        };
        let bindings = PendingCall::bindings(call.inputs);
        let mut metadata = call.metadata;
        metadata.name = name.clone();
        let sub_node = Node {
            id: name.clone(),
            metadata: Some(metadata.clone()),
            inputs: bindings.clone(),
            upstream_node_ids: Vec::new(),
            output_aliases: Vec::new(),
            target,
        };
        let success_criteria = match (call.min_successes, call.min_success_ratio) {
            (Some(n), _) => array_node::SuccessCriteria::MinSuccesses(n),
            (None, Some(r)) => array_node::SuccessCriteria::MinSuccessRatio(r),
            (None, None) => array_node::SuccessCriteria::MinSuccessRatio(1.0),
        };
        let array = ArrayNode {
            node: Some(Box::new(sub_node)),
            parallelism_option: call
                .parallelism
                .map(array_node::ParallelismOption::Parallelism),
            success_criteria: Some(success_criteria),
            // The sub-node is the plain task with its element-typed interface; propeller maps
            // over the lists.
            is_original_sub_node_interface: Some(true),
            bound_inputs: call.bound,
            ..Default::default()
        };
        let node = Node {
            id: String::new(),
            metadata: Some(metadata),
            inputs: bindings,
            upstream_node_ids: call.upstream.into_iter().collect(),
            output_aliases: Vec::new(),
            target: Some(node::Target::ArrayNode(Box::new(array))),
        };
        let handle = self.add_node(node);
        self.name_outputs(handle, call.callee.output_names());
        handle
    }
}
