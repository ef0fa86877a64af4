//! A launch plan called in a workflow takes its workflow's inputs in order, without the ones
//! it fixes: one argument too many, one too few, and a value of the wrong type.

use flytekit::prelude::*;

#[task]
fn describe(xs: Vec<i64>, factor: i64, name: String) -> String {
    format!("{name}: {}", xs.len() as i64 * factor)
}

#[workflow]
fn report(xs: Vec<i64>, factor: i64, name: String) -> String {
    describe(xs, factor, name)
}

flytekit::launch_plan! {
    /// `report` with a fixed factor.
    pub tripled = report { fixed: { factor: 3 } }
}

#[workflow]
fn too_many(xs: Vec<i64>) -> String {
    tripled(xs, "ada", 3)
}

#[workflow]
fn too_few(xs: Vec<i64>) -> String {
    tripled(xs)
}

#[workflow]
fn fixed_input_passed(xs: Vec<i64>) -> String {
    tripled(xs, 3)
}

fn main() {}
