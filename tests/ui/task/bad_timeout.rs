//! A timeout that is not a duration.

use flytekit::task;

#[task(timeout = "5 minutes please")]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
