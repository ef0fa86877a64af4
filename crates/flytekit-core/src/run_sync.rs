//! How a `#[task]` on a plain `fn` runs on literals, in code shared by every task of the same
//! signature.
//!
//! A task's registration holds a [`SyncTask`]: the user's function as a function pointer, the
//! readers of its inputs and the writers of its outputs (`<T as FlyteType>::from_literal` /
//! `to_literal`, named by the macro at the user's types). Its [`RunSync`] impl is generic over
//! those pointer types only, so 200 tasks `fn(i64) -> i64` share one compiled `run`: the
//! generated code is data, and a crate's build time grows with its signatures, not its tasks.
//! Input and output names come from the [`TaskEntry`] the runtime passes in.

use std::fmt;

use flytekit_idl::core::{Literal, LiteralMap};

use crate::error::{into_task_error, TaskError};
use crate::glue;
use crate::task::{LiteralFn, TaskEntry};
use crate::types::TypeError;

/// Reads one input: `<T as FlyteType>::from_literal`.
pub type Reader<T> = fn(&Literal) -> Result<T, TypeError>;

/// Writes one output: `<T as FlyteType>::to_literal`.
pub type Writer<T> = fn(&T) -> Result<Literal, TypeError>;

/// Code the runtime runs on a blocking thread: a task's inputs to its outputs.
pub trait RunSync: Sync {
    /// Runs the task described by `entry` on `inputs`.
    fn run(&self, entry: &TaskEntry, inputs: &LiteralMap) -> Result<LiteralMap, TaskError>;
}

/// `run`, kept for the life of the program: the runner of a task entry built in code (see
/// [`TaskEntry::built_once`]). Generic over the runner type only, which tasks of one signature
/// share.
pub fn keep<R: RunSync + 'static>(run: R) -> &'static dyn RunSync {
    Box::leak(Box::new(run))
}

/// A hand-written task body (tests, container tasks) ignores the entry.
impl RunSync for LiteralFn {
    fn run(&self, _entry: &TaskEntry, inputs: &LiteralMap) -> Result<LiteralMap, TaskError> {
        self(inputs)
    }
}

/// A sync task as `#[task]` registers it: `call` is the user's function, `read` a tuple of
/// [`Reader`]s (one per input), `write` the [`WriteOutputs`] of its return type.
#[derive(Debug)]
pub struct SyncTask<F, R, W> {
    /// The user's function, as a function pointer.
    pub call: F,
    /// The input readers, in parameter order.
    pub read: R,
    /// How the return value becomes outputs.
    pub write: W,
}

impl<F, R, W> RunSync for SyncTask<F, R, W>
where
    F: CallWith<R::Args> + Sync,
    R: ReadInputs + Sync,
    W: WriteOutputs<F::Output> + Sync,
{
    fn run(&self, entry: &TaskEntry, inputs: &LiteralMap) -> Result<LiteralMap, TaskError> {
        let args = self.read.read(entry, inputs)?;
        let value = self.call.call_with(args);
        self.write.write(entry, value)
    }
}

/// Reads a task's arguments from its input literals.
pub trait ReadInputs {
    /// The arguments, as a tuple.
    type Args;
    /// Reads every input named in `entry`; a missing one takes its declared default.
    fn read(&self, entry: &TaskEntry, inputs: &LiteralMap) -> Result<Self::Args, TaskError>;
}

/// Calls a function pointer with a tuple of arguments.
pub trait CallWith<Args> {
    /// The function's return type.
    type Output;
    /// Calls it.
    fn call_with(&self, args: Args) -> Self::Output;
}

/// Turns a task's return value into its output literals.
pub trait WriteOutputs<T> {
    /// Writes `value` as the outputs named in `entry`.
    fn write(&self, entry: &TaskEntry, value: T) -> Result<LiteralMap, TaskError>;
}

/// Input number `index` of `entry` as a `T` (see [`glue::read_input_with`]).
///
/// This and the impls below are compiled in the user's crate, once per type or signature, so
/// they own no `Literal` or `LiteralMap`: dropping one there would compile the map's and the
/// literal's drop code into every crate with tasks (most of a small crate's build time).
#[inline(never)]
fn read_input<T>(
    entry: &TaskEntry,
    inputs: &LiteralMap,
    index: usize,
    read: Reader<T>,
) -> Result<T, TaskError> {
    let mut value = None;
    glue::read_input_with(entry, inputs, index, &mut |literal| {
        value = Some(read(literal)?);
        Ok(())
    })?;
    value.ok_or_else(|| glue::input_not_read(entry, index))
}

/// One output. (No output is the empty tuple of writers, several a tuple of them.)
impl<T> WriteOutputs<T> for Writer<T> {
    fn write(&self, entry: &TaskEntry, value: T) -> Result<LiteralMap, TaskError> {
        glue::collect_outputs(entry, &mut |_| self(&value))
    }
}

