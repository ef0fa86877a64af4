//! Each output of a container task needs its own name: the co-pilot reads one file per name.

use flytekit::prelude::*;

#[container_task(
    image = "alpine:3.19",
    command = ["sh", "-c", "echo 1 > /var/outputs/area"],
    outputs_dir = "/var/outputs",
    outputs(area, area)
)]
fn calc(x: f64) -> (f64, f64);

fn main() {}
