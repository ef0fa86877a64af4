//! `#[flyte(...)]` is read on the type only; on a field it is an error, not silently ignored.

use flytekit::FlyteType;

#[derive(FlyteType)]
struct Point {
    #[flyte(rename = "x_value")]
    x: f64,
}

fn main() {}
