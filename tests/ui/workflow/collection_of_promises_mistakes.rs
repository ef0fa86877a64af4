use std::collections::HashMap;

use flytekit::prelude::*;

#[task]
fn total(xs: Vec<i64>) -> i64 {
    xs.iter().sum()
}

#[task]
fn render(m: HashMap<String, i64>) -> String {
    format!("{m:?}")
}

#[task]
fn greet(name: String) -> String {
    name
}

#[workflow]
fn wrong_item_type(a: i64, name: String) -> i64 {
    let g = greet(name);
    total(vec![a, g])
}

#[workflow]
fn repeated(a: i64) -> i64 {
    total(vec![a; 3])
}

#[workflow]
fn promise_key(a: i64, key: String) -> String {
    render(HashMap::from([(key, a)]))
}

fn main() {}
