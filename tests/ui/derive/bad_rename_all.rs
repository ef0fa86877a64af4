//! A `rename_all` rule serde does not know.

use flytekit::FlyteType;

#[derive(FlyteType)]
#[serde(rename_all = "camel_case")]
struct Point {
    max_x: f64,
    max_y: f64,
}

fn main() {}
