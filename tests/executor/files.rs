//! Files that tasks write come back with the bytes each run wrote: every node attempt and map
//! element has a working dir of its own, and the cache keeps a copy of the files it stores.

use super::*;

/// The text of a file output.
fn contents(file: &FlyteFile) -> String {
    let path = file.path().strip_prefix("file://").unwrap_or(file.path());
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("cannot read `{path}`: {err}"))
}

/// Two nodes of one task, each writing `out.txt` in its working dir, return their own file.
pub(crate) fn nodes_of_one_task_get_their_own_files() {
    let events = Arc::new(Events::default());
    let wf = workflow(
        "two_files",
        vec![
            task(
                "n0",
                "write_out",
                vec![bind("text", value("AAA".to_string()))],
            ),
            task(
                "n1",
                "write_out",
                vec![bind("text", value("BBB".to_string()))],
            ),
        ],
        vec![output("a", "n0"), output("b", "n1")],
    );
    let out = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap();
    let (a, b) = (get::<FlyteFile>(&out, "a"), get::<FlyteFile>(&out, "b"));
    assert_eq!([contents(&a), contents(&b)], ["AAA", "BBB"]);
    assert_ne!(a.path(), b.path());
}

/// The elements of a map task each have their own working dir.
pub(crate) fn map_elements_get_their_own_files() {
    let events = Arc::new(Events::default());
    let texts = list(["AAA", "BBB", "CCC"].map(|t| value(t.to_string())).to_vec());
    let wf = workflow(
        "mapped_files",
        vec![map_node(
            "n0",
            "write_out",
            vec![bind("text", texts)],
            ArrayNode::default(),
        )],
        vec![output("o0", "n0")],
    );
    let out = run_with(options(&events), &wf, &[], LiteralMap::default()).unwrap();
    let files = get::<Vec<FlyteFile>>(&out, "o0");
    assert_eq!(
        files.iter().map(contents).collect::<Vec<_>>(),
        ["AAA", "BBB", "CCC"]
    );
}

/// A cache hit returns the bytes the cached run wrote, even after the task's own file changed
/// (the cache keeps a copy) and after runs with other inputs.
pub(crate) fn cached_files_keep_their_bytes() {
    let cache_dir = scratch("file-cache");
    let entry = flytekit::core::registry::task("executor.cached_write_out").unwrap();
    let run = |text: &str| {
        let events = Arc::new(Events::default());
        let options = ExecutorOptions {
            cache: CacheMode::Use,
            cache_dir: cache_dir.clone(),
            ..options(&events)
        };
        let inputs = literals([("text", lit(text.to_string()))]);
        let out = runtime()
            .block_on(Executor::new(options).run_task(entry, inputs))
            .unwrap();
        let cached = events
            .phases("n0")
            .iter()
            .any(|p| matches!(p, NodePhase::Succeeded { cached: true, .. }));
        (get::<FlyteFile>(&out, "o0"), cached)
    };
    let (first, cached) = run("AAA");
    assert!(!cached);
    assert_eq!(contents(&first), "AAA");
    let (second, cached) = run("BBB");
    assert!(!cached);
    assert_eq!(contents(&second), "BBB");
    // What the task returned is the task's; the cache must not depend on it staying put.
    std::fs::write(first.path(), "changed after the run").unwrap();
    let (third, cached) = run("AAA");
    assert!(cached, "the third run is a cache hit");
    assert_eq!(contents(&third), "AAA");
    assert_eq!(contents(&second), "BBB");
}
