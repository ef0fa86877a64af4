//! The typed rules flytepropeller v1.16.8 applies when flyteadmin compiles a workflow at
//! registration (`flytepropeller/pkg/compiler/workflow_compiler.go` and `validators/*.go`),
//! run by `package` before anything is written, so that what we emit is what a cluster accepts.
//!
//! Consumes a [`CompiledWorkflow`] (with its sub-workflows and map tasks) and the registry
//! (task and reference interfaces); produces one message per problem, naming the workflow, the
//! node, the input and propeller's error code. The structural rules (nodes exist, no cycles,
//! branches have an `else`) are [`super::validate`]'s; these are the ones that need types:
//!
//! - node interfaces per target (`validators/interface.go`): a task's, a sub-workflow's, a
//!   launch plan's required and bound inputs, a gate's, a branch's (below), an array node's
//!   sub-node's unchanged (so the sub-node must call the list-typed map task);
//! - bindings (`validators/bindings.go`): every input of the target exists, is bound once, and
//!   every input that is not optional is bound; promises name a node and an output that exist;
//!   `[i]` indexes and attribute paths (through lists, maps and `dataclass_type`) resolve;
//!   types cast (`validators/typing.go`); literals have a type and enum values are members;
//!   collections, maps and non-literal bindings into unions match exactly one variant;
//! - branches (`validators/branch.go`, `condition.go`): inputs typed from the bindings with
//!   `validateParamTypes=false`, which takes the upstream output's whole type (attribute path
//!   ignored); then typed again like any node; condition operands are inputs of the branch or
//!   primitives, and two known operand types must be identical; outputs are those every arm has.
//! - workflow outputs are bound like the inputs of the end node; the failure node like a node.

use std::collections::{BTreeMap, BTreeSet};

use flytekit_idl::core::{
    binding_data, boolean_expression, gate_node, if_else_block, literal_type::Type, node, operand,
    promise_attribute, task_node, workflow_node, Binding, BindingData, BooleanExpression,
    Identifier, LiteralType, Node, TypedInterface, Variable, VariableMap, WorkflowTemplate,
};

use super::typing::{are_types_castable, describe, literal_type_for_scalar, primitive_type};
use super::{CompiledWorkflow, MapTask};
use crate::registry;

/// Every problem a Flyte cluster's registration would find in `compiled` and the sub-workflows
/// it embeds; empty when it registers.
pub fn check_registration(compiled: &CompiledWorkflow) -> Vec<String> {
    let mut problems = Vec::new();
    let context = Context {
        sub_workflows: &compiled.sub_workflows,
        map_tasks: &compiled.map_tasks,
    };
    for template in std::iter::once(&compiled.template).chain(&compiled.sub_workflows) {
        problems.extend(context.check_template(template));
    }
    problems
}

struct Context<'a> {
    sub_workflows: &'a [WorkflowTemplate],
    map_tasks: &'a [MapTask],
}

/// One workflow template being checked: its nodes by id, their interfaces as computed so far.
struct Scope<'a> {
    context: &'a Context<'a>,
    workflow: String,
    inputs: VariableMap,
    nodes: BTreeMap<&'a str, &'a Node>,
    interfaces: BTreeMap<String, Option<TypedInterface>>,
    problems: Vec<String>,
}

fn vars(map: &Option<VariableMap>) -> VariableMap {
    map.clone().unwrap_or_default()
}

fn simple(s: flytekit_idl::core::SimpleType) -> LiteralType {
    LiteralType {
        r#type: Some(Type::Simple(s as i32)),
        ..Default::default()
    }
}

fn untyped() -> Variable {
    Variable {
        r#type: Some(LiteralType::default()),
        ..Default::default()
    }
}

