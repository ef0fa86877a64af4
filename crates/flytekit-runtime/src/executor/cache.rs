//! The local cache: outputs of cached tasks (`#[task(cache(...))]`) stored on disk by key.
//!
//! Consumes a task's name, cache settings, interface and inputs; produces a [`CacheEntry`] (a
//! file path and a lock key) whose `outputs.pb` (a `LiteralMap`) is loaded or stored. The key
//! follows the cluster's cache (FLYTE-CONTRACT section 6): the task name, the cache version, a
//! hash of the interface's variable types and a hash of the inputs with ignored inputs left out
//! and literals that carry a `hash` replaced by just that hash. Input hashes are SHA-256 of the
//! prost encoding of the `LiteralMap`, which is deterministic because every map is a `BTreeMap`.
//! Writes go to a temporary file in the same directory and are renamed into place, so a reader
//! never sees half a file and concurrent writers of one key cannot corrupt it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use flytekit_core::task::CacheConfig;
use flytekit_idl::core::{literal, Literal, LiteralCollection, LiteralMap, TypedInterface};
use prost::Message;

use super::hash::{hex, Sha256};

/// Where one set of cached outputs lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CacheEntry {
    /// Identifies the entry, for the per-key locks of `serialize`.
    pub(crate) key: String,
    /// The file holding the outputs (an encoded `LiteralMap`).
    pub(crate) path: PathBuf,
}

/// The cache entry of a task run.
pub(crate) fn cache_entry(
    dir: &Path,
    task_name: &str,
    config: &CacheConfig,
    interface: &TypedInterface,
    inputs: &LiteralMap,
) -> CacheEntry {
    let file = format!(
        "{}-{}-{}.pb",
        escape(config.version),
        &interface_hash(interface)[..16],
        inputs_hash(inputs, config.ignored_inputs)
    );
    let path = dir.join(escape(task_name)).join(file);
    CacheEntry {
        key: path.display().to_string(),
        path,
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
fn inputs_hash(inputs: &LiteralMap, ignored: &[&str]) -> String {
    let kept = LiteralMap {
        literals: inputs
            .literals
            .iter()
            .filter(|(name, _)| !ignored.contains(&name.as_str()))
            .map(|(name, literal)| (name.clone(), hashify(literal)))
            .collect(),
    };
    let mut hasher = Sha256::new();
    hasher.update(&kept.encode_to_vec());
    hex(&hasher.finish())
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

/// The cached outputs, if there are any (an unreadable entry is a miss).
pub(crate) async fn load(entry: &CacheEntry) -> Option<LiteralMap> {
    let bytes = tokio::fs::read(&entry.path).await.ok()?;
    match LiteralMap::decode(bytes.as_slice()) {
        Ok(outputs) => Some(outputs),
        Err(err) => {
            tracing::warn!(path = %entry.path.display(), "ignoring a corrupt cache entry: {err}");
            None
        }
    }
}

/// Stores outputs, atomically.
pub(crate) async fn store(entry: &CacheEntry, outputs: &LiteralMap) -> std::io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = entry.path.parent().unwrap_or(Path::new("."));
    tokio::fs::create_dir_all(dir).await?;
    let name = entry
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(
        ".{name}.{}-{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    tokio::fs::write(&temp, outputs.encode_to_vec()).await?;
    if let Err(err) = tokio::fs::rename(&temp, &entry.path).await {
        let _ = tokio::fs::remove_file(&temp).await;
        return Err(err);
    }
    Ok(())
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

    #[test]
    fn literals_with_hashes_count_by_hash() {
        let mut a = inputs(1, 1);
        let mut b = inputs(2, 1);
        for map in [&mut a, &mut b] {
            if let Some(x) = map.literals.get_mut("x") {
                x.hash = "same".into();
            }
        }
        assert_eq!(inputs_hash(&a, &[]), inputs_hash(&b, &[]));
    }

    #[tokio::test]
    async fn store_then_load() {
        let dir = std::env::temp_dir().join(format!("flytekit-cache-test-{}", std::process::id()));
        let entry = cache_entry(&dir, "m.t", &CONFIG, &interface(), &inputs(1, 1));
        assert_eq!(load(&entry).await, None);
        store(&entry, &inputs(3, 4)).await.unwrap();
        assert_eq!(load(&entry).await, Some(inputs(3, 4)));
        std::fs::write(&entry.path, b"\xff\xff garbage").unwrap();
        assert_eq!(load(&entry).await, None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
