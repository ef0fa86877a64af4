//! One call in a workflow: [`Call`], the typed handle `#[workflow]` chains
//! (`b.call::<add>().bind::<0, _>(x).retries(3).finish()`), and the untyped work behind it.
//!
//! Every call site of every workflow monomorphizes the handle's methods, so they do nothing but
//! type-check and forward: the call being assembled ([`PendingCall`]) lives in the builder, the
//! callee is described by data ([`Callee`]), and the work (resolving
//! bindings, defaults, overrides, the node itself) is ordinary code compiled once in this
//! crate. Generic methods that did the work themselves made a chain of 4 calls about 5,000
//! lines of LLVM IR in the user's crate, most of a release build's time.

use std::collections::{BTreeMap, BTreeSet};
use std::marker::PhantomData;
use std::time::Duration;

use flytekit_idl::core::{
    node, Binding, BindingData, Literal, Node, NodeMetadata, Resources, RetryStrategy,
    TaskNodeOverrides, TypedInterface,
};

use super::builder::WorkflowBuilder;
use super::entity::{Callee, CalleeKind, DefaultsFrom, Entity, EntityInput, NodePromises};
use super::promise::{Bound, IntoBinding, Upstream};
use crate::glue;
use crate::types::TypeError;

/// What the builder reads of a callee, whatever its kind: one copy of this code serves every
/// call of every workflow.
impl Callee {
    /// The name of input number `index`; the `EntityInput` bound of every caller guarantees
    /// that it exists. Looked up here rather than kept in a constant per input, which would be
    /// one more item for rustc to check per input of every task.
    pub fn input_name(&self, index: usize) -> &'static str {
        self.input_names.get(index).copied().unwrap_or_default()
    }

    /// The registered name.
    pub fn entity_name(&self) -> String {
        match self.kind {
            CalleeKind::Task(entry) => entry().name(),
            CalleeKind::Workflow(entry) => entry.name(),
            CalleeKind::Reference(entry) => entry.name.to_string(),
            CalleeKind::LaunchPlan(entry) => entry.name(),
            CalleeKind::Uncompiled => String::new(),
        }
    }

    /// The short name flytekit puts in `NodeMetadata.name`: the function name, or a
    /// reference's last name segment.
    pub fn node_name(&self) -> String {
        match self.kind {
            CalleeKind::Task(entry) => entry().fn_name.to_string(),
            CalleeKind::Workflow(entry) => entry.fn_name.to_string(),
            CalleeKind::Reference(entry) => entry
                .name
                .rsplit('.')
                .next()
                .unwrap_or(entry.name)
                .to_string(),
            // flytekit's launch-plan node takes its workflow's node metadata.
            CalleeKind::LaunchPlan(entry) => (entry.workflow)().fn_name.to_string(),
            CalleeKind::Uncompiled => String::new(),
        }
    }

    /// The typed interface.
    pub fn interface(&self) -> TypedInterface {
        match self.kind {
            CalleeKind::Task(entry) => entry().interface(),
            CalleeKind::Workflow(entry) => glue::workflow_interface(entry),
            CalleeKind::Reference(entry) => (entry.interface)(),
            // A plan whose fixed inputs cannot be converted reports it where it is packaged.
            CalleeKind::LaunchPlan(entry) => entry.caller_interface().unwrap_or_default(),
            CalleeKind::Uncompiled => TypedInterface::default(),
        }
    }

    /// The output names, owned.
    pub fn output_names(&self) -> Vec<String> {
        self.output_names
            .iter()
            .map(|name| name.to_string())
            .collect()
    }

    /// Literals of the inputs that have a default.
    pub fn defaults(&self) -> Result<BTreeMap<String, Literal>, TypeError> {
        match self.kind {
            CalleeKind::Task(entry) => entry().defaults(),
            CalleeKind::Workflow(entry) => entry.defaults(),
            CalleeKind::Reference(entry) => entry.defaults(),
            CalleeKind::LaunchPlan(entry) => entry.caller_defaults(),
            CalleeKind::Uncompiled => Ok(BTreeMap::new()),
        }
    }

    /// The node target; a workflow registers its template (and its sub-workflows') with
    /// `builder`.
    pub(crate) fn target(&self, builder: &mut WorkflowBuilder) -> Result<node::Target, String> {
        match self.kind {
            CalleeKind::Task(entry) => Ok(glue::task_target(entry())),
            CalleeKind::Workflow(entry) => glue::workflow_target(entry, builder),
            CalleeKind::Reference(entry) => Ok(crate::reference::target(entry)),
            CalleeKind::LaunchPlan(entry) => Ok(glue::launch_plan_target(entry)),
            CalleeKind::Uncompiled => Err("an entity with compile errors was called".to_string()),
        }
    }

    /// The node metadata a call starts from (flytekit copies a task's retries, timeout and
    /// interruptible into the node).
    pub fn node_metadata(&self) -> NodeMetadata {
        match self.kind {
            CalleeKind::Task(entry) => glue::task_node_metadata(entry()),
            CalleeKind::Workflow(entry) => glue::workflow_node_metadata(entry),
            CalleeKind::Reference(entry) => crate::reference::node_metadata(entry),
            CalleeKind::LaunchPlan(entry) => glue::workflow_node_metadata((entry.workflow)()),
            CalleeKind::Uncompiled => NodeMetadata::default(),
        }
    }
}