impl<'a> Context<'a> {
    fn check_template(&'a self, template: &'a WorkflowTemplate) -> Vec<String> {
        let interface = template.interface.clone().unwrap_or_default();
        let mut scope = Scope {
            context: self,
            workflow: template
                .id
                .as_ref()
                .map_or_else(String::new, |id| id.name.clone()),
            inputs: vars(&interface.inputs),
            nodes: template.nodes.iter().map(|n| (n.id.as_str(), n)).collect(),
            interfaces: BTreeMap::new(),
            problems: Vec::new(),
        };
        for node in &template.nodes {
            scope.check_node(node, &node.id);
        }
        if let Some(failure) = &template.failure_node {
            scope.check_node(failure, &failure.id);
        }
        // The end node: its inputs are the workflow's outputs.
        let outputs = vars(&interface.outputs);
        scope.check_bindings("end-node", &template.outputs, Some(&outputs));
        scope.problems
    }

    /// A task's interface: a map task of this workflow, a task of this binary, or a reference.
    fn task_interface(&self, id: &Identifier) -> Option<TypedInterface> {
        if let Some(map_task) = self.map_tasks.iter().find(|m| m.name == id.name) {
            return Some(map_task.interface.clone());
        }
        if let Some(reference) = registry::reference(id) {
            return Some((reference.interface)());
        }
        registry::task(&id.name).map(|entry| entry.interface())
    }
}

impl<'a> Scope<'a> {
    fn say(&mut self, node: &str, message: String, code: &str) {
        let workflow = &self.workflow;
        self.problems.push(format!(
            "workflow `{workflow}`: node `{node}`: {message} (propeller `{code}`)"
        ));
    }

    /// The interface of `node` (`ValidateUnderlyingInterface`); `None` when it cannot be known
    /// here (reported where that is a problem).
    fn interface(&mut self, node: &'a Node, label: &str) -> Option<TypedInterface> {
        if let Some(known) = self.interfaces.get(label) {
            return known.clone();
        }
        let interface = self.compute_interface(node, label);
        self.interfaces.insert(label.to_string(), interface.clone());
        interface
    }

