use flytekit::prelude::*;

#[task]
fn scale(x: i64, factor: i64) -> i64 {
    x * factor
}

#[dynamic]
fn no_task(xs: Vec<i64>) -> Vec<i64> {
    map_task(xs)
}

#[dynamic]
fn no_inputs(xs: Vec<i64>) -> Vec<i64> {
    let _ = xs;
    map_task(scale)
}

#[dynamic]
fn no_list(x: i64) -> Vec<i64> {
    map_task(scale, fixed(x), fixed(2))
}

#[dynamic]
fn bare_option(xs: Vec<i64>) -> Vec<i64> {
    map_task(scale, xs, fixed(2)).concurrency()
}

#[dynamic]
fn wrong_element_type(xs: Vec<String>) -> Vec<i64> {
    map_task(scale, xs, fixed(2))
}

fn main() {}
