//! A misspelled option: the error is on the name and suggests the right one.

use flytekit::task;

#[task(retires = 3)]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
