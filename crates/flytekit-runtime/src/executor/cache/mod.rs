//! The local cache: outputs of cached tasks (`#[task(cache(...))]`) stored on disk by key.
//!
//! Consumes a task's name, cache settings, interface and inputs; produces a [`CacheEntry`] (a
//! file path and a lock key) whose outputs (a `LiteralMap`) are loaded or stored. The key
//! follows the cluster's cache (FLYTE-CONTRACT section 6): the task name, the cache version, a
//! hash of the interface's variable types and a hash of the inputs with ignored inputs left out
//! and literals that carry a `hash` replaced by just that hash. Input hashes are SHA-256 of the
//! prost encoding of the `LiteralMap`, which is deterministic because every map is a `BTreeMap`.
//!
//! Outputs live in one of two places under `<cache dir>/<task>/`:
//! - an entry file, `<version>-<interface>-<inputs>.pb`, for a task node run on its own;
//! - a pack, `packs/<version>-<interface>/<time>-....pack`, for the elements of a map stored
//!   together (`pack`): one file per map run instead of one per element.
//!
//! A lookup reads the entry file first, then the packs, newest first; the first entry that holds
//! outputs the task could have returned wins. Storing into a pack removes the entry files it
//! replaces, so the outputs stored last are the ones found. Writes go to a temporary file in the
//! same directory and are renamed into place, so a reader never sees half a file and concurrent
//! writers of one key cannot corrupt it. Local files and directories among the outputs are
//! copied into `<entry>.files-<random>/` beside the entry (or the pack), and the stored literals
//! point at those copies.

mod blobs;
mod pack;
mod wire;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use flytekit_core::task::CacheConfig;
use flytekit_idl::core::{literal, scalar, Literal, LiteralCollection, LiteralMap, TypedInterface};
use prost::Message;

use super::hash::{hex, Sha256};
use blobs::BlobCopies;
use pack::Packs;
pub(crate) use pack::{Digest, PackBuilder};

/// Where one set of cached outputs lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CacheEntry {
    /// Identifies the entry, for the per-key locks of `serialize`.
    pub(crate) key: String,
    /// The entry file (an encoded `LiteralMap`).
    pub(crate) path: PathBuf,
    /// The hash of the inputs: the entry's key in the packs.
    pub(crate) digest: Digest,
    /// The folder of the packs of this task, version and interface.
    pub(crate) packs: PathBuf,
}

/// The cache entry of a task run.
pub(crate) fn cache_entry(
    dir: &Path,
    task_name: &str,
    config: &CacheConfig,
    interface: &TypedInterface,
    inputs: &LiteralMap,
) -> CacheEntry {
    CacheKeys::new(dir, task_name, config, interface).entry(inputs)
}

/// The keys of one task's runs: what every entry of a task, version and interface shares,
/// computed once for all the elements of a map.
pub(crate) struct CacheKeys {
    /// `<cache dir>/<task>`.
    task_dir: PathBuf,
    /// `<version>-<interface hash>`, the start of every entry file's name.
    prefix: String,
    /// `<task dir>/packs/<prefix>`.
    packs: PathBuf,
    ignored_inputs: &'static [&'static str],
}

impl CacheKeys {
    pub(crate) fn new(
        dir: &Path,
        task_name: &str,
        config: &CacheConfig,
        interface: &TypedInterface,
    ) -> Self {
        let task_dir = dir.join(escape(task_name));
        let prefix = format!(
            "{}-{}",
            escape(config.version),
            &interface_hash(interface)[..16]
        );
        CacheKeys {
            packs: task_dir.join("packs").join(&prefix),
            task_dir,
            prefix,
            ignored_inputs: config.ignored_inputs,
        }
    }

    /// The digest of a run on `inputs`: its key in the packs.
    pub(crate) fn digest(&self, inputs: &LiteralMap) -> Digest {
        inputs_digest(inputs, self.ignored_inputs)
    }

