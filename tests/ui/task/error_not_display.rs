//! The error type of a `Result` task becomes the task's error message, so it must be `Display`.

use flytekit::task;

#[derive(Debug)]
struct ParseFailure;

#[task]
fn parse(text: String) -> Result<i64, ParseFailure> {
    text.parse().map_err(|_| ParseFailure)
}

fn main() {}
