//! Compile-time lookup of a workflow input by name, so `launch_plan!` can type a fixed or
//! default input: `a: 4` becomes a value of `<wf as EntityInput<I>>::Type` where `I` is the
//! position of the input named `a`.
//!
//! `#[workflow]` implements `EntityInput<N>` (the type of input `N`) for each input and lists
//! the names in its `Callee`. At a
//! concrete workflow type, [`InputName::<W, N>::NAME`] is `Some(name)` when `W` has input `N`
//! and `None` otherwise (an inherent constant whose bound does not hold gives way to the
//! [`NoInput`] trait's), so the macro can list every input's name in a `const` and find the
//! position with [`input_index`], all during compilation. An unknown name stops compilation
//! with a message naming it; a value of the wrong type is an ordinary type error on the value.

use std::marker::PhantomData;

use crate::workflow::{Entity, EntityInput};

/// How many inputs a workflow may have for a launch plan to set them by name.
pub const MAX_INPUTS: usize = 32;

/// Probe of input `N` of workflow `W`: see the module docs.
pub struct InputName<W, const N: usize>(PhantomData<W>);

impl<W: EntityInput<N>, const N: usize> InputName<W, N> {
    /// The name of input `N`.
    pub const NAME: Option<&'static str> = Some(<W as Entity>::CALLEE.input_names[N]);
}

/// The fallback of [`InputName`] when the workflow has no input `N`.
pub trait NoInput {
    /// No input.
    const NAME: Option<&'static str> = None;
}

impl<W, const N: usize> NoInput for InputName<W, N> {}

pub(crate) const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The position of the input called `name` among `names`; stops compilation with `missing`
/// (a message naming the input and the workflow) when there is none.
pub const fn input_index(names: &[Option<&str>], name: &str, missing: &str) -> usize {
    let mut i = 0;
    while i < names.len() {
        if let Some(found) = names[i] {
            if same(found, name) {
                return i;
            }
        }
        i += 1;
    }
    panic!("{}", missing)
}

/// A value usable for a launch plan input of type `T`: a `T`, or a `&str` for a `String`.
#[diagnostic::on_unimplemented(
    message = "expected a `{T}` for this launch plan input, found `{Self}`",
    label = "this is not a `{T}`",
    note = "a fixed or default input takes a value of the workflow input's type"
)]
pub trait LaunchPlanValue<T> {
    /// The value as a `T`.
    fn into_value(self) -> T;
}

impl<T> LaunchPlanValue<T> for T {
    fn into_value(self) -> T {
        self
    }
}

impl LaunchPlanValue<String> for &str {
    fn into_value(self) -> String {
        self.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_an_input_by_name() {
        let names = [Some("a"), Some("xs"), None];
        assert_eq!(input_index(&names, "xs", "no xs"), 1);
        assert_eq!(input_index(&names, "a", "no a"), 0);
    }

    #[test]
    #[should_panic(expected = "no b")]
    fn an_unknown_name_stops() {
        input_index(&[Some("a")], "b", "no b");
    }
}
