//! `#[default]` needs the value in parentheses.

use flytekit::task;

#[task]
fn add(a: i64, #[default] b: i64) -> i64 {
    a + b
}

fn main() {}
