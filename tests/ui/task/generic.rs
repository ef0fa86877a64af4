//! A task has one concrete interface, so it cannot be generic.

use flytekit::task;

#[task]
fn first<T: Clone>(items: Vec<T>) -> T {
    items[0].clone()
}

fn main() {}
