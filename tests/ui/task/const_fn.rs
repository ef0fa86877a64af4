//! A task cannot be a `const fn`.

use flytekit::task;

#[task]
const fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
