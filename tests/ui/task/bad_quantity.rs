//! `GB` is not a Kubernetes quantity suffix (`G` or `Gi` is).

use flytekit::task;

#[task(requests(mem = "1GB"))]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
