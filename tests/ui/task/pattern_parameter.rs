//! Each task input needs a name, so a parameter cannot be a pattern.

use flytekit::task;

#[task]
fn add((a, b): (i64, i64)) -> i64 {
    a + b
}

fn main() {}
