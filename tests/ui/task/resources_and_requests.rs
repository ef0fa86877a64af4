//! `resources(...)` sets requests and limits together, so it cannot be combined with `requests`.

use flytekit::task;

#[task(resources(cpu = "1"), requests(mem = "1Gi"))]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
