//! `#[task]` only applies to functions.

use flytekit::task;

#[task]
struct Add {
    a: i64,
}

fn main() {}
