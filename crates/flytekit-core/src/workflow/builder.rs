//! [`WorkflowBuilder`]: builds a WorkflowTemplate node by node with typed promises, the public
//! API behind `#[workflow]` (flytekit's ImperativeWorkflow), usable by hand for workflows whose
//! shape comes from data.
//!
//! Naming follows flytekit: nodes `n0, n1, ...` in call order, workflow inputs as promises with
//! an empty node id, outputs `o0, o1, ...`, node inputs sorted by name, `NodeMetadata.name` the
//! callee's short name, `upstream_node_ids` the nodes a node's bindings reference plus explicit
//! `.after(...)` orderings.
//!
//! ```
//! use flytekit_core::workflow::WorkflowBuilder;
//!
//! let mut b = WorkflowBuilder::new("demo.echo");
//! let x = b.input::<i64>("x", "the value");
//! b.output("o0", x);
//! // Calls are added with `b.call::<SomeTask>().bind::<0, _>(x).finish()`; a workflow without
//! // a single node is what a cluster rejects, and so does `finish`:
//! let errors = b.finish().unwrap_err();
//! assert_eq!(errors, ["workflow `demo.echo`: has no nodes: Flyte rejects a workflow that calls nothing"]);
//! ```

use std::collections::{BTreeMap, BTreeSet};

use flytekit_idl::core::{
    binding_data, workflow_metadata, Binding, BindingData, Identifier, LiteralType, Node,
    NodeMetadata, OutputReference, PromiseAttribute, ResourceType, TypedInterface, Variable,
    VariableMap, WorkflowMetadata, WorkflowMetadataDefaults, WorkflowTemplate,
};

use super::call::{Call, PendingCall};
use super::entity::Callee;
use super::entity::Entity;
use super::promise::{Bound, IntoBinding, Promise, Upstream, UpstreamRef, PLACEHOLDER_NODE};
use super::CompiledWorkflow;
use crate::types::FlyteType;

/// One level of node creation: the workflow itself, or one arm of a branch.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    pub(crate) nodes: Vec<Node>,
    pub(crate) counter: usize,
    /// Nodes of enclosing scopes that bindings in this scope referenced.
    pub(crate) outer_refs: BTreeSet<String>,
}

/// What a promise refers to, and in which scope it was made.
#[derive(Debug, Clone)]
pub(crate) struct PromiseEntry {
    pub(crate) reference: OutputReference,
    pub(crate) depth: usize,
    pub(crate) node: Option<u32>,
}

/// Whether a workflow stops at the first failed node (the default) or first runs every node
/// that does not depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailurePolicy {
    /// Fail as soon as a node fails.
    #[default]
    FailImmediately,
    /// Run every node that can still run, then fail.
    FailAfterExecutableNodesComplete,
}

/// Builds one workflow. See the module docs.
#[derive(Debug)]
pub struct WorkflowBuilder {
    name: String,
    pub(crate) scopes: Vec<Scope>,
    pub(crate) promises: Vec<PromiseEntry>,
    pub(crate) node_ids: Vec<(String, usize)>,
    inputs: Vec<(String, LiteralType, String)>,
    outputs: Vec<(String, LiteralType, BindingData)>,
    pub(crate) sub_workflows: BTreeMap<String, flytekit_idl::core::WorkflowTemplate>,
    /// The map-task entities its maps (and its sub-workflows' maps) call, by name.
    pub(crate) map_tasks: BTreeMap<String, super::MapTask>,
    pub(crate) errors: Vec<String>,
    failure_node: Option<Node>,
    failure_policy: FailurePolicy,
    interruptible: Option<bool>,
    /// The call being assembled (see `call`).
    pub(crate) pending: Option<PendingCall>,
    /// The output names of each node, by handle (the callee's, or a branch's).
    output_names: Vec<Vec<String>>,
    /// Put before the ids of top-level nodes: `d` in a dynamic workflow (`dn0`, `dn1`, ...), as
    /// flytekit numbers them.
    node_prefix: &'static str,
}

