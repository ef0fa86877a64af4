//! What `#[task]` generates against: the static description of a task ([`TaskEntry`]), its
//! options ([`TaskConfig`]), and the typed handle ([`Task`]) workflows use to call it.
//!
//! `#[task]` builds its `TaskEntry` in code, on first use ([`TaskEntry::built_once`]), and
//! registers in a linker section ([`FLYTEKIT_TASKS`]) only the task's name key and the function
//! that builds it ([`TaskRegistration`]). A description kept in a `static` instead would be
//! data full of pointers, which the loader of a position-independent binary writes at every
//! start, for every task linked in: at 10,000 tasks, 18 MiB and 2.4x the start time of a
//! 10-task binary (issue 23). Literal types and defaults are built only when asked for
//! (`interface`, `defaults`).

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use flytekit_idl::core::{Literal, LiteralMap, TypedInterface};

use crate::error::TaskError;
use crate::glue::VariableSpec;
use crate::run_sync::RunSync;
use crate::types::TypeError;

/// The default literals of an entity's inputs (those declared with `#[default(...)]`).
pub type DefaultsFn = fn() -> Result<BTreeMap<String, Literal>, TypeError>;

/// A boxed future returning a task's outputs.
pub type TaskFuture = Pin<Box<dyn Future<Output = Result<LiteralMap, TaskError>> + Send>>;

/// A task's code on a map of input literals, as written by hand (tests, container tasks):
/// see [`TaskFn::Sync`].
pub type LiteralFn = fn(&LiteralMap) -> Result<LiteralMap, TaskError>;

/// How to run a task's code on a map of input literals.
#[derive(Clone, Copy)]
pub enum TaskFn {
    /// A plain `fn`: the runtime runs it on a blocking thread (it may be CPU-bound).
    /// `#[task]` gives a [`SyncTask`](crate::run_sync::SyncTask), whose code is shared by every
    /// task of the same signature; a hand-written [`LiteralFn`] works too
    /// (`TaskFn::Sync(&(run as LiteralFn))`).
    Sync(&'static dyn RunSync),
    /// An `async fn`: the runtime awaits it (and can cancel it at its timeout).
    Async(fn(LiteralMap) -> TaskFuture),
    /// A `#[dynamic]` function: given its inputs it builds a sub-workflow, which the runtime
    /// runs (locally) or hands to Flyte as `futures.pb` (in a container). See
    /// [`crate::workflow::dynamic`].
    Dynamic(DynamicFn),
}

/// The code of a `#[dynamic]` task: builds its sub-workflow from the input literals (on a
/// blocking thread, like a sync task).
pub type DynamicFn = fn(&LiteralMap) -> Result<crate::workflow::CompiledWorkflow, TaskError>;

impl std::fmt::Debug for TaskFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TaskFn::Sync(_) => "TaskFn::Sync",
            TaskFn::Async(_) => "TaskFn::Async",
            TaskFn::Dynamic(_) => "TaskFn::Dynamic",
        })
    }
}

/// Cache settings of a task (`cache(...)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheConfig {
    /// The cache version; bump it to invalidate cached outputs. Derived from a hash of the
    /// function's tokens when not given.
    pub version: &'static str,
    /// Serialise identical concurrent executions: one runs, the others wait for its outputs.
    pub serialize: bool,
    /// Inputs left out of the cache key.
    pub ignored_inputs: &'static [&'static str],
}

/// A Kubernetes resource a task requests or is limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// CPU cores (`"500m"`, `"2"`).
    Cpu,
    /// Memory (`"1Gi"`).
    Memory,
    /// GPUs (whole numbers).
    Gpu,
    /// Ephemeral storage (`"10Gi"`).
    EphemeralStorage,
}

/// Where a secret is mounted in the task's container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretMount {
    /// Wherever the platform prefers.
    Any,
    /// As an environment variable.
    EnvVar,
    /// As a file.
    File,
}

/// A secret the task needs (`secret_requests(secret(...))`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretRequest {
    /// The secret's group (required).
    pub group: &'static str,
    /// The secret's key within the group.
    pub key: Option<&'static str>,
    /// The group's version.
    pub group_version: Option<&'static str>,
    /// How it is mounted.
    pub mount: SecretMount,
    /// A custom environment variable name for it.
    pub env_var: Option<&'static str>,
}

/// The accelerator (GPU model) a task runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accelerator {
    /// The device, such as `nvidia-tesla-t4`.
    pub device: &'static str,
    /// A partition size (`"1g.5gb"`), if the GPU is partitioned.
    pub partition_size: Option<&'static str>,
    /// Explicitly ask for an unpartitioned GPU.
    pub unpartitioned: bool,
}

