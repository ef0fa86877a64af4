//! [`TaskTemplate`] and admin [`TaskSpec`] of a registered task.
//!
//! Mirrors what flytekit builds for a `@task` (FLYTE-CONTRACT section 3.1), with two deliberate
//! differences: the container runs this binary's `execute` command instead of
//! `pyflyte-execute`, and the runtime metadata says flavor `rust`. What a cluster checks at
//! registration holds by construction: the id is a TASK id, the type, metadata, runtime version
//! and interface are always set, and the container always has an image and a command.

use std::collections::BTreeMap;

use flytekit_idl::admin;
use flytekit_idl::core::{
    gpu_accelerator, resources, runtime_metadata, secret, task_metadata, task_template, Container,
    ExtendedResources, GpuAccelerator, Identifier, K8sObjectMetadata, KeyValuePair, ResourceType,
    Resources, RetryStrategy, RuntimeMetadata, Secret, SecurityContext, SharedMemory, TaskMetadata,
    TaskTemplate,
};

use crate::task::{Resource, SecretMount, TaskEntry};

/// The task type of a Rust task: Flyte's pod plugin runs it as a plain container.
pub const DEFAULT_TASK_TYPE: &str = "container";

/// Where shared memory is mounted, and the volume's name (flytekit's defaults).
const SHARED_MEMORY_PATH: &str = "/dev/shm";
const SHARED_MEMORY_NAME: &str = "flyte-shared-memory";

/// Settings that depend on where the specs will be registered, not on the code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SerializationSettings {
    /// The default container image of every task.
    pub image: String,
    /// Named images: a task whose `container_image` is one of these names gets its URI.
    pub images: BTreeMap<String, String>,
    /// Path of this binary inside the image.
    pub entrypoint: String,
    /// Project of every identifier (empty: filled by `flytectl register`).
    pub project: String,
    /// Domain of every identifier (empty: filled by `flytectl register`).
    pub domain: String,
    /// Version of every identifier (empty: filled by `flytectl register --version`).
    pub version: String,
}

impl SerializationSettings {
    /// An identifier of `resource_type` named `name`, with this registration's project,
    /// domain and version.
    pub fn identifier(&self, resource_type: ResourceType, name: &str) -> Identifier {
        Identifier {
            resource_type: resource_type as i32,
            project: self.project.clone(),
            domain: self.domain.clone(),
            name: name.to_string(),
            version: self.version.clone(),
            org: String::new(),
        }
    }
}

