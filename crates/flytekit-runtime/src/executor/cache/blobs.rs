//! Copies of the local files and directories among outputs being cached: a hit must return the
//! bytes of the run that was cached, not whatever is at the task's path by then.

use std::path::{Path, PathBuf};

use flytekit_idl::core::{literal, scalar, Literal};

use super::escape;

/// Whether `literal` holds a local file or directory, which storing it copies.
pub(super) fn has_local_blob(literal: &Literal) -> bool {
    match &literal.value {
        Some(literal::Value::Scalar(scalar)) => match &scalar.value {
            Some(scalar::Value::Blob(blob)) => !crate::storage::is_remote(&blob.uri),
            Some(scalar::Value::Union(union)) => union.value.as_deref().is_some_and(has_local_blob),
            _ => false,
        },
        Some(literal::Value::Collection(c)) => c.literals.iter().any(has_local_blob),
        Some(literal::Value::Map(m)) => m.literals.values().any(has_local_blob),
        _ => false,
    }
}

/// Copies the local blobs of one entry into `<stem>.files-<random>/` beside it.
pub(super) struct BlobCopies<'a> {
    pub(super) dir: &'a Path,
    pub(super) stem: &'a str,
    /// The entry's files dir, made on the first blob.
    pub(super) target: Option<PathBuf>,
}

impl BlobCopies<'_> {
    /// Copies the local files and directories in `literal` (the output or element at
    /// `relative`) and points the literal at the copies.
    pub(super) fn copy_in(
        &mut self,
        literal: &mut Literal,
        relative: &Path,
    ) -> std::io::Result<()> {
        match &mut literal.value {
            Some(literal::Value::Scalar(scalar)) => match &mut scalar.value {
                Some(scalar::Value::Blob(blob)) if !crate::storage::is_remote(&blob.uri) => {
                    let source =
                        PathBuf::from(blob.uri.strip_prefix("file://").unwrap_or(&blob.uri));
                    let name = source
                        .file_name()
                        .map(|n| n.to_os_string())
                        .unwrap_or_else(|| "data".into());
                    let target = self.target()?.join(relative);
                    std::fs::create_dir_all(&target)?;
                    let target = target.join(name);
                    copy_read_only(&source, &target).map_err(|err| {
                        std::io::Error::new(
                            err.kind(),
                            format!("cannot copy `{}` into the cache: {err}", source.display()),
                        )
                    })?;
                    blob.uri = target.display().to_string();
                    Ok(())
                }
                Some(scalar::Value::Union(union)) => match union.value.as_deref_mut() {
                    Some(inner) => self.copy_in(inner, relative),
                    None => Ok(()),
                },
                _ => Ok(()),
            },
            Some(literal::Value::Collection(c)) => c
                .literals
                .iter_mut()
                .enumerate()
                .try_for_each(|(i, item)| self.copy_in(item, &relative.join(i.to_string()))),
            Some(literal::Value::Map(m)) => m
                .literals
                .iter_mut()
                .try_for_each(|(key, item)| self.copy_in(item, &relative.join(escape(key)))),
            _ => Ok(()),
        }
    }

    fn target(&mut self) -> std::io::Result<&Path> {
        if self.target.is_none() {
            let dir = tempfile::Builder::new()
                .prefix(&format!("{}.files-", self.stem))
                .tempdir_in(self.dir)?
                .keep();
            self.target = Some(dir);
        }
        Ok(self.target.as_deref().unwrap_or(self.dir))
    }
}

/// Copies a file, or a directory recursively (symlinks are followed: the cache keeps the
/// bytes), leaving the copied files read-only.
fn copy_read_only(source: &Path, target: &Path) -> std::io::Result<()> {
    if std::fs::metadata(source)?.is_dir() {
        std::fs::create_dir(target)?;
        for item in std::fs::read_dir(source)? {
            let item = item?;
            copy_read_only(&item.path(), &target.join(item.file_name()))?;
        }
        return Ok(());
    }
    std::fs::copy(source, target)?;
    let mut permissions = std::fs::metadata(target)?.permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(target, permissions)
}
