//! `.resources(..)` on a call, as flytekit's `with_overrides(resources=Resources(...))`: alone
//! (not beside `.requests(..)`), with one quantity or a (request, limit) pair per resource.

use flytekit::prelude::*;

#[task]
fn inc(x: i64) -> i64 {
    x + 1
}

#[workflow]
fn sized(x: i64) -> i64 {
    let a = inc(x).resources(cpu = "1").requests(mem = "1Gi");
    let b = inc(a).resources(mem = ("1Gi", "2Gi", "3Gi"));
    inc(b).resources(cpu = ("1", "lots"))
}

fn main() {}
