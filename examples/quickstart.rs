//! Quickstart: a small Flyte workflow in Rust (tasks, a branch and a map), run locally with
//! cluster semantics: independent tasks in parallel, retries, the local cache.
//!
//! Run with `cargo run --example quickstart -- run pipeline --n 5`;
//! `cargo run --example quickstart -- --help` shows everything the binary can do
//! (`list`, `run`, `graph`, `package`, `execute`).

use flytekit::prelude::*;

/// A summary of some numbers: a struct output, passed between tasks as a flytekit dataclass.
#[derive(Debug, Clone, PartialEq, FlyteType)]
pub struct Summary {
    /// How many numbers.
    pub count: i64,
    /// Their sum.
    pub total: i64,
}

/// The numbers from 1 to `n`.
#[task]
fn numbers(n: i64) -> Vec<i64> {
    (1..=n).collect()
}

/// Squares one number (mapped over a list below).
#[task(cache(version = "1"))]
fn square(x: i64) -> i64 {
    x * x
}

/// Counts and adds up numbers; the total also comes on its own, for the branch to compare
/// (a branch condition compares whole outputs, not fields of a struct).
#[task]
fn summarize(values: Vec<i64>) -> (Summary, i64) {
    let total = values.iter().sum();
    let summary = Summary {
        count: values.len() as i64,
        total,
    };
    (summary, total)
}

/// Describes a large total.
#[task(retries = 2)]
fn celebrate(total: i64) -> String {
    format!("a big total: {total}")
}

/// Describes a small total.
#[task]
fn shrug(total: i64, #[default(100)] threshold: i64) -> String {
    format!("{total} is under {threshold}")
}

/// Squares 1..=n in parallel, adds the squares up and describes the result.
#[workflow]
fn pipeline(n: i64) -> (Summary, String) {
    let xs = numbers(n);
    let squares = map_task(square, xs).concurrency(4);
    let (summary, total) = summarize(squares);
    let message = if total >= 100 {
        celebrate(summary.total)
    } else {
        shrug(summary.total)
    };
    (summary, message)
}

fn main() {
    flytekit::main()
}
