use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

#[dynamic]
fn gated(x: i64) -> i64 {
    sleep("1m");
    double(x)
}

#[dynamic(task_type = "spark")]
fn typed(x: i64) -> i64 {
    double(x)
}

fn main() {}
