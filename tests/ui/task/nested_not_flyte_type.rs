//! A container of a type that is not a Flyte type: the error names the element type and says the
//! container needs it.

use flytekit::task;

struct Point {
    x: f64,
}

#[task]
fn total(points: Vec<Point>) -> f64 {
    points.iter().map(|p| p.x).sum()
}

fn main() {}
