//! Dynamic workflows: what `#[dynamic]` builds against at run time.
//!
//! A dynamic task's body runs when the task runs, on the real values of its inputs, and each
//! call of a task, workflow or launch plan in it adds a node to a sub-workflow through the same
//! [`WorkflowBuilder`] a `#[workflow]` uses. The body sees the builder through a shared
//! [`DynamicBuilder`] (so closures, iterators and loops in it may all make calls), returns its
//! outputs as promises or plain values ([`output`], [`outputs`]), and [`build`] turns the result
//! into a [`CompiledWorkflow`] checked with the rules a cluster applies ([`super::validate`] and
//! [`super::check_registration`]). The runtime then runs it inline (locally) or writes it as a
//! `DynamicJobSpec` to `futures.pb` ([`crate::spec::dynamic_job_spec`], in a container).
//!
//! Node ids are flytekit's for a dynamic workflow: `dn0`, `dn1`, ... in call order, in the
//! sub-workflows it calls too (flytekit compiles those under the dynamic's prefix). A body that
//! calls nothing has no sub-workflow: its outputs are plain values, which the runtime writes as
//! outputs ([`literal_outputs`]), as flytekit does.

use std::cell::{RefCell, RefMut};
use std::fmt;

use flytekit_idl::core::{
    binding_data, literal, BindingData, Literal, LiteralCollection, LiteralMap,
};

use super::builder::WorkflowBuilder;
use super::promise::{Bound, IntoBinding};
use super::CompiledWorkflow;
use crate::error::TaskError;
use crate::task::TaskEntry;
use crate::types::TypeError;

/// The builder a dynamic task's body adds its nodes to, shared by every call in the body.
#[derive(Debug)]
pub struct DynamicBuilder {
    builder: RefCell<WorkflowBuilder>,
}

impl DynamicBuilder {
    /// A builder for the sub-workflow of dynamic task `name` (nodes `dn0`, `dn1`, ...).
    pub fn new(name: impl Into<String>) -> Self {
        DynamicBuilder {
            builder: RefCell::new(WorkflowBuilder::new(name).with_node_prefix("d")),
        }
    }

    /// The builder, for one call. The generated code evaluates a call's arguments before it
    /// takes the builder, so two calls never hold it at once.
    pub fn builder(&self) -> RefMut<'_, WorkflowBuilder> {
        self.builder.borrow_mut()
    }

    /// The builder itself, once the body is done.
    pub fn into_inner(self) -> WorkflowBuilder {
        self.builder.into_inner()
    }
}

/// What a call of a bare name in a dynamic body calls: a task, workflow or launch plan. The
/// generated code names the callee as `<name as Callable>::Entity`, so that a plain function
/// called by its bare name is an error saying it is not a type, on the name.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a task, workflow or launch plan",
    label = "a call of a bare name in a `#[dynamic]` body is a node",
    note = "call plain functions with a path, e.g. `self::helper(x)`"
)]
pub trait Callable {
    /// The entity.
    type Entity: super::Entity;
}

impl<E: super::Entity> Callable for E {
    type Entity = E;
}

/// A dynamic body's outputs, converted: one binding per declared output, in order.
#[derive(Debug)]
pub struct DynamicOutputs(Vec<Result<Bound, TypeError>>);

/// What a `map_task` call of a dynamic body checks when the function is called from Rust (its
/// plain form, a loop): that its lists have one length, as flytekit's map task requires. A
/// panic naming the task otherwise, never a shorter result.
pub fn plain_map_lengths(task: &str, lengths: &[usize]) {
    if lengths.windows(2).any(|pair| pair[0] != pair[1]) {
        panic!("map_task({task}, ..): the mapped lists have different lengths, {lengths:?}");
    }
}

/// The outputs of a dynamic task that returns `()`.
pub fn no_output(value: ()) -> DynamicOutputs {
    let () = value;
    DynamicOutputs(Vec::new())
}

