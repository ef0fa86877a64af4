use flytekit::prelude::*;

#[task]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[task]
fn greet(name: String) -> String {
    name
}

#[workflow(failure_policy = "retry_forever", timeout = "5m")]
fn wf(x: i64) -> i64 {
    add(x, 1)
}

fn main() {}
