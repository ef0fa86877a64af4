//! What Flyte entities are, independent of how they run.
//!
//! The type engine (Rust values <-> Flyte literals), interfaces, the entity registry, the
//! workflow builder and the building and validation of registrable specs (TaskTemplate,
//! WorkflowTemplate, LaunchPlan).
//!
//! May depend on: `flytekit-idl`, prost, serde. Never on tokio (the runtime's business) or on
//! syn (the compiler's).
