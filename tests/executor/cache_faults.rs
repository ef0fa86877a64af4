//! The local cache under faults: entries that are empty, undecodable, of the wrong type or
//! missing an output are misses that the next run replaces, also when runs share a cache dir.

use super::*;

/// The one entry file of `executor.cached_square` in `cache_dir`.
fn entry_file(cache_dir: &std::path::Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(cache_dir.join("executor.cached_square"))
        .unwrap()
        .map(|item| item.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "one entry and nothing else: {files:?}");
    files.into_iter().next().unwrap()
}

/// Runs `cached_square(x)` with the cache in `cache_dir`: its outputs, and whether they came
/// from the cache.
pub(crate) fn run_cached(cache_dir: &std::path::Path, x: i64) -> (LiteralMap, bool) {
    let events = Arc::new(Events::default());
    let options = ExecutorOptions {
        cache: CacheMode::Use,
        cache_dir: cache_dir.to_path_buf(),
        ..options(&events)
    };
    let entry = flytekit::core::registry::task("executor.cached_square").unwrap();
    let inputs = literals([("x", lit(x)), ("note", lit(String::new()))]);
    let out = runtime()
        .block_on(Executor::new(options).run_task(entry, inputs))
        .unwrap();
    let cached = events
        .phases("n0")
        .iter()
        .any(|p| matches!(p, NodePhase::Succeeded { cached: true, .. }));
    (out, cached)
}

/// Each bad entry is a miss: the task runs again, returns its real outputs and replaces the
/// entry, which the next run then hits.
pub(crate) fn bad_cache_entries_are_misses() {
    use prost::Message;
    let cache_dir = scratch("bad-cache");
    let good = literals([("o0", lit(121_i64))]);
    assert_eq!(run_cached(&cache_dir, 11), (good.clone(), false));
    let file = entry_file(&cache_dir);
    let bad: [(&str, Vec<u8>); 5] = [
        ("emptied", Vec::new()),
        ("garbage", b"\xff\xff not protobuf".to_vec()),
        (
            "wrong type",
            literals([("o0", lit("121".to_string()))]).encode_to_vec(),
        ),
        (
            "other output",
            literals([("o1", lit(121_i64))]).encode_to_vec(),
        ),
        (
            "extra output",
            literals([("o0", lit(121_i64)), ("o1", lit(1_i64))]).encode_to_vec(),
        ),
    ];
    for (runs, (what, bytes)) in bad.into_iter().enumerate() {
        std::fs::write(&file, bytes).unwrap();
        assert_eq!(run_cached(&cache_dir, 11), (good.clone(), false), "{what}");
        assert_eq!(cache_runs(11), runs + 2, "{what}: the task ran again");
        let stored = LiteralMap::decode(std::fs::read(entry_file(&cache_dir)).unwrap().as_slice());
        assert_eq!(stored.unwrap(), good, "{what}: the entry was replaced");
    }
    assert_eq!(run_cached(&cache_dir, 11), (good, true));
    assert_eq!(cache_runs(11), 6);
}

/// Runs in parallel with one cache dir and an emptied entry all return the real outputs and
/// leave one good entry (no temporary files).
pub(crate) fn concurrent_runs_share_a_cache_dir() {
    use prost::Message;
    let cache_dir = scratch("shared-cache");
    let good = literals([("o0", lit(144_i64))]);
    assert_eq!(run_cached(&cache_dir, 12).0, good);
    std::fs::write(entry_file(&cache_dir), b"").unwrap();
    let runs: Vec<_> = (0..6)
        .map(|_| {
            let dir = cache_dir.clone();
            std::thread::spawn(move || run_cached(&dir, 12).0)
        })
        .collect();
    for run in runs {
        assert_eq!(run.join().unwrap(), good);
    }
    let stored = LiteralMap::decode(std::fs::read(entry_file(&cache_dir)).unwrap().as_slice());
    assert_eq!(stored.unwrap(), good);
}
