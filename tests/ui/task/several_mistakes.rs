//! Every mistake of one task is reported in the same build, each at its own tokens.

use flytekit::task;

#[task(retries = 20, timeout = "soon", requests(cpu = "lots"))]
fn add(a: &str, _: i64) -> i64 {
    a.len() as i64
}

fn main() {}
