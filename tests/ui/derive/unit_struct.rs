//! A unit struct carries no value.

use flytekit::FlyteType;

#[derive(FlyteType)]
struct Nothing;

fn main() {}
