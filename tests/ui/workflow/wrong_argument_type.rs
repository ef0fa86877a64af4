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
fn wf(name: String) -> i64 {
    add(name, 1)
}

fn main() {}
