//! The local stand-in must have the reference's interface: a different input type is an error
//! at `local = ...`.

use flytekit::prelude::*;

#[task]
fn add(a: i64, b: f64) -> i64 {
    a + b as i64
}

#[reference_task(
    project = "flytesnacks",
    domain = "development",
    name = "core.add",
    version = "v1",
    local = add
)]
fn py_add(a: i64, b: i64) -> i64;

fn main() {}
