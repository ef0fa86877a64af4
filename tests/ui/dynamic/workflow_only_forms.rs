use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

fn map_task<T>(task: T, xs: Vec<i64>) -> Vec<i64> {
    let _ = task;
    xs
}

#[dynamic]
fn each(xs: Vec<i64>) -> Vec<i64> {
    map_task(double, xs)
}

#[dynamic(task_type = "spark")]
fn typed(x: i64) -> i64 {
    double(x)
}

fn main() {}
