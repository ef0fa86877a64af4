//! A `launch_plan!` plan called as a plain Rust function: `nightly_report(xs, owner)` runs the
//! plan's workflow locally with the plan's fixed inputs and returns its outputs as Rust values.
//!
//! This is what makes a plan callable in the function as written of a `#[dynamic]` task (plain
//! Rust, where its task calls are function calls) and from tests. A plan is a struct, which
//! lives in the type namespace only, so `launch_plan!` adds a constant of the same name in the
//! value namespace whose type is a function pointer: [`PlanFn::Fn`], the plan's free inputs (the
//! workflow's without the fixed ones, in order) to its outputs. How many inputs are free is a
//! constant of the plan, so there is one [`PlanFn`] impl per count.
//!
//! Every free input is passed, defaults included: plain Rust has no default arguments. Calls in
//! workflows and in a dynamic body's build copy go through the builder instead, where trailing
//! defaults may be left out.

use std::collections::BTreeMap;

use flytekit_core::glue::workflow_output;
use flytekit_core::launch_plan::LaunchPlan;
use flytekit_core::types::{FlyteType, TypeError};
use flytekit_core::workflow::{Entity, EntityInput, NodePromises, NodeRef, Promise};
use flytekit_idl::core::{Literal, LiteralMap};

/// The Rust values of a call's outputs, in the shape its promises have: `T` for `Promise<T>`,
/// tuples for tuples of promises, `()` for none.
pub trait PlainOutputs: NodePromises {
    /// The values.
    type Values;

    /// Reads the values from a run's outputs, named in order by `names`; a missing or mistyped
    /// output is a panic naming it, as a workflow function's is.
    fn values(outputs: &LiteralMap, names: &[&str]) -> Self::Values;
}

impl PlainOutputs for NodeRef {
    type Values = ();

    fn values(_: &LiteralMap, _: &[&str]) {}
}

impl<T: FlyteType> PlainOutputs for Promise<T> {
    type Values = T;

    fn values(outputs: &LiteralMap, names: &[&str]) -> T {
        workflow_output::<T>(outputs, names.first().copied().unwrap_or("o0"))
    }
}

macro_rules! tuple_outputs {
    ($($name:ident $i:tt),*) => {
        impl<$($name: FlyteType),*> PlainOutputs for ($(Promise<$name>,)*) {
            type Values = ($($name,)*);

            fn values(outputs: &LiteralMap, names: &[&str]) -> Self::Values {
                ($(workflow_output::<$name>(outputs, names.get($i).copied().unwrap_or_default()),)*)
            }
        }
    };
}

tuple_outputs!(A 0);
tuple_outputs!(A 0, B 1);
tuple_outputs!(A 0, B 1, C 2);
tuple_outputs!(A 0, B 1, C 2, D 3);
tuple_outputs!(A 0, B 1, C 2, D 3, E 4);
tuple_outputs!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_outputs!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_outputs!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

/// A launch plan with `COUNT` free inputs as a function pointer (see the module docs).
pub trait PlanFn<const COUNT: usize> {
    /// `fn(free inputs...) -> outputs`.
    type Fn: Copy;
    /// Runs the plan's workflow locally.
    const FN: Self::Fn;
}

/// Runs plan `P` locally with its free inputs `args` (in order) and its fixed inputs; panics
/// with the error, as a workflow function does, since the signature has no `Result`.
#[inline(never)]
pub fn run_plan<P>(args: &[Result<Literal, TypeError>]) -> <P::Promises as PlainOutputs>::Values
where
    P: LaunchPlan + Entity,
    P::Promises: PlainOutputs,
{
    let plan = P::entry();
    let workflow = (plan.workflow)();
    let fixed = match (plan.fixed_inputs)() {
        Ok(fixed) => fixed,
        Err(err) => panic!("launch plan `{}`: a fixed input: {err}", plan.name()),
    };
    let mut inputs: BTreeMap<String, Literal> = fixed;
    for (name, literal) in P::CALLEE.input_names.iter().zip(args) {
        match literal {
            Ok(literal) => {
                inputs.insert(name.to_string(), literal.clone());
            }
            Err(err) => panic!("input `{name}` of launch plan `{}`: {err}", plan.name()),
        }
    }
    let outputs = match flytekit_runtime::workflow_run::run_workflow_blocking(
        workflow,
        LiteralMap { literals: inputs },
    ) {
        Ok(outputs) => outputs,
        Err(err) => panic!("launch plan `{}` failed: {err}", plan.name()),
    };
    <P::Promises as PlainOutputs>::values(&outputs, P::CALLEE.output_names)
}

macro_rules! plan_fn {
    ($count:tt; $($arg:ident $i:tt)*) => {
        impl<P> PlanFn<$count> for P
        where
            P: LaunchPlan + Entity $(+ EntityInput<$i>)*,
            $(<P as EntityInput<$i>>::Type: FlyteType,)*
            P::Promises: PlainOutputs,
        {
            type Fn = fn($(<P as EntityInput<$i>>::Type),*) -> <P::Promises as PlainOutputs>::Values;
            const FN: Self::Fn = |$($arg),*| run_plan::<P>(&[$(FlyteType::to_literal(&$arg)),*]);
        }
    };
}

/// One [`PlanFn`] impl per count of free inputs, from 0 to `MAX_INPUTS`: each step implements
/// the arguments so far, then takes the next.
macro_rules! plan_fns {
    ([$($arg:ident $i:tt)*] $count:tt) => {
        plan_fn!($count; $($arg $i)*);
    };
    ([$($arg:ident $i:tt)*] $count:tt ($next:ident $ni:tt $next_count:tt) $($rest:tt)*) => {
        plan_fn!($count; $($arg $i)*);
        plan_fns!([$($arg $i)* $next $ni] $next_count $($rest)*);
    };
}

plan_fns!([] 0
    (a0 0 1) (a1 1 2) (a2 2 3) (a3 3 4) (a4 4 5) (a5 5 6) (a6 6 7) (a7 7 8)
    (a8 8 9) (a9 9 10) (a10 10 11) (a11 11 12) (a12 12 13) (a13 13 14) (a14 14 15) (a15 15 16)
    (a16 16 17) (a17 17 18) (a18 18 19) (a19 19 20) (a20 20 21) (a21 21 22) (a22 22 23) (a23 23 24)
    (a24 24 25) (a25 25 26) (a26 26 27) (a27 27 28) (a28 28 29) (a29 29 30) (a30 30 31) (a31 31 32)
);

// `MAX_INPUTS` is the last count above: a larger limit needs more impls.
const _: () = assert!(flytekit_core::launch_plan::MAX_INPUTS == 32);
