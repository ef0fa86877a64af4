//! Flyte allows at most 10 retries.

use flytekit::task;

#[task(retries = 11)]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