    /// The digest of a run on the inputs `(name, literal)`, in name order.
    pub(crate) fn digest_of<'a>(
        &self,
        inputs: impl Iterator<Item = (&'a str, &'a Literal)>,
    ) -> Digest {
        digest_of(inputs, self.ignored_inputs)
    }

    /// The entry of a run on `inputs`.
    pub(crate) fn entry(&self, inputs: &LiteralMap) -> CacheEntry {
        let digest = self.digest(inputs);
        let path = self.task_dir.join(self.file_name(&digest));
        CacheEntry {
            key: path.display().to_string(),
            path,
            digest,
            packs: self.packs.clone(),
        }
    }

    /// The name of the entry file of `digest`.
    fn file_name(&self, digest: &Digest) -> String {
        format!("{}-{}.pb", self.prefix, hex(digest))
    }
}

/// A file-name-safe, injective form of `text`: ASCII letters, digits, `.`, `_` and `-` stay,
/// every other byte becomes `%XX`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    if out.is_empty() || out.starts_with('.') {
        out.insert(0, '_');
    }
    out
}

/// Hash of the variable names and types of the interface (descriptions left out).
fn interface_hash(interface: &TypedInterface) -> String {
    let mut hasher = Sha256::new();
    for (label, vars) in [
        ("inputs", &interface.inputs),
        ("outputs", &interface.outputs),
    ] {
        hasher.field(label.as_bytes());
        for (name, var) in vars.iter().flat_map(|v| v.variables.iter()) {
            hasher.field(name.as_bytes());
            hasher.field(
                &var.r#type
                    .as_ref()
                    .map(|t| t.encode_to_vec())
                    .unwrap_or_default(),
            );
        }
    }
    hex(&hasher.finish())
}

/// Hash of the inputs that count for the cache.
fn inputs_digest(inputs: &LiteralMap, ignored: &[&str]) -> Digest {
    digest_of(
        inputs.literals.iter().map(|(n, l)| (n.as_str(), l)),
        ignored,
    )
}

/// Hash of the inputs `(name, literal)`, in name order, that count for the cache: the SHA-256
/// of the `LiteralMap` of the inputs not in `ignored`, each with its hashes applied
/// (`hashify`), as prost encodes it.
pub(crate) fn digest_of<'a>(
    inputs: impl Iterator<Item = (&'a str, &'a Literal)>,
    ignored: &[&str],
) -> Digest {
    let mut bytes = Vec::with_capacity(64);
    for (name, literal) in inputs.filter(|(name, _)| !ignored.contains(name)) {
        if has_hash(literal) {
            wire::encode_entry(name, &hashify(literal), &mut bytes);
        } else {
            wire::encode_entry(name, literal, &mut bytes);
        }
    }
    let mut hasher = Sha256::new();
    hasher.update(&bytes);
    hasher.finish()
}

/// Whether `literal` or a literal inside it carries a `hash`, which `hashify` applies.
fn has_hash(literal: &Literal) -> bool {
    !literal.hash.is_empty()
        || match &literal.value {
            Some(literal::Value::Collection(c)) => c.literals.iter().any(has_hash),
            Some(literal::Value::Map(m)) => m.literals.values().any(has_hash),
            _ => false,
        }
}

/// A literal with every (nested) literal that carries a `hash` replaced by just that hash, as
/// flytekit and the backend do: such literals (offloaded data, files) are identified by their
/// hash rather than their location.
fn hashify(literal: &Literal) -> Literal {
    if !literal.hash.is_empty() {
        return Literal {
            hash: literal.hash.clone(),
            ..Default::default()
        };
    }
    match &literal.value {
        Some(literal::Value::Collection(c)) => Literal {
            value: Some(literal::Value::Collection(LiteralCollection {
                literals: c.literals.iter().map(hashify).collect(),
            })),
            ..literal.clone()
        },
        Some(literal::Value::Map(m)) => Literal {
            value: Some(literal::Value::Map(LiteralMap {
                literals: m
                    .literals
                    .iter()
                    .map(|(k, v)| (k.clone(), hashify(v)))
                    .collect(),
            })),
            ..literal.clone()
        },
        _ => literal.clone(),
    }
}

/// The local cache of one executor: the packs it has read so far, one set per task, version
/// and interface, read on their first lookup and shared by every lookup after it.
#[derive(Default)]
pub(crate) struct LocalCache {
    packs: Mutex<HashMap<PathBuf, Arc<Mutex<Packs>>>>,
}

/// What looking up the elements of a map found.
pub(crate) struct Found {
    /// Each element's cached outputs, in the order of the names asked for, or `None` for a
    /// miss.
    pub(crate) hits: Vec<Option<Vec<Literal>>>,
    /// The elements' digests that have an entry file: storing them in a pack removes it.
    pub(crate) with_files: std::collections::HashSet<Digest>,
}

