//! The wrong type at statement 41 of a body built in parts: the error is the same as in a
//! short body, on the argument.
use flytekit::prelude::*;

#[task]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[workflow]
fn wf(x: i64, name: String) -> i64 {
    let y = add(x, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(name, y);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    let y = add(y, 1);
    y
}

fn main() {}
