//! What can be called inside a workflow: the [`Entity`] trait (tasks, workflows, launch plans)
//! with the [`Callee`] it describes itself by, its per-input companions [`EntityInput`] /
//! [`DefaultsFrom`], and the promises a call returns ([`NodePromises`]).
//!
//! `#[task]` and `#[workflow]` implement these for the marker type they define next to the
//! function, so a call `add(x, 3)` in a workflow body is checked by rustc input by input: input
//! `N` of `add` has type `<add as EntityInput<N>>::Type`, and the argument must implement
//! `IntoBinding` of it.

use super::builder::WorkflowBuilder;
use super::promise::{NodeRef, Promise};
use super::WorkflowEntry;
use crate::launch_plan::LaunchPlanEntry;
use crate::reference::ReferenceEntry;
use crate::task::TaskEntry;
use crate::types::FlyteType;
use flytekit_idl::core::LiteralType;

/// Something a workflow can call: a task, a workflow (as a sub-workflow) or a launch plan.
pub trait Entity: 'static {
    /// What a call returns: `Promise<T>` for one output, a tuple of promises for several,
    /// [`NodeRef`] for none.
    type Promises: NodePromises;

    /// What the builder needs to call it, as data: calls of every entity share the code that
    /// reads it, so a workflow's calls compile to little more than their type checks.
    const CALLEE: &'static Callee;
}

/// The description of a callable entity the workflow builder works from (see
/// [`Entity::CALLEE`]).
#[derive(Debug)]
pub struct Callee {
    /// The input names, in parameter order.
    pub input_names: &'static [&'static str],
    /// The output names, in order (`o0`, `o1`, ...).
    pub output_names: &'static [&'static str],
    /// What it is.
    pub kind: CalleeKind,
}

/// The kinds of entities a workflow calls, each with its registered description.
#[derive(Debug, Clone, Copy)]
pub enum CalleeKind {
    /// A task: a task node. Its entry is built on first use (see [`TaskEntry::built_once`]).
    Task(fn() -> &'static TaskEntry),
    /// A workflow: a sub-workflow node, its template carried along.
    Workflow(&'static WorkflowEntry),
    /// A task or workflow registered elsewhere: a node referencing it by identifier.
    Reference(&'static ReferenceEntry),
    /// A launch plan of this binary (`launch_plan!`): a launch-plan node.
    LaunchPlan(&'static LaunchPlanEntry),
    /// An entity whose definition has compile errors: its calls type-check so that those
    /// errors are the only ones, and nothing is ever built from it (compilation stops first).
    Uncompiled,
}

/// Input number `N` of an entity: its type (the name is `Entity::CALLEE.input_names[N]`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no input number {N}: too many arguments",
    label = "this argument has no matching input",
    note = "pass one argument per input of the task or workflow, in order"
)]
pub trait EntityInput<const N: usize>: Entity {
    /// The input's type.
    type Type;
}

/// Every input from number `K` on has a default (`#[default(...)]`), so a call may stop after
/// `K` arguments.
#[diagnostic::on_unimplemented(
    message = "missing arguments: `{Self}` needs more than {K} argument(s)",
    label = "an input after the {K} given has no default",
    note = "pass one argument per input, in order; only trailing inputs declared with `#[default(...)]` may be left out"
)]
pub trait DefaultsFrom<const K: usize>: Entity {}

/// The promises of a node's outputs, in the shape a call returns them.
pub trait NodePromises: Sized {
    /// How many outputs this shape holds.
    const COUNT: usize;

    /// Creates the promises of `node`'s outputs, by position (names as the builder recorded
    /// them for the node, else `o0`, `o1`, ...).
    fn from_node(builder: &mut WorkflowBuilder, node: u32) -> Self;

    /// The promise-table indices held, in order.
    fn indices(&self) -> Vec<u32>;

    /// Rebuilds the shape from promise-table indices (same order as [`NodePromises::indices`]).
    fn from_indices(indices: &[u32], node: u32) -> Self;
}

impl NodePromises for NodeRef {
    const COUNT: usize = 0;

