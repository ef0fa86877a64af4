//! The macro back end of flytekit-rs: a plain library on syn, quote and proc-macro2.
//!
//! It parses macro attributes into typed options, models tasks and workflows, lowers workflow
//! bodies to a node DAG, checks them and generates the code that `flytekit-macros` emits. Keeping
//! it out of the proc-macro crate lets it be unit-tested on `quote!{}` inputs.
//!
//! May depend on: syn, quote, proc-macro2. Never on tokio or on the runtime.
//!
//! Modules so far:
//! - [`ctxt`]: the error collector every phase reports to;
//! - [`attr`]: typed attribute values (argument lists, durations, Kubernetes quantities,
//!   "did you mean" suggestions);
//! - [`derive`](mod@derive): the expansion of `#[derive(FlyteType)]`;
//! - [`docs`]: doc comments as Flyte descriptions;
//! - [`task`]: the `#[task]` front end, from attribute and function to a validated
//!   [`task::TaskDefinition`] (entry point: [`task::analyze_task`]);
//! - [`reference`](mod@reference): `#[reference_task]`, `#[reference_workflow]`,
//!   `#[reference_launch_plan]` on bodiless signatures ([`bodiless`]);
//! - [`container_task`](mod@container_task): `#[container_task]`, flytekit's `ContainerTask`;
//! - [`dynamic`](mod@dynamic): `#[dynamic]`, a task whose body builds a workflow at run time.

pub mod attr;
pub mod bodiless;
pub mod container_task;
pub mod ctxt;
pub mod derive;
pub mod docs;
pub mod dynamic;
pub mod reference;
pub mod task;
pub mod workflow;

#[cfg(test)]
mod test_support;
