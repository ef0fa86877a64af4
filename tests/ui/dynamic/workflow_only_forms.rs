use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

#[dynamic]
fn failing(x: i64) -> i64 {
    if x < 0 {
        fail("negative");
    }
    double(x)
}

#[dynamic(task_type = "spark")]
fn typed(x: i64) -> i64 {
    double(x)
}

fn main() {}
