//! The task context: what a running task can know about its execution.
//!
//! The runtime builds a [`TaskContext`] for every task execution (from the `FLYTE_INTERNAL_*`
//! environment on a cluster, from the local executor otherwise) and makes it current while the
//! task's code runs, for sync tasks on their thread and for async tasks on every poll of their
//! future ([`WithContext`]), so [`current_context`] works the same in both. Core stays free of
//! tokio: the scoping is a thread-local swapped around each call or poll.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

/// Identifies a workflow execution (`FLYTE_INTERNAL_EXECUTION_*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecutionId {
    /// Project of the execution.
    pub project: String,
    /// Domain of the execution.
    pub domain: String,
    /// Name of the execution.
    pub name: String,
}

/// Identifies the running task (`FLYTE_INTERNAL_TASK_*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskId {
    /// Project the task is registered in.
    pub project: String,
    /// Domain the task is registered in.
    pub domain: String,
    /// The task's name.
    pub name: String,
    /// The registered version.
    pub version: String,
}

/// What a running task can know about its execution (flytekit's `ExecutionParameters`). Get it
/// with [`current_context`].
///
/// Where each field comes from:
///
/// | field | in the container (`execute`) | in a local run |
/// |---|---|---|
/// | `execution_id` | `FLYTE_INTERNAL_EXECUTION_{PROJECT,DOMAIN,ID}` | name `local` |
/// | `workflow_name` | `FLYTE_INTERNAL_EXECUTION_WORKFLOW` | empty |
/// | `task_id` | `FLYTE_INTERNAL_TASK_{PROJECT,DOMAIN,NAME,VERSION}` | the task's name |
/// | `node_id` | the node segment of `FLYTE_EXECUTION_URL`, when set | the node's id path (`n0`, `n1-n0`) |
/// | `attempt` | `FLYTE_ATTEMPT_NUMBER` | the executor's attempt number |
/// | `execution_date` | when `execute` started the task (UTC), as flytekit | when the attempt started |
/// | `working_dir` | a fresh private dir in the temp dir | a fresh private dir per attempt, in the run's private dir, made when the task first reads its context |
/// | `raw_output_prefix` | `--raw-output-data-prefix` (`{{.rawOutputDataPrefix}}`) | `raw` in the working dir |
/// | `output_metadata_prefix` | `--output-prefix` (`{{.outputPrefix}}`) | `None` (in process) |
/// | `checkpoint_path`, `prev_checkpoint` | `--checkpoint-path`, `--prev-checkpoint` | per-attempt folders of the run |
/// | `array_index` | `FLYTE_K8S_ARRAY_INDEX` (+ offset) | the element's index |
/// | `execution_url` | `FLYTE_EXECUTION_URL` | `None` |
/// | `decks` | written to `<output prefix>/deck.html` | written to the working dir, path printed |
///
/// Logging: the runtime runs every attempt inside a `tracing` span `task` with the task's name,
/// node and attempt, so `tracing::info!` in a task carries them (set `RUST_LOG` to see them).
#[derive(Debug, Clone, Default)]
pub struct TaskContext {
    /// The workflow execution this task runs in.
    pub execution_id: ExecutionId,
    /// The workflow the execution runs, when the backend says (empty for a task run alone).
    pub workflow_name: String,
    /// The task itself.
    pub task_id: TaskId,
    /// The node running the task, when known.
    pub node_id: String,
    /// The attempt number, from 0 (the first try).
    pub attempt: u32,
    /// When this attempt started, in UTC (flytekit's `execution_date`).
    pub execution_date: chrono::DateTime<chrono::Utc>,
    /// Where `outputs.pb` / `error.pb` of this attempt go, in the container.
    pub output_metadata_prefix: Option<String>,
    /// The execution's page in the Flyte console, when the backend sets `FLYTE_EXECUTION_URL`.
    pub execution_url: Option<String>,
    /// A scratch directory of this attempt: locally and under `execute`, a fresh private one
    /// for every attempt (and every map element running at the same time), so a file written
    /// here and returned as an output is never another run's.
    pub working_dir: PathBuf,
    /// Where the task's large outputs (files, directories) go: unique per attempt.
    pub raw_output_prefix: String,
    /// Where this attempt writes its checkpoint, if checkpointing is available.
    pub checkpoint_path: Option<String>,
    /// The previous attempt's checkpoint, if there was one.
    pub prev_checkpoint: Option<String>,
    /// Index of this element when the task runs as part of a map task.
    pub array_index: Option<usize>,
    /// The decks this attempt added (see [`TaskContext::deck`]).
    pub decks: crate::deck::Decks,
    /// For the runtime: `working_dir` is made when the task first reads its context, not
    /// before (see [`DirOnFirstRead`]).
    #[doc(hidden)]
    pub make_working_dir: Option<Arc<DirOnFirstRead>>,
}

