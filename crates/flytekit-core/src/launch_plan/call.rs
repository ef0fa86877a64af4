//! A launch plan called in a workflow: the compile-time arithmetic that lets `launch_plan!`
//! make its plan an [`Entity`] whose inputs are the workflow's inputs minus the fixed ones.
//!
//! Flyte exposes a launch plan's inputs as its `expected_inputs`: the workflow's inputs without
//! the fixed ones, those with a default (the plan's or the workflow's) optional. A call binds
//! inputs by position, so input `N` of the plan is the workflow's input `SLOTS[N]`, the
//! `N`-th one that is not fixed. `launch_plan!` computes `SLOTS` and the number of free inputs
//! in `const`s and implements [`LaunchPlanArgument`] for every position up to [`MAX_INPUTS`],
//! choosing types with [`Select`]; one generic `EntityInput<N>` / `DefaultsFrom<K>` impl per
//! plan then holds exactly where [`InputPresent`] / [`InputsCovered`] hold, so too many or too
//! few arguments are ordinary trait errors that name the plan.

use std::marker::PhantomData;

use super::inputs::MAX_INPUTS;
use crate::workflow::{DefaultsFrom, EntityInput};

/// A compile-time boolean as a type.
pub struct Select<const B: bool>;

/// Input `I` of workflow `W`, as a type that exists whether or not `W` has that input.
pub struct Slot<W, const I: usize>(PhantomData<W>);

/// The type of an argument past a launch plan's last input, named for the second error rustc
/// gives about such an argument, after [`InputPresent`]'s.
pub enum TooManyArguments {}

/// The type of an argument position: the workflow input's type where the position is
/// `Select<true>`, [`TooManyArguments`] past the plan's last input.
pub trait SlotType {
    /// The argument's type.
    type Type;
}

impl<W: EntityInput<I>, const I: usize> SlotType for (Select<true>, Slot<W, I>) {
    type Type = <W as EntityInput<I>>::Type;
}

impl<W, const I: usize> SlotType for (Select<false>, Slot<W, I>) {
    type Type = TooManyArguments;
}

/// What `launch_plan!` knows of argument position `N` of its plan.
pub trait LaunchPlanArgument<const N: usize> {
    /// `Select<true>` when the plan has an input number `N`.
    type Present;
    /// Its type (see [`SlotType`]).
    type Type;
    /// `Select<true>` when every input from number `N` on has a value without the caller: a
    /// default of the plan or of the workflow.
    type Covered;
}

/// Holds when the plan `L` has an input number `N`.
#[diagnostic::on_unimplemented(
    message = "launch plan `{L}` has no input number {N}: too many arguments",
    label = "this argument has no matching input",
    note = "a launch plan takes its workflow's inputs in order, without the ones it fixes"
)]
pub trait InputPresent<L, const N: usize> {}

// Not recommended: rustc would otherwise suggest this internal type to the user.
#[diagnostic::do_not_recommend]
impl<L, const N: usize> InputPresent<L, N> for Select<true> {}

/// Holds when every input of plan `L` from number `K` on has a default.
#[diagnostic::on_unimplemented(
    message = "missing arguments: launch plan `{L}` needs more than {K} argument(s)",
    label = "an input after the {K} given has no default",
    note = "pass the workflow's inputs in order, without the ones the plan fixes; only trailing inputs with a default (the plan's `defaults` or the workflow's `#[default(...)]`) may be left out"
)]
pub trait InputsCovered<L, const K: usize> {}

#[diagnostic::do_not_recommend]
impl<L, const K: usize> InputsCovered<L, K> for Select<true> {}

/// Probe: `DefaultsProbe::<W, K>::FROM` is `true` when every input of `W` from number `K` on
/// has a default (`W: DefaultsFrom<K>`), else `false` through [`NoDefaultsFrom`].
pub struct DefaultsProbe<W, const K: usize>(PhantomData<W>);

impl<W: DefaultsFrom<K>, const K: usize> DefaultsProbe<W, K> {
    /// Every input from `K` on has a default.
    pub const FROM: bool = true;
}

/// The fallback of [`DefaultsProbe`].
pub trait NoDefaultsFrom {
    /// Some input from `K` on has no default.
    const FROM: bool = false;
}

impl<W, const K: usize> NoDefaultsFrom for DefaultsProbe<W, K> {}

/// Whether `name` is among `names`.
const fn contains(names: &[&str], name: &str) -> bool {
    let mut i = 0;
    while i < names.len() {
        if super::inputs::same(names[i], name) {
            return true;
        }
        i += 1;
    }
    false
}

