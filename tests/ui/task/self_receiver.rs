//! A task is a free function: `#[task]` on a method is an error on `self`.

use flytekit::task;

struct Calculator;

impl Calculator {
    #[task]
    fn add(&self, a: i64, b: i64) -> i64 {
        a + b
    }
}

fn main() {}
