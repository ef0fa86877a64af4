//! Maps over cached tasks: every element is looked up before any runs, only the misses run,
//! and what they return is stored as one pack, which later maps and single task nodes (also in
//! isolated mode) find. Hits are reported as cached; failures are not stored; damaged packs,
//! overwrites and cached files behave as entry files do.

use super::cache_faults::run_cached;
use super::*;

/// What one map run gave: its outputs, and which elements were cache hits.
struct MapRun {
    outputs: LiteralMap,
    hits: Vec<bool>,
}

/// Runs a map of `name` over `xs` (input `x`; `note` is bound for `cached_square`) with the
/// cache in `cache_dir`.
fn run_map(
    cache_dir: &std::path::Path,
    mode: CacheMode,
    name: &str,
    xs: impl IntoIterator<Item = i64>,
    isolated: bool,
    array: ArrayNode,
) -> Result<MapRun, ExecutionError> {
    let events = Arc::new(Events::default());
    let xs: Vec<i64> = xs.into_iter().collect();
    let mut inputs = vec![bind("x", list(xs.iter().copied().map(value).collect()))];
    if name == "cached_square" {
        inputs.push(bind("note", value("bound".to_string())));
    }
    // A task without outputs (`cached_even_check`) gives the workflow none.
    let outputs = if name.ends_with("_check") {
        vec![]
    } else {
        vec![output("o0", "n0")]
    };
    let wf = workflow(
        "cached_map",
        vec![map_node("n0", name, inputs, array)],
        outputs,
    );
    let options = ExecutorOptions {
        cache: mode,
        cache_dir: cache_dir.to_path_buf(),
        isolated,
        ..options(&events)
    };
    let outputs = run_with(options, &wf, &[], LiteralMap::default())?;
    let hits = (0..xs.len())
        .map(|i| {
            let phases = events.phases(&format!("n0-{i}"));
            let hit = matches!(
                phases.as_slice(),
                [
                    NodePhase::Started,
                    NodePhase::Succeeded { cached: true, .. }
                ]
            );
            assert!(
                hit || !phases
                    .iter()
                    .any(|p| matches!(p, NodePhase::Succeeded { cached: true, .. })),
                "element {i}: {phases:?}"
            );
            hit
        })
        .collect();
    Ok(MapRun { outputs, hits })
}

/// The files under `dir` whose name ends in `suffix`, recursively.
fn files_ending(dir: &std::path::Path, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(items) = std::fs::read_dir(dir) else {
        return found;
    };
    for item in items.flatten() {
        let path = item.path();
        if path.is_dir() {
            found.extend(files_ending(&path, suffix));
        } else if path.to_string_lossy().ends_with(suffix) {
            found.push(path);
        }
    }
    found.sort();
    found
}

fn squares(xs: std::ops::Range<i64>) -> Vec<i64> {
    xs.map(|x| x * x).collect()
}

/// The first map runs every element and writes one pack (no entry file per element); a map
/// that overlaps it runs only the new elements, with the hits in their places; a single task
/// node and an isolated map find the packed entries too.
pub(crate) fn cached_maps_run_only_their_misses() {
    let cache_dir = scratch("map-cache");
    let task_dir = cache_dir.join("executor.cached_square");
    let first = run_map(
        &cache_dir,
        CacheMode::Use,
        "cached_square",
        100..110,
        false,
        ArrayNode::default(),
    )
    .unwrap();
    assert_eq!(get::<Vec<i64>>(&first.outputs, "o0"), squares(100..110));
    assert_eq!(first.hits, [false; 10]);
    assert!((100..110).all(|x| cache_runs(x) == 1));
    assert_eq!(files_ending(&task_dir, ".pack").len(), 1);
    assert_eq!(files_ending(&task_dir, ".pb"), Vec::<PathBuf>::new());

    let second = run_map(
        &cache_dir,
        CacheMode::Use,
        "cached_square",
        105..115,
        false,
        ArrayNode::default(),
    )
    .unwrap();
    assert_eq!(get::<Vec<i64>>(&second.outputs, "o0"), squares(105..115));
    assert_eq!(
        second.hits,
        [true, true, true, true, true, false, false, false, false, false]
    );
    assert!((100..115).all(|x| cache_runs(x) == 1), "nothing ran twice");
    assert_eq!(files_ending(&task_dir, ".pack").len(), 2);

    // A task node on its own finds an element's outputs in a pack.
    let (out, cached) = run_cached(&cache_dir, 112);
    assert_eq!(get::<i64>(&out, "o0"), 112 * 112);
    assert!(cached);

    // Isolated, elements are looked up one by one: the packs answer them as well.
    let isolated = run_map(
        &cache_dir,
        CacheMode::Use,
        "cached_square",
        113..117,
        true,
        ArrayNode::default(),
    )
    .unwrap();
    assert_eq!(get::<Vec<i64>>(&isolated.outputs, "o0"), squares(113..117));
    assert_eq!(isolated.hits, [true, true, false, false]);
    assert_eq!(cache_runs(113), 1);
}