/// The position of `name` among `names`, or [`MAX_INPUTS`] when it is none of them (the
/// launch plan's own checks name an unknown input; this lookup only must not stop compilation a
/// second time).
pub const fn position(names: &[Option<&str>; MAX_INPUTS], name: &str) -> usize {
    let mut i = 0;
    while i < MAX_INPUTS {
        if let Some(found) = names[i] {
            if super::inputs::same(found, name) {
                return i;
            }
        }
        i += 1;
    }
    MAX_INPUTS
}

/// The workflow positions of the inputs a caller passes, in order (the inputs named in
/// `names` that are not `fixed`), then zeros (one past the last position too, so that every
/// position a call can reach indexes it).
pub const fn free_slots(
    names: &[Option<&str>; MAX_INPUTS],
    fixed: &[&str],
) -> [usize; MAX_INPUTS + 1] {
    let mut slots = [0; MAX_INPUTS + 1];
    let (mut i, mut n) = (0, 0);
    while i < MAX_INPUTS {
        if let Some(name) = names[i] {
            if !contains(fixed, name) {
                slots[n] = i;
                n += 1;
            }
        }
        i += 1;
    }
    slots
}

/// How many inputs a caller passes: the workflow's inputs that are not `fixed`.
pub const fn free_count(names: &[Option<&str>; MAX_INPUTS], fixed: &[&str]) -> usize {
    let (mut i, mut n) = (0, 0);
    while i < MAX_INPUTS {
        if let Some(name) = names[i] {
            if !contains(fixed, name) {
                n += 1;
            }
        }
        i += 1;
    }
    n
}

/// The names of the inputs a caller passes, in order, then empty strings.
pub const fn free_names(
    names: &[Option<&'static str>; MAX_INPUTS],
    fixed: &[&str],
) -> [&'static str; MAX_INPUTS] {
    let (slots, count) = (free_slots(names, fixed), free_count(names, fixed));
    let mut free = [""; MAX_INPUTS];
    let mut n = 0;
    while n < count {
        if let Some(name) = names[slots[n]] {
            free[n] = name;
        }
        n += 1;
    }
    free
}

/// Whether every free input from number `k` on has a value without the caller: a plan
/// default (its workflow position is in `plan_defaults`) or a workflow default
/// (`workflow_defaults_from[p]`: every workflow input from `p` on has one).
pub const fn covered_from(
    k: usize,
    slots: &[usize; MAX_INPUTS + 1],
    count: usize,
    plan_defaults: &[usize],
    workflow_defaults_from: &[bool; MAX_INPUTS + 1],
) -> bool {
    let mut j = k;
    while j < count {
        let slot = slots[j];
        let mut has_default = slot <= MAX_INPUTS && workflow_defaults_from[slot];
        let mut d = 0;
        while d < plan_defaults.len() {
            if plan_defaults[d] == slot {
                has_default = true;
            }
            d += 1;
        }
        if !has_default {
            return false;
        }
        j += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&'static str]) -> [Option<&'static str>; MAX_INPUTS] {
        let mut names = [None; MAX_INPUTS];
        for (i, name) in list.iter().enumerate() {
            names[i] = Some(*name);
        }
        names
    }

    #[test]
    fn fixed_inputs_are_left_out_of_the_positions() {
        let names = names(&["xs", "bonus", "owner"]);
        assert_eq!(free_count(&names, &["bonus"]), 2);
        assert_eq!(&free_slots(&names, &["bonus"])[..2], &[0, 2]);
        assert_eq!(&free_names(&names, &["bonus"])[..3], &["xs", "owner", ""]);
        assert_eq!(free_count(&names, &[]), 3);
    }

    #[test]
    fn trailing_inputs_with_defaults_are_covered() {
        let names = names(&["xs", "bonus", "owner"]);
        let slots = free_slots(&names, &[]);
        let mut workflow = [false; MAX_INPUTS + 1];
        workflow[2] = true;
        workflow[3] = true;
        // `owner` has the workflow's default; `bonus` the plan's.
        assert!(covered_from(2, &slots, 3, &[], &workflow));
        assert!(!covered_from(1, &slots, 3, &[], &workflow));
        assert!(covered_from(1, &slots, 3, &[1], &workflow));
        assert!(!covered_from(0, &slots, 3, &[1], &workflow));
        assert!(covered_from(3, &slots, 3, &[], &workflow));
    }
}
