//! `map_task`: run a task once per element of its list inputs, as a Flyte ArrayNode.
//!
//! Mapped inputs take a list of the task's input type; fixed inputs take a single value given
//! to every element (`bound_inputs`). By default every element must succeed and the outputs are
//! lists; with `min_successes` / `min_success_ratio`, failed elements are allowed and the
//! outputs become lists of `Option`, so the type system makes the caller handle the gaps.
//!
//! Like flytekit's `ArrayNodeMapTask`, every map registers an entity of its own, the map task
//! ([`MapTask`], named by [`map_task_name`]): the task's template under another name with a
//! list-typed interface. The array node's sub-node calls that entity, because propeller gives an
//! array node its sub-node's interface unchanged (`flytepropeller/pkg/compiler/validators/
//! interface.go`, case `Node_ArrayNode`; nothing in v1.16.8 reads
//! `is_original_sub_node_interface`): a sub-node calling the scalar task would not compile
//! there.

use std::marker::PhantomData;

use flytekit_idl::core::{
    array_node, literal_type, node, task_node, ArrayNode, Identifier, LiteralType, Node,
    NodeMetadata, ResourceType, RetryStrategy, TaskNodeOverrides, TypedInterface, Variable,
    VariableMap,
};

use super::builder::{identifier, WorkflowBuilder};
use super::call::PendingCall;
use super::entity::{CalleeKind, DefaultsFrom, Entity, EntityInput, MapPromises, NodePromises};
use super::promise::IntoBinding;

/// What a map-task entity's name ends with (flytekit's suffix).
pub const MAP_TASK_SUFFIX: &str = "-arraynode";

/// The map-task entity of one `map_task` call: registered beside the task it maps, which its
/// container runs once per element.
#[derive(Debug, Clone, PartialEq)]
pub struct MapTask {
    /// The entity name ([`map_task_name`]).
    pub name: String,
    /// The mapped task's entity name.
    pub task: String,
    /// The inputs given one value for every element, sorted.
    pub bound_inputs: Vec<String>,
    /// The list-typed interface: mapped inputs and every output become lists.
    pub interface: TypedInterface,
}

/// The name flytekit gives the map task of task `task_name`:
/// `<module>.map_<fn>_<md5>-arraynode`, the md5 taken over the sorted bound inputs (joined with
/// `,`), the concurrency, `min_successes` and `min_success_ratio` as Python formats them (`None`
/// for unset, a ratio of `1.0` by default) (`flytekit/core/array_node_map_task.py`).
pub fn map_task_name(
    task_name: &str,
    bound_inputs: &[String],
    concurrency: Option<u32>,
    min_successes: Option<u32>,
    min_success_ratio: Option<f32>,
) -> String {
    use md5::Digest as _;
    let mut bound: Vec<&str> = bound_inputs.iter().map(String::as_str).collect();
    bound.sort_unstable();
    let python = |value: Option<u32>| value.map_or("None".to_string(), |v| v.to_string());
    let key = format!(
        "{}{}{}{}",
        bound.join(","),
        python(concurrency),
        python(min_successes),
        python_float_repr(min_success_ratio.unwrap_or(1.0)),
    );
    let digest = md5::Md5::digest(key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let (module, function) = match task_name.rsplit_once('.') {
        Some((module, function)) => (format!("{module}."), function),
        None => (String::new(), task_name),
    };
    format!("{module}map_{function}_{hex}{MAP_TASK_SUFFIX}")
}

/// The task a map-task name ([`map_task_name`]) maps: its inverse, `None` for other names.
pub fn mapped_task_name(map_task: &str) -> Option<String> {
    let stem = map_task.strip_suffix(MAP_TASK_SUFFIX)?;
    let (stem, hash) = stem.rsplit_once('_')?;
    if hash.len() != 32 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match stem.rsplit_once('.') {
        Some((module, function)) => Some(format!("{module}.{}", function.strip_prefix("map_")?)),
        None => stem.strip_prefix("map_").map(str::to_string),
    }
}

/// A float as Python's `repr` writes it: the shortest text that reads back as the same value
/// (as the user wrote it), with `.0` on whole numbers and a two-digit signed exponent below
/// `1e-4`. The ratio is an `f32`, so its shortest `f32` text is what the user typed.
fn python_float_repr(value: f32) -> String {
    let text = format!("{value:?}");
    match text.split_once('e') {
        Some((mantissa, exponent)) => {
            let (sign, digits) = match exponent.strip_prefix('-') {
                Some(digits) => ('-', digits),
                None => ('+', exponent),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => text,
    }
}

fn list_of(ty: Option<LiteralType>) -> Option<LiteralType> {
    Some(LiteralType {
        r#type: Some(literal_type::Type::CollectionType(Box::new(
            ty.unwrap_or_default(),
        ))),
        ..Default::default()
    })
}

