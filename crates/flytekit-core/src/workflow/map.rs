//! `map_task`: run a task once per element of its list inputs, as a Flyte ArrayNode.
//!
//! Mapped inputs take a list of the task's input type; fixed inputs take a single value given
//! to every element (`bound_inputs`). By default every element must succeed and the outputs are
//! lists; with `min_successes` / `min_success_ratio`, failed elements are allowed and the
//! outputs become lists of `Option`, so the type system makes the caller handle the gaps.

use std::collections::{BTreeMap, BTreeSet};
use std::marker::PhantomData;

use flytekit_idl::core::{
    array_node, node, ArrayNode, Binding, BindingData, Node, NodeMetadata, TaskNodeOverrides,
};

use super::builder::WorkflowBuilder;
use super::entity::{DefaultsFrom, Entity, EntityInput, MapPromises, NodePromises};
use super::promise::IntoBinding;

/// A map-task call being assembled.
#[must_use = "a map task only becomes a node when `finish()` is called"]
pub struct MapCall<'b, E: Entity> {
    builder: &'b mut WorkflowBuilder,
    inputs: BTreeMap<String, BindingData>,
    bound: Vec<String>,
    mapped: usize,
    upstream: BTreeSet<String>,
    parallelism: Option<u32>,
    min_successes: Option<u32>,
    min_success_ratio: Option<f32>,
    _entity: PhantomData<E>,
}

