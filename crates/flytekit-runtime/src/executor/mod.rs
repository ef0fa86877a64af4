//! The local executor: runs a compiled `WorkflowTemplate` (the very template that would be
//! registered) with the semantics a Flyte cluster gives it.
//!
//! Consumes a [`WorkflowTemplate`], the sub-workflows it references and the input literals;
//! produces the workflow's output literals or an [`ExecutionError`] naming the node that failed
//! and why. Progress is reported as [`NodeEvent`]s to an optional [`ExecutionObserver`].
//!
//! The phases, one file each:
//!
//! - `workflow`: checks the node graph (unknown ids, cycles) and schedules it: a node starts as
//!   soon as every node it depends on is done; failure policy; failure node; outputs.
//! - `bindings`: evaluates a node's input bindings against earlier outputs (`attr_path` too).
//! - `node`: runs one node of any kind: task, sub-workflow, launch plan, branch.
//! - `condition`: evaluates branch conditions.
//! - `dynamic`: a dynamic task node: its body builds a sub-workflow, run inline.
//! - `task`: a task node's attempts: retries, timeouts, the local cache, the CPU bound.
//! - `cache`: the local cache on disk. `hash`: SHA-256 for its keys.
//! - `isolated`: one attempt in a subprocess through the binary's own `execute` entrypoint.
//! - `array`: array nodes (map tasks); `batch`: their elements in time slices when the
//!   sub-node is a sync task, `lanes` when it is an async one; `map_cache`: the cache lookups
//!   and stores of all their elements at once. `gate`: sleep, signal and approve gates.
//! - `events` and `error`: what the executor reports.
//!
//! Sync tasks run on tokio's blocking pool, at most [`ExecutorOptions::max_parallel_sync`] at a
//! time; async tasks are not bounded. Everything else is driven by the future
//! [`Executor::run_workflow`] returns, so dropping it cancels the run (async tasks are aborted,
//! isolated task processes killed; a sync task's thread cannot be stopped and runs to its end).

mod array;
mod batch;
mod bindings;
mod cache;
mod checkpoints;
mod condition;
mod dynamic;
mod error;
mod events;
mod gate;
mod hash;
mod isolated;
mod lanes;
mod map_cache;
mod node;
mod reference;
mod task;
mod workflow;

use std::collections::{BTreeMap, HashMap};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use flytekit_core::task::TaskEntry;
use flytekit_idl::core::{Identifier, Literal, LiteralMap, WorkflowTemplate};
use tokio::sync::Semaphore;

pub use error::{ExecutionError, FailureCause};
pub use events::{DeckPrinter, ExecutionObserver, NodeEvent, NodePhase, ProgressPrinter};

/// How the local cache is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CacheMode {
    /// Reuse cached outputs of cached tasks, and store new ones (the default).
    #[default]
    Use,
    /// Ignore the cache entirely: neither read nor write it (`--no-cache`).
    Bypass,
    /// Run every cached task and replace its cached outputs (`--overwrite-cache`).
    Overwrite,
}

/// A value for a gate node (`approve` or `wait_for_input`), keyed by its signal id.
#[derive(Debug, Clone, PartialEq)]
pub enum GateValue {
    /// A literal, used as it is (an approval must be a boolean).
    Literal(Literal),
    /// Text from a command line (`--signal NAME=VALUE`), parsed against the signal's declared
    /// type when the gate is reached (`yes` / `no` for an approval).
    Text(String),
}

impl From<Literal> for GateValue {
    fn from(literal: Literal) -> Self {
        GateValue::Literal(literal)
    }
}

/// What a launch-plan node runs: the launch plan's workflow and its inputs.
#[derive(Debug, Clone, Default)]
pub struct LaunchPlanTarget {
    /// The launch plan's workflow.
    pub workflow: WorkflowTemplate,
    /// The sub-workflows that workflow references.
    pub sub_workflows: Vec<WorkflowTemplate>,
    /// Inputs the launch plan fixes: they win over what the node binds.
    pub fixed_inputs: LiteralMap,
    /// Defaults of the launch plan: used for inputs the node does not bind.
    pub default_inputs: LiteralMap,
}

/// Finds the launch plan a launch-plan node references (by its identifier).
pub type LaunchPlanResolver = Arc<dyn Fn(&Identifier) -> Option<LaunchPlanTarget> + Send + Sync>;

/// How an [`Executor`] runs things.
#[derive(Clone)]
pub struct ExecutorOptions {
    /// At most this many sync (CPU) tasks run at once; default: the number of cores.
    pub max_parallel_sync: usize,
    /// How the local cache is used.
    pub cache: CacheMode,
    /// Where the local cache lives; default: `$FLYTEKIT_CACHE_DIR`, else the user's cache
    /// directory (`$XDG_CACHE_HOME` or `~/.cache`) + `/flytekit-rs`.
    pub cache_dir: PathBuf,
    /// Run every task attempt as a subprocess of [`ExecutorOptions::executable`] through its
    /// `execute` entrypoint, exactly as a cluster would.
    pub isolated: bool,
    /// The binary isolated mode runs; default: the current executable. It must contain the
    /// same tasks as this process.
    pub executable: Option<PathBuf>,
    /// Values for gate nodes, keyed by signal id.
    pub gate_values: BTreeMap<String, GateValue>,
    /// Ask on the terminal for a gate value that is missing; default: stdin is a terminal.
    pub interactive: bool,
    /// Receives progress events.
    pub observer: Option<Arc<dyn ExecutionObserver>>,
    /// Resolves launch-plan nodes; without it a launch-plan node fails.
    pub launch_plans: Option<LaunchPlanResolver>,
}

