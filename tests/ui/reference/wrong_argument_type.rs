//! Calls of a reference are type-checked input by input, like calls of a task.

use flytekit::prelude::*;

#[reference_task(project = "flytesnacks", domain = "development", name = "core.add", version = "v1")]
fn py_add(a: i64, b: i64) -> i64;

#[workflow]
fn wf(name: String) -> i64 {
    py_add(name, 1)
}

fn main() {}
