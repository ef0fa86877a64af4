//! A binary of tasks for the entrypoint and CLI tests (`tests/entrypoint.rs`, `tests/cli.rs`):
//! the same shapes as `tests/python/entrypoint_peer.py` so Python flytekit can be the peer.

use flytekit::prelude::*;

mod datasets;

/// A point, the same dataclass as `Point` in tests/python/entrypoint_peer.py.
#[derive(Debug, Clone, PartialEq, FlyteType)]
pub struct Point {
    x: f64,
    y: f64,
    label: String,
}

/// A task registered elsewhere (Python, say), run here by `add` (for `list`).
#[reference_task(
    project = "flytesnacks",
    domain = "development",
    name = "core.add",
    version = "v1",
    local = add
)]
fn remote_add(a: i64, b: i64) -> i64;

/// A workflow registered elsewhere, without a local stand-in.
#[reference_workflow(
    project = "flytesnacks",
    domain = "production",
    name = "core.pipeline",
    version = "v4"
)]
fn remote_pipeline(x: i64) -> i64;

/// Adds two numbers.
#[task]
fn add(a: i64, #[default(3)] b: i64) -> i64 {
    a + b
}

/// Moves a point.
#[task]
fn shift(p: Point, by: f64) -> Point {
    Point {
        x: p.x + by,
        y: p.y + by,
        label: p.label,
    }
}

/// Fails with an ordinary error.
#[task]
fn explode(a: i64) -> Result<i64, String> {
    Err(format!("cannot handle {a}"))
}

/// Fails with an error worth retrying.
#[task]
fn busy() -> Result<i64, TaskError> {
    Err(TaskError::recoverable("service busy"))
}

/// Panics.
#[task]
fn panics(a: i64) -> i64 {
    panic!("boom at {a}")
}

/// Aborts the whole process.
#[task]
fn aborts() {
    std::process::abort()
}

/// One element of a map: scales `x` by `k`.
#[task]
fn scale(x: i64, k: i64) -> i64 {
    x * k
}

/// Succeeds on the third attempt, counting attempts through the task context.
#[task(retries = 3)]
fn third_time_lucky() -> Result<u32, TaskError> {
    let attempt = current_context().attempt;
    if attempt < 2 {
        Err(TaskError::recoverable(format!("attempt {attempt} failed")))
    } else {
        Ok(attempt)
    }
}

/// Sleeps longer than its timeout.
#[task(timeout = "1s")]
async fn too_slow() -> i64 {
    tokio::time::sleep(std::time::Duration::from_secs(30)).await;
    1
}

/// A sync task that sleeps 8 s against its 1 s timeout: the thread cannot be stopped, so the
/// process must not wait for it.
#[task(timeout = "1s")]
fn sleeps_past_timeout() -> i64 {
    std::thread::sleep(std::time::Duration::from_secs(8));
    1
}