impl WorkflowBuilder {
    /// A builder for the workflow registered as `name`.
    pub fn new(name: impl Into<String>) -> Self {
        WorkflowBuilder {
            name: name.into(),
            scopes: vec![Scope::default()],
            promises: Vec::new(),
            node_ids: Vec::new(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            sub_workflows: BTreeMap::new(),
            map_tasks: BTreeMap::new(),
            errors: Vec::new(),
            failure_node: None,
            failure_policy: FailurePolicy::default(),
            interruptible: None,
            pending: None,
            output_names: Vec::new(),
            node_prefix: "",
        }
    }

    /// Puts `prefix` before the ids of top-level nodes (`d` gives `dn0`, `dn1`, ..., the ids of
    /// a dynamic workflow's nodes); branch arms keep their own `n0`, `n1`, ...
    pub fn with_node_prefix(mut self, prefix: &'static str) -> Self {
        self.node_prefix = prefix;
        self
    }

    /// How many nodes the workflow has at its top level so far.
    pub fn node_count(&self) -> usize {
        self.scopes.first().map_or(0, |scope| scope.nodes.len())
    }

    /// The workflow's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Records an error; [`WorkflowBuilder::finish`] reports them all.
    pub fn error(&mut self, message: impl Into<String>) {
        self.errors.push(message.into());
    }

    /// Declares a workflow input and returns its promise.
    pub fn input<T: FlyteType>(&mut self, name: &str, description: &str) -> Promise<T> {
        // The typed methods only forward: they are monomorphized in every workflow.
        Promise::new(self.add_input(name, T::literal_type(), description))
    }

    fn add_input(&mut self, name: &str, literal_type: LiteralType, description: &str) -> u32 {
        self.inputs
            .push((name.to_string(), literal_type, description.to_string()));
        let promise: Promise<()> = self.push_promise(
            OutputReference {
                node_id: String::new(),
                var: name.to_string(),
                attr_path: Vec::new(),
            },
            None,
        );
        promise.index
    }

    /// Declares workflow output `name`, bound to a promise or a literal value.
    pub fn output<T: FlyteType>(&mut self, name: &str, value: impl IntoBinding<T>) {
        self.add_output(name, T::literal_type(), value.into_bound());
    }

    pub(crate) fn add_output(
        &mut self,
        name: &str,
        literal_type: LiteralType,
        bound: Result<Bound, crate::types::TypeError>,
    ) {
        match self.resolve(bound) {
            Ok((binding, _)) => self.outputs.push((name.to_string(), literal_type, binding)),
            Err(err) => self.error(format!("output `{name}`: {err}")),
        }
    }

    /// Sets what happens when a node fails.
    pub fn failure_policy(&mut self, policy: FailurePolicy) {
        self.failure_policy = policy;
    }

    /// Makes every node interruptible (or not) unless it says otherwise.
    pub fn interruptible(&mut self, interruptible: bool) {
        self.interruptible = Some(interruptible);
    }

    /// Embeds a sub-workflow's template (deduplicated by name).
    pub fn add_sub_workflow(&mut self, template: flytekit_idl::core::WorkflowTemplate) {
        let name = template
            .id
            .as_ref()
            .map(|id| id.name.clone())
            .unwrap_or_default();
        self.sub_workflows.insert(name, template);
    }

    /// Starts a call of entity `E`: bind its inputs, set overrides, then `finish()`.
    pub fn call<E: Entity>(&mut self) -> Call<'_, E> {
        Call::new(self)
    }

    /// Runs task `E` when the workflow fails (the failure node `fn0`): it receives the workflow
    /// inputs it declares plus `error`.
    pub fn on_failure<E: Entity>(&mut self) {
        self.set_failure_node(E::CALLEE);
    }

