use flytekit::prelude::*;

#[dynamic]
struct Settings {
    n: i64,
}

fn main() {}
