//! Container tasks (flytekit's `ContainerTask`): a task with a declared interface that runs a
//! given image and command instead of this binary.
//!
//! `#[container_task(...)]` fills a [`RawContainer`] into the task's `TaskConfig`;
//! [`apply_raw_container`] turns the TaskTemplate that `spec::task_template` builds for a normal
//! task into flytekit's `raw-container` shape: type `raw-container`, the user's command and
//! arguments, and a `DataLoadingConfig` that tells Flyte's co-pilot where to put the inputs and
//! where to collect the outputs. Such a task cannot run in-process: [`local_run_error`] says so.

use flytekit_idl::core::TaskTemplate;
use flytekit_idl::core::{data_loading_config, task_template, DataLoadingConfig, Resources};

use crate::error::TaskError;

/// The task type flytekit gives a `ContainerTask`: Flyte's pod plugin runs it with co-pilot.
pub const RAW_CONTAINER_TASK_TYPE: &str = "raw-container";

/// How the co-pilot writes the inputs and reads the outputs (`DataLoadingConfig.format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataFormat {
    /// `inputs.json` / outputs as JSON (flytekit's default).
    Json,
    /// YAML.
    Yaml,
    /// Protobuf `LiteralMap`s (`inputs.pb`, `outputs.pb`).
    Proto,
}

/// What `#[container_task(...)]` declares beyond a normal task's options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawContainer {
    /// The container's command (`Container.command`); `{{.inputs.x}}` placeholders are filled
    /// in by Flyte.
    pub command: &'static [&'static str],
    /// The container's arguments (`Container.args`).
    pub args: &'static [&'static str],
    /// Where the inputs are written in the container (empty: not set, as flytekit leaves it).
    pub input_path: &'static str,
    /// Where the container writes its outputs, one file per output name.
    pub output_path: &'static str,
    /// The format of the inputs and outputs files.
    pub format: MetadataFormat,
}

/// Rewrites a task's template into the raw-container shape flytekit's `ContainerTask`
/// serializes: type `raw-container`, `command` / `args` as declared, an (empty) `resources`
/// message when none are set, and `data_config` enabled with the paths and format.
pub fn apply_raw_container(template: &mut TaskTemplate, raw: &RawContainer) {
    template.r#type = RAW_CONTAINER_TASK_TYPE.to_string();
    if let Some(task_template::Target::Container(container)) = template.target.as_mut() {
        container.command = raw.command.iter().map(|s| s.to_string()).collect();
        container.args = raw.args.iter().map(|s| s.to_string()).collect();
        container.resources.get_or_insert_with(Resources::default);
        container.data_config = Some(DataLoadingConfig {
            enabled: true,
            input_path: raw.input_path.to_string(),
            output_path: raw.output_path.to_string(),
            format: match raw.format {
                MetadataFormat::Json => data_loading_config::LiteralMapFormat::Json,
                MetadataFormat::Yaml => data_loading_config::LiteralMapFormat::Yaml,
                MetadataFormat::Proto => data_loading_config::LiteralMapFormat::Proto,
            } as i32,
            io_strategy: None,
        });
    }
}

/// The error of running a container task locally: it runs its own image, on a cluster.
pub fn local_run_error(task: &str, image: &str) -> TaskError {
    TaskError::user(format!(
        "`{task}` is a container task: it runs image `{image}` on a Flyte cluster and cannot run \
         locally; register it with `package`, or call a `#[task]` with the same interface \
         for local runs"
    ))
    .with_code("USER:ContainerTaskLocal")
}
