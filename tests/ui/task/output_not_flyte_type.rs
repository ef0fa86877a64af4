//! A return type that is not a Flyte type: the error is on the return type.

use flytekit::task;

#[task]
fn pair(a: i64) -> std::sync::Mutex<i64> {
    std::sync::Mutex::new(a)
}

fn main() {}