    fn set_failure_node(&mut self, callee: &Callee) {
        let target = match callee.target(self) {
            Ok(target) => target,
            Err(err) => return self.error(err),
        };
        let interface = callee.interface();
        let mut inputs = Vec::new();
        for (name, variable) in interface.inputs.iter().flat_map(|v| v.variables.iter()) {
            if let Some((_, ty, _)) = self.inputs.iter().find(|(n, _, _)| n == name) {
                let wanted = variable.r#type.clone().unwrap_or_default();
                if !super::typing::are_types_castable(ty, &wanted) {
                    self.error(format!(
                        "the failure task `{}` takes input `{name}` as `{}`, but the workflow's `{name}` is `{}`",
                        callee.entity_name(),
                        super::typing::describe(&wanted),
                        super::typing::describe(ty),
                    ));
                }
                inputs.push(Binding {
                    var: name.clone(),
                    binding: Some(promise_binding(String::new(), name)),
                });
            } else if is_optional(variable.r#type.as_ref()) {
                // The error input (`err: Option<FlyteError>`), bound to None as flytekit does;
                // Flyte fills in the error when the node runs.
                let none = None::<crate::types::FlyteError>
                    .to_literal()
                    .map(|l| super::promise::literal_to_binding(&l));
                match none {
                    Ok(binding) => inputs.push(Binding {
                        var: name.clone(),
                        binding: Some(binding),
                    }),
                    Err(err) => self.error(err.to_string()),
                }
            } else {
                self.error(format!(
                    "the failure task `{}` takes input `{name}`, which is not an input of the workflow; a failure task takes \
                     inputs of the workflow plus `err: Option<FlyteError>`",
                    callee.entity_name()
                ));
            }
        }
        self.failure_node = Some(Node {
            id: "fn0".to_string(),
            metadata: Some(NodeMetadata {
                name: callee.node_name(),
                ..callee.node_metadata()
            }),
            inputs,
            target: Some(target),
            ..Default::default()
        });
    }

    pub(crate) fn push_promise<T>(
        &mut self,
        reference: OutputReference,
        node: Option<u32>,
    ) -> Promise<T> {
        let index = self.promises.len() as u32;
        self.promises.push(PromiseEntry {
            reference,
            depth: self.scopes.len(),
            node,
        });
        Promise::new(index)
    }

    /// The promise of output `var` of node `node`.
    pub fn node_output<T>(&mut self, node: u32, var: &str) -> Promise<T> {
        Promise::new(self.node_output_index(node, var))
    }

    /// The promise of the output at `position` (in declaration order) of node `node`: the
    /// callee's output name when known, else `o<position>`.
    pub fn nth_output<T>(&mut self, node: u32, position: usize) -> Promise<T> {
        Promise::new(self.nth_output_index(node, position))
    }

    #[inline(never)]
    fn nth_output_index(&mut self, node: u32, position: usize) -> u32 {
        let name = self
            .output_names
            .get(node as usize)
            .and_then(|names| names.get(position))
            .cloned()
            .unwrap_or_else(|| format!("o{position}"));
        self.node_output_index(node, &name)
    }

    fn node_output_index(&mut self, node: u32, var: &str) -> u32 {
        let node_id = self
            .node_ids
            .get(node as usize)
            .map(|(id, _)| id.clone())
            .unwrap_or_default();
        let promise: Promise<()> = self.push_promise(
            OutputReference {
                node_id,
                var: var.to_string(),
                attr_path: Vec::new(),
            },
            Some(node),
        );
        promise.index
    }

    /// Names the outputs of node `node`, in declaration order.
    pub(crate) fn name_outputs(&mut self, node: u32, names: Vec<String>) {
        if let Some(slot) = self.output_names.get_mut(node as usize) {
            *slot = names;
        }
    }

    /// A promise of field `field` of the struct promised by `promise` (an attribute path).
    pub fn field<T, F>(&mut self, promise: Promise<T>, field: &str) -> Promise<F> {
        Promise::new(self.field_index(promise.index, field))
    }

    fn field_index(&mut self, index: u32, field: &str) -> u32 {
        let Some(entry) = self.promises.get(index as usize).cloned() else {
            return index;
        };
        let mut reference = entry.reference;
        reference.attr_path.push(PromiseAttribute {
            value: Some(flytekit_idl::core::promise_attribute::Value::StringValue(
                field.to_string(),
            )),
        });
        let promise: Promise<()> = self.push_promise(reference, entry.node);
        promise.index
    }

