//! Packs: the cached outputs of many runs of one task in one file, so that a map of 100,000
//! cached elements writes one file instead of 100,000 (each costing 100–200 µs of file-system
//! metadata work, against ~2 µs for a small element's own run).
//!
//! A pack lives in `<task dir>/packs/<version>-<interface>/`, so every entry in it belongs to
//! the same task, cache version and interface and is keyed by its inputs' digest alone. The
//! file is `MAGIC`, then records: the 32-byte digest, a varint length and that many bytes of an
//! encoded `LiteralMap`. It is named `<nanoseconds since 1970, 20 digits>-<pid>-<n>.pack`, so
//! names sort by age; it is written to a temporary file and renamed into place, so a reader
//! sees a whole pack or none. A record that cannot be read ends the scan of its file (the
//! records before it stay usable) and is logged.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use flytekit_idl::core::LiteralMap;
use prost::Message;

use super::blobs::BlobCopies;
use crate::executor::hash::hex;

/// The SHA-256 of a run's inputs, as the cache counts them.
pub(crate) type Digest = [u8; 32];

/// The first bytes of every pack, naming the format and its version.
const MAGIC: &[u8] = b"flytekit-rs cache pack 1\n";

/// One pack file, read into memory.
struct PackFile {
    path: PathBuf,
    bytes: Vec<u8>,
}

/// The packs of one folder, as read into memory: the newest record of each digest.
#[derive(Default)]
pub(crate) struct Packs {
    files: Vec<PackFile>,
    /// A digest's newest record: which file, and where in it.
    index: HashMap<Digest, (usize, Range<usize>)>,
}

impl Packs {
    /// Reads the packs in `dir` (none when it does not exist).
    pub(crate) fn read(dir: &Path) -> Packs {
        let mut packs = Packs::default();
        let Ok(items) = std::fs::read_dir(dir) else {
            return packs;
        };
        let mut names: Vec<PathBuf> = items
            .filter_map(|item| item.ok().map(|item| item.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "pack"))
            .collect();
        // Oldest first, so that a newer record replaces an older one in the index.
        names.sort();
        for path in names {
            match std::fs::read(&path) {
                Ok(bytes) => packs.add(PackFile { path, bytes }),
                Err(err) => {
                    tracing::warn!(path = %path.display(), "ignoring an unreadable cache pack: {err}")
                }
            }
        }
        packs
    }

    /// The encoded outputs stored last for `digest`, and the pack holding them.
    pub(crate) fn get(&self, digest: &Digest) -> Option<(&Path, &[u8])> {
        let (file, range) = self.index.get(digest)?;
        let file = &self.files[*file];
        Some((&file.path, &file.bytes[range.clone()]))
    }

    /// Indexes the records of `file`, replacing older records of the same digests.
    fn add(&mut self, file: PackFile) {
        let number = self.files.len();
        let records = match records(&file.bytes) {
            Ok(records) => records,
            Err((records, problem)) => {
                tracing::warn!(
                    path = %file.path.display(),
                    "reading only the first {} entries of a cache pack: {problem}",
                    records.len()
                );
                records
            }
        };
        for (digest, range) in records {
            self.index.insert(digest, (number, range));
        }
        self.files.push(file);
    }

    /// Writes `records` as a new pack in `dir` and indexes it. Local files and directories
    /// among the outputs are first copied beside the pack (`<pack>.files-<random>/<digest>/`),
    /// and the stored literals point at the copies.
    pub(crate) fn write(
        &mut self,
        dir: &Path,
        records: Vec<(Digest, LiteralMap)>,
    ) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(dir)?;
        let stem = pack_stem();
        let mut files = BlobCopies {
            dir,
            stem: &stem,
            target: None,
        };
        let written = encode(&mut files, records).and_then(|bytes| {
            let path = dir.join(format!("{stem}.pack"));
            let mut temp = tempfile::Builder::new()
                .prefix(&format!(".{stem}."))
                .suffix(".tmp")
                .tempfile_in(dir)?;
            std::io::Write::write_all(&mut temp, &bytes)?;
            temp.persist_noclobber(&path).map_err(|e| e.error)?;
            Ok((path, bytes))
        });
        match written {
            Ok((path, bytes)) => {
                self.add(PackFile {
                    path: path.clone(),
                    bytes,
                });
                Ok(path)
            }
            Err(err) => {
                if let Some(target) = &files.target {
                    let _ = std::fs::remove_dir_all(target);
                }
                Err(err)
            }
        }
    }
}

