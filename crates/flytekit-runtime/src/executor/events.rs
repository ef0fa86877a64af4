//! Progress events: what the executor reports while it runs ([`NodeEvent`]), the trait that
//! receives them ([`ExecutionObserver`]) and a plain-text printer for the CLI
//! ([`ProgressPrinter`]).

use std::io::Write;
use std::time::{Duration, SystemTime};

use flytekit_core::TaskError;

use super::error::ExecutionError;

/// What happened to a node.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum NodePhase {
    /// The node started (its inputs are ready).
    Started,
    /// An attempt of the node's task failed with a recoverable error and the task is tried again.
    Retrying {
        /// The number of the attempt about to start, from 0 like `TaskContext::attempt`
        /// (`1` is the first retry).
        attempt: u32,
        /// Why the previous attempt failed.
        error: TaskError,
    },
    /// The node succeeded.
    Succeeded {
        /// The outputs came from the local cache.
        cached: bool,
        /// How long the node took.
        elapsed: Duration,
    },
    /// The node failed.
    Failed {
        /// Why.
        error: ExecutionError,
        /// How long the node ran.
        elapsed: Duration,
    },
    /// The node never started (an upstream node failed, or the workflow stopped).
    Skipped {
        /// Why.
        reason: String,
    },
    /// The node was running when the workflow stopped after another node failed.
    Aborted,
    /// An attempt of a task with `enable_deck` wrote its deck.
    DeckWritten {
        /// The `deck.html` file.
        path: std::path::PathBuf,
    },
}

/// One progress event.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeEvent {
    /// The node's id path: `n3` at the top level, `n3-n0` for node `n0` inside node `n3`
    /// (branch case, sub-workflow), `n1-4` for element 4 of array node `n1`, `fn0` for the
    /// failure node.
    pub node_id: String,
    /// What the node runs: a task, workflow or launch plan name, `branch ...`, `gate ...`,
    /// `map ...`.
    pub entity: String,
    /// What happened.
    pub phase: NodePhase,
    /// When.
    pub timestamp: SystemTime,
}

/// Sends `observer` one event, stamped now.
pub(crate) fn send_event(
    observer: &dyn ExecutionObserver,
    node_id: &str,
    entity: &str,
    phase: NodePhase,
) {
    observer.event(&NodeEvent {
        node_id: node_id.to_string(),
        entity: entity.to_string(),
        phase,
        timestamp: SystemTime::now(),
    });
}

/// Receives the executor's progress events. Called from the executor's tasks: keep it quick.
pub trait ExecutionObserver: Send + Sync {
    /// One event.
    fn event(&self, event: &NodeEvent);
}

/// An observer that prints one plain line per event to stderr:
/// `[n0] app.add started`, `[n0] app.add succeeded in 12ms (cached)`, `[n1] app.div failed: ...`.
#[derive(Debug, Default, Clone, Copy)]
pub struct ProgressPrinter;

impl ProgressPrinter {
    /// The line printed for an event (without the newline).
    pub fn line(event: &NodeEvent) -> String {
        let head = format!("[{}] {}", event.node_id, event.entity);
        match &event.phase {
            NodePhase::Started => format!("{head} started"),
            NodePhase::Retrying { attempt, error } => {
                format!("{head} retrying (attempt {}): {error}", attempt + 1)
            }
            NodePhase::Succeeded { cached, elapsed } => format!(
                "{head} succeeded in {}{}",
                short_duration(*elapsed),
                if *cached { " (cached)" } else { "" }
            ),
            NodePhase::Failed { error, elapsed } => {
                // A failure that started deeper down keeps its full text (which node, what).
                let why = if error.node_id == event.node_id {
                    error.cause.to_string()
                } else {
                    error.to_string()
                };
                format!("{head} failed after {}: {why}", short_duration(*elapsed))
            }
            NodePhase::Skipped { reason } => format!("{head} skipped: {reason}"),
            NodePhase::Aborted => format!("{head} aborted"),
            NodePhase::DeckWritten { path } => format!("{head} wrote its deck: {}", path.display()),
        }
    }
}

impl ExecutionObserver for ProgressPrinter {
    fn event(&self, event: &NodeEvent) {
        let _ = writeln!(std::io::stderr().lock(), "{}", Self::line(event));
    }
}

/// An observer that prints only where decks were written (the `run` command without progress
/// lines still says where to find them).
#[derive(Debug, Default, Clone, Copy)]
pub struct DeckPrinter;

impl ExecutionObserver for DeckPrinter {
    fn event(&self, event: &NodeEvent) {
        if matches!(event.phase, NodePhase::DeckWritten { .. }) {
            let _ = writeln!(std::io::stderr().lock(), "{}", ProgressPrinter::line(event));
        }
    }
}

/// `12ms`, `1.52s`, `2m 3s`.
pub(crate) fn short_duration(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis < 1000 {
        format!("{millis}ms")
    } else if millis < 60_000 {
        format!("{:.2}s", duration.as_secs_f64())
    } else {
        let secs = duration.as_secs();
        format!("{}m {}s", secs / 60, secs % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(phase: NodePhase) -> NodeEvent {
        NodeEvent {
            node_id: "n0".into(),
            entity: "app.add".into(),
            phase,
            timestamp: SystemTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn lines_are_plain_and_short() {
        assert_eq!(
            ProgressPrinter::line(&event(NodePhase::Started)),
            "[n0] app.add started"
        );
        assert_eq!(
            ProgressPrinter::line(&event(NodePhase::Succeeded {
                cached: true,
                elapsed: Duration::from_millis(12)
            })),
            "[n0] app.add succeeded in 12ms (cached)"
        );
        let error = ExecutionError::task("n0", "app.add", TaskError::user("boom"));
        assert_eq!(
            ProgressPrinter::line(&event(NodePhase::Failed {
                error,
                elapsed: Duration::from_millis(1500)
            })),
            "[n0] app.add failed after 1.50s: USER:RuntimeError: boom"
        );
        assert_eq!(short_duration(Duration::from_secs(123)), "2m 3s");
    }
}
