//! Two fields that end up with the same Flyte name after `rename`.

use flytekit::FlyteType;

#[derive(FlyteType)]
struct Point {
    x: f64,
    #[serde(rename = "x")]
    y: f64,
}

fn main() {}
