use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

/// Gates written wrong: each error points at its tokens.
#[dynamic]
fn gated(x: i64) -> i64 {
    let a = double(x);
    sleep("a while").after(&a);
    let k = wait_for_input("k", "1h");
    approve(a, "ok").retries(2)
}

fn main() {}
