//! Branches: a plain Rust `if` / `else if` / `else` in a workflow becomes a Flyte BranchNode.
//!
//! Conditions compare promises with each other or with constants ([`Condition`]); each arm is
//! exactly one call (a task, a workflow, a nested branch), built in its own scope; an arm may
//! instead fail the branch with a message. As in flytekit, the branch node's inputs are the
//! promises its conditions read, named `<node>.<var>` (`.x` for workflow input `x`), constants
//! are `primitive` operands, and the arms' nodes are numbered `n0, n1, ...` within the branch.

use std::collections::{BTreeMap, BTreeSet};
use std::marker::PhantomData;

use flytekit_idl::core::{
    boolean_expression, comparison_expression, conjunction_expression, if_else_block, node,
    operand, Binding, BooleanExpression, BranchNode, ComparisonExpression, ConjunctionExpression,
    IfBlock, IfElseBlock, Node, NodeMetadata, Operand as IdlOperand, RetryStrategy,
};

use super::builder::{Scope, WorkflowBuilder};
use super::entity::NodePromises;
use super::promise::Promise;
use crate::types::{primitive_of, FlyteType};

/// A boolean condition of a branch, as Flyte evaluates it.
#[derive(Debug, Clone)]
pub struct Condition {
    expression: BooleanExpression,
    /// Branch-node inputs the condition reads: name -> promise index.
    vars: BTreeMap<String, u32>,
}

/// One side of a comparison: a promise or a constant of type `T`.
#[diagnostic::on_unimplemented(
    message = "cannot compare with `{Self}` here: expected a `{T}` or a `Promise<{T}>`",
    label = "expected `{T}`",
    note = "both sides of a comparison in a branch condition must have the same type; write `1.0`, not `1`, for a float"
)]
pub trait Operand<T> {
    /// The IDL operand, plus the promise it reads, if any.
    fn operand(
        self,
        builder: &WorkflowBuilder,
    ) -> Result<(IdlOperand, Option<(String, u32)>), String>;
}

impl<T> Operand<T> for Promise<T> {
    fn operand(
        self,
        builder: &WorkflowBuilder,
    ) -> Result<(IdlOperand, Option<(String, u32)>), String> {
        let entry = builder
            .promises
            .get(self.index as usize)
            .ok_or("a promise from another builder")?;
        // A field of a struct output (`summary.total`) cannot be a branch input: propeller
        // types branch inputs without the attribute path (`validators/branch.go` binds them
        // with `validateParamTypes=false`; `bindings.go` then returns the whole output type),
        // so the workflow would not register. `#[workflow]` says so at compile time; this
        // catches hand-built workflows.
        if !entry.reference.attr_path.is_empty() {
            let owner = match entry.reference.node_id.as_str() {
                "" => format!("workflow input `{}`", entry.reference.var),
                node => format!("output `{}` of node `{node}`", entry.reference.var),
            };
            return Err(format!(
                "a branch condition cannot compare a field of {owner}: Flyte types a branch's inputs as the whole value, so registration would fail (`MismatchingTypes`); pass the value as an input or output of its own and compare that"
            ));
        }
        let name = format!("{}.{}", entry.reference.node_id, entry.reference.var);
        Ok((
            IdlOperand {
                val: Some(operand::Val::Var(name.clone())),
            },
            Some((name, self.index)),
        ))
    }
}

impl<T: FlyteType> Operand<T> for T {
    fn operand(self, _: &WorkflowBuilder) -> Result<(IdlOperand, Option<(String, u32)>), String> {
        let literal = self.to_literal().map_err(|e| e.to_string())?;
        match primitive_of(&literal) {
            Some(value) => Ok((
                IdlOperand { val: Some(operand::Val::Primitive(flytekit_idl::core::Primitive { value: Some(value.clone()) })) },
                None,
            )),
            None => Err(format!(
                "`{}` cannot be compared in a branch condition: Flyte compares numbers, strings, booleans, date-times and durations",
                crate::types::short_type_name::<T>()
            )),
        }
    }
}