impl Default for ExecutorOptions {
    fn default() -> Self {
        ExecutorOptions {
            max_parallel_sync: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cache: CacheMode::Use,
            cache_dir: default_cache_dir(),
            isolated: false,
            executable: None,
            gate_values: BTreeMap::new(),
            interactive: std::io::stdin().is_terminal(),
            observer: None,
            launch_plans: None,
        }
    }
}

impl std::fmt::Debug for ExecutorOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecutorOptions")
            .field("max_parallel_sync", &self.max_parallel_sync)
            .field("cache", &self.cache)
            .field("cache_dir", &self.cache_dir)
            .field("isolated", &self.isolated)
            .field("executable", &self.executable)
            .field("gate_values", &self.gate_values)
            .field("interactive", &self.interactive)
            .field("observer", &self.observer.is_some())
            .field("launch_plans", &self.launch_plans.is_some())
            .finish()
    }
}

/// The default cache directory: `$FLYTEKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/flytekit-rs`, else
/// `~/.cache/flytekit-rs`, else a directory in the system temp dir.
pub fn default_cache_dir() -> PathBuf {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = env("FLYTEKIT_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = env("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("flytekit-rs");
    }
    if let Some(home) = env("HOME").or_else(|| env("USERPROFILE")) {
        return PathBuf::from(home).join(".cache").join("flytekit-rs");
    }
    std::env::temp_dir().join("flytekit-rs-cache")
}

/// Runs workflows and tasks locally. Cheap to clone; clones share the CPU bound and the cache
/// locks.
#[derive(Clone, Debug)]
pub struct Executor {
    inner: Arc<Inner>,
}

/// What every phase of one executor shares.
pub(crate) struct Inner {
    pub(crate) options: ExecutorOptions,
    /// Permits for sync tasks.
    pub(crate) sync_slots: Arc<Semaphore>,
    /// The local cache's packs read so far.
    pub(crate) cache: Arc<cache::LocalCache>,
    /// One lock per cache key, for tasks with `serialize`.
    cache_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Only one gate asks on the terminal at a time.
    pub(crate) prompt: tokio::sync::Mutex<()>,
    /// The checkpoints of this executor's task attempts (see [`Inner::checkpoints`]).
    checkpoints: checkpoints::CheckpointRoot,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Inner {
    /// Reports an event to the observer, if there is one.
    pub(crate) fn emit(&self, node_id: &str, entity: &str, phase: NodePhase) {
        if let Some(observer) = &self.options.observer {
            events::send_event(observer.as_ref(), node_id, entity, phase);
        }
    }

    /// The checkpoint locations of one task node's attempts.
    pub(crate) fn checkpoints(&self, node_path: &str) -> checkpoints::NodeCheckpoints {
        self.checkpoints.node(node_path)
    }

    /// The lock that serializes runs with this cache key.
    pub(crate) fn cache_lock(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.cache_locks.lock().unwrap_or_else(|e| e.into_inner());
        locks.entry(key.to_string()).or_default().clone()
    }
}

impl Executor {
    /// An executor with these options.
    pub fn new(options: ExecutorOptions) -> Self {
        let slots = options.max_parallel_sync.max(1);
        Executor {
            inner: Arc::new(Inner {
                options,
                sync_slots: Arc::new(Semaphore::new(slots)),
                cache: Arc::default(),
                cache_locks: Mutex::new(HashMap::new()),
                prompt: tokio::sync::Mutex::new(()),
                checkpoints: checkpoints::CheckpointRoot::default(),
            }),
        }
    }

    /// The options this executor was made with.
    pub fn options(&self) -> &ExecutorOptions {
        &self.inner.options
    }

    /// Runs `workflow` on `inputs` and returns its outputs. `sub_workflows` holds every
    /// workflow its sub-workflow nodes reference (found by `id.name`), like
    /// `WorkflowSpec.sub_workflows`.
    pub async fn run_workflow(
        &self,
        workflow: &WorkflowTemplate,
        sub_workflows: &[WorkflowTemplate],
        inputs: LiteralMap,
    ) -> Result<LiteralMap, ExecutionError> {
        let _run = crate::local::RunGuard::new();
        let name = workflow.id.as_ref().map_or("", |id| id.name.as_str());
        let frame = workflow::Frame::top(sub_workflows, name);
        workflow::run_workflow(&self.inner, frame, workflow, inputs).await
    }

    /// Runs one task as node `n0`, with its retries, timeout and cache.
    pub async fn run_task(
        &self,
        entry: &'static TaskEntry,
        inputs: LiteralMap,
    ) -> Result<LiteralMap, ExecutionError> {
        let _run = crate::local::RunGuard::new();
        let path = "n0";
        let entity = entry.name();
        let started = std::time::Instant::now();
        self.inner.emit(path, &entity, NodePhase::Started);
        let result =
            task::run_task_node(&self.inner, path, &entity, entry, None, inputs, None).await;
        match result {
            Ok((outputs, cached)) => {
                self.inner.emit(
                    path,
                    &entity,
                    NodePhase::Succeeded {
                        cached,
                        elapsed: started.elapsed(),
                    },
                );
                Ok(outputs)
            }
            Err(error) => {
                self.inner.emit(
                    path,
                    &entity,
                    NodePhase::Failed {
                        error: error.clone(),
                        elapsed: started.elapsed(),
                    },
                );
                Err(error)
            }
        }
    }
}

#[cfg(test)]
mod tests;
