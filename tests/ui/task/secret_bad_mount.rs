//! A secret mount that is neither `env_var`, `file` nor `any`.

use flytekit::task;

#[task(secret_requests(secret(group = "db", key = "password", mount = "volume")))]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
