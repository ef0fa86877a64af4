//! `#[derive(FlyteType)]` on a struct, a unit-variant enum, a newtype, a generic struct, and
//! with the crate path changed.

use flytekit::prelude::*;

#[derive(Debug, Clone, PartialEq, FlyteType)]
#[serde(rename_all = "camelCase")]
struct Point {
    max_x: f64,
    #[serde(rename = "label")]
    name: Option<String>,
    #[serde(skip)]
    cached: u8,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, FlyteType)]
#[serde(rename_all = "snake_case")]
enum Color {
    DeepRed,
    #[serde(rename = "GREEN")]
    Green,
}

#[derive(Debug, Clone, PartialEq, FlyteType)]
struct Meters(f64);

#[derive(Debug, Clone, PartialEq, FlyteType)]
struct Pair<T> {
    left: T,
    right: T,
}

mod sdk {
    pub use flytekit;
}

/// The path of flytekit in the generated code can be changed, e.g. for a re-export.
#[derive(Debug, Clone, PartialEq, FlyteType)]
#[flyte(crate = "sdk::flytekit")]
struct Reexported {
    value: i64,
}

#[task]
fn describe(point: Point, color: Color, distance: Meters, pair: Pair<i64>) -> Pair<Color> {
    let _ = (point, distance, pair);
    Pair { left: color, right: color }
}

fn main() {
    let point = Point { max_x: 1.0, name: None, cached: 0, tags: vec![] };
    let literal = point.to_literal().unwrap();
    assert_eq!(Point::from_literal(&literal).unwrap(), point);
    assert_eq!(Color::from_literal(&Color::DeepRed.to_literal().unwrap()).unwrap(), Color::DeepRed);
    let _ = Reexported { value: 1 }.to_literal().unwrap();
    let _ = describe(point, Color::Green, Meters(1.0), Pair { left: 1, right: 2 });
}
