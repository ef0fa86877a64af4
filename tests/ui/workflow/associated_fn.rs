//! `#[workflow]` on an associated function (no `self`) inside an `impl` block. The macro cannot
//! see that it is inside an `impl`, so the first error is rustc's about the item `#[workflow]`
//! adds beside the function; it points at `#[workflow]` and says to move it out of the `impl`.

use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

struct Pipelines;

impl Pipelines {
    #[workflow]
    fn twice(x: i64) -> i64 {
        double(x)
    }
}

fn main() {}
