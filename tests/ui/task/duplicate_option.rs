//! An option written twice: the error is on the second one.

use flytekit::task;

#[task(retries = 1, timeout = "5m", retries = 2)]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