/// For the runtime: a working dir that is made when the task first reads its context.
///
/// Most tasks never look at their working dir, and making one costs a `mkdir` (0.1 ms or more
/// on a busy disk), more than a small task's own work; a map of many async elements running at
/// once needs one per element. The path is reserved inside a private (0700) dir of the run, so
/// no one else can make it first.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct DirOnFirstRead {
    made: OnceLock<()>,
}

impl DirOnFirstRead {
    /// Whether the dir was made (the task read its context).
    pub fn is_made(&self) -> bool {
        self.made.get().is_some()
    }

    /// Makes `dir` (mode 0700) unless it was already made.
    pub fn try_make(&self, dir: &std::path::Path) -> std::io::Result<()> {
        if self.is_made() {
            return Ok(());
        }
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        match builder.create(dir) {
            Err(err) if err.kind() != std::io::ErrorKind::AlreadyExists => Err(err),
            _ => {
                let _ = self.made.set(());
                Ok(())
            }
        }
    }

    /// [`try_make`](Self::try_make), for a task reading its context.
    ///
    /// # Panics
    /// When the dir cannot be made: the task would fail at its first write there anyway, and
    /// the panic (caught as the task's error) says why.
    fn make(&self, dir: &std::path::Path) {
        if let Err(err) = self.try_make(dir) {
            panic!(
                "cannot make the task's working dir `{}`: {err}",
                dir.display()
            );
        }
    }
}

/// Makes the working dir of `context` if it is made on first read.
fn on_read(context: Arc<TaskContext>) -> Arc<TaskContext> {
    if let Some(lazy) = &context.make_working_dir {
        lazy.make(&context.working_dir);
    }
    context
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<TaskContext>>> = const { RefCell::new(None) };
    /// How often the context was read on this thread (see [`context_reads`]).
    static READS: Cell<u64> = const { Cell::new(0) };
}

fn count_read() {
    READS.with(|reads| reads.set(reads.get().wrapping_add(1)));
}

/// How many times [`current_context`] or [`try_current_context`] ran on this thread so far.
///
/// For the runtime: a task that did not read its context between two calls cannot know its
/// working dir (a fresh, randomly named private dir), so the runtime knows the dir is as it
/// left it without listing it.
#[doc(hidden)]
pub fn context_reads() -> u64 {
    READS.with(Cell::get)
}

/// The context of the task running on this thread; outside a task, a context for a plain local
/// call (attempt 0, the system temp dir, empty ids).
///
/// ```
/// use flytekit_core::context::current_context;
///
/// let ctx = current_context();
/// assert_eq!(ctx.attempt, 0);
/// ```
pub fn current_context() -> Arc<TaskContext> {
    count_read();
    CURRENT
        .with(|current| current.borrow().clone())
        .map(on_read)
        .unwrap_or_else(|| {
            static LOCAL: OnceLock<Arc<TaskContext>> = OnceLock::new();
            LOCAL
                .get_or_init(|| {
                    let working_dir = std::env::temp_dir();
                    Arc::new(TaskContext {
                        raw_output_prefix: working_dir.join("flytekit-raw").display().to_string(),
                        working_dir,
                        ..Default::default()
                    })
                })
                .clone()
        })
}

/// The context of the task running on this thread, or `None` outside a task.
pub fn try_current_context() -> Option<Arc<TaskContext>> {
    count_read();
    CURRENT
        .with(|current| current.borrow().clone())
        .map(on_read)
}

/// Runs `f` with `context` as the current task context.
pub fn with_context<R>(context: Arc<TaskContext>, f: impl FnOnce() -> R) -> R {
    let previous = CURRENT.with(|current| current.replace(Some(context)));
    // Restore on the way out, even if `f` panics, so a caught panic does not leak the context.
    struct Restore(Option<Arc<TaskContext>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|current| *current.borrow_mut() = previous);
        }
    }
    let _restore = Restore(previous);
    f()
}

/// A future that runs with a task context current during every poll.
pub struct WithContext<F> {
    context: Arc<TaskContext>,
    future: Pin<Box<F>>,
}

impl<F> WithContext<F> {
    /// Wraps `future` so that `context` is current while it runs.
    pub fn new(context: Arc<TaskContext>, future: F) -> Self {
        WithContext {
            context,
            future: Box::pin(future),
        }
    }
}

impl<F: Future> Future for WithContext<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let context = this.context.clone();
        with_context(context, || this.future.as_mut().poll(cx))
    }
}

/// A secret could not be found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("secret `{group}/{key}` not found: looked for environment variable{} {} and file `{file}`", if env_vars.len() > 1 { "s" } else { "" }, env_vars.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "))]
pub struct SecretNotFound {
    /// The secret's group.
    pub group: String,
    /// The secret's key.
    pub key: String,
    /// The environment variables tried, in order.
    pub env_vars: Vec<String>,
    /// The file tried.
    pub file: String,
}