    fn from_node(_: &mut WorkflowBuilder, node: u32) -> Self {
        NodeRef { node }
    }

    fn indices(&self) -> Vec<u32> {
        Vec::new()
    }

    fn from_indices(_: &[u32], node: u32) -> Self {
        NodeRef { node }
    }
}

impl<T> NodePromises for Promise<T> {
    const COUNT: usize = 1;

    fn from_node(builder: &mut WorkflowBuilder, node: u32) -> Self {
        builder.nth_output(node, 0)
    }

    fn indices(&self) -> Vec<u32> {
        vec![self.index]
    }

    fn from_indices(indices: &[u32], _: u32) -> Self {
        Promise::new(indices.first().copied().unwrap_or_default())
    }
}

macro_rules! tuple_promises {
    ($count:literal; $($name:ident $i:tt),*) => {
        impl<$($name),*> NodePromises for ($(Promise<$name>,)*) {
            const COUNT: usize = $count;

            fn from_node(builder: &mut WorkflowBuilder, node: u32) -> Self {
                ($(builder.nth_output::<$name>(node, $i),)*)
            }

            fn indices(&self) -> Vec<u32> {
                vec![$(self.$i.index),*]
            }

            fn from_indices(indices: &[u32], _: u32) -> Self {
                ($(Promise::<$name>::new(indices.get($i).copied().unwrap_or_default()),)*)
            }
        }
    };
}

tuple_promises!(1; A 0);
tuple_promises!(2; A 0, B 1);
tuple_promises!(3; A 0, B 1, C 2);
tuple_promises!(4; A 0, B 1, C 2, D 3);
tuple_promises!(5; A 0, B 1, C 2, D 3, E 4);
tuple_promises!(6; A 0, B 1, C 2, D 3, E 4, F 5);
tuple_promises!(7; A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_promises!(8; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

/// The promises of a map task's outputs: each output becomes a list.
pub trait MapPromises: NodePromises {
    /// Lists of the outputs: `Promise<Vec<T>>` for `Promise<T>`.
    type Lists: NodePromises;
    /// Lists of optional outputs, when failed elements are allowed: `Promise<Vec<Option<T>>>`.
    type PartialLists: NodePromises;

    /// The literal types of [`MapPromises::PartialLists`], in output order: what the map-task
    /// entity declares as its outputs.
    fn partial_list_types() -> Vec<LiteralType>;
}

impl MapPromises for NodeRef {
    type Lists = NodeRef;
    type PartialLists = NodeRef;

    fn partial_list_types() -> Vec<LiteralType> {
        Vec::new()
    }
}

impl<T: FlyteType> MapPromises for Promise<T> {
    type Lists = Promise<Vec<T>>;
    type PartialLists = Promise<Vec<Option<T>>>;

    fn partial_list_types() -> Vec<LiteralType> {
        vec![<Vec<Option<T>>>::literal_type()]
    }
}

impl<A: FlyteType, B: FlyteType> MapPromises for (Promise<A>, Promise<B>) {
    type Lists = (Promise<Vec<A>>, Promise<Vec<B>>);
    type PartialLists = (Promise<Vec<Option<A>>>, Promise<Vec<Option<B>>>);

    fn partial_list_types() -> Vec<LiteralType> {
        vec![
            <Vec<Option<A>>>::literal_type(),
            <Vec<Option<B>>>::literal_type(),
        ]
    }
}

impl<A: FlyteType, B: FlyteType, C: FlyteType> MapPromises
    for (Promise<A>, Promise<B>, Promise<C>)
{
    type Lists = (Promise<Vec<A>>, Promise<Vec<B>>, Promise<Vec<C>>);
    type PartialLists = (
        Promise<Vec<Option<A>>>,
        Promise<Vec<Option<B>>>,
        Promise<Vec<Option<C>>>,
    );

    fn partial_list_types() -> Vec<LiteralType> {
        vec![
            <Vec<Option<A>>>::literal_type(),
            <Vec<Option<B>>>::literal_type(),
            <Vec<Option<C>>>::literal_type(),
        ]
    }
}