/// A sync task that never ends on its own, with a 1 s timeout.
#[task(timeout = "1s")]
fn never_ends() -> i64 {
    loop {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Where it runs: the path and mode (octal) of its working dir, of the dir its raw output
/// prefix is in, and of the dir its working dir is in.
#[task]
fn scratch_dirs() -> Vec<String> {
    let context = current_context();
    let raw = std::path::Path::new(&context.raw_output_prefix);
    let work = context.working_dir.as_path();
    let mut out = Vec::new();
    for dir in [
        work,
        raw.parent().unwrap_or(raw),
        work.parent().unwrap_or(work),
    ] {
        #[cfg(unix)]
        let mode = {
            use std::os::unix::fs::PermissionsExt;
            std::fs::metadata(dir).map_or(0, |m| m.permissions().mode() & 0o777)
        };
        #[cfg(not(unix))]
        let mode = 0;
        out.push(dir.display().to_string());
        out.push(format!("{mode:o}"));
    }
    out
}

/// Returns a file it never wrote: its upload must fail.
#[task]
fn vanished_file() -> FlyteFile {
    let path = current_context().working_dir.join("never-written.txt");
    FlyteFile::new(path.display().to_string())
}

/// Sums up a list, a dict and an optional note: inputs `run` takes as JSON.
#[task]
fn summarize(
    tags: Vec<String>,
    weights: std::collections::BTreeMap<String, f64>,
    note: Option<String>,
) -> String {
    let weights: Vec<String> = weights.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{}; {}; note={note:?}", tags.join(","), weights.join(","))
}

/// Writes the id of the process it runs in to `pid_file`, then sleeps `secs` seconds (for the
/// tests of signals: is that process gone after the run was stopped?).
#[task]
fn sleeps_for(secs: u64, pid_file: String) -> u64 {
    std::fs::write(&pid_file, std::process::id().to_string()).expect("pid file is writable");
    std::thread::sleep(std::time::Duration::from_secs(secs));
    secs
}

/// Writes a file and returns it.
#[task]
fn write_report(text: String) -> FlyteFile {
    let path = std::env::temp_dir().join(format!("report-{}.txt", std::process::id()));
    std::fs::write(&path, text).expect("temp dir is writable");
    FlyteFile::new(path.display().to_string())
}

/// Echoes `text`, cached; appends a line to the file `log` every time it really runs (so a test
/// can count runs across processes).
#[task(cache(version = "1"))]
fn cached_echo(text: String, log: String) -> String {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .expect("the log file can be opened");
    writeln!(file, "ran").expect("the log file is writable");
    text
}

/// Adds, then doubles or fails depending on the sum: a small workflow for the CLI tests.
#[workflow]
fn add_then_scale(a: i64, #[default(10)] k: i64) -> i64 {
    let total = add(a);
    let picked = if total > 0 {
        scale(total, k)
    } else {
        fail("the total must be positive")
    };
    picked
}

/// Scales every element of `xs` by `k`: a map with a bound input, whose map-task entity the
/// entrypoint tests run as an array node's elements.
#[workflow]
fn scale_all(xs: Vec<i64>, k: i64) -> Vec<i64> {
    map_task(scale, xs, fixed(k))
}

/// `scale(add(x), 2)`, with the nodes added by a function (an imperative workflow).
fn build_add_and_double(b: &mut flytekit::WorkflowBuilder) {
    let x = b.input::<i64>("x", "the number");
    let sum = b
        .call::<add>()
        .bind::<0, _>(x)
        .defaults_from::<1>()
        .finish();
    let doubled = b.call::<scale>().bind::<0, _>(sum).bind::<1, _>(2).finish();
    b.output("o0", doubled);
}

flytekit::imperative_workflow!(
    /// Adds 3 and doubles: an imperative workflow.
    add_and_double = build_add_and_double
);

/// Reads a file (downloading it when it is remote).
#[task]
fn read_text(file: FlyteFile) -> Result<String, TaskError> {
    let local = file.download()?;
    // A second call reuses the first download.
    assert_eq!(file.download()?, local);
    Ok(std::fs::read_to_string(local)?)
}

/// Reads a file from an async task.
#[task]
async fn read_text_async(file: FlyteFile) -> Result<String, TaskError> {
    let local = file.download_async().await?;
    Ok(tokio::fs::read_to_string(local).await?)
}

/// Lists a directory without downloading it, then reads each file: `<relative name>=<text>`.
#[task]
fn list_texts(dir: FlyteDirectory) -> Result<Vec<String>, TaskError> {
    let root = dir.path().trim_end_matches('/').to_string();
    let mut out = Vec::new();
    for file in dir.files()? {
        let name = file.path()[root.len() + 1..].to_string();
        let text = std::fs::read_to_string(file.download()?)?;
        out.push(format!("{name}={text}"));
    }
    Ok(out)
}

/// Downloads a whole directory and lists what arrived: `<relative name>=<text>`.
#[task]
fn download_texts(dir: FlyteDirectory) -> Result<Vec<String>, TaskError> {
    let local = dir.download()?;
    let mut out = Vec::new();
    let mut pending = vec![local.clone()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(next)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let name = path.strip_prefix(&local).unwrap().display().to_string();
                out.push(format!("{name}={}", std::fs::read_to_string(&path)?));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Writes one file per name (`name` holds `text of <name>`, `/` makes subfolders) in a folder
/// of its working dir and returns the folder.
#[task]
fn write_named(names: Vec<String>) -> Result<FlyteDirectory, TaskError> {
    let dir = current_context().working_dir.join("named");
    for name in &names {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap())?;
        std::fs::write(&path, format!("text of {name}"))?;
    }
    Ok(FlyteDirectory::new(dir.display().to_string()))
}

/// Writes one file called `name` holding `text` and returns it.
#[task]
fn write_one(name: String, text: String) -> Result<FlyteFile, TaskError> {
    let path = current_context().working_dir.join(&name);
    std::fs::write(&path, text)?;
    Ok(FlyteFile::new(path.display().to_string()))
}

/// Writes a file of `mib` MiB (a repeating byte pattern) and returns it.
#[task]
fn write_big(mib: u64) -> Result<FlyteFile, TaskError> {
    use std::io::Write;
    let path = current_context().working_dir.join("big.bin");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
    let block: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
    for _ in 0..mib {
        file.write_all(&block)?;
    }
    file.flush()?;
    Ok(FlyteFile::new(path.display().to_string()))
}

/// The size of a file and a checksum of its bytes (read in blocks; below 2^62, so it fits a
/// Flyte INTEGER).
#[task]
fn size_and_sum(file: FlyteFile) -> Result<(u64, u64), TaskError> {
    use std::io::Read;
    let mut reader = std::fs::File::open(file.download()?)?;
    let mut block = vec![0u8; 1 << 16];
    let (mut size, mut sum) = (0u64, 0u64);
    loop {
        let n = reader.read(&mut block)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        sum = block[..n].iter().fold(sum, |acc, b| {
            acc.wrapping_mul(31).wrapping_add(u64::from(*b))
        });
    }
    Ok((size, sum % (1 << 62)))
}

/// Saves its progress and fails recoverably on a first attempt; a retry resumes from the
/// checkpoint: `resumed from <saved> in attempt <n>`.
#[task(retries = 1)]
fn resumes(label: String) -> Result<String, TaskError> {
    let context = current_context();
    let checkpoint = context.checkpoint();
    match checkpoint.read()? {
        Some(saved) => Ok(format!(
            "resumed from {} in attempt {}",
            String::from_utf8_lossy(&saved),
            context.attempt
        )),
        None => {
            checkpoint.write(format!("{label} saved by attempt {}", context.attempt).as_bytes())?;
            Err(TaskError::recoverable("stopping after the first half"))
        }
    }
}

/// A worker of a distributed job: only rank 0 writes its output (flytekit's IgnoreOutputs).
#[task]
fn ranked(rank: i64) -> Result<i64, TaskError> {
    if rank != 0 {
        return Err(IgnoreOutputs.into());
    }
    Ok(100)
}

/// Reads the output of `ranked`: fails for a rank whose output was ignored.
#[workflow]
fn ranked_then_scaled(rank: i64) -> i64 {
    let loss = ranked(rank);
    scale(loss, 2)
}

/// Everything the task context says, as JSON (for the tests of where each field comes from).
#[task]
fn context_report() -> String {
    let c = current_context();
    serde_json::json!({
        "execution": [c.execution_id.project, c.execution_id.domain, c.execution_id.name],
        "workflow": c.workflow_name,
        "task": [c.task_id.project, c.task_id.domain, c.task_id.name, c.task_id.version],
        "node": c.node_id,
        "attempt": c.attempt,
        "date_age_s": (chrono::Utc::now() - c.execution_date).num_seconds(),
        "output_prefix": c.output_metadata_prefix,
        "raw_prefix": c.raw_output_prefix,
        "checkpoint": [c.checkpoint_path, c.prev_checkpoint],
        "url": c.execution_url,
        "working_dir_exists": c.working_dir.is_dir(),
    })
    .to_string()
}

/// Writes a deck of every kind of section, with data that must not become markup.
#[task(enable_deck)]
fn with_deck(title: String) -> i64 {
    let context = current_context();
    let summary = context.deck("Summary");
    summary
        .markdown(&format!("# {title}\n\n*done*"))
        .text("<script>alert('x')</script>");
    context
        .deck("Table")
        .table(&["k", "v"], &[vec!["a".into(), "<1>".into()]]);
    context
        .deck("Summary")
        .image("image/png", b"\x89PNG", "a plot");
    7
}

fn main() {
    flytekit::main()
}
