//! `cache(ignored_inputs = [...])` can only name inputs of the task.

use flytekit::task;

#[task(cache(version = "1", ignored_inputs = ["z"]))]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
