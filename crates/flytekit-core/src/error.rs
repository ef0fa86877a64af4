//! [`TaskError`]: how a task fails, classified the way Flyte classifies failures.
//!
//! Flyte decides what to do with a failed task from two facts in `error.pb`: whether the error is
//! recoverable (retried while the task's retry budget lasts) and whether it came from the user's
//! code or from the system. flytekit's rules, which this follows:
//!
//! | situation | code | kind | origin |
//! |---|---|---|---|
//! | the task returned an error or panicked | `USER:RuntimeError` | non-recoverable | USER |
//! | the task returned [`TaskError::recoverable`] | `USER:Recoverable` | recoverable | USER |
//! | inputs or outputs could not be converted | `SYSTEM` | non-recoverable | SYSTEM |
//! | anything else unexpected in the entrypoint | `SYSTEM` | recoverable | SYSTEM |

use std::fmt;

use flytekit_idl::core::{container_error, execution_error, ContainerError, ErrorDocument};

/// Whose fault a failure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorOrigin {
    /// The task's own code (or its input data) failed.
    User,
    /// The SDK or the platform failed.
    System,
}

/// A task failure: a message plus how Flyte should treat it.
///
/// Any `std::error::Error` converts into a `TaskError` with `?` (as a non-recoverable user
/// error), so a task can return `Result<T, TaskError>` and use `?` on everything. To ask Flyte
/// to retry, return [`TaskError::recoverable`]:
///
/// ```
/// use flytekit_core::TaskError;
///
/// fn fetch(attempt: u32) -> Result<String, TaskError> {
///     if attempt == 0 {
///         return Err(TaskError::recoverable("upstream service busy, try again"));
///     }
///     let n: i64 = "42".parse()?; // a ParseIntError becomes a user error
///     Ok(n.to_string())
/// }
/// assert!(fetch(0).unwrap_err().is_recoverable());
/// ```
///
/// `TaskError` does not implement `std::error::Error` itself (like `anyhow::Error`), which is
/// what lets every error type convert into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskError {
    code: String,
    message: String,
    recoverable: bool,
    origin: ErrorOrigin,
}

impl TaskError {
    /// A non-recoverable failure of the task's code (`USER:RuntimeError`).
    pub fn user(message: impl Into<String>) -> Self {
        TaskError {
            code: "USER:RuntimeError".into(),
            message: message.into(),
            recoverable: false,
            origin: ErrorOrigin::User,
        }
    }

    /// A failure worth retrying (`USER:Recoverable`): Flyte runs the task again while its
    /// `retries` last.
    pub fn recoverable(message: impl Into<String>) -> Self {
        TaskError {
            code: "USER:Recoverable".into(),
            message: message.into(),
            recoverable: true,
            origin: ErrorOrigin::User,
        }
    }

    /// Inputs or outputs could not be converted (`SYSTEM`, non-recoverable): retrying would
    /// fail the same way.
    pub fn conversion(message: impl Into<String>) -> Self {
        TaskError {
            code: "SYSTEM".into(),
            message: message.into(),
            recoverable: false,
            origin: ErrorOrigin::System,
        }
    }

    /// An unexpected failure of the SDK or platform (`SYSTEM`, recoverable).
    pub fn system(message: impl Into<String>) -> Self {
        TaskError {
            code: "SYSTEM".into(),
            message: message.into(),
            recoverable: true,
            origin: ErrorOrigin::System,
        }
    }

    /// The same error with another code (Flyte shows it next to the message).
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = code.into();
        self
    }

    /// The error code, such as `USER:RuntimeError`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether Flyte may retry the task.
    pub fn is_recoverable(&self) -> bool {
        self.recoverable
    }

    /// Whose fault the failure is.
    pub fn origin(&self) -> ErrorOrigin {
        self.origin
    }

    /// The `error.pb` content for this error, stamped with `timestamp`.
    pub fn to_error_document(&self, timestamp: prost_types::Timestamp) -> ErrorDocument {
        let kind = if self.recoverable {
            container_error::Kind::Recoverable
        } else {
            container_error::Kind::NonRecoverable
        };
        let origin = match self.origin {
            ErrorOrigin::User => execution_error::ErrorKind::User,
            ErrorOrigin::System => execution_error::ErrorKind::System,
        };
        ErrorDocument {
            error: Some(ContainerError {
                code: self.code.clone(),
                message: self.message.clone(),
                kind: kind as i32,
                origin: origin as i32,
                timestamp: Some(timestamp),
                worker: String::new(),
            }),
        }
    }

    /// The error an `error.pb` describes.
    pub fn from_error_document(document: &ErrorDocument) -> Self {
        let Some(error) = &document.error else {
            return TaskError::system("error document without an error");
        };
        TaskError {
            code: error.code.clone(),
            message: error.message.clone(),
            recoverable: error.kind == container_error::Kind::Recoverable as i32,
            origin: if error.origin == execution_error::ErrorKind::System as i32 {
                ErrorOrigin::System
            } else {
                ErrorOrigin::User
            },
        }
    }
}