/// The same for a map over an async task, whose misses run in lanes.
pub(crate) fn cached_async_maps_run_only_their_misses() {
    let cache_dir = scratch("async-map-cache");
    let cubes = |xs: std::ops::Range<i64>| xs.map(|x| x * x * x).collect::<Vec<i64>>();
    let first = run_map(
        &cache_dir,
        CacheMode::Use,
        "cached_cube",
        200..206,
        false,
        ArrayNode::default(),
    )
    .unwrap();
    assert_eq!(get::<Vec<i64>>(&first.outputs, "o0"), cubes(200..206));
    assert_eq!(first.hits, [false; 6]);
    let second = run_map(
        &cache_dir,
        CacheMode::Use,
        "cached_cube",
        203..209,
        false,
        ArrayNode::default(),
    )
    .unwrap();
    assert_eq!(get::<Vec<i64>>(&second.outputs, "o0"), cubes(203..209));
    assert_eq!(second.hits, [true, true, true, false, false, false]);
    assert!((200..209).all(|x| cache_runs(x) == 1), "nothing ran twice");
}

/// `--overwrite-cache` runs every element, and its pack replaces what was cached before, also
/// an element's own entry file (which lookups read first).
pub(crate) fn overwriting_a_cached_map_replaces_entries() {
    let cache_dir = scratch("map-cache-overwrite");
    let task_dir = cache_dir.join("executor.cached_square");
    assert!(!run_cached(&cache_dir, 300).1);
    assert_eq!(files_ending(&task_dir, ".pb").len(), 1);

    let all = |mode| {
        run_map(
            &cache_dir,
            mode,
            "cached_square",
            300..304,
            false,
            ArrayNode::default(),
        )
        .unwrap()
    };
    let overwritten = all(CacheMode::Overwrite);
    assert_eq!(
        get::<Vec<i64>>(&overwritten.outputs, "o0"),
        squares(300..304)
    );
    assert_eq!(overwritten.hits, [false; 4]);
    assert_eq!(cache_runs(300), 2, "overwrite runs a cached element again");
    assert_eq!(
        files_ending(&task_dir, ".pb"),
        Vec::<PathBuf>::new(),
        "the pack replaced the entry file"
    );
    let again = all(CacheMode::Use);
    assert_eq!(again.hits, [true; 4]);
    assert_eq!(get::<Vec<i64>>(&again.outputs, "o0"), squares(300..304));
    assert!((300..304).all(|x| cache_runs(x) == 2 - usize::from(x != 300)));
}

