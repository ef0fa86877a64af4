//! A `#[serde(skip)]` field is `Default::default()` when read, so its type needs `Default`.

use flytekit::FlyteType;

struct Handle(u64);

#[derive(FlyteType)]
struct Job {
    name: String,
    #[serde(skip)]
    handle: Handle,
}

fn main() {}
