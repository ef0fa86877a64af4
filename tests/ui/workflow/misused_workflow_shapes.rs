use flytekit::prelude::*;

#[task]
fn t(x: i64) -> i64 {
    x
}

#[task]
fn map_task(x: i64) -> i64 {
    x
}

#[workflow]
fn drops_its_output(x: i64) {
    let a = t(x);
    a
}

#[workflow]
fn calls_nothing(x: i64) -> i64 {
    x
}

#[workflow]
fn calls_itself(x: i64) -> i64 {
    calls_itself(t(x))
}

fn main() {}
