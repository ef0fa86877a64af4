//! An unknown resource name, with an alias that maps to the real one.

use flytekit::task;

#[task(requests(cpu = "1", memory = "1Gi"))]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
