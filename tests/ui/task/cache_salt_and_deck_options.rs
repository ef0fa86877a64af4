//! `cache(salt = ...)` changes a derived version; beside an explicit `version` it would do
//! nothing, which is refused rather than silently ignored. `enable_deck` is a flag or a bool,
//! and flytekit's deprecated `disable_deck` says what to write instead.

use flytekit::task;

#[task(cache(version = "1", salt = "2024-06"))]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[task(enable_deck = "yes")]
fn deck(a: i64) -> i64 {
    a
}

#[task(disable_deck)]
fn no_deck(a: i64) -> i64 {
    a
}

fn main() {}
