//! The local cache of a map's elements: looked up together before they run, stored together
//! (one pack) after.
//!
//! Element by element, the cache costs a lookup and a file write per element (100–200 µs of
//! file-system work each), far more than a small task's own run. Here the array node computes
//! every element's key, looks them all up with one listing of the task's entry files and one
//! read of its packs, runs only the misses (in the time slices or lanes, as for an uncached
//! map) and stores what they return as one pack. A hit is reported as on the per-element path:
//! started, then succeeded (cached). Tasks with `cache(serialize = true)` stay on the
//! per-element path, where identical elements wait for the first one's outputs.

use std::collections::HashSet;
use std::sync::Arc;

use flytekit_core::task::{CacheConfig, TaskEntry};
use flytekit_idl::core::TypedInterface;

use super::array::{Columns, ElementEvents, ElementInputs, Todo};
use super::cache::{CacheKeys, Digest, PackBuilder};
use super::events::NodePhase;
use super::{CacheMode, Inner};

/// The cache keys of a map's elements, and which of them were hits.
pub(crate) struct MapCache {
    keys: Arc<CacheKeys>,
    digests: Arc<Vec<Digest>>,
    /// Elements whose outputs came from the cache (not stored again).
    hit: Vec<bool>,
    /// Digests with an entry file of their own, which a stored pack replaces.
    with_files: HashSet<Digest>,
}

impl MapCache {
    /// Looks up the `len` elements of a map of `entry`: records the hits in `outputs`, reports
    /// them through `events`, and says which elements are left to run.
    pub(crate) async fn look_up(
        cx: &Inner,
        entry: &'static TaskEntry,
        config: &CacheConfig,
        elements: &ElementInputs,
        len: usize,
        events: &ElementEvents,
        outputs: &mut Columns,
    ) -> (MapCache, Todo) {
        let interface: TypedInterface = entry.interface();
        let keys = Arc::new(CacheKeys::new(
            &cx.options.cache_dir,
            &entry.name(),
            config,
            &interface,
        ));
        let digests: Arc<Vec<Digest>> =
            Arc::new((0..len).map(|i| keys.digest_of(elements.each(i))).collect());
        let mut hit = vec![false; len];
        let (todo, with_files) = if cx.options.cache == CacheMode::Use {
            let names = outputs.names().to_vec();
            let found = cx
                .cache
                .load_many(keys.clone(), digests.clone(), &interface, names)
                .await;
            let mut misses = Vec::new();
            let mut hits = found.hits.into_iter();
            for (i, is_hit) in hit.iter_mut().enumerate() {
                match hits.next().flatten() {
                    Some(cached) => {
                        events.emit(i, || NodePhase::Started);
                        outputs.record_row(i, cached);
                        events.emit(i, || NodePhase::Succeeded {
                            cached: true,
                            elapsed: std::time::Duration::ZERO,
                        });
                        *is_hit = true;
                    }
                    None => misses.push(i),
                }
            }
            let todo = if misses.len() == len {
                Todo::All(len)
            } else {
                Todo::Only(misses)
            };
            (todo, found.with_files)
        } else {
            // Overwrite: every element runs, and what it returns replaces its entry.
            (Todo::All(len), cx.cache.entry_files(keys.clone()).await)
        };
        let cache = MapCache {
            keys,
            digests,
            hit,
            with_files,
        };
        (cache, todo)
    }

    /// Stores the outputs of the elements that ran and succeeded, as one pack.
    pub(crate) async fn store(self, cx: &Inner, outputs: &Columns) {
        let mut built = PackBuilder::new(outputs.names().to_vec());
        let mut replaced = Vec::new();
        for (i, digest) in self.digests.iter().enumerate() {
            if self.hit[i] {
                continue;
            }
            if let Some(row) = outputs.row(i) {
                built.add(digest, &row);
                if self.with_files.contains(digest) {
                    replaced.push(*digest);
                }
            }
        }
        let stored = cx.cache.store_many(self.keys, built, replaced).await;
        if let Err(err) = stored {
            tracing::warn!("cannot write the local cache: {err}");
        }
    }
}
