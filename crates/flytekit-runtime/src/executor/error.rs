//! [`ExecutionError`]: which node failed, running what, and why.
//!
//! Produced by every phase of the executor; consumed by callers (the CLI prints it) and by the
//! failure node, which receives it as a Flyte `Error` literal.

use std::fmt;

use flytekit_core::TaskError;

/// Why a node (or the workflow) failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureCause {
    /// The task failed (after its retries): its error, with code and recoverability.
    Task(TaskError),
    /// A rule of workflow execution failed the node: a branch matched no case, an approval was
    /// refused, too many elements of a map failed, a gate value is missing, ...
    Rule(String),
    /// The template cannot be executed: unknown node ids, cycles, missing sub-workflows or
    /// tasks, bindings to outputs that do not exist, ...
    Malformed(String),
}

impl fmt::Display for FailureCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureCause::Task(error) => write!(f, "{error}"),
            FailureCause::Rule(message) | FailureCause::Malformed(message) => f.write_str(message),
        }
    }
}

/// A failed execution: the node that failed (its id path, such as `n3-n0` for node `n0` inside
/// branch or sub-workflow node `n3`; empty for the workflow itself), what it ran (a task or
/// workflow name, `branch`, ...) and the cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionError {
    /// The failed node's id path; empty when the failure belongs to the workflow as a whole.
    pub node_id: String,
    /// What the node runs (task, workflow or launch plan name, `branch ...`, `gate ...`), or
    /// the workflow's name for workflow-level failures.
    pub entity: String,
    /// Why it failed.
    pub cause: FailureCause,
}

impl ExecutionError {
    /// A failure of node `node_id` running `entity`.
    pub fn new(node_id: impl Into<String>, entity: impl Into<String>, cause: FailureCause) -> Self {
        ExecutionError {
            node_id: node_id.into(),
            entity: entity.into(),
            cause,
        }
    }

    pub(crate) fn task(node_id: &str, entity: impl Into<String>, error: TaskError) -> Self {
        Self::new(node_id, entity, FailureCause::Task(error))
    }

    pub(crate) fn rule(
        node_id: &str,
        entity: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(node_id, entity, FailureCause::Rule(message.into()))
    }

    pub(crate) fn malformed(
        node_id: &str,
        entity: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(node_id, entity, FailureCause::Malformed(message.into()))
    }

    /// The task's error, when a task failed.
    pub fn task_error(&self) -> Option<&TaskError> {
        match &self.cause {
            FailureCause::Task(error) => Some(error),
            _ => None,
        }
    }

    /// The error as a [`TaskError`]: the task's own error, or a non-recoverable user error
    /// carrying this error's text for workflow-level causes.
    pub fn into_task_error(self) -> TaskError {
        match self.cause {
            FailureCause::Task(error) => error,
            _ => TaskError::user(self.to_string()).with_code("USER:WorkflowFailed"),
        }
    }

    /// The `Error` literal a failure node receives.
    pub fn to_core_error(&self) -> flytekit_idl::core::Error {
        flytekit_idl::core::Error {
            failed_node_id: self.node_id.clone(),
            message: self.to_string(),
        }
    }
}

impl fmt::Display for ExecutionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = match self.cause {
            FailureCause::Malformed(_) => "is malformed",
            _ => "failed",
        };
        match (self.node_id.is_empty(), self.entity.is_empty()) {
            (true, true) => write!(f, "workflow {verb}: {}", self.cause),
            (true, false) => write!(f, "workflow `{}` {verb}: {}", self.entity, self.cause),
            (false, true) => write!(f, "node `{}` {verb}: {}", self.node_id, self.cause),
            (false, false) => write!(
                f,
                "node `{}` (`{}`) {verb}: {}",
                self.node_id, self.entity, self.cause
            ),
        }
    }
}

impl std::error::Error for ExecutionError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_node_and_the_cause() {
        let err = ExecutionError::task("n3-n0", "m.add", TaskError::user("boom"));
        assert_eq!(
            err.to_string(),
            "node `n3-n0` (`m.add`) failed: USER:RuntimeError: boom"
        );
        let err = ExecutionError::malformed("", "m.wf", "cycle among nodes `n0`, `n1`");
        assert_eq!(
            err.to_string(),
            "workflow `m.wf` is malformed: cycle among nodes `n0`, `n1`"
        );
        assert_eq!(err.clone().into_task_error().message(), err.to_string());
        assert_eq!(err.to_core_error().failed_node_id, "");
    }
}
