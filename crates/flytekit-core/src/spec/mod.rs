//! Building registrable specs from registered entities: what `package` and `serialize` write
//! and what a cluster validates at registration.

mod task;

pub use task::{container_args, task_spec, task_template, SerializationSettings};