/// The `execute` command line of a task: the container contract's placeholders, which the
/// backend fills in, followed by the task's name.
pub fn container_args(task_name: &str) -> Vec<String> {
    [
        "execute",
        "--inputs",
        "{{.input}}",
        "--output-prefix",
        "{{.outputPrefix}}",
        "--raw-output-data-prefix",
        "{{.rawOutputDataPrefix}}",
        "--checkpoint-path",
        "{{.checkpointOutputPrefix}}",
        "--prev-checkpoint",
        "{{.prevCheckpointPrefix}}",
        "--",
        task_name,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn resource_name(resource: Resource) -> resources::ResourceName {
    match resource {
        Resource::Cpu => resources::ResourceName::Cpu,
        Resource::Memory => resources::ResourceName::Memory,
        Resource::Gpu => resources::ResourceName::Gpu,
        Resource::EphemeralStorage => resources::ResourceName::EphemeralStorage,
    }
}

fn resource_entries(entries: &[(Resource, &str)]) -> Vec<resources::ResourceEntry> {
    entries
        .iter()
        .map(|(resource, value)| resources::ResourceEntry {
            name: resource_name(*resource) as i32,
            value: value.to_string(),
        })
        .collect()
}

/// Shared memory at `/dev/shm` of at most `size_limit` (empty: no limit), as flytekit mounts it.
pub fn shared_memory(size_limit: &str) -> SharedMemory {
    SharedMemory {
        mount_path: SHARED_MEMORY_PATH.to_string(),
        mount_name: SHARED_MEMORY_NAME.to_string(),
        size_limit: size_limit.to_string(),
    }
}

/// The TaskTemplate of a registered task.
pub fn task_template(entry: &TaskEntry, settings: &SerializationSettings) -> TaskTemplate {
    let config = &entry.config;
    let name = entry.name();
    let cache = config.cache;
    let metadata = TaskMetadata {
        discoverable: cache.is_some(),
        runtime: Some(RuntimeMetadata {
            r#type: runtime_metadata::RuntimeType::FlyteSdk as i32,
            version: env!("CARGO_PKG_VERSION").to_string(),
            flavor: "rust".to_string(),
        }),
        timeout: config.timeout.map(|t| prost_types::Duration {
            seconds: t.as_secs() as i64,
            nanos: t.subsec_nanos() as i32,
        }),
        retries: Some(RetryStrategy {
            retries: config.retries,
        }),
        discovery_version: cache.map(|c| c.version.to_string()).unwrap_or_default(),
        deprecated_error_message: config.deprecated.unwrap_or_default().to_string(),
        interruptible_value: config
            .interruptible
            .map(task_metadata::InterruptibleValue::Interruptible),
        cache_serializable: cache.is_some_and(|c| c.serialize),
        pod_template_name: config.pod_template_name.unwrap_or_default().to_string(),
        cache_ignore_input_vars: cache
            .map(|c| c.ignored_inputs.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
        generates_deck: Some(config.enable_deck),
        metadata: Some(K8sObjectMetadata::default()),
        ..Default::default()
    };

    let image = match config.container_image {
        Some(image) => settings
            .images
            .get(image)
            .cloned()
            .unwrap_or_else(|| image.to_string()),
        None => settings.image.clone(),
    };
    let resources = (!config.requests.is_empty() || !config.limits.is_empty()).then(|| Resources {
        requests: resource_entries(config.requests),
        limits: resource_entries(config.limits),
    });
    let mut env: Vec<KeyValuePair> = config
        .environment
        .iter()
        .map(|(k, v)| KeyValuePair {
            key: k.to_string(),
            value: v.to_string(),
        })
        .collect();
    if entry.is_dynamic() {
        // What its container needs to write the task templates of its sub-workflow, as
        // flytekit passes it to a `@dynamic` (see `super::dynamic`).
        env.push(KeyValuePair {
            key: super::dynamic::SERIALIZED_CONTEXT_ENV.to_string(),
            value: super::dynamic::serialized_context(settings),
        });
    }
    let container = Container {
        image,
        command: vec![settings.entrypoint.clone()],
        args: container_args(&name),
        resources,
        env,
        ..Default::default()
    };

    let security_context = (!config.secrets.is_empty()).then(|| SecurityContext {
        secrets: config
            .secrets
            .iter()
            .map(|s| Secret {
                group: s.group.to_string(),
                group_version: s.group_version.unwrap_or_default().to_string(),
                key: s.key.unwrap_or_default().to_string(),
                mount_requirement: match s.mount {
                    SecretMount::Any => secret::MountType::Any,
                    SecretMount::EnvVar => secret::MountType::EnvVar,
                    SecretMount::File => secret::MountType::File,
                } as i32,
                env_var: s.env_var.unwrap_or_default().to_string(),
            })
            .collect(),
        ..Default::default()
    });

    let gpu_accelerator = config.accelerator.map(|a| GpuAccelerator {
        device: a.device.to_string(),
        partition_size_value: match (a.partition_size, a.unpartitioned) {
            (Some(size), _) => Some(gpu_accelerator::PartitionSizeValue::PartitionSize(
                size.to_string(),
            )),
            (None, true) => Some(gpu_accelerator::PartitionSizeValue::Unpartitioned(true)),
            (None, false) => None,
        },
    });
    let shared_memory = config
        .shared_memory
        .map(|size| shared_memory(size.unwrap_or_default()));
    let extended_resources =
        (gpu_accelerator.is_some() || shared_memory.is_some()).then_some(ExtendedResources {
            gpu_accelerator,
            shared_memory,
        });

    let mut template = TaskTemplate {
        id: Some(settings.identifier(ResourceType::Task, &name)),
        r#type: config.task_type.unwrap_or(DEFAULT_TASK_TYPE).to_string(),
        metadata: Some(metadata),
        interface: Some(entry.interface()),
        target: Some(task_template::Target::Container(container)),
        security_context,
        extended_resources,
        ..Default::default()
    };
    if let Some(raw) = &config.raw_container {
        crate::container::apply_raw_container(&mut template, raw);
    }
    template
}

/// The admin TaskSpec (`NN_<name>_1.pb`): the template plus the doc comment as description.
pub fn task_spec(entry: &TaskEntry, settings: &SerializationSettings) -> admin::TaskSpec {
    admin::TaskSpec {
        template: Some(task_template(entry, settings)),
        description: Some(super::workflow::description(
            entry.short_description,
            entry.long_description,
            entry.config.source_code.unwrap_or_default(),
        )),
    }
}
