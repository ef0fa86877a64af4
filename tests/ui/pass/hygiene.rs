//! Hygiene: generated code uses absolute paths only, so it compiles without the prelude and with
//! user types that shadow the prelude's names.

#![no_implicit_prelude]
#![allow(dead_code)]

struct Result;
struct Option;
struct Box;
struct Vec;
struct String;
struct Ok;
struct Err;
struct Some;
struct None;
struct Default;
struct Sized;
struct Send;
struct Sync;
struct Fn;
struct FnOnce;
struct ToString;
struct Into;
struct From;

mod core {}
mod std {}
mod flytekit {}

#[derive(::flytekit::FlyteType)]
struct Point {
    x: f64,
    label: ::std::option::Option<::std::string::String>,
    #[serde(default)]
    tags: ::std::vec::Vec<i64>,
}

#[derive(::flytekit::FlyteType)]
enum Color {
    Red,
    Green,
}

#[derive(::flytekit::FlyteType)]
struct Meters(f64);

#[derive(::flytekit::FlyteType)]
struct Pair<T> {
    left: T,
    right: T,
}

#[::flytekit::task(retries = 1, cache(version = "1"), requests(cpu = "1"))]
fn add(a: i64, #[default(2)] b: i64) -> i64 {
    a + b
}

#[::flytekit::task]
fn fallible(point: Point, color: Color) -> ::std::result::Result<(Meters, f64), ::std::string::String> {
    let _ = color;
    ::std::result::Result::Ok((Meters(point.x), point.x))
}

#[::flytekit::task]
async fn later(pair: Pair<i64>) -> i64 {
    pair.left + pair.right
}

#[::flytekit::task]
fn nothing() {}

#[::flytekit::dynamic(retries = 1)]
fn each(xs: ::std::vec::Vec<i64>) -> (::std::vec::Vec<i64>, i64) {
    let mut out = ::std::vec::Vec::new();
    for x in xs {
        out.push(add(x, 1));
    }
    (out, 3)
}

#[::flytekit::dynamic]
fn maybe(n: i64) -> ::std::result::Result<i64, ::std::string::String> {
    if n < 0 {
        return ::std::result::Result::Err(::std::string::ToString::to_string("negative"));
    }
    ::std::result::Result::Ok(add(n, 2))
}

::flytekit::dataset_columns! {
    struct Sales {
        units: i64,
        region: ::std::string::String,
    }
    struct Units {
        units: i64,
    }
}

#[::flytekit::task]
fn sales() -> ::flytekit::StructuredDataset<Sales> {
    ::flytekit::StructuredDataset::new("s3://bucket/sales")
}

#[::flytekit::task]
fn units(table: ::flytekit::StructuredDataset<Units>) -> i64 {
    let _ = table;
    1
}

#[::flytekit::workflow]
fn tables() -> i64 {
    let table = sales();
    units(table as ::flytekit::StructuredDataset<Units>)
}

#[::flytekit::workflow]
fn scaled(x: i64, factor: i64, #[default(1)] offset: i64) -> i64 {
    let _ = (factor, offset);
    add(x, 1)
}

::flytekit::launch_plan! {
    /// A plan with a fixed input, called as a node below.
    pub tripled = scaled { fixed: { factor: 3 }, defaults: { offset: 2 } }
}

#[::flytekit::workflow]
fn calls_plan(x: i64) -> i64 {
    tripled(x)
}

fn main() {}
