//! A reference is defined elsewhere: a body is an error that says to remove it, and nothing
//! else (the workflow calling it still compiles).

use flytekit::prelude::*;

#[reference_task(project = "flytesnacks", domain = "development", name = "core.add", version = "v1")]
fn py_add(a: i64, b: i64) -> i64 {
    a + b
}

#[workflow]
fn wf(x: i64) -> i64 {
    py_add(x, 1)
}

fn main() {}