impl LocalCache {
    /// The packs of `dir`, read on first use.
    fn packs(&self, dir: &Path) -> Arc<Mutex<Packs>> {
        let mut sets = lock(&self.packs);
        sets.entry(dir.to_path_buf())
            .or_insert_with(|| Arc::new(Mutex::new(Packs::read(dir))))
            .clone()
    }

    /// The cached outputs of `entry`, when it holds outputs the task could have returned: its
    /// entry file first, then the packs. An entry that cannot be read or decoded, whose outputs
    /// are not exactly the interface's (a missing or extra name, a literal of another type) or
    /// whose cached files are gone is a miss, logged, and the run that follows replaces it.
    pub(crate) async fn load(
        self: &Arc<Self>,
        entry: &CacheEntry,
        interface: &TypedInterface,
    ) -> Option<LiteralMap> {
        let (cache, entry, interface) = (self.clone(), entry.clone(), interface.clone());
        tokio::task::spawn_blocking(move || {
            read_entry_file(&entry.path, &interface).or_else(|| {
                let packs = cache.packs(&entry.packs);
                let mut packs = lock(&packs);
                from_pack(&mut packs, &entry.digest, &interface)
            })
        })
        .await
        .ok()
        .flatten()
    }

    /// The cached outputs of many runs of one task (the elements of a map), as [`Self::load`]
    /// finds each, as the literals of `names` (the interface's outputs): one listing of the
    /// task's entry files and one read of its packs for all.
    pub(crate) async fn load_many(
        self: &Arc<Self>,
        keys: Arc<CacheKeys>,
        digests: Arc<Vec<Digest>>,
        interface: &TypedInterface,
        names: Vec<String>,
    ) -> Found {
        let (cache, interface) = (self.clone(), interface.clone());
        let found = tokio::task::spawn_blocking(move || {
            let with_files = keys.entry_files();
            let packs = cache.packs(&keys.packs);
            let mut packs = lock(&packs);
            let hits = digests
                .iter()
                .map(|digest| {
                    let outputs = with_files
                        .contains(digest)
                        .then(|| {
                            let path = keys.task_dir.join(keys.file_name(digest));
                            read_entry_file(&path, &interface)
                        })
                        .flatten()
                        .or_else(|| from_pack(&mut packs, digest, &interface))?;
                    // Kept as a row, not as a `LiteralMap`: a one-entry `BTreeMap` per element
                    // is a whole B-tree leaf (about 1 KiB).
                    let mut literals = outputs.literals;
                    names.iter().map(|name| literals.remove(name)).collect()
                })
                .collect();
            Found { hits, with_files }
        })
        .await;
        found.unwrap_or_else(|_| Found {
            hits: Vec::new(),
            with_files: Default::default(),
        })
    }

    /// The digests of the task's entry files, without looking them up.
    pub(crate) async fn entry_files(
        &self,
        keys: Arc<CacheKeys>,
    ) -> std::collections::HashSet<Digest> {
        tokio::task::spawn_blocking(move || keys.entry_files())
            .await
            .unwrap_or_default()
    }

