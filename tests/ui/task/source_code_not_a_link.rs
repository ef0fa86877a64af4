//! `source_code` is a web link the Flyte console opens, for tasks and workflows alike.

use flytekit::prelude::*;

#[task(source_code = "src/tasks.rs")]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[workflow(source_code = "")]
fn sums(x: i64) -> i64 {
    add(x, 1)
}

fn main() {}
