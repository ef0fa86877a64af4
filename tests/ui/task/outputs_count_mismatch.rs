use flytekit::prelude::*;

#[task(outputs(quotient, remainder, extra))]
fn divide(a: i64, b: i64) -> (i64, i64) {
    (a / b, a % b)
}

fn main() {}
