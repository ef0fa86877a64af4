//! Files and directories leaving a task: a `FlyteFile` output that points at a local path is
//! uploaded under the raw output prefix and its literal rewritten to the uploaded URI, as
//! flytekit does, so the next task (on another machine) can read it.

use std::path::Path;

use flytekit_core::TaskError;
use flytekit_idl::core::{literal, scalar, Literal, LiteralMap};

use crate::storage::{is_remote, join, Storage};

/// The error code of a failed upload of task data (flytekit's `FlyteUploadDataException`):
/// SYSTEM origin, recoverable.
pub const UPLOAD_DATA_ERROR: &str = "SYSTEM:UploadDataError";

/// The error code of a failed download of task data (flytekit's
/// `FlyteDownloadDataException`): SYSTEM origin, recoverable.
pub const DOWNLOAD_DATA_ERROR: &str = "SYSTEM:DownloadDataError";

/// Uploads the local files and directories among `outputs` when the raw output prefix is
/// remote; with a local prefix (a local run) they stay where they are.
pub async fn upload_local_blobs(
    mut outputs: LiteralMap,
    raw_output_prefix: &str,
    storage: &Storage,
) -> Result<LiteralMap, TaskError> {
    if !is_remote(raw_output_prefix) {
        return Ok(outputs);
    }
    for (name, literal) in outputs.literals.iter_mut() {
        let prefix = join(raw_output_prefix, name);
        upload_in(literal, &prefix, storage).await?;
    }
    Ok(outputs)
}

fn upload_in<'a>(
    literal: &'a mut Literal,
    prefix: &'a str,
    storage: &'a Storage,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), TaskError>> + Send + 'a>> {
    Box::pin(async move {
        match &mut literal.value {
            Some(literal::Value::Scalar(s)) => match &mut s.value {
                Some(scalar::Value::Blob(blob)) if !is_remote(&blob.uri) => {
                    let local = blob
                        .uri
                        .strip_prefix("file://")
                        .unwrap_or(&blob.uri)
                        .to_string();
                    let path = Path::new(&local);
                    let file_name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| "data".into());
                    let target = join(prefix, &file_name);
                    let result = if path.is_dir() {
                        storage.upload_dir(path, &target).await
                    } else {
                        storage.upload_file(path, &target).await
                    };
                    // flytekit's FlyteUploadDataException: moving data is the platform's job,
                    // and a retry may well succeed.
                    result.map_err(|err| {
                        TaskError::system(format!("cannot upload output file `{local}`: {err}"))
                            .with_code(UPLOAD_DATA_ERROR)
                    })?;
                    blob.uri = target;
                }
                Some(scalar::Value::Union(union)) => {
                    if let Some(inner) = union.value.as_mut() {
                        upload_in(inner, prefix, storage).await?;
                    }
                }
                _ => {}
            },
            Some(literal::Value::Collection(c)) => {
                for (i, item) in c.literals.iter_mut().enumerate() {
                    upload_in(item, &join(prefix, &i.to_string()), storage).await?;
                }
            }
            Some(literal::Value::Map(m)) => {
                for (key, item) in m.literals.iter_mut() {
                    upload_in(item, &join(prefix, key), storage).await?;
                }
            }
            _ => {}
        }
        Ok(())
    })
}