    fn compute_interface(&mut self, node: &'a Node, label: &str) -> Option<TypedInterface> {
        match node.target.as_ref()? {
            node::Target::TaskNode(task) => {
                let Some(task_node::Reference::ReferenceId(id)) = &task.reference else {
                    self.say(label, "the task node names no task".into(), "ValueRequired");
                    return None;
                };
                let found = self.context.task_interface(id);
                if found.is_none() {
                    self.say(
                        label,
                        format!("task `{}` is not registered with this package", id.name),
                        "TaskReferenceNotFound",
                    );
                }
                found
            }
            node::Target::WorkflowNode(workflow) => match &workflow.reference {
                Some(workflow_node::Reference::SubWorkflowRef(id)) => {
                    let found = self
                        .context
                        .sub_workflows
                        .iter()
                        .find(|t| t.id.as_ref().is_some_and(|t| t.name == id.name))
                        .and_then(|t| t.interface.clone());
                    if found.is_none() {
                        self.say(
                            label,
                            format!("sub-workflow `{}` is not embedded in the spec", id.name),
                            "WorkflowReferenceNotFound",
                        );
                    }
                    found
                }
                Some(workflow_node::Reference::LaunchplanRef(id)) => {
                    // The plan's expected inputs (without fixed ones; optional where it or its
                    // workflow has a default), as admin stores them at its registration.
                    let (interface, expected) = match registry::reference(id) {
                        Some(reference) => {
                            let interface = (reference.interface)();
                            let defaults = reference.defaults().unwrap_or_default();
                            let expected = crate::spec::parameters(
                                &vars(&interface.inputs),
                                &defaults,
                                &BTreeMap::new(),
                            );
                            (interface, expected)
                        }
                        None => {
                            let plan = registry::launch_plan(&id.name)?;
                            let interface = plan.caller_interface().ok()?;
                            let defaults = plan.caller_defaults().ok()?;
                            let expected = crate::spec::parameters(
                                &vars(&interface.inputs),
                                &defaults,
                                &BTreeMap::new(),
                            );
                            (interface, expected)
                        }
                    };
                    // Exposed inputs: the required ones and those the node binds.
                    let bound: BTreeSet<&str> =
                        node.inputs.iter().map(|b| b.var.as_str()).collect();
                    let inputs = expected
                        .parameters
                        .into_iter()
                        .filter(|(name, parameter)| {
                            let required = matches!(
                                parameter.behavior,
                                Some(flytekit_idl::core::parameter::Behavior::Required(true))
                            );
                            required || bound.contains(name.as_str())
                        })
                        .filter_map(|(name, parameter)| Some((name, parameter.var?)))
                        .collect();
                    Some(TypedInterface {
                        inputs: Some(VariableMap { variables: inputs }),
                        outputs: interface.outputs,
                    })
                }
                None => None,
            },
            node::Target::BranchNode(branch) => self.branch_interface(node, branch, label),
            node::Target::GateNode(gate) => match &gate.condition {
                Some(gate_node::Condition::Approve(_)) => {
                    let inputs = self.untyped_bindings(label, &node.inputs);
                    Some(TypedInterface {
                        inputs: Some(inputs.clone()),
                        outputs: Some(inputs),
                    })
                }
                Some(gate_node::Condition::Signal(signal)) => {
                    let output = Variable {
                        r#type: signal.r#type.clone(),
                        ..Default::default()
                    };
                    Some(TypedInterface {
                        inputs: Some(VariableMap::default()),
                        outputs: Some(VariableMap {
                            variables: [(signal.output_variable_name.clone(), output)].into(),
                        }),
                    })
                }
                Some(gate_node::Condition::Sleep(_)) => Some(TypedInterface {
                    inputs: Some(VariableMap::default()),
                    outputs: Some(VariableMap::default()),
                }),
                None => None,
            },
            // The sub-node's interface, unchanged: is_original_sub_node_interface is read by
            // nothing in v1.16.8.
            node::Target::ArrayNode(array) => {
                let sub = array.node.as_deref()?;
                self.interface(sub, &format!("{label}/{}", sub.id))
            }
        }
    }

