//! A container task with a wrong option, called from a workflow: the option's error is the only
//! one; the workflow's calls still type-check against the task's signature.

use flytekit::prelude::*;

#[container_task(
    image = "alpine:3.19",
    command = ["sh", "-c", "echo 1 > /var/outputs/o0"],
    outputs_dir = "/var/outputs",
    retries = "three"
)]
fn calc(x: f64) -> f64;

#[workflow]
fn twice(x: f64) -> f64 {
    let y = calc(x);
    calc(y)
}

fn main() {}