/// Elements that fail are not cached: the next run tries them again and hits the others.
pub(crate) fn failed_map_elements_are_not_cached() {
    let cache_dir = scratch("map-cache-failures");
    let half = ArrayNode {
        success_criteria: Some(array_node::SuccessCriteria::MinSuccessRatio(0.5)),
        ..Default::default()
    };
    let expected: Vec<Option<i64>> = (400..406).map(|x| (x % 3 != 0).then_some(x)).collect();
    for (run, hits) in [(1, [false; 6]), (2, [true, true, false, true, true, false])] {
        let done = run_map(
            &cache_dir,
            CacheMode::Use,
            "cached_picky",
            400..406,
            false,
            half.clone(),
        )
        .unwrap();
        assert_eq!(get::<Vec<Option<i64>>>(&done.outputs, "o0"), expected);
        assert_eq!(done.hits, hits, "run {run}");
        assert_eq!(cache_runs(401), 1);
        assert_eq!(cache_runs(402), run, "a failed element runs again");
    }
    // When the node fails, the elements that succeeded are still cached.
    let strict = run_map(
        &cache_dir,
        CacheMode::Use,
        "cached_picky",
        406..410,
        false,
        ArrayNode::default(),
    );
    assert!(strict.is_err(), "element 408 fails the node");
    let after = run_map(
        &cache_dir,
        CacheMode::Use,
        "cached_picky",
        406..408,
        false,
        ArrayNode::default(),
    )
    .unwrap();
    assert_eq!(after.hits, [true, true]);

    // Without outputs, only the elements' success tells what to cache.
    for run in 1..=2 {
        let checked = run_map(
            &cache_dir,
            CacheMode::Use,
            "cached_even_check",
            420..424,
            false,
            half.clone(),
        )
        .unwrap();
        let expected = if run == 1 {
            [false; 4]
        } else {
            [true, false, true, false]
        };
        assert_eq!(checked.hits, expected, "run {run}");
        assert_eq!(cache_runs(421), run, "a failed element is not cached");
    }
}

/// A pack cut short keeps its whole entries, one of another format is ignored: the elements
/// they lost run again and are stored again, with the right values.
pub(crate) fn damaged_packs_are_misses() {
    let cache_dir = scratch("map-cache-damaged");
    let task_dir = cache_dir.join("executor.cached_square");
    let run = || {
        run_map(
            &cache_dir,
            CacheMode::Use,
            "cached_square",
            500..504,
            false,
            ArrayNode::default(),
        )
        .unwrap()
    };
    run();
    let [pack] = files_ending(&task_dir, ".pack").try_into().unwrap();
    let bytes = std::fs::read(&pack).unwrap();
    std::fs::write(&pack, &bytes[..bytes.len() - 1]).unwrap();
    let cut = run();
    assert_eq!(cut.hits, [true, true, true, false]);
    assert_eq!(get::<Vec<i64>>(&cut.outputs, "o0"), squares(500..504));
    for pack in files_ending(&task_dir, ".pack") {
        std::fs::write(&pack, b"not a pack").unwrap();
    }
    let garbage = run();
    assert_eq!(garbage.hits, [false; 4]);
    assert_eq!(get::<Vec<i64>>(&garbage.outputs, "o0"), squares(500..504));
    assert_eq!(run().hits, [true; 4]);
    assert_eq!(cache_runs(500), 2);
    assert_eq!(cache_runs(503), 3);
}

/// Files that elements return are copied into the cache beside the pack: a hit returns the
/// bytes of the run that was cached, and a copy that is gone makes its element a miss.
pub(crate) fn cached_map_files_keep_their_bytes() {
    let cache_dir = scratch("map-file-cache");
    let texts = ["first", "second"];
    let run = || {
        let events = Arc::new(Events::default());
        let labels = list(texts.iter().map(|t| value(t.to_string())).collect());
        let wf = workflow(
            "cached_files",
            vec![map_node(
                "n0",
                "cached_write_out",
                vec![bind("text", labels)],
                ArrayNode::default(),
            )],
            vec![output("o0", "n0")],
        );
        let options = ExecutorOptions {
            cache: CacheMode::Use,
            cache_dir: cache_dir.clone(),
            ..options(&events)
        };
        let out = run_with(options, &wf, &[], LiteralMap::default()).unwrap();
        let cached: Vec<bool> = (0..texts.len())
            .map(|i| {
                events
                    .phases(&format!("n0-{i}"))
                    .iter()
                    .any(|p| matches!(p, NodePhase::Succeeded { cached: true, .. }))
            })
            .collect();
        (get::<Vec<FlyteFile>>(&out, "o0"), cached)
    };
    let (files, cached) = run();
    assert_eq!(cached, [false, false]);
    let read = |file: &FlyteFile| std::fs::read_to_string(file.path()).unwrap();
    assert_eq!(files.iter().map(read).collect::<Vec<_>>(), texts);
    // What the elements returned is theirs; the cache must not depend on it staying put.
    std::fs::write(files[0].path(), "changed after the run").unwrap();
    let (hits, cached) = run();
    assert_eq!(cached, [true, true]);
    assert_eq!(hits.iter().map(read).collect::<Vec<_>>(), texts);
    assert!(std::fs::metadata(hits[0].path())
        .unwrap()
        .permissions()
        .readonly());
    std::fs::remove_file(hits[1].path()).unwrap();
    let (files, cached) = run();
    assert_eq!(cached, [true, false], "a cached copy is gone");
    assert_eq!(files.iter().map(read).collect::<Vec<_>>(), texts);
}

