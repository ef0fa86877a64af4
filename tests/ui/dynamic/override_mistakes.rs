use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

/// Overrides are checked as in a workflow.
#[dynamic]
fn tuned(xs: Vec<i64>) -> Vec<i64> {
    xs.into_iter()
        .map(|x| {
            double(x)
                .timeout("five minutes")
                .requests(cpu = "2 cores", disk = "1Gi")
                .cache(true)
        })
        .collect::<Vec<_>>()
}

fn main() {}