/// Returned by a task to write no outputs at all: flytekit's `IgnoreOutputs`.
///
/// The workers of a distributed job other than rank 0 use it: Flyte reads the outputs of one
/// worker, and the others must not write theirs. In the container no `outputs.pb` (and no
/// `error.pb`) is written and the process exits 0; in a local run the node succeeds with no
/// outputs, so a node that reads one of them fails, naming the output.
///
/// ```
/// use flytekit_core::error::IgnoreOutputs;
/// use flytekit_core::TaskError;
///
/// fn worker(rank: u32) -> Result<f64, TaskError> {
///     let loss = 0.25; // ... train ...
///     if rank != 0 {
///         return Err(IgnoreOutputs.into());
///     }
///     Ok(loss)
/// }
/// assert!(worker(1).unwrap_err().is_ignore_outputs());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IgnoreOutputs;

/// The code of [`IgnoreOutputs`] as a [`TaskError`].
pub const IGNORE_OUTPUTS: &str = "IgnoreOutputs";

impl From<IgnoreOutputs> for TaskError {
    fn from(_: IgnoreOutputs) -> Self {
        TaskError::ignore_outputs()
    }
}

impl TaskError {
    /// [`IgnoreOutputs`]: the task ends without outputs, and without failing.
    pub fn ignore_outputs() -> Self {
        TaskError {
            code: IGNORE_OUTPUTS.into(),
            message: "the task ignores its outputs (IgnoreOutputs)".into(),
            recoverable: false,
            origin: ErrorOrigin::User,
        }
    }

    /// True for [`TaskError::ignore_outputs`].
    pub fn is_ignore_outputs(&self) -> bool {
        self.code == IGNORE_OUTPUTS
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for TaskError {
    fn from(error: E) -> Self {
        // A failed download is the platform's failure, worth a retry, whatever the task's
        // error type: flytekit's FlyteDownloadDataException.
        let any: &dyn std::any::Any = &error;
        if let Some(file_error) = download_failure(any) {
            return TaskError::system(file_error.to_string())
                .with_code(crate::types::DOWNLOAD_DATA_ERROR);
        }
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            message.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        TaskError::user(message)
    }
}

/// Converts the error a task returned into a [`TaskError`]: a `TaskError` is kept as it is (so
/// [`TaskError::recoverable`] stays recoverable), anything else becomes a user error whose
/// message is what `display` writes.
///
/// `display` is always `<E as Display>::fmt`. It is passed rather than required as an
/// `E: Display` bound so that `#[task]` names it at the user's error type: an error type without
/// `Display` is then an error on that type, not one pointing into this file.
pub fn into_task_error<E: 'static>(
    error: E,
    display: fn(&E, &mut fmt::Formatter<'_>) -> fmt::Result,
) -> TaskError {
    let any: &dyn std::any::Any = &error;
    if let Some(file_error) = download_failure(any) {
        return TaskError::system(file_error.to_string())
            .with_code(crate::types::DOWNLOAD_DATA_ERROR);
    }
    if any.is::<IgnoreOutputs>() {
        return TaskError::ignore_outputs();
    }
    match any.downcast_ref::<TaskError>() {
        Some(task_error) => task_error.clone(),
        None => TaskError::user(Shown(&error, display).to_string()),
    }
}

/// The failed download an error is, or wraps: a [`FileError`](crate::types::FileError), or a
/// [`DatasetError`](crate::types::DatasetError) whose data could not be fetched.
fn download_failure(any: &dyn std::any::Any) -> Option<&crate::types::FileError> {
    any.downcast_ref::<crate::types::FileError>().or_else(|| {
        any.downcast_ref::<crate::types::DatasetError>()
            .and_then(|err| err.file_error())
    })
}

/// A value shown with a given formatting function.
struct Shown<'a, E>(&'a E, fn(&E, &mut fmt::Formatter<'_>) -> fmt::Result);

impl<E> fmt::Display for Shown<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.1)(self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returned_errors_keep_their_class() {
        let recoverable = TaskError::recoverable("busy");
        assert!(into_task_error(recoverable, <TaskError as fmt::Display>::fmt).is_recoverable());
        let plain = into_task_error("bad input".to_string(), <String as fmt::Display>::fmt);
        assert_eq!(plain.message(), "bad input");
        assert_eq!(
            (plain.code(), plain.is_recoverable(), plain.origin()),
            ("USER:RuntimeError", false, ErrorOrigin::User)
        );
    }

    #[test]
    fn error_chains_are_kept_in_the_message() {
        #[derive(Debug)]
        struct Outer(std::num::ParseIntError);
        impl fmt::Display for Outer {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("reading the count")
            }
        }
        impl std::error::Error for Outer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let err: TaskError = Outer("x".parse::<i64>().unwrap_err()).into();
        assert_eq!(
            err.message(),
            "reading the count: invalid digit found in string"
        );
    }

    #[test]
    fn error_documents_round_trip() {
        for err in [
            TaskError::user("a"),
            TaskError::recoverable("b"),
            TaskError::conversion("c"),
            TaskError::system("d"),
        ] {
            let doc = err.to_error_document(prost_types::Timestamp::default());
            assert_eq!(TaskError::from_error_document(&doc), err);
        }
    }
}
