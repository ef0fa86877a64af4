//! A parameter of a type that does not implement `FlyteType`: the error is on the type.

use flytekit::task;

struct Point {
    x: f64,
    y: f64,
}

#[task]
fn norm(point: Point) -> f64 {
    (point.x * point.x + point.y * point.y).sqrt()
}

fn main() {}
