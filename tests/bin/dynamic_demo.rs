//! A binary of dynamic tasks for the dynamic-workflow tests (`tests/dynamic.rs`): the same
//! shapes as `tests/python/dyn_mirror/dynamics.py`, so Python flytekit can be the peer.

use flytekit::prelude::*;

/// Doubles a number.
#[task]
fn double(x: i64) -> i64 {
    x * 2
}

/// Adds numbers up.
#[task]
fn total(xs: Vec<i64>) -> i64 {
    xs.iter().sum()
}

/// Doubles the even numbers, quadruples the odd ones: one node per doubling.
#[dynamic]
fn cube_each(xs: Vec<i64>) -> Vec<i64> {
    let mut out = Vec::new();
    for x in xs {
        if x % 2 == 0 {
            out.push(double(x));
        } else {
            out.push(double(double(x)));
        }
    }
    out
}

/// The sum of `cube_each`.
#[workflow]
fn dyn_sum(xs: Vec<i64>) -> i64 {
    total(cube_each(xs))
}

/// Doubles twice, as a sub-workflow.
#[workflow]
fn twice(x: i64) -> i64 {
    let a = double(x);
    double(a)
}

/// The sum of `twice(i)` for `i` below `n`: a sub-workflow node per number.
#[dynamic]
fn nested(n: i64) -> i64 {
    let mut ys = Vec::new();
    for i in 0..self::at_most_ten(n) {
        ys.push(twice(i));
    }
    total(ys)
}

/// `twice` registered as a launch plan of its own, declared as a reference.
#[reference_launch_plan(project = "proj", domain = "dev", name = "twice_lp", version = "v3")]
fn twice_lp(x: i64) -> i64;

/// `twice_lp` of every number: a launch-plan node per number.
#[dynamic]
fn launch_each(xs: Vec<i64>) -> Vec<i64> {
    xs.into_iter().map(|x| twice_lp(x)).collect::<Vec<_>>()
}

/// `double`, registered elsewhere; `double` runs in its place locally.
#[reference_task(project = "proj", domain = "dev", name = "shared.double", version = "v1", local = double)]
fn remote_double(x: i64) -> i64;

/// Calls a reference task: runs locally (its stand-in), but Flyte cannot run it in a dynamic
/// workflow (no template to give propeller), so `execute` refuses it.
#[dynamic]
fn remote_each(xs: Vec<i64>) -> Vec<i64> {
    xs.into_iter().map(|x| remote_double(x)).collect::<Vec<_>>()
}

/// A dynamic task calling a dynamic task: `total(cube_each(0..n))`.
#[dynamic]
fn outer(n: i64) -> i64 {
    total(cube_each((0..n).collect::<Vec<_>>()))
}

/// A helper: called with a path, it is plain Rust in a dynamic body, not a node.
fn at_most_ten(n: i64) -> i64 {
    n.min(10)
}

/// The sum, or a plain 0 for no numbers (then no node at all).
#[dynamic]
fn maybe_sum(xs: Vec<i64>) -> i64 {
    if xs.is_empty() {
        return 0;
    }
    total(xs)
}

/// Fails for negative numbers, before calling anything.
#[dynamic]
fn picky(n: i64) -> Result<i64, String> {
    if n < 0 {
        return Err(format!("cannot handle {n}"));
    }
    Ok(double(n))
}

/// Panics for 13.
#[dynamic]
fn superstitious(n: i64) -> i64 {
    assert_ne!(n, 13, "not 13");
    double(n)
}

/// `cube_each`, cached.
#[dynamic(cache(version = "1"))]
fn cached_each(xs: Vec<i64>) -> Vec<i64> {
    let mut out = Vec::new();
    for x in xs {
        out.push(double(x));
    }
    out
}

/// Fails its first attempt recoverably: the body is retried, as a task is.
#[dynamic(retries = 1)]
fn flaky_once(n: i64) -> Result<i64, TaskError> {
    if current_context().attempt == 0 {
        return Err(TaskError::recoverable("the first attempt fails"));
    }
    Ok(double(n))
}

/// Always fails recoverably, with no retry left after the first.
#[dynamic(retries = 1)]
fn flaky_always(n: i64) -> Result<i64, TaskError> {
    Err(TaskError::recoverable(format!(
        "attempt {} of {n} fails",
        current_context().attempt
    )))
}

/// `x * factor`.
#[task]
fn scale(x: i64, factor: i64) -> i64 {
    x * factor
}

/// An array node in a dynamic workflow, its output used by a later node: flytekit's
/// `map_task(partial(scale, factor=k), concurrency=2)(x=xs)`.
#[dynamic]
fn scale_each(xs: Vec<i64>, k: i64) -> i64 {
    let scaled = map_task(scale, xs, fixed(k)).concurrency(2);
    total(scaled)
}

/// A map allowed to lose half its elements: flytekit's `min_success_ratio=0.5`.
#[dynamic]
fn double_most(xs: Vec<i64>) -> Vec<Option<i64>> {
    map_task(double, xs).min_success_ratio(0.5)
}

/// `x * factor`, as a workflow.
#[workflow]
fn scale_wf(x: i64, factor: i64) -> i64 {
    scale(x, factor)
}

flytekit::launch_plan! {
    /// `scale_wf` tripling: a launch plan of this binary with a fixed input.
    pub triple_plan = scale_wf { fixed: { factor: 3 } }
}

/// `triple_plan` of every number: a launch-plan node per number, the plan's own fixed `factor`.
#[dynamic]
fn triple_each(xs: Vec<i64>) -> Vec<i64> {
    xs.into_iter().map(|x| triple_plan(x)).collect::<Vec<_>>()
}

/// Node overrides that depend on the data: a name, a retry budget and memory per number, flytekit's
/// `double(x=x).with_overrides(...)` in a `@dynamic`.
#[dynamic]
fn tuned_each(xs: Vec<i64>) -> Vec<i64> {
    xs.into_iter()
        .map(|x| {
            double(x)
                .name(&format!("double-{x}"))
                .retries(x as u32)
                .timeout("5m")
                .interruptible(true)
                .requests(cpu = "2", mem = format!("{x}Gi"))
                .limits(mem = "1Gi")
        })
        .collect::<Vec<_>>()
}

/// Gates in a dynamic workflow: after each doubling a sleep of that many seconds, and an
/// approval of the doubled value, flytekit's `a >> sleep(...)` and `approve(a, ...)`.
#[dynamic]
fn gated(xs: Vec<i64>) -> Vec<i64> {
    let mut out = Vec::new();
    for x in xs {
        let a = double(x);
        sleep(std::time::Duration::from_secs(x as u64)).after(&a);
        out.push(approve(a, &format!("ok-{x}"), "1h"));
    }
    out
}

fn main() {
    flytekit::main()
}
