//! The admin [`TaskSpec`](admin::TaskSpec) of a map-task entity ([`MapTask`]), as flytekit
//! registers one for every `map_task` (`flytekit/core/array_node_map_task.py`): the mapped
//! task's template (metadata, resources, security context and image all the task's) under the
//! map task's name, with the list-typed interface, `task_type_version` 1 and container args
//! that tell `execute` which inputs are bound. flytekit writes no description for it.

use flytekit_idl::admin;
use flytekit_idl::core::{task_template, ResourceType};

use super::task::{task_template, SerializationSettings};
use crate::task::TaskEntry;
use crate::workflow::MapTask;

/// The flag of the `execute` command line that marks a map-task sub-node and names its bound
/// inputs (comma separated, possibly none): every other input is a list to pick element
/// `FLYTE_K8S_ARRAY_INDEX` from.
pub const BOUND_INPUTS_FLAG: &str = "--bound-inputs";

/// The TaskSpec of map task `map_task`, which maps `entry`.
pub fn map_task_spec(
    entry: &TaskEntry,
    map_task: &MapTask,
    settings: &SerializationSettings,
) -> admin::TaskSpec {
    let mut template = task_template(entry, settings);
    template.id = Some(settings.identifier(ResourceType::Task, &map_task.name));
    template.interface = Some(map_task.interface.clone());
    template.task_type_version = 1;
    // A raw container (`container_task`) keeps the user's command line; ours gets the flag.
    if entry.config.raw_container.is_none() {
        if let Some(task_template::Target::Container(container)) = &mut template.target {
            let at = container
                .args
                .iter()
                .position(|arg| arg == "--")
                .unwrap_or(container.args.len());
            container.args.splice(
                at..at,
                [
                    BOUND_INPUTS_FLAG.to_string(),
                    map_task.bound_inputs.join(","),
                ],
            );
        }
    }
    admin::TaskSpec {
        template: Some(template),
        description: None,
    }
}
