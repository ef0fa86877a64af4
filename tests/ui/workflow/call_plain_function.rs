use flytekit::prelude::*;

#[task]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[task]
fn greet(name: String) -> String {
    name
}

fn helper(x: i64) -> i64 {
    x
}

#[workflow]
fn wf(x: i64) -> i64 {
    helper(x)
}

fn main() {}