    /// Stores the outputs of many runs of one task as one pack, then removes the entry files of
    /// those runs in `replaced`, which would otherwise still be found first.
    pub(crate) async fn store_many(
        self: &Arc<Self>,
        keys: Arc<CacheKeys>,
        built: PackBuilder,
        replaced: Vec<Digest>,
    ) -> std::io::Result<()> {
        if built.is_empty() {
            return Ok(());
        }
        let cache = self.clone();
        tokio::task::spawn_blocking(move || {
            let packs = cache.packs(&keys.packs);
            lock(&packs).write(&keys.packs, built)?;
            for digest in replaced {
                let path = keys.task_dir.join(keys.file_name(&digest));
                if let Err(err) = std::fs::remove_file(&path) {
                    if err.kind() != std::io::ErrorKind::NotFound {
                        tracing::warn!(
                            path = %path.display(),
                            "cannot remove a replaced cache entry: {err}"
                        );
                    }
                }
            }
            Ok(())
        })
        .await
        .map_err(std::io::Error::other)?
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Nothing under these locks panics half-way through an update.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl CacheKeys {
    /// The digests of the task's entry files of this version and interface.
    fn entry_files(&self) -> std::collections::HashSet<Digest> {
        let Ok(items) = std::fs::read_dir(&self.task_dir) else {
            return Default::default();
        };
        items
            .filter_map(|item| {
                let name = item.ok()?.file_name();
                let hex = name
                    .to_str()?
                    .strip_prefix(self.prefix.as_str())?
                    .strip_prefix('-')?
                    .strip_suffix(".pb")?;
                from_hex(hex)
            })
            .collect()
    }
}

/// The digest written as `hex`, when it is one.
fn from_hex(hex: &str) -> Option<Digest> {
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut digest = [0; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let text = std::str::from_utf8(pair).ok()?;
        digest[i] = u8::from_str_radix(text, 16).ok()?;
    }
    Some(digest)
}

/// The outputs in the entry file at `path`, when it holds outputs of `interface`. An emptied
/// file decodes as an empty `LiteralMap`, so decoding alone would serve it.
fn read_entry_file(path: &Path, interface: &TypedInterface) -> Option<LiteralMap> {
    let shown = path.display();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return None,
        Err(err) => {
            tracing::warn!(path = %shown, "ignoring an unreadable cache entry: {err}");
            return None;
        }
    };
    checked(&bytes, interface, || shown.to_string())
}

/// The outputs stored last for `digest` in `packs`, when they are outputs of `interface`.
fn from_pack(packs: &mut Packs, digest: &Digest, interface: &TypedInterface) -> Option<LiteralMap> {
    let (path, bytes) = packs.get(digest)?;
    checked(bytes, interface, || {
        format!("{} (entry {})", path.display(), hex(digest))
    })
}

/// `bytes` decoded, when they are outputs of `interface`; else a miss, logged for `place()`.
fn checked(
    bytes: &[u8],
    interface: &TypedInterface,
    place: impl Fn() -> String,
) -> Option<LiteralMap> {
    let outputs = match LiteralMap::decode(bytes) {
        Ok(outputs) => outputs,
        Err(err) => {
            tracing::warn!(path = %place(), "ignoring a corrupt cache entry: {err}");
            return None;
        }
    };
    match check_outputs(&outputs, interface) {
        Ok(()) => Some(outputs),
        Err(problem) => {
            tracing::warn!(path = %place(), "ignoring a cache entry that {problem}");
            None
        }
    }
}

/// Why `outputs` are not outputs of `interface`, if they are not.
fn check_outputs(outputs: &LiteralMap, interface: &TypedInterface) -> Result<(), String> {
    let declared = interface.outputs.as_ref().map(|o| &o.variables);
    for (name, variable) in declared.into_iter().flatten() {
        let Some(literal) = outputs.literals.get(name) else {
            return Err(format!("lacks the output `{name}`"));
        };
        let fits = variable
            .r#type
            .as_ref()
            .is_some_and(|ty| flytekit_core::launch_plan::fits(literal, ty));
        if !fits {
            return Err(format!(
                "holds {} for the output `{name}`, not a value of its type",
                flytekit_core::types::describe_literal(literal)
            ));
        }
        if let Some(missing) = missing_local_blob(literal) {
            return Err(format!(
                "points at the cached file `{missing}`, which is gone"
            ));
        }
    }
    if let Some(extra) = outputs
        .literals
        .keys()
        .find(|name| declared.is_none_or(|d| !d.contains_key(*name)))
    {
        return Err(format!(
            "has the output `{extra}`, which the task does not declare"
        ));
    }
    Ok(())
}

/// The first local file or directory in `literal` that does not exist.
fn missing_local_blob(literal: &Literal) -> Option<String> {
    match &literal.value {
        Some(literal::Value::Scalar(s)) => match &s.value {
            Some(scalar::Value::Blob(blob)) if !crate::storage::is_remote(&blob.uri) => {
                let path = blob.uri.strip_prefix("file://").unwrap_or(&blob.uri);
                (!Path::new(path).exists()).then(|| path.to_string())
            }
            Some(scalar::Value::Union(u)) => u.value.as_deref().and_then(missing_local_blob),
            _ => None,
        },
        Some(literal::Value::Collection(c)) => c.literals.iter().find_map(missing_local_blob),
        Some(literal::Value::Map(m)) => m.literals.values().find_map(missing_local_blob),
        _ => None,
    }
}

/// Stores outputs, atomically. Local files and directories among them are copied into the
/// cache first, next to the entry, and the stored literals point at the copies: a hit must
/// return the bytes of the run that was cached, not whatever is at the task's path by then.
/// The copies are read-only, so a task handed one cannot change the cache through it.
pub(crate) async fn store(entry: &CacheEntry, outputs: &LiteralMap) -> std::io::Result<()> {
    let (entry, outputs) = (entry.clone(), outputs.clone());
    tokio::task::spawn_blocking(move || store_blocking(&entry, outputs))
        .await
        .map_err(std::io::Error::other)?
}

fn store_blocking(entry: &CacheEntry, mut outputs: LiteralMap) -> std::io::Result<()> {
    let dir = entry.path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let stem = entry
        .path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut files = BlobCopies {
        dir,
        stem: &stem,
        target: None,
    };
    let copied = outputs
        .literals
        .iter_mut()
        .try_for_each(|(name, literal)| files.copy_in(literal, Path::new(name)));
    let written = copied.and_then(|()| {
        // A uniquely named temp file renamed over the entry: readers see the old entry or
        // the new one, never half of one, and concurrent writers cannot mix their bytes.
        let mut temp = tempfile::Builder::new()
            .prefix(&format!(".{stem}."))
            .suffix(".tmp")
            .tempfile_in(dir)?;
        std::io::Write::write_all(&mut temp, &outputs.encode_to_vec())?;
        temp.persist(&entry.path).map_err(|e| e.error)?;
        Ok(())
    });
    if written.is_err() {
        if let Some(target) = &files.target {
            let _ = std::fs::remove_dir_all(target);
        }
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;
    use flytekit_core::FlyteType;

    const CONFIG: CacheConfig = CacheConfig {
        version: "1.0",
        serialize: false,
        ignored_inputs: &["seed"],
    };

    fn interface() -> TypedInterface {
        flytekit_core::glue::interface(
            vec![
                ("x", i64::literal_type(), ""),
                ("seed", i64::literal_type(), ""),
            ],
            vec![("o0", i64::literal_type(), "")],
        )
    }

    fn inputs(x: i64, seed: i64) -> LiteralMap {
        LiteralMap {
            literals: [
                ("x".to_string(), x.to_literal().unwrap()),
                ("seed".to_string(), seed.to_literal().unwrap()),
            ]
            .into(),
        }
    }

    #[test]
    fn keys_depend_on_what_matters_only() {
        let dir = Path::new("/cache");
        let key = |name: &str, config: &CacheConfig, inputs: &LiteralMap| {
            cache_entry(dir, name, config, &interface(), inputs).key
        };
        let base = key("m.t", &CONFIG, &inputs(1, 1));
        assert_eq!(base, key("m.t", &CONFIG, &inputs(1, 99)), "ignored input");
        assert_ne!(base, key("m.t", &CONFIG, &inputs(2, 1)));
        assert_ne!(base, key("m.u", &CONFIG, &inputs(1, 1)));
        let v2 = CacheConfig {
            version: "2.0",
            ..CONFIG
        };
        assert_ne!(base, key("m.t", &v2, &inputs(1, 1)));
        let mut other = interface();
        other.outputs =
            flytekit_core::glue::interface(vec![], vec![("o0", String::literal_type(), "")])
                .outputs;
        assert_ne!(
            base,
            cache_entry(dir, "m.t", &CONFIG, &other, &inputs(1, 1)).key
        );
        assert!(base.starts_with("/cache/m.t/1.0-"), "{base}");
        assert_eq!(escape("a/b c"), "a%2Fb%20c");
        assert_eq!(escape(".."), "_..");
    }

    /// Keys stay what they were when the inputs' `LiteralMap` was built and encoded whole, so
    /// entries cached before keep hitting.
    #[test]
    fn digests_are_those_of_the_encoded_map() {
        let mut with_hash = inputs(3, 4);
        if let Some(x) = with_hash.literals.get_mut("x") {
            x.hash = "abc".into();
        }
        let nested = LiteralMap {
            literals: [(
                "xs".to_string(),
                Literal {
                    value: Some(literal::Value::Collection(LiteralCollection {
                        literals: vec![
                            with_hash.literals["x"].clone(),
                            5_i64.to_literal().unwrap(),
                        ],
                    })),
                    ..Default::default()
                },
            )]
            .into(),
        };
        for (map, ignored) in [
            (inputs(1, 2), &[][..]),
            (inputs(1, 2), &["seed"][..]),
            (with_hash, &[][..]),
            (nested, &[][..]),
        ] {
            let kept = LiteralMap {
                literals: map
                    .literals
                    .iter()
                    .filter(|(name, _)| !ignored.contains(&name.as_str()))
                    .map(|(name, literal)| (name.clone(), hashify(literal)))
                    .collect(),
            };
            let mut hasher = Sha256::new();
            hasher.update(&kept.encode_to_vec());
            assert_eq!(inputs_digest(&map, ignored), hasher.finish());
        }
    }

    #[test]
    fn literals_with_hashes_count_by_hash() {
        let mut a = inputs(1, 1);
        let mut b = inputs(2, 1);
        for map in [&mut a, &mut b] {
            if let Some(x) = map.literals.get_mut("x") {
                x.hash = "same".into();
            }
        }
        assert_eq!(inputs_digest(&a, &[]), inputs_digest(&b, &[]));
    }

    /// Files and directories, also inside lists, are stored as read-only copies that outlive
    /// the originals; an entry whose copy is gone is a miss.
    #[tokio::test]
    async fn stored_files_are_copies() {
        use flytekit_core::types::{FlyteDirectory, FlyteFile};
        let dir = std::env::temp_dir().join(format!("flytekit-cache-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let work = dir.join("work");
        std::fs::create_dir_all(work.join("tree/sub")).unwrap();
        std::fs::write(work.join("a.txt"), "A").unwrap();
        std::fs::write(work.join("tree/sub/b.txt"), "B").unwrap();
        let interface = flytekit_core::glue::interface(
            vec![],
            vec![
                ("files", Vec::<FlyteFile>::literal_type(), ""),
                ("tree", <FlyteDirectory>::literal_type(), ""),
            ],
        );
        let file: FlyteFile = FlyteFile::new(work.join("a.txt").display().to_string());
        let tree: FlyteDirectory = FlyteDirectory::new(work.join("tree").display().to_string());
        let outputs = LiteralMap {
            literals: [
                ("files".to_string(), vec![file].to_literal().unwrap()),
                ("tree".to_string(), tree.to_literal().unwrap()),
            ]
            .into(),
        };
        let entry = cache_entry(
            &dir.join("cache"),
            "m.t",
            &CONFIG,
            &interface,
            &inputs(1, 1),
        );
        store(&entry, &outputs).await.unwrap();
        std::fs::remove_dir_all(&work).unwrap();
        let cache = Arc::new(LocalCache::default());
        let loaded = cache.load(&entry, &interface).await.expect("a hit");
        let files = Vec::<FlyteFile>::from_literal(&loaded.literals["files"]).unwrap();
        let tree = <FlyteDirectory>::from_literal(&loaded.literals["tree"]).unwrap();
        assert_eq!(std::fs::read_to_string(files[0].path()).unwrap(), "A");
        let b = Path::new(tree.path()).join("sub/b.txt");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "B");
        assert!(std::fs::metadata(&b).unwrap().permissions().readonly());
        std::fs::remove_file(files[0].path()).unwrap();
        assert_eq!(
            cache.load(&entry, &interface).await,
            None,
            "a cached copy is gone"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn store_then_load() {
        let dir = std::env::temp_dir().join(format!("flytekit-cache-test-{}", std::process::id()));
        let entry = cache_entry(&dir, "m.t", &CONFIG, &interface(), &inputs(1, 1));
        let outputs = LiteralMap {
            literals: [("o0".to_string(), 3_i64.to_literal().unwrap())].into(),
        };
        let cache = Arc::new(LocalCache::default());
        assert_eq!(cache.load(&entry, &interface()).await, None);
        store(&entry, &outputs).await.unwrap();
        assert_eq!(cache.load(&entry, &interface()).await, Some(outputs));
        std::fs::write(&entry.path, b"\xff\xff garbage").unwrap();
        assert_eq!(cache.load(&entry, &interface()).await, None);
        std::fs::write(&entry.path, b"").unwrap();
        assert_eq!(cache.load(&entry, &interface()).await, None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
