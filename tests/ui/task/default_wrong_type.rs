//! A `#[default]` value of the wrong type: the error is on the user's expression.

use flytekit::task;

#[task]
fn add(a: i64, #[default("x")] b: i64) -> i64 {
    a + b
}

fn main() {}
