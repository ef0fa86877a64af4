//! The macro back end of flytekit-rs: a plain library on syn, quote and proc-macro2.
//!
//! It parses macro attributes into typed options, models tasks and workflows, lowers workflow
//! bodies to a node DAG, checks them and generates the code that `flytekit-macros` emits. Keeping
//! it out of the proc-macro crate lets it be unit-tested on `quote!{}` inputs.
//!
//! May depend on: syn, quote, proc-macro2. Never on tokio or on the runtime.

pub mod attr;
pub mod ctxt;
pub mod derive;

#[cfg(test)]
mod test_support;