/// Every option of a task, as `#[task(...)]` gave it (checked at compile time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskConfig {
    /// `name`: overrides the entity name.
    pub name: Option<&'static str>,
    /// `task_type`: the Flyte task type (plugin); `container` by default.
    pub task_type: Option<&'static str>,
    /// `retries`: how often a recoverable failure is retried.
    pub retries: u32,
    /// `timeout`: how long one attempt may run.
    pub timeout: Option<Duration>,
    /// `interruptible`: may run on preemptible machines.
    pub interruptible: Option<bool>,
    /// `deprecated`: a message shown to users of the task.
    pub deprecated: Option<&'static str>,
    /// `cache`.
    pub cache: Option<CacheConfig>,
    /// `container_image`: the image (or the name of an image given to `package --image`).
    pub container_image: Option<&'static str>,
    /// `environment`.
    pub environment: &'static [(&'static str, &'static str)],
    /// `requests`.
    pub requests: &'static [(Resource, &'static str)],
    /// `limits`.
    pub limits: &'static [(Resource, &'static str)],
    /// `secret_requests`.
    pub secrets: &'static [SecretRequest],
    /// `accelerator`.
    pub accelerator: Option<Accelerator>,
    /// `shared_memory`: `Some(None)` for a shared-memory volume without a size limit.
    pub shared_memory: Option<Option<&'static str>>,
    /// `pod_template_name`.
    pub pod_template_name: Option<&'static str>,
    /// `enable_deck`: the task writes a deck (`deck.html`), and says so in its metadata.
    pub enable_deck: bool,
    /// `source_code = "..."`: a link to the task's source, shown by the Flyte console
    /// (flytekit's `Documentation(source_code=SourceCode(link=...))`).
    pub source_code: Option<&'static str>,
    /// `#[container_task]`: the task runs this command in its image instead of this binary.
    pub raw_container: Option<crate::container::RawContainer>,
}

impl TaskConfig {
    /// No options set: what `#[task]` alone gives.
    pub const DEFAULT: TaskConfig = TaskConfig {
        name: None,
        task_type: None,
        retries: 0,
        timeout: None,
        interruptible: None,
        deprecated: None,
        cache: None,
        container_image: None,
        environment: &[],
        requests: &[],
        limits: &[],
        secrets: &[],
        accelerator: None,
        shared_memory: None,
        pod_template_name: None,
        enable_deck: false,
        source_code: None,
        raw_container: None,
    };
}

/// Where `#[task]` keeps its entry once built ([`TaskEntry::built_once`]). Empty, it is one
/// null pointer: zero bytes, which the binary does not even store (a `OnceLock` starts
/// non-zero, so 10,000 of them made 5 MB of data that the start-up wrote pages of).
pub type TaskEntryCell = once_cell::race::OnceBox<TaskEntry>;

/// The static description of one task: what `#[task]` registers.
#[derive(Debug)]
pub struct TaskEntry {
    /// `module_path!()` where the task is defined.
    pub module_path: &'static str,
    /// The Rust function's name.
    pub fn_name: &'static str,
    /// The source file, for messages about duplicate names.
    pub file: &'static str,
    /// The source line.
    pub line: u32,
    /// The options.
    pub config: TaskConfig,
    /// First paragraph of the doc comment.
    pub short_description: &'static str,
    /// The rest of the doc comment, without its `# Arguments` and `# Returns` sections.
    pub long_description: &'static str,
    /// The inputs, in parameter order (their types are built when asked for).
    pub inputs: &'static [VariableSpec],
    /// The outputs, in order.
    pub outputs: &'static [VariableSpec],
    /// Literals of the inputs that have a default (`#[default(...)]`); `None` when none has.
    pub defaults: Option<DefaultsFn>,
    /// The task's code.
    pub run: TaskFn,
}

impl TaskEntry {
    /// The entity name: `name = "..."` if given, else `<crate>.<module path>.<fn>` with `::`
    /// turned into `.` (flytekit's `module.function` shape).
    pub fn name(&self) -> String {
        match self.config.name {
            Some(name) => name.to_string(),
            None => format!("{}.{}", self.module_path.replace("::", "."), self.fn_name),
        }
    }

    /// Whether [`name`](Self::name) is `name`, without building it.
    pub fn has_name(&self, name: &str) -> bool {
        match self.config.name {
            Some(own) => own == name,
            None => name
                .strip_suffix(self.fn_name)
                .and_then(|module| module.strip_suffix('.'))
                // Module segments never hold a `.`, so comparing segments is comparing
                // `module_path` with `::` replaced.
                .is_some_and(|module| module.split('.').eq(self.module_path.split("::"))),
        }
    }

    /// Where the task is defined, as `file:line`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// The typed interface (inputs with descriptions, outputs).
    pub fn interface(&self) -> TypedInterface {
        crate::glue::interface_of(self.inputs, self.outputs)
    }