#[derive(Debug)]
/// A call (or map) being assembled, kept in the builder between the handle's methods.
pub(crate) struct PendingCall {
    pub(crate) callee: &'static Callee,
    pub(crate) inputs: BTreeMap<String, BindingData>,
    pub(crate) upstream: BTreeSet<String>,
    pub(crate) metadata: NodeMetadata,
    pub(crate) overrides: TaskNodeOverrides,
    /// Map only: inputs given one value for every element.
    pub(crate) bound: Vec<String>,
    /// Map only: how many inputs are mapped over lists.
    pub(crate) mapped: usize,
    /// Map only: `concurrency`, `min_successes`, `min_success_ratio`.
    pub(crate) parallelism: Option<u32>,
    pub(crate) min_successes: Option<u32>,
    pub(crate) min_success_ratio: Option<f32>,
}

impl PendingCall {
    fn new(callee: &'static Callee) -> Self {
        PendingCall {
            callee,
            inputs: BTreeMap::new(),
            upstream: BTreeSet::new(),
            metadata: NodeMetadata {
                name: callee.node_name(),
                ..callee.node_metadata()
            },
            overrides: TaskNodeOverrides::default(),
            bound: Vec::new(),
            mapped: 0,
            parallelism: None,
            min_successes: None,
            min_success_ratio: None,
        }
    }

    /// The node's bindings, sorted by input name.
    pub(crate) fn bindings(inputs: BTreeMap<String, BindingData>) -> Vec<Binding> {
        inputs
            .into_iter()
            .map(|(var, binding)| Binding {
                var,
                binding: Some(binding),
            })
            .collect()
    }
}

/// The untyped side of calls. Each method works on the pending call; without one (a handle
/// used after `finish`, which the handles' ownership rules out) it does nothing.
impl WorkflowBuilder {
    /// Starts assembling a call of `callee`.
    #[inline(never)]
    pub(crate) fn begin_call(&mut self, callee: &'static Callee) {
        self.pending = Some(PendingCall::new(callee));
    }

    fn pending(&mut self) -> Option<&mut PendingCall> {
        self.pending.as_mut()
    }

    /// Binds input number `index` of the pending call. The typed handle passes the index, not
    /// the name, so that its per-call-site code stays small enough to inline.
    #[inline(never)]
    pub(crate) fn bind_pending(&mut self, index: usize, bound: Result<Bound, TypeError>) {
        let resolved = self.resolve(bound);
        let Some(call) = self.pending.as_mut() else {
            return;
        };
        let name = call.callee.input_name(index);
        match resolved {
            Ok((binding, upstream)) => {
                call.inputs.insert(name.to_string(), binding);
                call.upstream.extend(upstream);
            }
            Err(err) => {
                let what = if call.bound.is_empty() && call.mapped == 0 {
                    format!("`{}`", call.callee.entity_name())
                } else {
                    format!("the map over `{}`", call.callee.entity_name())
                };
                self.error(format!("input `{name}` of {what}: {err}"));
            }
        }
    }

