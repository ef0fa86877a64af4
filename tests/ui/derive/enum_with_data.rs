//! A Flyte enum is a set of strings, so its variants cannot carry data.

use flytekit::FlyteType;

#[derive(FlyteType)]
enum Shape {
    Circle,
    Square { side: f64 },
}

fn main() {}