/// A new pack's name without its extension: its age, then what makes it unique.
fn pack_stem() -> String {
    static WRITTEN: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = WRITTEN.fetch_add(1, Ordering::Relaxed);
    format!("{nanos:020}-{}-{n}", std::process::id())
}

/// The bytes of a pack of `records`, their blobs copied through `files`.
fn encode(
    files: &mut BlobCopies<'_>,
    records: Vec<(Digest, LiteralMap)>,
) -> std::io::Result<Vec<u8>> {
    let mut bytes = MAGIC.to_vec();
    for (digest, mut outputs) in records {
        let relative = PathBuf::from(hex(&digest));
        for (name, literal) in outputs.literals.iter_mut() {
            files.copy_in(literal, &relative.join(name))?;
        }
        bytes.extend_from_slice(&digest);
        outputs
            .encode_length_delimited(&mut bytes)
            .map_err(std::io::Error::other)?;
    }
    Ok(bytes)
}

/// The records of a pack: each digest and where its outputs are. On a malformed pack, the
/// records before the problem and what the problem is.
#[allow(clippy::type_complexity)]
fn records(
    bytes: &[u8],
) -> Result<Vec<(Digest, Range<usize>)>, (Vec<(Digest, Range<usize>)>, String)> {
    let mut found = Vec::new();
    let Some(mut rest) = bytes.strip_prefix(MAGIC) else {
        return Err((found, "it is not a pack of this version".to_string()));
    };
    while !rest.is_empty() {
        let Some((digest, after)) = rest.split_first_chunk::<32>() else {
            return Err((found, "it ends inside an entry's key".to_string()));
        };
        let mut cursor = after;
        let Ok(len) = prost::encoding::decode_varint(&mut cursor) else {
            return Err((found, "an entry's length is malformed".to_string()));
        };
        let Some(len) = usize::try_from(len).ok().filter(|len| *len <= cursor.len()) else {
            return Err((found, "it ends inside an entry".to_string()));
        };
        let start = bytes.len() - cursor.len();
        found.push((*digest, start..start + len));
        rest = &cursor[len..];
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flytekit_core::FlyteType;

    fn outputs(x: i64) -> LiteralMap {
        LiteralMap {
            literals: [("o0".to_string(), x.to_literal().unwrap())].into(),
        }
    }

    fn decoded(packs: &Packs, digest: &Digest) -> Option<LiteralMap> {
        packs
            .get(digest)
            .map(|(_, bytes)| LiteralMap::decode(bytes).unwrap())
    }

    /// Records come back by digest, from this process's index and from a fresh read; a newer
    /// pack's record wins over an older one's.
    #[test]
    fn written_records_are_found_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut packs = Packs::read(dir.path());
        assert!(packs.get(&[1; 32]).is_none());
        packs
            .write(
                dir.path(),
                vec![([1; 32], outputs(1)), ([2; 32], outputs(2))],
            )
            .unwrap();
        packs
            .write(dir.path(), vec![([2; 32], outputs(20))])
            .unwrap();
        for packs in [&packs, &Packs::read(dir.path())] {
            assert_eq!(decoded(packs, &[1; 32]), Some(outputs(1)));
            assert_eq!(decoded(packs, &[2; 32]), Some(outputs(20)));
            assert_eq!(decoded(packs, &[3; 32]), None);
        }
    }

    /// A pack cut short keeps its whole records; one of another format is ignored.
    #[test]
    fn a_damaged_pack_keeps_what_is_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = Packs::default()
            .write(
                dir.path(),
                vec![([1; 32], outputs(1)), ([2; 32], outputs(2))],
            )
            .unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        let packs = Packs::read(dir.path());
        assert_eq!(decoded(&packs, &[1; 32]), Some(outputs(1)));
        assert_eq!(decoded(&packs, &[2; 32]), None);
        std::fs::write(&path, b"something else entirely").unwrap();
        assert!(Packs::read(dir.path()).get(&[1; 32]).is_none());
    }
}
