//! A tuple struct with two fields has no field names for the dataclass.

use flytekit::FlyteType;

#[derive(FlyteType)]
struct Point(f64, f64);

fn main() {}
