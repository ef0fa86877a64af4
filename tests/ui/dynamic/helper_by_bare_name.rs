use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

fn clamp(x: i64) -> i64 {
    x.min(10)
}

/// A plain helper called by its bare name is taken for a task; `self::clamp(x)` is plain Rust.
#[dynamic]
fn each(xs: Vec<i64>) -> Vec<i64> {
    let mut out = Vec::new();
    for x in xs {
        out.push(double(clamp(x)));
    }
    out
}

fn main() {}