    /// [`Self::bind_pending`] of the promise at `promise` (see [`IntoBinding::bind_to`]).
    #[inline(never)]
    pub(crate) fn bind_pending_promise(&mut self, index: usize, promise: u32) {
        self.bind_pending(index, Ok(Bound::Promise(promise)));
    }

    /// Binds every input from number `from` on to its declared default; returns their names.
    pub(crate) fn bind_pending_defaults(&mut self, from: usize) -> Vec<String> {
        let Some(callee) = self.pending.as_ref().map(|c| c.callee) else {
            return Vec::new();
        };
        let names: Vec<&str> = callee.input_names.iter().copied().skip(from).collect();
        let bound = bind_defaults(self, callee, &names);
        let names = bound.iter().map(|(name, _)| name.clone()).collect();
        if let Some(call) = self.pending() {
            call.inputs.extend(bound);
        }
        names
    }

    /// [`Self::bind_pending_defaults`] for a call, which needs no names back: the names are
    /// dropped here rather than in the typed handle, whose code is compiled per call site.
    #[inline(never)]
    fn call_defaults_from(&mut self, from: usize) {
        self.bind_pending_defaults(from);
    }

    fn call_metadata(&mut self) -> Option<&mut NodeMetadata> {
        self.pending().map(|call| &mut call.metadata)
    }

    fn call_overrides(&mut self) -> Option<&mut TaskNodeOverrides> {
        self.pending().map(|call| &mut call.overrides)
    }

    fn call_name(&mut self, name: &str) {
        if let Some(metadata) = self.call_metadata() {
            metadata.name = name.to_string();
        }
    }

    fn call_retries(&mut self, retries: u32) {
        if let Some(metadata) = self.call_metadata() {
            metadata.retries = Some(RetryStrategy { retries });
        }
    }

    fn call_timeout(&mut self, timeout: Duration) {
        if let Some(metadata) = self.call_metadata() {
            metadata.timeout = Some(prost_types::Duration {
                seconds: timeout.as_secs() as i64,
                nanos: timeout.subsec_nanos() as i32,
            });
        }
    }

    fn call_interruptible(&mut self, interruptible: bool) {
        if let Some(metadata) = self.call_metadata() {
            metadata.interruptible_value = Some(
                flytekit_idl::core::node_metadata::InterruptibleValue::Interruptible(interruptible),
            );
        }
    }

    fn call_container_image(&mut self, image: &str) {
        if let Some(overrides) = self.call_overrides() {
            overrides.container_image = image.to_string();
        }
    }

    /// An error about the call being built, naming its callee.
    fn call_error(&mut self, message: impl std::fmt::Display) {
        let name = self.pending.as_ref().map(|c| c.callee.entity_name());
        self.error(format!(
            "a call of `{}`: {message}",
            name.unwrap_or_default()
        ));
    }

    /// Reports `value` of resource `key` if it is not a Kubernetes quantity: the macros check
    /// literal quantities at compile time, this checks the ones computed (from a `#[dynamic]`
    /// body's data, or a constant), before any spec is written.
    fn check_quantity(&mut self, key: &str, value: &str) -> bool {
        match flytekit_quantity::parse_quantity(value) {
            Ok(_) => true,
            Err(err) => {
                self.call_error(format_args!("invalid `{key}` quantity {value:?}: {err}"));
                false
            }
        }
    }

    fn call_resources(&mut self, entries: &[(&str, &str)], limits: bool) {
        let mut valid = true;
        for (key, value) in entries {
            if !matches!(*key, "cpu" | "mem" | "memory" | "gpu" | "ephemeral_storage") {
                self.call_error(format_args!(
                    "unknown resource `{key}`; expected `cpu`, `mem`, `gpu` or `ephemeral_storage`"
                ));
                valid = false;
                continue;
            }
            valid &= self.check_quantity(key, value);
        }
        if !valid {
            return;
        }
        if let Some(overrides) = self.call_overrides() {
            let resources = overrides.resources.get_or_insert_with(Resources::default);
            let list = if limits {
                &mut resources.limits
            } else {
                &mut resources.requests
            };
            list.extend(resource_entries(entries));
        }
    }