    /// A branch's interface (`validateBranchInterface`): outputs every arm has (each with one
    /// type), inputs typed from the bindings without type checks.
    fn branch_interface(
        &mut self,
        node: &'a Node,
        branch: &'a flytekit_idl::core::BranchNode,
        label: &str,
    ) -> Option<TypedInterface> {
        let if_else = branch.if_else.as_deref()?;
        let mut arms: Vec<&'a Node> = Vec::new();
        arms.extend(if_else.case.as_deref().and_then(|c| c.then_node.as_deref()));
        arms.extend(if_else.other.iter().filter_map(|c| c.then_node.as_deref()));
        if let Some(if_else_block::Default::ElseNode(else_node)) = &if_else.default {
            arms.push(else_node);
        }
        let mut outputs: Option<BTreeMap<String, Variable>> = None;
        for arm in arms {
            let arm_label = format!("{label}-{}", arm.id);
            let Some(arm_interface) = self.interface(arm, &arm_label) else {
                continue;
            };
            let arm_outputs = vars(&arm_interface.outputs).variables;
            match &mut outputs {
                None => outputs = Some(arm_outputs),
                Some(common) => {
                    common.retain(|name, _| arm_outputs.contains_key(name));
                    for (name, variable) in common.iter() {
                        let (a, b) = (variable.r#type.clone(), arm_outputs[name].r#type.clone());
                        let (a, b) = (a.unwrap_or_default(), b.unwrap_or_default());
                        if !are_types_castable(&a, &b) || !are_types_castable(&b, &a) {
                            let message = format!(
                                "output `{name}` is `{}` in one arm and `{}` in arm `{}`: every arm must give it one type",
                                describe(&a),
                                describe(&b),
                                arm.id
                            );
                            self.problems.push(format!(
                                "workflow `{}`: node `{label}`: {message} (propeller `MismatchingTypes`)",
                                self.workflow
                            ));
                        }
                    }
                }
            }
        }
        let inputs = self.untyped_bindings(label, &node.inputs);
        Some(TypedInterface {
            inputs: Some(inputs),
            outputs: Some(VariableMap {
                variables: outputs.unwrap_or_default(),
            }),
        })
    }

    /// `ValidateBindings(..., validateParamTypes=false)`: each binding's type as propeller
    /// resolves it without an expected type. A promise gives its upstream output's whole type,
    /// even through an index or an attribute path (`bindings.go` returns `param.GetType()`).
    fn untyped_bindings(&mut self, label: &str, bindings: &'a [Binding]) -> VariableMap {
        let mut variables = BTreeMap::new();
        for binding in bindings {
            if let Some(ty) = binding
                .binding
                .as_ref()
                .and_then(|data| self.untyped_binding(label, data))
            {
                variables.insert(
                    binding.var.clone(),
                    Variable {
                        r#type: Some(ty),
                        ..Default::default()
                    },
                );
            }
        }
        VariableMap { variables }
    }

    fn untyped_binding(&mut self, label: &str, data: &'a BindingData) -> Option<LiteralType> {
        let of = |ty: Type| LiteralType {
            r#type: Some(ty),
            ..Default::default()
        };
        match data.value.as_ref()? {
            binding_data::Value::Scalar(scalar) => literal_type_for_scalar(scalar),
            binding_data::Value::Promise(reference) => {
                let (name, _) = parse_var(&reference.var)?;
                let outputs = self.outputs_of(label, &reference.node_id)?;
                outputs.variables.get(name).and_then(|v| v.r#type.clone())
            }
            binding_data::Value::Collection(c) => {
                let inner = c
                    .bindings
                    .iter()
                    .filter_map(|b| self.untyped_binding(label, b))
                    .last();
                Some(of(Type::CollectionType(Box::new(
                    inner.unwrap_or_default(),
                ))))
            }
            binding_data::Value::Map(m) => {
                let inner = m
                    .bindings
                    .values()
                    .filter_map(|b| self.untyped_binding(label, b))
                    .last();
                Some(of(Type::MapValueType(Box::new(inner.unwrap_or_default()))))
            }
            binding_data::Value::OffloadedMetadata(_) => None,
        }
    }

    /// The outputs of the node a promise names (`""`: the start node, whose outputs are the
    /// workflow inputs), after output aliases.
    fn outputs_of(&mut self, label: &str, node_id: &str) -> Option<VariableMap> {
        if node_id.is_empty() {
            return Some(self.inputs.clone());
        }
        let Some(upstream) = self.nodes.get(node_id).copied() else {
            self.say(
                label,
                format!("a binding reads node `{node_id}`, which is not in the workflow"),
                "NodeReferenceNotFound",
            );
            return None;
        };
        let mut outputs = vars(&self.interface(upstream, node_id)?.outputs);
        for alias in &upstream.output_aliases {
            if let Some(variable) = outputs.variables.remove(&alias.var) {
                outputs.variables.insert(alias.alias.clone(), variable);
            }
        }
        Some(outputs)
    }

    /// Checks a node: its interface, its bindings against it, a branch's conditions and arms,
    /// an array node's sub-node.
    fn check_node(&mut self, node: &'a Node, label: &str) {
        let interface = self.interface(node, label);
        let inputs = interface.as_ref().map(|i| vars(&i.inputs));
        self.check_bindings(label, &node.inputs, inputs.as_ref());
        match &node.target {
            Some(node::Target::BranchNode(branch)) => {
                if let Some(if_else) = branch.if_else.as_deref() {
                    let blocks = if_else.case.as_deref().into_iter().chain(&if_else.other);
                    for block in blocks {
                        if let Some(condition) = &block.condition {
                            self.check_condition(label, condition, inputs.as_ref());
                        }
                        if let Some(then) = block.then_node.as_deref() {
                            self.check_node(then, &format!("{label}-{}", then.id));
                        }
                    }
                    if let Some(if_else_block::Default::ElseNode(else_node)) = &if_else.default {
                        self.check_node(else_node, &format!("{label}-{}", else_node.id));
                    }
                }
            }
            Some(node::Target::ArrayNode(array)) => {
                if let Some(sub) = array.node.as_deref() {
                    self.check_node(sub, &format!("{label}/{}", sub.id));
                }
            }
            _ => {}
        }
    }

    /// `ValidateBooleanExpression`: operands are primitives or inputs of the branch node; two
    /// known operand types must be the same type (propeller compares their text).
    fn check_condition(
        &mut self,
        label: &str,
        expression: &BooleanExpression,
        inputs: Option<&VariableMap>,
    ) {
        match &expression.expr {
            Some(boolean_expression::Expr::Comparison(comparison)) => {
                let side = |scope: &mut Self, operand: Option<&flytekit_idl::core::Operand>| {
                    match operand.and_then(|o| o.val.as_ref()) {
                        Some(operand::Val::Primitive(p)) => Some(simple(primitive_type(p))),
                        Some(operand::Val::Var(var)) => {
                            let found = inputs?.variables.get(var).and_then(|v| v.r#type.clone());
                            if found.is_none() {
                                scope.say(
                                    label,
                                    format!("the condition reads `{var}`, which is not an input of the branch"),
                                    "VariableNameNotFound",
                                );
                            }
                            found
                        }
                        _ => {
                            scope.say(
                                label,
                                "a condition operand must be a primitive or a branch input".into(),
                                "ValueRequired",
                            );
                            None
                        }
                    }
                };
                let left = side(self, comparison.left_value.as_ref());
                let right = side(self, comparison.right_value.as_ref());
                if let (Some(left), Some(right)) = (left, right) {
                    if left != right {
                        self.say(
                            label,
                            format!(
                                "the condition compares `{}` with `{}`: both sides must have the same type",
                                describe(&left),
                                describe(&right)
                            ),
                            "MismatchingTypes",
                        );
                    }
                }
            }
            Some(boolean_expression::Expr::Conjunction(conjunction)) => {
                for side in [&conjunction.left_expression, &conjunction.right_expression]
                    .into_iter()
                    .flatten()
                {
                    self.check_condition(label, side, inputs);
                }
            }
            None => self.say(
                label,
                "a condition is empty".into(),
                "BranchNodeHasNoCondition",
            ),
        }
    }

    /// `ValidateBindings(..., validateParamTypes=true)` of `bindings` against `params` (`None`:
    /// the target's interface is unknown, so only the bindings themselves are checked).
    fn check_bindings(
        &mut self,
        label: &str,
        bindings: &'a [Binding],
        params: Option<&VariableMap>,
    ) {
        let mut seen = BTreeSet::new();
        for binding in bindings {
            let expected = match params {
                Some(params) => match params.variables.get(&binding.var) {
                    Some(variable) => variable.clone(),
                    None => {
                        self.say(
                            label,
                            format!(
                                "binds `{}`, which is not an input of its target",
                                binding.var
                            ),
                            "VariableNameNotFound",
                        );
                        continue;
                    }
                },
                None => untyped(),
            };
            if !seen.insert(binding.var.as_str()) {
                self.say(
                    label,
                    format!("binds `{}` more than once", binding.var),
                    "ParameterBoundMoreThanOnce",
                );
                continue;
            }
            let Some(data) = &binding.binding else {
                self.say(
                    label,
                    format!("input `{}` has an empty binding", binding.var),
                    "ValueRequired",
                );
                continue;
            };
            if params.is_some() {
                let expected = expected.r#type.unwrap_or_default();
                self.check_binding(label, &binding.var, data, &expected);
            }
        }
        for (name, variable) in params.iter().flat_map(|p| &p.variables) {
            if !seen.contains(name.as_str()) && !is_optional(variable) {
                self.say(
                    label,
                    format!("input `{name}` is not bound (only optional inputs may be left out)"),
                    "ParameterNotBound",
                );
            }
        }
    }

    /// `validateBinding`: the type `data` resolves to, if it is castable to `expected`.
    fn check_binding(
        &mut self,
        label: &str,
        input: &str,
        data: &'a BindingData,
        expected: &LiteralType,
    ) -> Option<LiteralType> {
        // Collections and maps into a union must fit exactly one variant. Each variant is tried
        // on this scope, its problems dropped afterwards (what it computed and memoized about
        // node interfaces holds whatever the variant).
        let composite = matches!(
            data.value,
            Some(binding_data::Value::Collection(_)) | Some(binding_data::Value::Map(_))
        );
        if let (true, Some(Type::UnionType(union))) = (composite, &expected.r#type) {
            let mut fits: Vec<&LiteralType> = Vec::new();
            for variant in &union.variants {
                let mark = self.problems.len();
                let fitted = self.check_binding(label, input, data, variant).is_some()
                    && self.problems.len() == mark;
                self.problems.truncate(mark);
                if fitted {
                    fits.push(variant);
                }
            }
            return match fits.as_slice() {
                [one] => Some((*one).clone()),
                [] => {
                    self.say(
                        label,
                        format!(
                            "input `{input}`: the value fits no variant of `{}`",
                            describe(expected)
                        ),
                        "IncompatibleBindingUnionValue",
                    );
                    None
                }
                _ => {
                    self.say(
                        label,
                        format!(
                            "input `{input}`: the value fits several variants of `{}`",
                            describe(expected)
                        ),
                        "AmbiguousBindingUnionValue",
                    );
                    None
                }
            };
        }
        match data.value.as_ref() {
            None | Some(binding_data::Value::OffloadedMetadata(_)) => {
                self.say(
                    label,
                    format!("input `{input}` is not bound"),
                    "ParameterNotBound",
                );
                None
            }
            Some(binding_data::Value::Collection(collection)) => {
                let Some(Type::CollectionType(inner)) = &expected.r#type else {
                    self.say(
                        label,
                        format!(
                            "input `{input}` is `{}`, but a list is bound to it",
                            describe(expected)
                        ),
                        "MismatchingBindings",
                    );
                    return None;
                };
                for item in &collection.bindings {
                    self.check_binding(label, input, item, inner);
                }
                Some(expected.clone())
            }
            Some(binding_data::Value::Map(map)) => {
                let Some(Type::MapValueType(inner)) = &expected.r#type else {
                    self.say(
                        label,
                        format!(
                            "input `{input}` is `{}`, but a map is bound to it",
                            describe(expected)
                        ),
                        "MismatchingBindings",
                    );
                    return None;
                };
                for item in map.bindings.values() {
                    self.check_binding(label, input, item, inner);
                }
                Some(expected.clone())
            }
            Some(binding_data::Value::Scalar(scalar)) => {
                let Some(found) = literal_type_for_scalar(scalar) else {
                    self.say(
                        label,
                        format!("input `{input}`: the literal has no type Flyte knows"),
                        "UnrecognizedValue",
                    );
                    return None;
                };
                if !are_types_castable(&found, expected) {
                    self.say(
                        label,
                        format!(
                            "input `{input}` is `{}`, but the literal bound to it is `{}`",
                            describe(expected),
                            describe(&found)
                        ),
                        "MismatchingTypes",
                    );
                    return None;
                }
                if let Some(Type::EnumType(values)) = &expected.r#type {
                    let value = match &scalar.value {
                        Some(flytekit_idl::core::scalar::Value::Primitive(p)) => match &p.value {
                            Some(flytekit_idl::core::primitive::Value::StringValue(s)) => {
                                s.as_str()
                            }
                            _ => "",
                        },
                        _ => "",
                    };
                    if !values.values.iter().any(|v| v == value) {
                        self.say(
                            label,
                            format!(
                                "input `{input}`: `{value}` is not one of {}",
                                values.values.join(", ")
                            ),
                            "IllegalEnumValue",
                        );
                        return None;
                    }
                }
                Some(found)
            }
            Some(binding_data::Value::Promise(reference)) => {
                let Some((name, index)) = parse_var(&reference.var) else {
                    self.say(
                        label,
                        format!("input `{input}` reads `{}`, which is not an output name (`o0`, `[1].o0`)", reference.var),
                        "SyntaxError",
                    );
                    return None;
                };
                let outputs = self.outputs_of(label, &reference.node_id)?;
                let source_node = match reference.node_id.as_str() {
                    "" => "the workflow inputs".to_string(),
                    id => format!("node `{id}`"),
                };
                let Some(output) = outputs.variables.get(name) else {
                    self.say(
                        label,
                        format!(
                            "input `{input}` reads `{name}`, which {source_node} does not have"
                        ),
                        "VariableNameNotFound",
                    );
                    return None;
                };
                let mut source = output.r#type.clone().unwrap_or_default();
                if index {
                    match &source.r#type {
                        Some(Type::CollectionType(inner)) => source = (**inner).clone(),
                        _ => {
                            self.say(
                                label,
                                format!("input `{input}` indexes `{name}` of {source_node}, which is not a list"),
                                "MismatchingVariables",
                            );
                            return None;
                        }
                    }
                }
                for step in &reference.attr_path {
                    let next = match &source.r#type {
                        Some(Type::CollectionType(inner)) | Some(Type::MapValueType(inner)) => {
                            Some((**inner).clone())
                        }
                        _ => match source.structure.as_ref() {
                            Some(structure) if !structure.dataclass_type.is_empty() => {
                                let field = match &step.value {
                                    Some(promise_attribute::Value::StringValue(s)) => s.as_str(),
                                    _ => "",
                                };
                                match structure.dataclass_type.get(field) {
                                    Some(ty) => Some(ty.clone()),
                                    None => {
                                        self.say(
                                            label,
                                            format!("input `{input}` reads field `{field}` of `{name}`, which has no such field"),
                                            "FieldNotFound",
                                        );
                                        return None;
                                    }
                                }
                            }
                            // propeller leaves the type as it is (a struct without
                            // `dataclass_type`): the cast below then decides.
                            _ => None,
                        },
                    };
                    if let Some(next) = next {
                        source = next;
                    }
                }
                if !are_types_castable(&source, expected) {
                    let mut read = reference.var.clone();
                    for step in &reference.attr_path {
                        match &step.value {
                            Some(promise_attribute::Value::StringValue(field)) => {
                                read.push_str(&format!(".{field}"))
                            }
                            Some(promise_attribute::Value::IntValue(i)) => {
                                read.push_str(&format!("[{i}]"))
                            }
                            None => {}
                        }
                    }
                    self.say(
                        label,
                        format!(
                            "input `{input}` is `{}`, but `{read}` of {source_node} is `{}`",
                            describe(expected),
                            describe(&source)
                        ),
                        "MismatchingVariables",
                    );
                    return None;
                }
                Some(source)
            }
        }
    }
}

/// `typing.ParseVarName`: `name` or `[index].name`, names of word characters; the flag says
/// whether there is an index.
fn parse_var(var: &str) -> Option<(&str, bool)> {
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
    if let Some(rest) = var.strip_prefix('[') {
        let (index, name) = rest.split_once("].")?;
        return (index.parse::<u64>().is_ok() && word(name)).then_some((name, true));
    }
    word(var).then_some((var, false))
}

/// `IsOptionalType`: a union with a NONE variant may be left unbound.
fn is_optional(variable: &Variable) -> bool {
    super::builder::is_optional(variable.r#type.as_ref())
}