    /// Literals of the inputs that have a default.
    pub fn defaults(&self) -> Result<BTreeMap<String, Literal>, TypeError> {
        match self.defaults {
            Some(defaults) => defaults(),
            None => Ok(BTreeMap::new()),
        }
    }

    /// Runs the task's code on `inputs` if it is sync; `None` for an async or dynamic task.
    pub fn run_sync(&self, inputs: &LiteralMap) -> Option<Result<LiteralMap, TaskError>> {
        match self.run {
            TaskFn::Sync(run) => Some(run.run(self, inputs)),
            TaskFn::Async(_) | TaskFn::Dynamic(_) => None,
        }
    }

    /// Whether this is a `#[dynamic]` task.
    pub fn is_dynamic(&self) -> bool {
        matches!(self.run, TaskFn::Dynamic(_))
    }

    /// The entry `build` makes, made on the first call and kept in `cell`: what
    /// `Task::entry` of a `#[task]` returns. Taking `build` as a plain `fn` keeps the cell's
    /// code compiled once here, not once per task. Two threads asking first may both build;
    /// one entry is kept, and the other's lists stay allocated.
    pub fn built_once(cell: &'static TaskEntryCell, build: fn() -> TaskEntry) -> &'static Self {
        cell.get_or_init(|| Box::new(build()))
    }
}

/// A task as a type: the handle workflows use to call it with type-checked inputs.
///
/// `#[task] fn add(a: i64, b: i64) -> i64` also defines a (hidden) type `add` implementing
/// `Task<Inputs = (i64, i64), Outputs = i64>`.
pub trait Task {
    /// The input types, as a tuple in parameter order.
    type Inputs;
    /// The output type: the function's return type without `Result`.
    type Outputs;
    /// The registered description.
    fn entry() -> &'static TaskEntry;
}

/// Registration record that `#[task]` adds to [`FLYTEKIT_TASKS`]: the key of the task's entity
/// name ([`crate::entity_key`]) and the function that returns its entry.
///
/// A task written out by hand registers as `#[task]` does:
///
/// ```
/// use flytekit_core::linkme::distributed_slice;
/// use flytekit_core::task::{LiteralFn, TaskConfig, TaskEntry, TaskFn, TaskRegistration};
/// use flytekit_core::task::FLYTEKIT_TASKS;
/// use flytekit_idl::core::LiteralMap;
///
/// fn echo(inputs: &LiteralMap) -> Result<LiteralMap, flytekit_core::TaskError> {
///     Ok(inputs.clone())
/// }
///
/// static ECHO: TaskEntry = TaskEntry {
///     module_path: "my_crate",
///     fn_name: "echo",
///     file: file!(),
///     line: line!(),
///     config: TaskConfig::DEFAULT,
///     short_description: "",
///     long_description: "",
///     inputs: &[],
///     outputs: &[],
///     defaults: None,
///     run: TaskFn::Sync(&(echo as LiteralFn)),
/// };
///
/// #[distributed_slice(FLYTEKIT_TASKS)]
/// #[linkme(crate = flytekit_core::linkme)]
/// static ECHO_REGISTRATION: TaskRegistration =
///     TaskRegistration::new("my_crate", "echo", None, || &ECHO);
///
/// assert!(flytekit_core::registry::task("my_crate.echo").is_some());
/// ```
pub struct TaskRegistration {
    key: u64,
    entry: fn() -> &'static TaskEntry,
}

impl TaskRegistration {
    /// The registration of the task defined as `fn_name` in `module_path`, named `name` when it
    /// has a `name = "..."`; `entry` returns its [`TaskEntry`], whose names must be these.
    pub const fn new(
        module_path: &str,
        fn_name: &str,
        name: Option<&str>,
        entry: fn() -> &'static TaskEntry,
    ) -> Self {
        TaskRegistration {
            key: crate::entity_key::of_entity(module_path, fn_name, name),
            entry,
        }
    }

    /// The task's entry (built on the first call, for a `#[task]`).
    pub fn entry(&self) -> &'static TaskEntry {
        (self.entry)()
    }

    /// Whether the task may be named `name`, given [`entity_key::of_name`] of it: false means
    /// it is not, true that its entry has to be asked.
    ///
    /// [`entity_key::of_name`]: crate::entity_key::of_name
    pub fn may_be_named(&self, name_key: u64) -> bool {
        self.key == name_key
    }
}

/// Every task linked into the binary, gathered by the linker into one section (`linkme`).
///
/// Unlike an `inventory` submission, a registration here is plain data: there is no constructor
/// to run before `main` and no list node to write, so what a container's start touches does not
/// grow with the number of tasks linked in (issue 23). The order is the linker's.
#[linkme::distributed_slice]
pub static FLYTEKIT_TASKS: [TaskRegistration];
