//! An unknown `#[flyte(...)]` attribute.

use flytekit::FlyteType;

#[derive(FlyteType)]
#[flyte(rename_all = "camelCase")]
struct Point {
    x: f64,
    y: f64,
}

fn main() {}
