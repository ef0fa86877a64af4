//! Task inputs cross process boundaries, so they are owned: `String`, not `&str`.

use flytekit::task;

#[task]
fn greet(name: &str) -> String {
    format!("hello {name}")
}

fn main() {}
