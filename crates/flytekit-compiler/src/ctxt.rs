//! Error collection for one macro invocation.
//!
//! Consumes spanned [`syn::Error`]s pushed by every parsing and checking phase; produces a single
//! combined [`syn::Error`] (or nothing) at the end. Collecting instead of returning at the first
//! error lets the user see every mistake of an attribute in one build, as serde_derive's `Ctxt`
//! does.

use std::cell::RefCell;
use std::fmt::Display;

use proc_macro2::Span;
use quote::ToTokens;

/// Collects the errors of one macro invocation.
///
/// Phases take `&Ctxt` (interior mutability) so that helpers holding a shared reference can all
/// report errors while the caller keeps borrowing the parsed input.
#[derive(Debug, Default)]
pub struct Ctxt {
    errors: RefCell<Vec<syn::Error>>,
}

impl Ctxt {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error that already carries its span.
    pub fn push(&self, error: syn::Error) {
        self.errors.borrow_mut().push(error);
    }

    /// Records an error pointing at `span`.
    pub fn error_at(&self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Records an error spanning all of `tokens` (first to last token).
    pub fn error_spanned_by(&self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records the error of a `syn::Result`, returning the value when there was none.
    pub fn ok<T>(&self, result: syn::Result<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(error);
                None
            }
        }
    }

    /// Whether any error has been recorded so far.
    pub fn has_errors(&self) -> bool {
        !self.errors.borrow().is_empty()
    }

    /// How many errors have been recorded so far (each `combine`d error counts as one push).
    pub fn error_count(&self) -> usize {
        self.errors.borrow().len()
    }

    /// All recorded errors combined into one, in the order they were pushed; `None` if there were
    /// none. `syn::Error::to_compile_error` of the result emits one `compile_error!` per error.
    pub fn into_error(self) -> Option<syn::Error> {
        let mut errors = self.errors.into_inner().into_iter();
        let mut combined = errors.next()?;
        for error in errors {
            combined.combine(error);
        }
        Some(combined)
    }

    /// `Ok(value)` if no error was recorded, else every recorded error combined.
    pub fn finish<T>(self, value: T) -> syn::Result<T> {
        match self.into_error() {
            None => Ok(value),
            Some(error) => Err(error),
        }
    }

    /// `Ok(())` if no error was recorded, else every recorded error combined.
    pub fn check(self) -> syn::Result<()> {
        self.finish(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_errors_finishes_with_the_value() {
        let ctxt = Ctxt::new();
        assert!(!ctxt.has_errors());
        assert_eq!(ctxt.finish(7).ok(), Some(7));
    }

    #[test]
    fn errors_are_combined_in_push_order() {
        let ctxt = Ctxt::new();
        ctxt.error_at(Span::call_site(), "first");
        ctxt.error_spanned_by(quote::quote!(a b), "second");
        assert_eq!(
            ctxt.ok::<()>(Err(syn::Error::new(Span::call_site(), "third"))),
            None
        );
        assert_eq!(ctxt.ok(Ok::<_, syn::Error>(1)), Some(1));
        assert!(ctxt.has_errors());
        assert_eq!(ctxt.error_count(), 3);
        let Err(error) = ctxt.check() else {
            panic!("expected errors");
        };
        let messages: Vec<String> = error.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(messages, ["first", "second", "third"]);
    }

    #[test]
    fn into_error_of_an_empty_collector_is_none() {
        assert!(Ctxt::new().into_error().is_none());
    }
}
