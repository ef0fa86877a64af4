//! After an error in the options, the function is still emitted: calling it is no further error,
//! and neither is naming the task's type.

use flytekit::task;

#[task(retries = "many")]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {
    assert_eq!(add(1, 2), 3);
    let _task = add {};
}
