//! A task cannot be an `unsafe fn`.

use flytekit::task;

#[task]
unsafe fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
