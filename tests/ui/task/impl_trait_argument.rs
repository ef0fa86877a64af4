//! `impl Trait` is no concrete type, so it cannot be a task input.

use flytekit::task;

#[task]
fn total(values: impl IntoIterator<Item = i64>) -> i64 {
    values.into_iter().sum()
}

fn main() {}