/// A task returning `Result<T, E>`: `ok` writes the `T`, an `E` becomes the task's error,
/// shown with `display` (`<E as Display>::fmt`, named at the user's error type).
#[derive(Debug)]
pub struct Fallible<W, E> {
    /// The writer of the success value.
    pub ok: W,
    /// How the error is shown.
    pub display: fn(&E, &mut fmt::Formatter<'_>) -> fmt::Result,
}

impl<W, T, E: 'static> WriteOutputs<Result<T, E>> for Fallible<W, E>
where
    W: WriteOutputs<T>,
{
    fn write(&self, entry: &TaskEntry, value: Result<T, E>) -> Result<LiteralMap, TaskError> {
        match value {
            Ok(value) => self.ok.write(entry, value),
            Err(error) => Err(into_task_error(error, self.display)),
        }
    }
}

/// The `Ok` and `Err` types of a `Result`, for return types written as an alias
/// (`anyhow::Result<T>`), whose error type the macro cannot see.
pub trait ResultParts {
    /// The success type.
    type Ok;
    /// The error type.
    type Err;
}

impl<T, E> ResultParts for Result<T, E> {
    type Ok = T;
    type Err = E;
}

/// The impls for each arity: `$arg` names a tuple element's variable, `$T` its type.
macro_rules! arity {
    ($($index:tt $arg:ident $T:ident),*) => {
        impl<$($T,)*> ReadInputs for ($(Reader<$T>,)*) {
            type Args = ($($T,)*);

            #[allow(unused_variables)]
            fn read(&self, entry: &TaskEntry, inputs: &LiteralMap) -> Result<Self::Args, TaskError> {
                Ok(($(read_input(entry, inputs, $index, self.$index)?,)*))
            }
        }

        impl<$($T,)* O> CallWith<($($T,)*)> for fn($($T),*) -> O {
            type Output = O;

            fn call_with(&self, ($($arg,)*): ($($T,)*)) -> O {
                self($($arg),*)
            }
        }

        impl<$($T,)*> WriteOutputs<($($T,)*)> for ($(Writer<$T>,)*) {
            #[allow(unused_variables)]
            fn write(&self, entry: &TaskEntry, ($($arg,)*): ($($T,)*)) -> Result<LiteralMap, TaskError> {
                glue::collect_outputs(entry, &mut |index| match index {
                    $($index => (self.$index)(&$arg),)*
                    _ => ::core::unreachable!("the entry lists more outputs than the function returns"),
                })
            }
        }
    };
}

arity!();
arity!(0 a0 A0);
arity!(0 a0 A0, 1 a1 A1);
arity!(0 a0 A0, 1 a1 A1, 2 a2 A2);
arity!(0 a0 A0, 1 a1 A1, 2 a2 A2, 3 a3 A3);
arity!(0 a0 A0, 1 a1 A1, 2 a2 A2, 3 a3 A3, 4 a4 A4);
arity!(0 a0 A0, 1 a1 A1, 2 a2 A2, 3 a3 A3, 4 a4 A4, 5 a5 A5);
arity!(0 a0 A0, 1 a1 A1, 2 a2 A2, 3 a3 A3, 4 a4 A4, 5 a5 A5, 6 a6 A6);
arity!(0 a0 A0, 1 a1 A1, 2 a2 A2, 3 a3 A3, 4 a4 A4, 5 a5 A5, 6 a6 A6, 7 a7 A7);
arity!(0 a0 A0, 1 a1 A1, 2 a2 A2, 3 a3 A3, 4 a4 A4, 5 a5 A5, 6 a6 A6, 7 a7 A7, 8 a8 A8);
arity!(0 a0 A0, 1 a1 A1, 2 a2 A2, 3 a3 A3, 4 a4 A4, 5 a5 A5, 6 a6 A6, 7 a7 A7, 8 a8 A8, 9 a9 A9);
arity!(0 a0 A0, 1 a1 A1, 2 a2 A2, 3 a3 A3, 4 a4 A4, 5 a5 A5, 6 a6 A6, 7 a7 A7, 8 a8 A8, 9 a9 A9,
    10 a10 A10);
arity!(0 a0 A0, 1 a1 A1, 2 a2 A2, 3 a3 A3, 4 a4 A4, 5 a5 A5, 6 a6 A6, 7 a7 A7, 8 a8 A8, 9 a9 A9,
    10 a10 A10, 11 a11 A11);
arity!(0 a0 A0, 1 a1 A1, 2 a2 A2, 3 a3 A3, 4 a4 A4, 5 a5 A5, 6 a6 A6, 7 a7 A7, 8 a8 A8, 9 a9 A9,
    10 a10 A10, 11 a11 A11, 12 a12 A12);
arity!(0 a0 A0, 1 a1 A1, 2 a2 A2, 3 a3 A3, 4 a4 A4, 5 a5 A5, 6 a6 A6, 7 a7 A7, 8 a8 A8, 9 a9 A9,
    10 a10 A10, 11 a11 A11, 12 a12 A12, 13 a13 A13);
arity!(0 a0 A0, 1 a1 A1, 2 a2 A2, 3 a3 A3, 4 a4 A4, 5 a5 A5, 6 a6 A6, 7 a7 A7, 8 a8 A8, 9 a9 A9,
    10 a10 A10, 11 a11 A11, 12 a12 A12, 13 a13 A13, 14 a14 A14);
arity!(0 a0 A0, 1 a1 A1, 2 a2 A2, 3 a3 A3, 4 a4 A4, 5 a5 A5, 6 a6 A6, 7 a7 A7, 8 a8 A8, 9 a9 A9,
    10 a10 A10, 11 a11 A11, 12 a12 A12, 13 a13 A13, 14 a14 A14, 15 a15 A15);
