use flytekit::prelude::*;

#[task]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[task]
fn greet(name: String) -> String {
    name
}

#[task]
fn total(xs: Vec<i64>) -> i64 {
    xs.iter().sum()
}

#[workflow]
fn wf(xs: Vec<i64>) -> i64 {
    let sums = map_task(add, xs, fixed(1)).min_success_ratio(0.5);
    total(sums)
}

fn main() {}