    /// The binding of a bound value, and the id of the node it comes from (if any). Records, in
    /// every enclosing branch arm, references that reach outside it.
    pub(crate) fn resolve(
        &mut self,
        bound: Result<Bound, crate::types::TypeError>,
    ) -> Result<(BindingData, BTreeSet<String>), String> {
        let bound = bound.map_err(|e| e.to_string())?;
        let mut upstream = BTreeSet::new();
        let binding = match bound {
            Bound::Promise(index) => self.promise_binding(index, &mut upstream)?,
            Bound::Value(mut data) => {
                self.fill_placeholders(&mut data, &mut upstream)?;
                *data
            }
        };
        Ok((binding, upstream))
    }

    fn promise_binding(
        &mut self,
        index: u32,
        upstream: &mut BTreeSet<String>,
    ) -> Result<BindingData, String> {
        let entry = self
            .promises
            .get(index as usize)
            .cloned()
            .ok_or("a promise from another workflow builder")?;
        if !entry.reference.node_id.is_empty() {
            upstream.insert(entry.reference.node_id.clone());
            let depth = self.scopes.len();
            for scope in self.scopes.iter_mut().take(depth).skip(entry.depth) {
                scope.outer_refs.insert(entry.reference.node_id.clone());
            }
        }
        Ok(BindingData {
            value: Some(binding_data::Value::Promise(entry.reference)),
            union: None,
        })
    }

