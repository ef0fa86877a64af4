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

use flytekit_idl::core::Literal;

use super::blobs::{has_local_blob, BlobCopies};
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
    /// Packs this process wrote, indexed on the next lookup: most runs never look again.
    unindexed: Vec<PackFile>,
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
    pub(crate) fn get(&mut self, digest: &Digest) -> Option<(&Path, &[u8])> {
        for file in std::mem::take(&mut self.unindexed) {
            self.add(file);
        }
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

    /// Writes the pack `built` in `dir`; it is indexed on the next lookup. Local files and
    /// directories among its outputs are first copied beside the pack
    /// (`<pack>.files-<random>/<digest>/<output>/`), and the stored literals point at the
    /// copies.
    pub(crate) fn write(&mut self, dir: &Path, built: PackBuilder) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(dir)?;
        let stem = pack_stem();
        let mut files = BlobCopies {
            dir,
            stem: &stem,
            target: None,
        };
        let written = built.finish(&mut files).and_then(|bytes| {
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
                self.unindexed.push(PackFile {
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

/// A pack being put together: the records of runs whose outputs hold no local file, encoded
/// as they come (no copy of their literals), and the rows whose files [`Packs::write`] copies
/// into the cache first.
pub(crate) struct PackBuilder {
    names: Vec<String>,
    bytes: Vec<u8>,
    with_files: Vec<(Digest, Vec<Literal>)>,
    /// A scratch buffer for one record.
    record: Vec<u8>,
}

impl PackBuilder {
    /// An empty pack of runs whose outputs are `names`.
    pub(crate) fn new(names: Vec<String>) -> Self {
        PackBuilder {
            names,
            bytes: MAGIC.to_vec(),
            with_files: Vec::new(),
            record: Vec::new(),
        }
    }

    /// Whether no run was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.len() == MAGIC.len() && self.with_files.is_empty()
    }

    /// Adds the run `digest` with `literals`, one per name.
    pub(crate) fn add(&mut self, digest: &Digest, literals: &[&Literal]) {
        if literals.iter().any(|literal| has_local_blob(literal)) {
            let owned = literals.iter().map(|literal| (*literal).clone()).collect();
            self.with_files.push((*digest, owned));
            return;
        }
        let record = std::mem::take(&mut self.record);
        self.record = self.append(digest, literals.iter().copied(), record);
    }

    /// Appends the record of `digest` and `literals`; gives the scratch buffer back.
    fn append<'a>(
        &mut self,
        digest: &Digest,
        literals: impl Iterator<Item = &'a Literal>,
        mut record: Vec<u8>,
    ) -> Vec<u8> {
        record.clear();
        for (name, literal) in self.names.iter().zip(literals) {
            super::wire::encode_entry(name, literal, &mut record);
        }
        self.bytes.extend_from_slice(digest);
        prost::encoding::encode_varint(record.len() as u64, &mut self.bytes);
        self.bytes.extend_from_slice(&record);
        record
    }

    /// The pack's bytes, after copying the files of the rows that hold some through `files`.
    fn finish(mut self, files: &mut BlobCopies<'_>) -> std::io::Result<Vec<u8>> {
        let mut record = std::mem::take(&mut self.record);
        for (digest, mut literals) in std::mem::take(&mut self.with_files) {
            for (name, literal) in self.names.iter().zip(literals.iter_mut()) {
                let relative = PathBuf::from(hex(&digest)).join(name);
                files.copy_in(literal, &relative)?;
            }
            record = self.append(&digest, literals.iter(), record);
        }
        Ok(self.bytes)
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
    use flytekit_idl::core::LiteralMap;
    use prost::Message;

    fn outputs(x: i64) -> LiteralMap {
        LiteralMap {
            literals: [("o0".to_string(), x.to_literal().unwrap())].into(),
        }
    }

    /// A pack of `o0 = x` for each `(digest byte, x)`.
    fn pack(rows: &[(u8, i64)]) -> PackBuilder {
        let mut built = PackBuilder::new(vec!["o0".to_string()]);
        for (digest, x) in rows {
            built.add(&[*digest; 32], &[&x.to_literal().unwrap()]);
        }
        built
    }

    /// A row is stored as exactly the bytes prost writes for the same `LiteralMap`, also with
    /// several outputs and default values.
    #[test]
    fn rows_encode_as_literal_maps() {
        // In name order, as the interface's outputs are.
        let names = vec![String::new(), "a".to_string(), "b".to_string()];
        let literals = vec![
            "text".to_string().to_literal().unwrap(),
            7_i64.to_literal().unwrap(),
            Literal::default(),
        ];
        let dir = tempfile::tempdir().unwrap();
        let mut files = BlobCopies {
            dir: dir.path(),
            stem: "x",
            target: None,
        };
        let mut built = PackBuilder::new(names.clone());
        built.add(&[9; 32], &literals.iter().collect::<Vec<_>>());
        let bytes = built.finish(&mut files).unwrap();
        let map = LiteralMap {
            literals: names.into_iter().zip(literals).collect(),
        };
        let mut expected = MAGIC.to_vec();
        expected.extend_from_slice(&[9; 32]);
        map.encode_length_delimited(&mut expected).unwrap();
        assert_eq!(bytes, expected);
    }

    fn decoded(packs: &mut Packs, digest: &Digest) -> Option<LiteralMap> {
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
        packs.write(dir.path(), pack(&[(1, 1), (2, 2)])).unwrap();
        packs.write(dir.path(), pack(&[(2, 20)])).unwrap();
        for packs in [&mut packs, &mut Packs::read(dir.path())] {
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
            .write(dir.path(), pack(&[(1, 1), (2, 2)]))
            .unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        let mut packs = Packs::read(dir.path());
        assert_eq!(decoded(&mut packs, &[1; 32]), Some(outputs(1)));
        assert_eq!(decoded(&mut packs, &[2; 32]), None);
        std::fs::write(&path, b"something else entirely").unwrap();
        assert!(Packs::read(dir.path()).get(&[1; 32]).is_none());
    }
}