impl<'b, E: Entity> MapCall<'b, E>
where
    E::Promises: MapPromises,
{
    /// Starts mapping task `E`.
    pub fn new(builder: &'b mut WorkflowBuilder) -> Self {
        MapCall {
            builder,
            inputs: BTreeMap::new(),
            bound: Vec::new(),
            mapped: 0,
            upstream: BTreeSet::new(),
            parallelism: None,
            min_successes: None,
            min_success_ratio: None,
            _entity: PhantomData,
        }
    }

    fn insert(
        &mut self,
        name: &str,
        bound: Result<super::promise::Bound, crate::types::TypeError>,
    ) {
        match self.builder.resolve(bound) {
            Ok((binding, upstream)) => {
                self.inputs.insert(name.to_string(), binding);
                self.upstream.extend(upstream);
            }
            Err(err) => self.builder.error(format!(
                "input `{name}` of the map over `{}`: {err}",
                E::entity_name()
            )),
        }
    }

    /// Maps input number `N` over a list of its type.
    pub fn map<const N: usize, V>(mut self, values: V) -> Self
    where
        E: EntityInput<N>,
        V: IntoBinding<Vec<<E as EntityInput<N>>::Type>>,
    {
        self.insert(<E as EntityInput<N>>::NAME, values.into_bound());
        self.mapped += 1;
        self
    }

    /// Gives input number `N` one value, the same for every element.
    pub fn fixed<const N: usize, V>(mut self, value: V) -> Self
    where
        E: EntityInput<N>,
        V: IntoBinding<<E as EntityInput<N>>::Type>,
    {
        let name = <E as EntityInput<N>>::NAME;
        self.insert(name, value.into_bound());
        self.bound.push(name.to_string());
        self
    }

    /// Gives every input from number `K` on its declared default, the same for every element.
    pub fn defaults_from<const K: usize>(mut self) -> Self
    where
        E: DefaultsFrom<K>,
    {
        let names: Vec<&str> = E::input_names().into_iter().skip(K).collect();
        for (name, binding) in super::builder::bind_defaults::<E>(self.builder, &names) {
            self.bound.push(name.clone());
            self.inputs.insert(name, binding);
        }
        self
    }

    /// Runs at most `n` elements at a time.
    pub fn concurrency(mut self, n: u32) -> Self {
        self.parallelism = Some(n);
        self
    }

    /// Succeeds when at least `n` elements succeed (use with [`MapCall::finish_partial`]).
    pub fn min_successes(mut self, n: u32) -> Self {
        self.min_successes = Some(n);
        self
    }

    /// Succeeds when at least this fraction of elements succeed (use with
    /// [`MapCall::finish_partial`]).
    pub fn min_success_ratio(mut self, ratio: f32) -> Self {
        if !(0.0..=1.0).contains(&ratio) {
            self.builder.error(format!(
                "`min_success_ratio` must be between 0 and 1, not {ratio}"
            ));
        }
        self.min_success_ratio = Some(ratio);
        self
    }

    fn add(self, partial: bool) -> (u32, &'b mut WorkflowBuilder) {
        let MapCall {
            builder,
            inputs,
            bound,
            mapped,
            upstream,
            parallelism,
            min_successes,
            min_success_ratio,
            ..
        } = self;
        if mapped == 0 {
            builder.error(format!(
                "the map over `{}` maps no input: give at least one list",
                E::entity_name()
            ));
        }
        let name = E::entity_name();
        let target = match E::target(builder) {
            Ok(node::Target::TaskNode(mut task)) => {
                task.overrides = Some(TaskNodeOverrides::default());
                Some(node::Target::TaskNode(task))
            }
            Ok(_) => {
                builder.error(format!("`map_task` maps tasks; `{name}` is not a task"));
                None
            }
            Err(err) => {
                builder.error(err);
                None
            }
        };
        let bindings: Vec<Binding> = inputs
            .into_iter()
            .map(|(var, binding)| Binding {
                var,
                binding: Some(binding),
            })
            .collect();
        let metadata = NodeMetadata {
            name: name.clone(),
            ..E::node_metadata()
        };
        let sub_node = Node {
            id: name.clone(),
            metadata: Some(metadata.clone()),
            inputs: bindings.clone(),
            upstream_node_ids: Vec::new(),
            output_aliases: Vec::new(),
            target,
        };
        let _ = partial;
        let success_criteria = match (min_successes, min_success_ratio, partial) {
            (Some(n), _, _) => Some(array_node::SuccessCriteria::MinSuccesses(n)),
            (None, Some(r), _) => Some(array_node::SuccessCriteria::MinSuccessRatio(r)),
            (None, None, _) => Some(array_node::SuccessCriteria::MinSuccessRatio(1.0)),
        };
        let array = ArrayNode {
            node: Some(Box::new(sub_node)),
            parallelism_option: parallelism.map(array_node::ParallelismOption::Parallelism),
            success_criteria,
            // The sub-node is the plain task with its element-typed interface; propeller maps
            // over the lists.
            is_original_sub_node_interface: Some(true),
            bound_inputs: bound,
            ..Default::default()
        };
        let node = Node {
            id: String::new(),
            metadata: Some(metadata),
            inputs: bindings,
            upstream_node_ids: upstream.into_iter().collect(),
            output_aliases: Vec::new(),
            target: Some(node::Target::ArrayNode(Box::new(array))),
        };
        (builder.add_node(node), builder)
    }

    /// Adds the array node; every element must succeed; outputs are lists.
    pub fn finish(self) -> <E::Promises as MapPromises>::Lists {
        if self.min_successes.is_some() || self.min_success_ratio.is_some_and(|r| r < 1.0) {
            self.builder.error(format!(
                "the map over `{}` allows failed elements, so its outputs are lists of `Option`: use `finish_partial()`",
                E::entity_name()
            ));
        }
        let (handle, builder) = self.add(false);
        <E::Promises as MapPromises>::Lists::from_node(builder, handle, &E::output_names())
    }

    /// Adds the array node allowing failed elements (per `min_successes` / `min_success_ratio`);
    /// outputs are lists of `Option`, `None` where an element failed.
    pub fn finish_partial(self) -> <E::Promises as MapPromises>::PartialLists {
        let (handle, builder) = self.add(true);
        <E::Promises as MapPromises>::PartialLists::from_node(builder, handle, &E::output_names())
    }
}