/// The output of a dynamic task with one output of type `T`: a promise of a `T` (a call's
/// result), a `T`, or a list of promises for a `Vec`.
pub fn output<T>(value: impl IntoBinding<T>) -> DynamicOutputs {
    DynamicOutputs(vec![value.into_bound()])
}

/// The outputs of a dynamic task with several (a tuple `T`): a tuple of what [`output`] takes.
pub fn outputs<T, V: IntoOutputs<T>>(value: V) -> DynamicOutputs {
    DynamicOutputs(value.into_outputs())
}

/// A tuple of values or promises that binds the outputs of type `T` (a tuple).
#[diagnostic::on_unimplemented(
    message = "expected the outputs `{T}`, found `{Self}`",
    note = "a dynamic task returns a tuple with a value or a promise (a call's result) for each output"
)]
pub trait IntoOutputs<T> {
    /// One binding per output, in order.
    fn into_outputs(self) -> Vec<Result<Bound, TypeError>>;
}

macro_rules! tuple_outputs {
    ($($T:ident $V:ident $i:tt),*) => {
        impl<$($T, $V: IntoBinding<$T>),*> IntoOutputs<($($T,)*)> for ($($V,)*) {
            fn into_outputs(self) -> Vec<Result<Bound, TypeError>> {
                vec![$(self.$i.into_bound()),*]
            }
        }
    };
}

tuple_outputs!(A VA 0, B VB 1);
tuple_outputs!(A VA 0, B VB 1, C VC 2);
tuple_outputs!(A VA 0, B VB 1, C VC 2, D VD 3);
tuple_outputs!(A VA 0, B VB 1, C VC 2, D VD 3, E VE 4);
tuple_outputs!(A VA 0, B VB 1, C VC 2, D VD 3, E VE 4, F VF 5);
tuple_outputs!(A VA 0, B VB 1, C VC 2, D VD 3, E VE 4, F VF 5, G VG 6);
tuple_outputs!(A VA 0, B VB 1, C VC 2, D VD 3, E VE 4, F VF 5, G VG 6, H VH 7);

/// Runs the body of dynamic task `entry` and builds its sub-workflow.
pub fn build(
    entry: &'static TaskEntry,
    body: impl FnOnce(&DynamicBuilder) -> DynamicOutputs,
) -> Result<CompiledWorkflow, TaskError> {
    let builder = DynamicBuilder::new(entry.name());
    let outputs = crate::glue::with_node_prefix("d", || body(&builder));
    finish(entry, builder, outputs)
}

/// [`build`] for a body that returns a `Result`: its error fails the task, shown with `display`
/// (always `<E as Display>::fmt`, see [`crate::error::into_task_error`]).
pub fn build_fallible<E: 'static>(
    entry: &'static TaskEntry,
    body: impl FnOnce(&DynamicBuilder) -> Result<DynamicOutputs, E>,
    display: fn(&E, &mut fmt::Formatter<'_>) -> fmt::Result,
) -> Result<CompiledWorkflow, TaskError> {
    let builder = DynamicBuilder::new(entry.name());
    match crate::glue::with_node_prefix("d", || body(&builder)) {
        Ok(outputs) => finish(entry, builder, outputs),
        Err(error) => Err(crate::error::into_task_error(error, display)),
    }
}

