//! A binary with every shape `package` has to handle, for `tests/package.rs`: tasks (one on a
//! named image), nested workflows (a sub-workflow calling a sub-workflow), a branch, a map task,
//! a failure handler, and launch plans with a cron schedule, a fixed-rate schedule with a
//! kickoff input, and notifications.
//!
//! `cargo run -p flytekit-tests --bin flytekit-package-demo -- package --image ghcr.io/x/app:1`

use flytekit::launch_plan::{Notification, Phase, Schedule};
use flytekit::prelude::*;

/// A point.
#[derive(Debug, Clone, PartialEq, FlyteType)]
pub struct Point {
    x: f64,
    y: f64,
}

/// Adds two numbers.
#[task(retries = 2, cache(version = "1"))]
fn add(a: i64, #[default(3)] b: i64) -> i64 {
    a + b
}

/// Squares a number.
#[task]
fn square(x: i64) -> i64 {
    x * x
}

/// Moves a point, on the GPU image.
#[task(container_image = "gpu")]
fn shift(p: Point, by: f64) -> Point {
    Point {
        x: p.x + by,
        y: p.y + by,
    }
}

/// Formats the scheduled time.
#[task]
fn stamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339()
}

/// Reports a failure.
#[task]
fn alert(a: i64, err: Option<FlyteError>) {
    let _ = (a, err);
}

/// Adds one.
#[workflow]
fn innermost(a: i64) -> i64 {
    add(a, 1)
}

/// Adds one, then squares.
#[workflow]
fn inner(a: i64) -> i64 {
    let b = innermost(a);
    square(b)
}

/// Everything at once.
///
/// A sub-workflow, a branch that can fail, a map over `xs` and a struct.
#[workflow(on_failure = alert)]
fn pipeline(a: i64, p: Point, xs: Vec<i64>) -> (i64, Point, Vec<i64>) {
    let total = inner(a);
    let moved = shift(p, 1.5);
    let squares = map_task(square, xs);
    let result = if total > 10 {
        add(total, total)
    } else if total >= 0 {
        square(total)
    } else {
        fail("negative totals are not allowed")
    };
    (result, moved, squares)
}

/// Stamps the time it was started for.
#[workflow]
fn stamped(at: chrono::DateTime<chrono::Utc>, #[default(7)] a: i64) -> (String, i64) {
    let text = stamp(at);
    let total = add(a);
    (text, total)
}

flytekit::launch_plan! {
    /// The pipeline every night at 02:00 (30 minutes late), with `a` fixed.
    pub nightly_pipeline = pipeline {
        fixed: { a: 4 },
        defaults: { p: Point { x: 0.0, y: 1.0 }, xs: vec![1, 2, 3] },
        schedule: Schedule::cron("0 2 * * *").offset("PT30M"),
        notifications: &[
            Notification::email(&[Phase::Failed, Phase::TimedOut], &["team@example.com"]),
            Notification::slack(&[Phase::Succeeded], &["builds@example.slack.com"]),
            Notification::pager_duty(&[Phase::Failed], &["oncall@example.pagerduty.com"]),
        ],
        labels: &[("team", "data"), ("example.com/tier", "gold")],
        annotations: &[("example.com/owner", "data-team")],
        raw_output_data_prefix: "s3://bucket/raw",
        max_parallelism: 4,
        service_account: "pipelines",
        iam_role: "arn:aws:iam::123456789012:role/pipelines",
        interruptible: true,
        overwrite_cache: true,
        auto_activate: true,
    }
}

flytekit::launch_plan! {
    /// `stamped` every 6 hours, told the time it was started for.
    pub every_six_hours = stamped {
        schedule: Schedule::every_hours(6).kickoff_time_input("at"),
        name: "stamped_every_6h",
    }
}

fn main() {
    flytekit::main()
}
