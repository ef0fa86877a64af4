use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

/// Passed as a function, a task would run inside the dynamic task: only calls are nodes.
#[dynamic]
fn each(xs: Vec<i64>) -> Vec<i64> {
    xs.into_iter().map(double).collect::<Vec<_>>()
}

fn main() {}
