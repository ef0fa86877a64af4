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
fn wf(f: f64, x: i64) -> i64 {
    let out = if f > 1 { add(x, 1) } else { add(x, 2) };
    out
}

fn main() {}
