//! A task whose options are wrong, called from a workflow: the option's error is the only one.
//! The workflow's calls still type-check against the task's signature.

use flytekit::prelude::*;

#[task(retries = "three")]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[workflow]
fn sums(x: i64) -> i64 {
    let y = add(x, 1);
    add(y, 2)
}

fn main() {}
