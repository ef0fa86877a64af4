use flytekit::prelude::*;

#[task]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[task]
fn greet(name: String) -> String {
    name
}

#[workflow]
fn wf(x: i64) -> i64 {
    let out = if x > 1 { fail("too big") } else { add(x, 2) };
    out
}

fn main() {}