    fn call_extended_resources(&mut self) -> Option<&mut flytekit_idl::core::ExtendedResources> {
        self.call_overrides().map(|overrides| {
            overrides
                .extended_resources
                .get_or_insert_with(Default::default)
        })
    }

    fn call_accelerator(&mut self, device: &str) {
        if let Some(extended) = self.call_extended_resources() {
            extended.gpu_accelerator = Some(flytekit_idl::core::GpuAccelerator {
                device: device.to_string(),
                partition_size_value: None,
            });
        }
    }

    fn call_shared_memory(&mut self, size: &str) {
        // An empty size is "no limit", as flytekit's `shared_memory=True`.
        if !size.is_empty() && !self.check_quantity("shared_memory", size) {
            return;
        }
        if let Some(extended) = self.call_extended_resources() {
            extended.shared_memory = Some(crate::spec::shared_memory(size));
        }
    }

    fn call_pod_template(&mut self, template: &super::PodTemplate) {
        match template.to_k8s_pod() {
            Ok(pod) => {
                if let Some(overrides) = self.call_overrides() {
                    overrides.pod_template = Some(pod);
                }
            }
            Err(err) => {
                let name = self.pending.as_ref().map(|c| c.callee.entity_name());
                self.error(format!(
                    "the pod template of a call of `{}`: {err}",
                    name.unwrap_or_default()
                ));
            }
        }
    }

    fn call_after(&mut self, upstream: super::promise::UpstreamRef) {
        match self.upstream_id(upstream) {
            Some(id) => {
                if let Some(call) = self.pending() {
                    call.upstream.insert(id);
                }
            }
            None => {
                self.error("`.after(...)` needs a node's output or a node, not a workflow input")
            }
        }
    }

    /// Adds the pending call as a node; returns its handle, whose outputs are named.
    #[inline(never)]
    pub(crate) fn finish_call(&mut self) -> u32 {
        let Some(call) = self.pending.take() else {
            return 0;
        };
        let target = match call.callee.target(self) {
            Ok(node::Target::TaskNode(mut task)) => {
                // flytekit writes an (empty) `overrides` on nodes of its own tasks, and none on
                // those of reference tasks unless the call overrides something.
                let reference = matches!(call.callee.kind, CalleeKind::Reference(_));
                let empty = call.overrides == TaskNodeOverrides::default();
                task.overrides = (!(reference && empty)).then_some(call.overrides);
                Some(node::Target::TaskNode(task))
            }
            Ok(target) => Some(target),
            Err(err) => {
                self.error(err);
                None
            }
        };
        let node = Node {
            id: String::new(),
            metadata: Some(call.metadata),
            inputs: PendingCall::bindings(call.inputs),
            upstream_node_ids: call.upstream.into_iter().collect(),
            output_aliases: Vec::new(),
            target,
        };
        let handle = self.add_node(node);
        self.name_outputs(handle, call.callee.output_names());
        handle
    }
}

/// The default literals of `names`, as bindings; a missing default is a builder error.
pub(crate) fn bind_defaults(
    builder: &mut WorkflowBuilder,
    callee: &Callee,
    names: &[&str],
) -> Vec<(String, BindingData)> {
    let defaults = match callee.defaults() {
        Ok(defaults) => defaults,
        Err(err) => {
            builder.error(format!("a default of `{}`: {err}", callee.entity_name()));
            return Vec::new();
        }
    };
    let mut bound = Vec::new();
    for name in names {
        match defaults.get(*name) {
            Some(literal) => bound.push((
                name.to_string(),
                super::promise::literal_to_binding(literal),
            )),
            None => builder.error(format!(
                "input `{name}` of `{}` has no default",
                callee.entity_name()
            )),
        }
    }
    bound
}

/// One call being assembled: inputs, overrides, ordering. Finish it with [`Call::finish`].
#[must_use = "a call only becomes a node when `finish()` is called"]
pub struct Call<'b, E: Entity> {
    builder: &'b mut WorkflowBuilder,
    _entity: PhantomData<E>,
}