/// With `serialize`, identical elements of one map wait for the first and reuse its outputs
/// (element by element, as for task nodes), and they are stored as entry files.
pub(crate) fn serialized_cached_maps_run_each_input_once() {
    let cache_dir = scratch("map-cache-serialized");
    let done = run_map(
        &cache_dir,
        CacheMode::Use,
        "serialized_square",
        [600, 600, 600, 601],
        false,
        ArrayNode::default(),
    )
    .unwrap();
    assert_eq!(
        get::<Vec<i64>>(&done.outputs, "o0"),
        [360_000, 360_000, 360_000, 361_201]
    );
    assert_eq!(
        cache_runs(600),
        1,
        "identical elements waited for the first"
    );
    assert_eq!(cache_runs(601), 1);
    let task_dir = cache_dir.join("executor.serialized_square");
    assert_eq!(files_ending(&task_dir, ".pb").len(), 2);
    assert_eq!(files_ending(&task_dir, ".pack"), Vec::<PathBuf>::new());
}

/// Maps in parallel with one cache dir (each its own executor, as separate `run`s are) all
/// return the right values and each leaves a whole pack; a later map hits every element.
pub(crate) fn concurrent_cached_maps_share_a_cache_dir() {
    let cache_dir = scratch("map-cache-concurrent");
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let dir = cache_dir.clone();
            std::thread::spawn(move || {
                run_map(
                    &dir,
                    CacheMode::Use,
                    "cached_square",
                    700..740,
                    false,
                    ArrayNode::default(),
                )
                .unwrap()
                .outputs
            })
        })
        .collect();
    for run in runs {
        assert_eq!(
            get::<Vec<i64>>(&run.join().unwrap(), "o0"),
            squares(700..740)
        );
    }
    let task_dir = cache_dir.join("executor.cached_square");
    let packs = files_ending(&task_dir, ".pack");
    assert!((1..=4).contains(&packs.len()), "{packs:?}");
    assert_eq!(files_ending(&task_dir, ".tmp"), Vec::<PathBuf>::new());
    let after = run_map(
        &cache_dir,
        CacheMode::Use,
        "cached_square",
        700..740,
        false,
        ArrayNode::default(),
    )
    .unwrap();
    assert_eq!(after.hits, [true; 40]);
    assert_eq!(get::<Vec<i64>>(&after.outputs, "o0"), squares(700..740));
}

/// The elements left to run after the lookup see their own index in the map, not their place
/// among the misses; hits return what the run that cached them returned.
pub(crate) fn cached_map_misses_know_their_index() {
    let cache_dir = scratch("map-cache-index");
    let run = |xs: &[i64]| {
        let done = run_map(
            &cache_dir,
            CacheMode::Use,
            "cached_index",
            xs.iter().copied(),
            false,
            ArrayNode::default(),
        )
        .unwrap();
        get::<Vec<String>>(&done.outputs, "o0")
    };
    assert_eq!(run(&[800, 802]), ["800@0", "802@1"]);
    assert_eq!(
        run(&[800, 801, 802, 803]),
        ["800@0", "801@1", "802@1", "803@3"]
    );
}
