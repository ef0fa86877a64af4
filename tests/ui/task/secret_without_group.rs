//! A secret request needs a group.

use flytekit::task;

#[task(secret_requests(secret(key = "password")))]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
