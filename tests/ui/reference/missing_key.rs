//! A reference needs all of `project`, `domain`, `name` and `version`: the missing ones are
//! listed together, at the attribute.

use flytekit::prelude::*;

#[reference_task(project = "flytesnacks", name = "core.add")]
fn py_add(a: i64, b: i64) -> i64;

fn main() {}
