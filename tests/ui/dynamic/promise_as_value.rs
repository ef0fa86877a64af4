use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

/// A call's value exists only once its node ran: it cannot be computed with.
#[dynamic]
fn each(xs: Vec<i64>) -> i64 {
    let mut sum = 0;
    for x in xs {
        sum += double(x);
    }
    sum
}

fn main() {}