impl Operand<String> for &str {
    fn operand(
        self,
        builder: &WorkflowBuilder,
    ) -> Result<(IdlOperand, Option<(String, u32)>), String> {
        self.to_string().operand(builder)
    }
}

/// The comparison operators of a branch condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
}

/// `left <op> right`, where both sides have type `T`.
pub fn compare<T>(
    builder: &mut WorkflowBuilder,
    op: Compare,
    left: impl Operand<T>,
    right: impl Operand<T>,
) -> Condition {
    let mut vars = BTreeMap::new();
    let mut side = |operand: Result<(IdlOperand, Option<(String, u32)>), String>,
                    builder: &mut WorkflowBuilder| match operand {
        Ok((operand, var)) => {
            if let Some((name, index)) = var {
                vars.insert(name, index);
            }
            Some(operand)
        }
        Err(err) => {
            builder.error(err);
            None
        }
    };
    let left = side(left.operand(builder), builder);
    let right = side(right.operand(builder), builder);
    let operator = match op {
        Compare::Eq => comparison_expression::Operator::Eq,
        Compare::Ne => comparison_expression::Operator::Neq,
        Compare::Gt => comparison_expression::Operator::Gt,
        Compare::Ge => comparison_expression::Operator::Gte,
        Compare::Lt => comparison_expression::Operator::Lt,
        Compare::Le => comparison_expression::Operator::Lte,
    };
    Condition {
        expression: BooleanExpression {
            expr: Some(boolean_expression::Expr::Comparison(ComparisonExpression {
                operator: operator as i32,
                left_value: left,
                right_value: right,
            })),
        },
        vars,
    }
}

/// `promise == true`: a boolean promise used as a condition on its own (flytekit's `is_true`).
pub fn is_true(builder: &mut WorkflowBuilder, flag: Promise<bool>) -> Condition {
    compare::<bool>(builder, Compare::Eq, flag, true)
}

fn conjunction(
    op: conjunction_expression::LogicalOperator,
    left: Condition,
    right: Condition,
) -> Condition {
    let mut vars = left.vars;
    vars.extend(right.vars);
    Condition {
        expression: BooleanExpression {
            expr: Some(boolean_expression::Expr::Conjunction(Box::new(
                ConjunctionExpression {
                    operator: op as i32,
                    left_expression: Some(Box::new(left.expression)),
                    right_expression: Some(Box::new(right.expression)),
                },
            ))),
        },
        vars,
    }
}

/// A placeholder condition, generated only next to a compile error.
#[doc(hidden)]
pub fn never() -> Condition {
    Condition {
        expression: BooleanExpression::default(),
        vars: BTreeMap::new(),
    }
}

/// `left && right`.
pub fn and(left: Condition, right: Condition) -> Condition {
    conjunction(conjunction_expression::LogicalOperator::And, left, right)
}

/// `left || right`.
pub fn or(left: Condition, right: Condition) -> Condition {
    conjunction(conjunction_expression::LogicalOperator::Or, left, right)
}

/// A branch being built: cases in order, then an `otherwise` arm or a failure.
#[must_use = "a branch only becomes a node when `finish()` is called"]
pub struct Branch<'b, P> {
    builder: &'b mut WorkflowBuilder,
    name: String,
    counter: usize,
    cases: Vec<IfBlock>,
    default: Option<if_else_block::Default>,
    vars: BTreeMap<String, u32>,
    outer: BTreeSet<String>,
    outputs: Option<Vec<String>>,
    _promises: PhantomData<P>,
}

impl<'b, P: NodePromises> Branch<'b, P> {
    /// Starts a branch named `name` (flytekit's conditional name; it names the node).
    pub fn new(builder: &'b mut WorkflowBuilder, name: &str) -> Self {
        Branch {
            builder,
            name: name.to_string(),
            counter: 0,
            cases: Vec::new(),
            default: None,
            vars: BTreeMap::new(),
            outer: BTreeSet::new(),
            outputs: None,
            _promises: PhantomData,
        }
    }

