//! A container task runs a command in an image: both are required; `#[task]`'s options are
//! accepted beside the container keys.

use flytekit::prelude::*;

#[container_task(image = "alpine:3.19", retries = 2, formt = "json")]
fn echo(x: i64) -> String;

fn main() {}
