//! `outputs(...)` names every output of a container task: one name per returned value.

use flytekit::prelude::*;

#[container_task(
    image = "alpine:3.19",
    command = ["sh", "-c", "echo 1 > /var/outputs/area"],
    outputs_dir = "/var/outputs",
    outputs(area, perimeter)
)]
fn calc(x: f64) -> f64;

fn main() {}
