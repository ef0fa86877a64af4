//! Output names are identifiers, as in `#[task(outputs(...))]`, not strings.

use flytekit::prelude::*;

#[container_task(
    image = "alpine:3.19",
    command = ["sh", "-c", "echo 1 > /var/outputs/area"],
    outputs_dir = "/var/outputs",
    outputs("area", perimeter)
)]
fn calc(x: f64) -> (f64, f64);

fn main() {}