impl<'b, E: Entity> Call<'b, E> {
    pub(crate) fn new(builder: &'b mut WorkflowBuilder) -> Self {
        builder.begin_call(E::CALLEE);
        Call {
            builder,
            _entity: PhantomData,
        }
    }

    /// Binds input number `N` to a promise or a value of its type.
    pub fn bind<const N: usize, V>(self, value: V) -> Self
    where
        E: EntityInput<N>,
        V: IntoBinding<<E as EntityInput<N>>::Type>,
    {
        value.bind_to(self.builder, N);
        self
    }

    /// Binds every input from number `K` on to its declared default, as flytekit binds
    /// defaults at call sites.
    pub fn defaults_from<const K: usize>(self) -> Self
    where
        E: DefaultsFrom<K>,
    {
        self.builder.call_defaults_from(K);
        self
    }

    /// Names the node (`NodeMetadata.name`).
    pub fn name(self, name: &str) -> Self {
        self.builder.call_name(name);
        self
    }

    /// Overrides how often the node is retried.
    pub fn retries(self, retries: u32) -> Self {
        self.builder.call_retries(retries);
        self
    }

    /// Overrides the node's timeout.
    pub fn timeout(self, timeout: Duration) -> Self {
        self.builder.call_timeout(timeout);
        self
    }

    /// Overrides whether the node may run on interruptible machines.
    pub fn interruptible(self, interruptible: bool) -> Self {
        self.builder.call_interruptible(interruptible);
        self
    }

    /// Overrides the container image of a task node.
    pub fn container_image(self, image: &str) -> Self {
        self.builder.call_container_image(image);
        self
    }

    /// Overrides resource requests (`("cpu", "1")`, `("mem", "1Gi")`, ...).
    pub fn requests(self, entries: &[(&str, &str)]) -> Self {
        self.builder.call_resources(entries, false);
        self
    }

    /// Overrides resource limits.
    pub fn limits(self, entries: &[(&str, &str)]) -> Self {
        self.builder.call_resources(entries, true);
        self
    }

    /// Overrides the GPU the node's task runs on (`"nvidia-tesla-t4"`; flytekit's
    /// `with_overrides(accelerator=T4)`).
    pub fn accelerator(self, device: &str) -> Self {
        self.builder.call_accelerator(device);
        self
    }

    /// Gives the node's task shared memory at `/dev/shm` of at most `size` (`"2Gi"`; empty for
    /// no limit), as flytekit's `with_overrides(shared_memory=...)`.
    pub fn shared_memory(self, size: &str) -> Self {
        self.builder.call_shared_memory(size);
        self
    }

    /// Runs the node's task in a pod made from `template` (flytekit's
    /// `with_overrides(pod_template=...)`); `package` completes its primary container with the
    /// task's (see [`PodTemplate`](super::PodTemplate)).
    pub fn pod_template(self, template: super::PodTemplate) -> Self {
        self.builder.call_pod_template(&template);
        self
    }

    /// Runs this node only after `node` (flytekit's `a >> b`), without passing data.
    pub fn after(self, node: impl Upstream) -> Self {
        self.builder.call_after(node.upstream());
        self
    }

    /// Adds the node and returns the promises of its outputs.
    pub fn finish(self) -> E::Promises {
        let handle = self.builder.finish_call();
        E::Promises::from_node(self.builder, handle)
    }
}

fn resource_entries(entries: &[(&str, &str)]) -> Vec<flytekit_idl::core::resources::ResourceEntry> {
    use flytekit_idl::core::resources::{ResourceEntry, ResourceName};
    entries
        .iter()
        .map(|(name, value)| {
            let name = match *name {
                "cpu" => ResourceName::Cpu,
                "mem" | "memory" => ResourceName::Memory,
                "gpu" => ResourceName::Gpu,
                "ephemeral_storage" => ResourceName::EphemeralStorage,
                _ => ResourceName::Unknown,
            };
            ResourceEntry {
                name: name as i32,
                value: value.to_string(),
            }
        })
        .collect()
}
