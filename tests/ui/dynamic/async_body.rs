use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

#[dynamic]
async fn each(xs: Vec<i64>) -> Vec<i64> {
    let mut out = Vec::new();
    for x in xs {
        out.push(double(x));
    }
    out
}

fn main() {}
