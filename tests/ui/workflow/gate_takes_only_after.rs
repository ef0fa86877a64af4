use flytekit::prelude::*;

#[task]
fn inc(x: i64) -> i64 {
    x + 1
}

#[workflow]
fn wf(x: i64) -> i64 {
    let a = inc(x);
    let pause = sleep("5s").retries(2);
    let picked = if x > 0 { inc(x) } else { inc(1) }.timeout("1m");
    let b = inc(a).after(pause);
    let _ = picked;
    b
}

fn main() {}
