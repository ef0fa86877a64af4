use flytekit::prelude::*;

#[derive(Debug, Clone, PartialEq, FlyteType)]
pub struct Summary {
    pub count: i64,
    pub total: i64,
}

#[task]
fn summarize(values: Vec<i64>) -> Summary {
    Summary { count: values.len() as i64, total: values.iter().sum() }
}

#[task]
fn describe(total: i64) -> String {
    format!("{total}")
}

#[workflow]
fn direct(xs: Vec<i64>) -> String {
    let summary = summarize(xs);
    let message = if summary.total >= 100 { describe(summary.total) } else { describe(0) };
    message
}

#[workflow]
fn through_a_let(xs: Vec<i64>) -> String {
    let summary = summarize(xs);
    let total = summary.total;
    let message = if total >= 100 && summary.count > 1 { describe(total) } else { describe(0) };
    message
}

fn main() {}
