//! A resource request above its limit is rejected by Kubernetes, so it is a compile error.

use flytekit::task;

#[task(requests(mem = "4Gi"), limits(mem = "2Gi"))]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
