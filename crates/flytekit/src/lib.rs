//! flytekit-rs: write Flyte tasks and workflows in Rust.
//!
//! This is the crate users depend on. It re-exports the pieces of the SDK:
//!
//! - [`idl`]: the Flyte v1 IDL types (`flyteidl.core`, `flyteidl.admin`), wire-compatible with
//!   Flyte and Python flytekit;
//! - [`core`]: what entities are: the type engine ([`FlyteType`]), interfaces, specs;
//! - [`runtime`]: how they run (local executor, container entrypoint, CLI);
//! - [`launch_plan`](mod@launch_plan): launch plans ([`launch_plan!`]: schedules, notifications, fixed inputs);
//! - [`imperative`]: workflows built by a function at startup ([`imperative_workflow!`]);
//! - [`StructuredDataset`]: tables passed as Parquet, declared with [`dataset_columns!`] and read
//!   and written as Arrow record batches through [`arrow`] (feature `arrow`, on by default), or
//!   as polars `DataFrame`s (feature `polars`: `flytekit::polars` and `PolarsDataset`'s
//!   `read_polars` / `from_polars`);
//! - [`prelude`]: what a module of tasks and workflows usually imports.
//!
//! ```
//! use flytekit::prelude::*;
//!
//! #[derive(Debug, PartialEq, FlyteType)]
//! struct Point {
//!     x: f64,
//!     y: f64,
//!     label: Option<String>,
//! }
//!
//! let point = Point { x: 1.0, y: 2.0, label: None };
//! let literal = point.to_literal().unwrap();
//! assert_eq!(Point::from_literal(&literal).unwrap(), point);
//! ```
//!
//! May depend on every crate of flytekit-rs; nothing depends on it but users and examples.

#[cfg(feature = "arrow")]
pub mod arrow;
mod datasets;
/// The polars crate (feature `polars`), for [`PolarsDataset`]'s `read_polars` and
/// `from_polars` without a polars dependency of the task crate's own. It is built with only
/// what those need (Parquet and the date and time types); a crate that wants more of polars
/// (lazy frames, expressions) adds `polars` with those features at the same version, and cargo
/// builds one polars with both.
#[cfg(feature = "polars")]
pub use flytekit_polars::polars;
/// A [`StructuredDataset`] read and written as a polars `DataFrame` (feature `polars`; in the
/// prelude).
#[cfg(feature = "polars")]
pub use flytekit_polars::PolarsDataset;
pub mod imperative;
pub mod launch_plan;
#[doc(hidden)]
pub mod plain_plan;

pub use flytekit_core as core;
pub use flytekit_idl as idl;
pub use flytekit_runtime as runtime;

pub use flytekit_core::error::IgnoreOutputs;
pub use flytekit_core::types::{
    formats, AnyColumns, Bytes, Columns, DatasetError, FileError, FileFormat, FlyteDirectory,
    FlyteError, FlyteFile, StructuredDataset, TypeError,
};
pub use flytekit_core::workflow::{NodeRef, PodTemplate, Promise, WorkflowBuilder};
pub use flytekit_core::FlyteType;
pub use flytekit_core::{current_context, TaskContext, TaskError};
pub use flytekit_macros::{
    container_task, dynamic, reference_launch_plan, reference_task, reference_workflow, task,
    workflow, FlyteType,
};
pub use flytekit_runtime::main;

/// The names a module of tasks and workflows usually needs.
pub mod prelude {
    #[cfg(feature = "polars")]
    pub use crate::PolarsDataset;
    pub use crate::{
        container_task, current_context, dataset_columns, dynamic, launch_plan,
        reference_launch_plan, reference_task, reference_workflow, task, workflow, Bytes,
        DatasetError, FlyteDirectory, FlyteError, FlyteFile, FlyteType, IgnoreOutputs, NodeRef,
        Promise, StructuredDataset, TaskError,
    };
}

/// What generated code refers to. Not a public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::plain_plan;
    pub use flytekit_core::container;
    pub use flytekit_core::error::into_task_error;
    pub use flytekit_core::glue;
    pub use flytekit_core::launch_plan;
    pub use flytekit_core::linkme;
    pub use flytekit_core::reference;
    pub use flytekit_core::rmp;
    pub use flytekit_core::rmpv;
    pub use flytekit_core::run_sync;
    pub use flytekit_core::task::{
        Accelerator, CacheConfig, DefaultsFn, LiteralFn, Resource, SecretMount, SecretRequest,
        Task, TaskConfig, TaskEntry, TaskEntryCell, TaskFn, TaskFuture, TaskRegistration,
        FLYTEKIT_TASKS,
    };
    pub use flytekit_core::types;
    pub use flytekit_core::types::{FlyteType, TypeError};
    pub use flytekit_core::workflow::dynamic;
    pub use flytekit_core::workflow::{
        and, cast_promise, compare, fields, gates, is_true, never, or, Branch, Callee, CalleeKind,
        Compare, CompiledWorkflow, DefaultsFrom, Entity, EntityInput, FailurePolicy, HasFields,
        ListOf, MapCall, MapOf, NodeRef, Promise, Workflow, WorkflowBuilder, WorkflowEntry,
        WorkflowRegistration, FLYTEKIT_WORKFLOWS,
    };
    pub use flytekit_core::TaskError;

    /// Runs a workflow locally from a workflow function's arguments; panics with the error,
    /// since a workflow function's signature has no `Result`. The arguments come as a slice, not
    /// a `Vec`, so the generated call is one plain expression for rustc to check.
    pub fn run_workflow(
        entry: &'static WorkflowEntry,
        inputs: &[(&str, Result<Literal, TypeError>)],
    ) -> LiteralMap {
        let mut literals = BTreeMap::new();
        for (name, literal) in inputs {
            match literal {
                Ok(literal) => {
                    literals.insert(name.to_string(), literal.clone());
                }
                Err(err) => panic!("input `{name}` of workflow `{}`: {err}", entry.name()),
            }
        }
        match flytekit_runtime::workflow_run::run_workflow_blocking(entry, LiteralMap { literals })
        {
            Ok(outputs) => outputs,
            Err(err) => panic!("workflow `{}` failed: {err}", entry.name()),
        }
    }
    pub use flytekit_idl::core::node::Target as NodeTarget;
    pub use flytekit_idl::core::structured_dataset_type::DatasetColumn;
    pub use flytekit_idl::core::{Literal, LiteralMap, LiteralType, NodeMetadata, TypedInterface};
    pub use std::collections::BTreeMap;
}
