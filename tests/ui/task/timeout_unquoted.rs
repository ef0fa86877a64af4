//! A duration written as a suffixed number: Rust lexes `5m` as one literal, so it must be quoted.

use flytekit::task;

#[task(timeout = 5m)]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