    fn fill_placeholders(
        &mut self,
        data: &mut BindingData,
        upstream: &mut BTreeSet<String>,
    ) -> Result<(), String> {
        match &mut data.value {
            Some(binding_data::Value::Promise(reference))
                if reference.node_id == PLACEHOLDER_NODE =>
            {
                let index: u32 = reference
                    .var
                    .parse()
                    .map_err(|_| "bad promise placeholder".to_string())?;
                *data = self.promise_binding(index, upstream)?;
            }
            Some(binding_data::Value::Collection(c)) => {
                for item in c.bindings.iter_mut() {
                    self.fill_placeholders(item, upstream)?;
                }
            }
            Some(binding_data::Value::Map(m)) => {
                for item in m.bindings.values_mut() {
                    self.fill_placeholders(item, upstream)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The node id of an `.after(...)` target.
    pub(crate) fn upstream_id(&self, upstream: UpstreamRef) -> Option<String> {
        match upstream {
            UpstreamRef::Promise(index) => self
                .promises
                .get(index as usize)
                .map(|e| e.reference.node_id.clone())
                .filter(|id| !id.is_empty()),
            UpstreamRef::Node(node) => self.node_ids.get(node as usize).map(|(id, _)| id.clone()),
        }
    }

    /// Orders the node that produced `node` (a gate's or a branch's result) after `upstream`,
    /// without passing data (flytekit's `a >> b`); returns `node` for the caller to keep using.
    /// Task, workflow and map calls take `.after(...)` before they finish instead.
    pub fn order_after<N: Upstream>(&mut self, node: N, upstream: impl Upstream) -> N {
        let (Some(target), Some(after)) = (
            self.upstream_id(node.upstream()),
            self.upstream_id(upstream.upstream()),
        ) else {
            self.error("`.after(...)` needs a node's output or a node, not a workflow input");
            return node;
        };
        let found = self
            .scopes
            .iter_mut()
            .rev()
            .flat_map(|scope| scope.nodes.iter_mut())
            .find(|n| n.id == target);
        if let Some(found) = found {
            if !found.upstream_node_ids.contains(&after) {
                found.upstream_node_ids.push(after);
            }
        }
        node
    }

    /// Adds a node to the current scope with the next id; returns its handle.
    pub(crate) fn add_node(&mut self, mut node: Node) -> u32 {
        if self.scopes.is_empty() {
            self.scopes.push(Scope::default());
        }
        let depth = self.scopes.len();
        let Some(scope) = self.scopes.last_mut() else {
            return 0;
        };
        let prefix = if depth == 1 { self.node_prefix } else { "" };
        let id = format!("{prefix}n{}", scope.counter);
        scope.counter += 1;
        node.id = id.clone();
        scope.nodes.push(node);
        self.node_ids.push((id, depth));
        self.output_names.push(Vec::new());
        (self.node_ids.len() - 1) as u32
    }

    /// The workflow's typed interface.
    pub fn interface(&self) -> TypedInterface {
        let vars = |list: Vec<(String, LiteralType, String)>| VariableMap {
            variables: list
                .into_iter()
                .map(|(name, ty, description)| {
                    let description = if description.is_empty() {
                        name.clone()
                    } else {
                        description
                    };
                    (
                        name,
                        Variable {
                            r#type: Some(ty),
                            description,
                            ..Default::default()
                        },
                    )
                })
                .collect(),
        };
        TypedInterface {
            inputs: Some(vars(self.inputs.clone())),
            outputs: Some(vars(
                self.outputs
                    .iter()
                    .map(|(n, t, _)| (n.clone(), t.clone(), String::new()))
                    .collect(),
            )),
        }
    }

    /// Finishes the workflow: its template, the sub-workflows it embeds, or every error found.
    pub fn finish(self) -> Result<CompiledWorkflow, Vec<String>> {
        let compiled = self.finish_unvalidated()?;
        let problems = super::validate::validate(&compiled);
        if problems.is_empty() {
            Ok(compiled)
        } else {
            Err(problems)
        }
    }

    /// [`WorkflowBuilder::finish`] without the structural checks: a dynamic workflow may have no
    /// nodes (its outputs are then plain values).
    pub(crate) fn finish_unvalidated(mut self) -> Result<CompiledWorkflow, Vec<String>> {
        let interface = self.interface();
        let scope = self.scopes.pop().unwrap_or_default();
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        let template = WorkflowTemplate {
            id: Some(identifier(ResourceType::Workflow, &self.name)),
            metadata: Some(WorkflowMetadata {
                on_failure: match self.failure_policy {
                    FailurePolicy::FailImmediately => {
                        workflow_metadata::OnFailurePolicy::FailImmediately
                    }
                    FailurePolicy::FailAfterExecutableNodesComplete => {
                        workflow_metadata::OnFailurePolicy::FailAfterExecutableNodesComplete
                    }
                } as i32,
                ..Default::default()
            }),
            interface: Some(interface),
            nodes: scope.nodes,
            outputs: self
                .outputs
                .into_iter()
                .map(|(var, _, binding)| Binding {
                    var,
                    binding: Some(binding),
                })
                .collect(),
            failure_node: self.failure_node,
            metadata_defaults: Some(WorkflowMetadataDefaults {
                interruptible: self.interruptible.unwrap_or(false),
            }),
        };
        let compiled = CompiledWorkflow {
            template,
            sub_workflows: self.sub_workflows.into_values().collect(),
            map_tasks: self.map_tasks.into_values().collect(),
        };
        Ok(compiled)
    }
}

/// Whether a type is a union with a NONE variant (an input Flyte lets go unbound).
pub(crate) fn is_optional(ty: Option<&LiteralType>) -> bool {
    use flytekit_idl::core::{literal_type::Type, SimpleType};
    match ty.and_then(|t| t.r#type.as_ref()) {
        Some(Type::UnionType(u)) => u
            .variants
            .iter()
            .any(|v| matches!(v.r#type, Some(Type::Simple(s)) if s == SimpleType::None as i32)),
        _ => false,
    }
}

/// An identifier with only a resource type and a name: `flytectl register` fills in project,
/// domain and version.
pub fn identifier(resource_type: ResourceType, name: &str) -> Identifier {
    Identifier {
        resource_type: resource_type as i32,
        name: name.to_string(),
        ..Default::default()
    }
}

fn promise_binding(node_id: String, var: &str) -> BindingData {
    BindingData {
        value: Some(binding_data::Value::Promise(OutputReference {
            node_id,
            var: var.to_string(),
            attr_path: Vec::new(),
        })),
        union: None,
    }
}
