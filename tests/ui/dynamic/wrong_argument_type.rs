use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

#[task]
fn greet(name: String) -> String {
    name
}

/// A promise of a `String` where an `i64` is expected.
#[dynamic]
fn each(names: Vec<String>) -> Vec<i64> {
    let mut out = Vec::new();
    for name in names {
        let greeting = greet(name);
        out.push(double(greeting));
    }
    out
}

fn main() {}
