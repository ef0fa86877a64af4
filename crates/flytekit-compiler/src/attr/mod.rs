//! Building blocks for parsing macro attribute arguments into typed values.
//!
//! Consumes attribute token streams and literal values; produces typed values with their spans
//! ([`Spanned`]) and spanned errors. The pieces are independent of any one macro:
//! - [`args`]: comma-separated `name`, `name = value`, `name(...)` lists with error recovery,
//!   unknown / duplicate name detection, and value-kind helpers;
//! - [`duration`]: `"1h30m"` style durations;
//! - [`output_names`]: `outputs(total, count)`, the names of an entity's outputs;
//! - [`quantity`]: Kubernetes resource quantities such as `"500m"` and `"1Gi"`;
//! - [`suggest`]: "did you mean ...?" for misspelled names;
//! - [`text`]: tokens as the text a user wrote, for quoting in messages.

pub mod args;
pub mod duration;
pub mod link;
pub mod output_names;
pub mod quantity;
pub mod suggest;
pub mod text;

use proc_macro2::Span;

/// A value parsed from the user's tokens, with the span of those tokens so that a later check
/// can point its error at them.
#[derive(Debug, Clone)]
pub struct Spanned<T> {
    /// The parsed value.
    pub value: T,
    /// Where the value was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with the span it was parsed from.
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }

    /// A reference to the value.
    pub fn get(&self) -> &T {
        &self.value
    }

    /// Drops the span.
    pub fn into_value(self) -> T {
        self.value
    }
}
