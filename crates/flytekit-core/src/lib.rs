//! What Flyte entities are, independent of how they run.
//!
//! The type engine (Rust values <-> Flyte literals, [`types`]), interfaces, the entity registry,
//! the workflow builder and the building and validation of registrable specs (TaskTemplate,
//! WorkflowTemplate, LaunchPlan).
//!
//! May depend on: `flytekit-idl`, prost, msgpack, chrono, serde_json. Never on tokio (the
//! runtime's business) or on syn (the compiler's).

pub mod checkpoint;
pub mod container;
pub mod context;
pub mod deck;
pub mod entity_key;
pub mod error;
pub mod glue;
pub mod launch_plan;
pub mod reference;
pub mod registry;
pub mod run_sync;
pub mod spec;
pub mod task;
pub mod types;
pub mod workflow;

pub use context::{current_context, TaskContext};
pub use error::TaskError;
pub use task::{Task, TaskConfig, TaskEntry};
pub use types::{FlyteType, TypeError};

#[doc(hidden)]
pub use linkme;
#[doc(hidden)]
pub use rmp;
#[doc(hidden)]
pub use rmpv;
