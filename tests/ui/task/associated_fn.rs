//! `#[task]` on an associated function (no `self`) inside an `impl` block. The macro cannot see
//! that it is inside an `impl`, so this is rustc's error about the item `#[task]` adds beside
//! the function; it points at `#[task]` and says to move it out of the `impl`.

use flytekit::task;

struct Calculator;

impl Calculator {
    #[task]
    fn add(a: i64, b: i64) -> i64 {
        a + b
    }
}

fn main() {}