impl TaskContext {
    /// The deck called `name` of this attempt, created on first use; what is added to it is
    /// written as `deck.html` when the task has `#[task(enable_deck)]` (see [`crate::deck`]).
    pub fn deck(&self, name: &str) -> crate::deck::Deck {
        crate::deck::Deck::new(name, self.decks.clone())
    }

    /// This attempt's checkpoint: what it saves, the next attempt restores (see
    /// [`Checkpoint`](crate::checkpoint::Checkpoint)).
    pub fn checkpoint(&self) -> crate::checkpoint::Checkpoint {
        crate::checkpoint::Checkpoint::new(
            self.checkpoint_path.clone(),
            self.prev_checkpoint.clone(),
            &self.working_dir,
        )
    }

    /// Reads a secret the task requested with `secret_requests`, the way flytekit does: first the
    /// environment variable `<prefix><GROUP>[_<VERSION>]_<KEY>` (prefix `FLYTE_SECRETS_ENV_PREFIX`,
    /// default `_FSEC_`), then the file `<dir>/<group>/[<version>/]<file prefix><key>` (dir
    /// `FLYTE_SECRETS_DEFAULT_DIR`, default `/etc/secrets`), then, for local runs, the variable
    /// without prefix (`DB_PASSWORD` for group `db`, key `password`).
    pub fn secret(&self, group: &str, key: &str) -> Result<String, SecretNotFound> {
        self.secret_version(group, None, key)
    }

    /// Like [`TaskContext::secret`], for a secret with a group version.
    pub fn secret_version(
        &self,
        group: &str,
        version: Option<&str>,
        key: &str,
    ) -> Result<String, SecretNotFound> {
        let env = |name: &str| std::env::var(name).ok();
        let prefix = env("FLYTE_SECRETS_ENV_PREFIX").unwrap_or_else(|| "_FSEC_".to_string());
        let mut name = group.to_string();
        if let Some(version) = version {
            name = format!("{name}_{version}");
        }
        let name = format!("{name}_{key}").to_uppercase();
        let prefixed = format!("{prefix}{name}");

        let dir = env("FLYTE_SECRETS_DEFAULT_DIR").unwrap_or_else(|| "/etc/secrets".to_string());
        let file_prefix = env("FLYTE_SECRETS_FILE_PREFIX").unwrap_or_default();
        let mut file = PathBuf::from(dir).join(group.to_lowercase());
        if let Some(version) = version {
            file = file.join(version.to_lowercase());
        }
        let file = file.join(format!("{file_prefix}{}", key.to_lowercase()));

        if let Some(value) = env(&prefixed) {
            return Ok(value);
        }
        if let Ok(value) = std::fs::read_to_string(&file) {
            return Ok(value.trim_end_matches('\n').to_string());
        }
        if let Some(value) = env(&name) {
            return Ok(value);
        }
        Err(SecretNotFound {
            group: group.to_string(),
            key: key.to_string(),
            env_vars: vec![prefixed, name],
            file: file.display().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_scoped_to_the_call() {
        let ctx = Arc::new(TaskContext {
            attempt: 2,
            ..Default::default()
        });
        assert_eq!(with_context(ctx, || current_context().attempt), 2);
        assert_eq!(current_context().attempt, 0);
    }

    #[test]
    fn context_is_current_in_every_poll_of_a_future() {
        let ctx = Arc::new(TaskContext {
            attempt: 3,
            ..Default::default()
        });
        let mut future = WithContext::new(ctx, async { current_context().attempt });
        let waker = std::task::Waker::noop();
        let poll = Pin::new(&mut future).poll(&mut Context::from_waker(waker));
        assert_eq!(poll, Poll::Ready(3));
        assert_eq!(current_context().attempt, 0);
    }

    #[test]
    fn secrets_are_looked_up_like_flytekit() {
        let ctx = TaskContext::default();
        // Unique names: tests run in parallel in one process and share the environment.
        std::env::set_var("_FSEC_CTXTEST_TOKEN", "from-env");
        assert_eq!(ctx.secret("ctxtest", "token").unwrap(), "from-env");
        std::env::set_var("CTXTEST2_TOKEN", "local");
        assert_eq!(ctx.secret("ctxtest2", "token").unwrap(), "local");
        let err = ctx.secret("ctxtest3", "token").unwrap_err();
        assert_eq!(
            err.to_string(),
            "secret `ctxtest3/token` not found: looked for environment variables `_FSEC_CTXTEST3_TOKEN`, \
             `CTXTEST3_TOKEN` and file `/etc/secrets/ctxtest3/token`"
        );
    }
}
