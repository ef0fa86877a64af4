use flytekit::prelude::*;

#[task]
fn scale(x: i64, factor: i64) -> i64 {
    x * factor
}

#[workflow]
fn scale_wf(x: i64, factor: i64) -> i64 {
    scale(x, factor)
}

flytekit::launch_plan! {
    /// Triples: `factor` is fixed.
    pub triple_plan = scale_wf { fixed: { factor: 3 } }
}

/// Passes the fixed input: the plan takes only `x`.
#[dynamic]
fn triple_each(xs: Vec<i64>) -> Vec<i64> {
    xs.into_iter().map(|x| triple_plan(x, 3)).collect::<Vec<_>>()
}

fn main() {}