/// The map task's interface: mapped inputs and outputs as lists (outputs as `partial_outputs`
/// when failed elements are allowed), bound inputs as the task declares them.
fn map_interface(
    task: &TypedInterface,
    bound_inputs: &[String],
    partial_outputs: Option<Vec<LiteralType>>,
) -> TypedInterface {
    let inputs = task.inputs.clone().unwrap_or_default();
    let inputs = inputs
        .variables
        .into_iter()
        .map(|(name, variable)| {
            let variable = if bound_inputs.contains(&name) {
                variable
            } else {
                Variable {
                    r#type: list_of(variable.r#type),
                    ..variable
                }
            };
            (name, variable)
        })
        .collect();
    let mut partial = partial_outputs.map(Vec::into_iter);
    let outputs = task.outputs.clone().unwrap_or_default();
    // Output variables are kept in the task's output order (`o0`, `o1`, ...), which is also
    // the order the typed layer listed the partial types in.
    let mut names: Vec<(String, Variable)> = outputs.variables.into_iter().collect();
    names.sort_by_key(|(name, _)| output_position(name));
    let outputs = names
        .into_iter()
        .map(|(name, variable)| {
            let ty = match partial.as_mut().and_then(Iterator::next) {
                Some(listed) => Some(listed),
                None => list_of(variable.r#type.clone()),
            };
            (
                name,
                Variable {
                    r#type: ty,
                    ..variable
                },
            )
        })
        .collect();
    TypedInterface {
        inputs: Some(VariableMap { variables: inputs }),
        outputs: Some(VariableMap { variables: outputs }),
    }
}

/// Where an output sits among `o0`, `o1`, ... (named outputs keep their name order after them).
fn output_position(name: &str) -> (usize, String) {
    match name.strip_prefix('o').and_then(|n| n.parse::<usize>().ok()) {
        Some(n) => (n, String::new()),
        None => (usize::MAX, name.to_string()),
    }
}

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
        values.bind_to(self.builder, N);
        self
    }

    /// Gives input number `N` one value, the same for every element.
    pub fn fixed<const N: usize, V>(self, value: V) -> Self
    where
        E: EntityInput<N>,
        V: IntoBinding<<E as EntityInput<N>>::Type>,
    {
        self.builder.map_fixed(N);
        value.bind_to(self.builder, N);
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
        let handle = self.builder.finish_map(None);
        <E::Promises as MapPromises>::Lists::from_node(self.builder, handle)
    }

    /// Adds the array node allowing failed elements (per `min_successes` / `min_success_ratio`);
    /// outputs are lists of `Option`, `None` where an element failed.
    pub fn finish_partial(self) -> <E::Promises as MapPromises>::PartialLists {
        let handle = self
            .builder
            .finish_map(Some(<E::Promises as MapPromises>::partial_list_types()));
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

    /// Adds the pending map as an array node; returns its handle. `partial_outputs` are the
    /// map's output types when failed elements are allowed (lists of optional values).
    fn finish_map(&mut self, partial_outputs: Option<Vec<LiteralType>>) -> u32 {
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
        if allows_failures && partial_outputs.is_none() {
            self.error(format!(
                "the map over `{name}` allows failed elements, so its outputs are lists of `Option`: use `finish_partial()`"
            ));
        }
        let mut bound_inputs = call.bound.clone();
        bound_inputs.sort();
        bound_inputs.dedup();
        let map_name = map_task_name(
            &name,
            &bound_inputs,
            call.parallelism,
            call.min_successes,
            call.min_success_ratio,
        );
        let target = match call.callee.target(self) {
            Ok(node::Target::TaskNode(_)) if matches!(call.callee.kind, CalleeKind::Task(entry) if entry().is_dynamic()) =>
            {
                self.error(format!(
                    "`map_task` cannot map `{name}`, a dynamic task: an array node runs one plain task per element (flytekit refuses `@dynamic` in `map_task` too); call `{name}` once with the whole list and loop in its body"
                ));
                None
            }
            Ok(node::Target::TaskNode(task)) if task_is_local(&task) => {
                self.add_map_task(MapTask {
                    name: map_name.clone(),
                    task: name.clone(),
                    interface: map_interface(
                        &call.callee.interface(),
                        &bound_inputs,
                        partial_outputs,
                    ),
                    bound_inputs: bound_inputs.clone(),
                });
                Some(node::Target::TaskNode(flytekit_idl::core::TaskNode {
                    reference: Some(task_node::Reference::ReferenceId(identifier(
                        ResourceType::Task,
                        &map_name,
                    ))),
                    overrides: Some(TaskNodeOverrides::default()),
                }))
            }
            Ok(node::Target::TaskNode(_)) => {
                self.error(format!(
                    "`map_task` cannot map `{name}`, a task registered elsewhere: Flyte runs a map through a map-task entity registered with the workflow, made from the task's template, which this binary does not have; map a task of this binary, or call a workflow registered with the task"
                ));
                None
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
        // The sub-node carries the task's node metadata (timeout, retries, interruptible) under
        // the map task's name; the array node itself only its name, as flytekit writes them.
        let mut sub_metadata = call.metadata;
        sub_metadata.name = map_name.clone();
        let metadata = NodeMetadata {
            name: map_name.clone(),
            retries: Some(RetryStrategy::default()),
            ..Default::default()
        };
        let sub_node = Node {
            id: map_name,
            metadata: Some(sub_metadata),
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
            // The sub-node calls the list-typed map task, as flytekit's do.
            is_original_sub_node_interface: Some(false),
            bound_inputs,
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

    /// Records a map task this workflow registers (deduplicated by name: the name is a hash of
    /// everything that shapes it).
    pub(crate) fn add_map_task(&mut self, map_task: MapTask) {
        self.map_tasks.insert(map_task.name.clone(), map_task);
    }
}

/// Whether a task node calls a task of this binary (no version: registered with it), not a
/// reference to one registered elsewhere.
fn task_is_local(task: &flytekit_idl::core::TaskNode) -> bool {
    match &task.reference {
        Some(task_node::Reference::ReferenceId(Identifier { version, .. })) => version.is_empty(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The names flytekit 1.16 wrote for the same maps (`pyflyte package`).
    #[test]
    fn map_task_names_are_flytekits() {
        let none: &[String] = &[];
        assert_eq!(
            map_task_name("mp.wf.square", none, None, None, None),
            "mp.wf.map_square_6b3bd0353da5de6e84d7982921ead2b3-arraynode"
        );
        assert_eq!(
            map_task_name("mp.wf.square", none, None, None, Some(0.8)),
            "mp.wf.map_square_d406f6c1049dcfa189fef4b8baa84fc7-arraynode"
        );
        assert_eq!(
            map_task_name("mp.wf.square", none, None, Some(2), None),
            "mp.wf.map_square_2235e9a1896d690b2e59b500c61e6ddf-arraynode"
        );
        assert_eq!(
            map_task_name(
                "mp.wf.scale",
                &["offset".to_string(), "factor".to_string()],
                Some(3),
                None,
                None
            ),
            "mp.wf.map_scale_4f902115007e2887d4f1533f88e10127-arraynode"
        );
    }

    #[test]
    fn mapped_task_name_inverts_map_task_name() {
        for task in ["mp.wf.square", "square", "a.b.map_c", "my-task"] {
            let map = map_task_name(task, &[], Some(1), None, Some(0.5));
            assert_eq!(mapped_task_name(&map).as_deref(), Some(task), "{map}");
        }
        assert_eq!(mapped_task_name("mp.wf.square"), None);
        assert_eq!(mapped_task_name("mp.wf.map_square_xyz-arraynode"), None);
    }

    #[test]
    fn floats_are_written_as_python_does() {
        assert_eq!(python_float_repr(1.0), "1.0");
        assert_eq!(python_float_repr(0.8), "0.8");
        assert_eq!(python_float_repr(0.0001), "0.0001");
        assert_eq!(python_float_repr(0.00001), "1e-05");
        assert_eq!(python_float_repr(0.0), "0.0");
    }
}
