//! `retries` takes an integer, not a string.

use flytekit::task;

#[task(retries = "3")]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
