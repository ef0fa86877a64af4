//! A misspelled key gets a "did you mean" and the list of keys; the reference is still
//! generated, so nothing else breaks.

use flytekit::prelude::*;

#[reference_launch_plan(
    project = "flytesnacks",
    domain = "development",
    name = "nightly",
    verison = "v1",
    version = "v1"
)]
fn nightly(x: i64) -> i64;

#[workflow]
fn wf(x: i64) -> i64 {
    nightly(x)
}

fn main() {}
