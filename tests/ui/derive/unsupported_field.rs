//! A field of a type that is not a Flyte type: the error is on the field's type.

use flytekit::FlyteType;

struct Secret {
    value: String,
}

#[derive(FlyteType)]
struct Config {
    name: String,
    secret: Secret,
}

fn main() {}
