//! A binary with two tasks of one entity name, for `tests/entrypoint.rs`: it cannot start,
//! and `execute` must still say why in error.pb.

use flytekit::prelude::*;

/// Adds one.
#[task(name = "clash.add")]
fn add_one(x: i64) -> i64 {
    x + 1
}

/// Adds two, under the same name.
#[task(name = "clash.add")]
fn add_two(x: i64) -> i64 {
    x + 2
}

fn main() {
    flytekit::main()
}