    /// Builds one arm in its own scope; returns its single node.
    fn arm(&mut self, build: impl FnOnce(&mut WorkflowBuilder) -> P) -> Option<Node> {
        self.builder.scopes.push(Scope {
            counter: self.counter,
            ..Default::default()
        });
        let promises = build(self.builder);
        let scope = self.builder.scopes.pop().unwrap_or_default();
        self.counter = scope.counter;
        self.outer.extend(scope.outer_refs);
        let vars: Vec<String> = promises
            .indices()
            .iter()
            .filter_map(|i| {
                self.builder
                    .promises
                    .get(*i as usize)
                    .map(|e| e.reference.var.clone())
            })
            .collect();
        match &self.outputs {
            None => self.outputs = Some(vars),
            Some(expected) if *expected != vars => self.builder.error(format!(
                "the arms of branch `{}` produce different outputs ({expected:?} and {vars:?}); each arm must call an entity with the same outputs",
                self.name
            )),
            Some(_) => {}
        }
        let mut nodes = scope.nodes;
        match nodes.len() {
            1 => nodes.pop(),
            0 => {
                self.builder.error(format!(
                    "an arm of branch `{}` calls nothing: each arm must call a task, a workflow or a launch plan (or `fail(\"...\")`)",
                    self.name
                ));
                None
            }
            n => {
                self.builder.error(format!(
                    "an arm of branch `{}` makes {n} calls: an arm must be a single call; put several calls in a workflow and call that",
                    self.name
                ));
                None
            }
        }
    }

    /// Adds a case: when `condition` holds (and no earlier case did), run `build`.
    pub fn case(
        mut self,
        condition: impl FnOnce(&mut WorkflowBuilder) -> Condition,
        build: impl FnOnce(&mut WorkflowBuilder) -> P,
    ) -> Self {
        let condition = condition(self.builder);
        self.vars.extend(condition.vars.clone());
        let then_node = self.arm(build).map(Box::new);
        self.cases.push(IfBlock {
            condition: Some(condition.expression),
            then_node,
        });
        self
    }

    /// The arm taken when no case holds.
    pub fn otherwise(mut self, build: impl FnOnce(&mut WorkflowBuilder) -> P) -> Self {
        self.default = self
            .arm(build)
            .map(|node| if_else_block::Default::ElseNode(Box::new(node)));
        self
    }

    /// Fails the branch with `message` when no case holds.
    pub fn fail(mut self, message: &str) -> Self {
        self.default = Some(if_else_block::Default::Error(flytekit_idl::core::Error {
            failed_node_id: self.name.clone(),
            message: message.to_string(),
        }));
        self
    }

    /// Adds the branch node and returns the promises of its outputs.
    pub fn finish(self) -> P {
        let Branch {
            builder,
            name,
            mut cases,
            default,
            vars,
            outer,
            outputs,
            ..
        } = self;
        if default.is_none() {
            builder.error(format!(
                "branch `{name}` has no `else`: Flyte needs one; add `else {{ ... }}` or `else {{ fail(\"...\") }}`"
            ));
        }
        let mut upstream = outer;
        let mut inputs = Vec::new();
        for (var, index) in &vars {
            if let Ok((binding, refs)) = builder.resolve(Ok(super::promise::Bound::Promise(*index)))
            {
                upstream.extend(refs);
                inputs.push(Binding {
                    var: var.clone(),
                    binding: Some(binding),
                });
            }
        }
        let first = if cases.is_empty() {
            None
        } else {
            Some(cases.remove(0))
        };
        let node = Node {
            id: String::new(),
            metadata: Some(NodeMetadata {
                name: name.clone(),
                retries: Some(RetryStrategy::default()),
                ..Default::default()
            }),
            inputs,
            upstream_node_ids: upstream.into_iter().collect(),
            output_aliases: Vec::new(),
            target: Some(node::Target::BranchNode(Box::new(BranchNode {
                if_else: Some(Box::new(IfElseBlock {
                    case: first.map(Box::new),
                    other: cases,
                    default,
                })),
            }))),
        };
        let handle = builder.add_node(node);
        builder.name_outputs(handle, outputs.unwrap_or_default());
        P::from_node(builder, handle)
    }
}