/// Binds the outputs and checks the sub-workflow; every problem is a (non-recoverable) user
/// error naming the task.
fn finish(
    entry: &'static TaskEntry,
    builder: DynamicBuilder,
    outputs: DynamicOutputs,
) -> Result<CompiledWorkflow, TaskError> {
    let name = entry.name();
    let mut builder = builder.into_inner();
    if outputs.0.len() != entry.outputs.len() {
        return Err(TaskError::system(format!(
            "dynamic task `{name}` returned {} outputs for its {} declared",
            outputs.0.len(),
            entry.outputs.len()
        )));
    }
    for (spec, bound) in entry.outputs.iter().zip(outputs.0) {
        builder.add_output(spec.name, (spec.literal_type)(), bound);
    }
    let has_nodes = builder.node_count() > 0;
    let mut compiled = builder
        .finish_unvalidated()
        .map_err(|errors| problems(&name, errors))?;
    // The sub-workflow has the task's interface, as propeller builds it.
    compiled.template.interface = Some(entry.interface());
    if has_nodes {
        let mut found = super::validate::validate(&compiled);
        found.extend(super::check_registration(&compiled));
        if !found.is_empty() {
            return Err(problems(&name, found));
        }
    }
    Ok(compiled)
}

fn problems(name: &str, problems: Vec<String>) -> TaskError {
    let prefix = format!("workflow `{name}`: ");
    let problems: Vec<&str> = problems
        .iter()
        .map(|p| p.strip_prefix(&prefix).unwrap_or(p))
        .collect();
    TaskError::user(format!(
        "the dynamic workflow of `{name}` is not valid: {}",
        problems.join("; ")
    ))
}

/// The outputs of a dynamic workflow without nodes, whose outputs are all plain values (what the
/// task then writes as `outputs.pb`); `None` when it has nodes.
pub fn literal_outputs(compiled: &CompiledWorkflow) -> Option<Result<LiteralMap, TaskError>> {
    if !compiled.template.nodes.is_empty() {
        return None;
    }
    let mut outputs = LiteralMap::default();
    for binding in &compiled.template.outputs {
        let Some(data) = &binding.binding else {
            return Some(Err(TaskError::system(format!(
                "output `{}` has no binding",
                binding.var
            ))));
        };
        match binding_literal(data) {
            Ok(literal) => {
                outputs.literals.insert(binding.var.clone(), literal);
            }
            Err(message) => {
                return Some(Err(TaskError::system(format!(
                    "output `{}`: {message}",
                    binding.var
                ))))
            }
        }
    }
    Some(Ok(outputs))
}

/// The literal of a binding made only of values.
fn binding_literal(data: &BindingData) -> Result<Literal, String> {
    let value = match &data.value {
        Some(binding_data::Value::Scalar(scalar)) => {
            literal::Value::Scalar(Box::new(scalar.clone()))
        }
        Some(binding_data::Value::Collection(collection)) => {
            literal::Value::Collection(LiteralCollection {
                literals: collection
                    .bindings
                    .iter()
                    .map(binding_literal)
                    .collect::<Result<_, _>>()?,
            })
        }
        Some(binding_data::Value::Map(map)) => literal::Value::Map(LiteralMap {
            literals: map
                .bindings
                .iter()
                .map(|(key, value)| Ok((key.clone(), binding_literal(value)?)))
                .collect::<Result<_, String>>()?,
        }),
        Some(binding_data::Value::OffloadedMetadata(meta)) => {
            literal::Value::OffloadedMetadata(Box::new(meta.clone()))
        }
        Some(binding_data::Value::Promise(reference)) => {
            return Err(format!(
                "reads output `{}` of node `{}`, but the dynamic workflow has no nodes",
                reference.var, reference.node_id
            ))
        }
        None => return Err("the binding is empty".to_string()),
    };
    Ok(Literal {
        value: Some(value),
        ..Default::default()
    })
}

/// `wait_for_input::<T>(name, ..)` in the function as written of a `#[dynamic]` task, called
/// from Rust: a signal's value only exists when the task runs in a workflow (locally, `run`
/// asks for it or takes `--signal`), so there is none to give; a panic naming the signal.
pub fn plain_signal<T>(name: &str) -> T {
    panic!(
        "`wait_for_input(\"{name}\")` has no value when a `#[dynamic]` function is called from Rust: \
         the value of a signal comes with a workflow run (`run` asks for it, or takes `--signal {name}=VALUE`)"
    )
}
