//! A workflow with a mistake in its options and one in its body, called as a sub-workflow:
//! each mistake is reported once, and the caller adds nothing.

use flytekit::prelude::*;

#[task]
fn inc(x: i64) -> i64 {
    x + 1
}

#[workflow(failure_policy = "sometimes")]
fn inner(x: i64) -> i64 {
    inc(x + 1)
}

#[workflow]
fn outer(x: i64) -> i64 {
    let y = inner(x);
    inner(y)
}

fn main() {}
