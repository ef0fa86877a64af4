//! `#[workflow]` on a method: one error, on `self`, that says to make it a free function.

use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

struct Pipelines;

impl Pipelines {
    #[workflow]
    fn twice(&self, x: i64) -> i64 {
        double(x)
    }
}

fn main() {}
