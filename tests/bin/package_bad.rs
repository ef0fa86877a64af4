//! A binary whose launch plans a cluster would reject, for `tests/package.rs`: `package` must
//! refuse it, name every bad launch plan and write nothing.
//!
//! - `scheduled_with_required_input` is scheduled but leaves input `b` required;
//! - `fixes_unknown_input` fixes an input the workflow does not have. `launch_plan!` makes that a
//!   compile error, so this one is declared by hand, as a crafted entry would be.

use std::collections::BTreeMap;

use flytekit::__private::{linkme, Workflow};
use flytekit::core::launch_plan::{
    LaunchPlanConfig, LaunchPlanEntry, LaunchPlanRegistration, FLYTEKIT_LAUNCH_PLANS,
};
use flytekit::launch_plan::Schedule;
use flytekit::prelude::*;
use flytekit::TypeError;

/// Adds two numbers.
#[task]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Adds two numbers.
#[workflow]
fn sum(a: i64, b: i64) -> i64 {
    add(a, b)
}

flytekit::launch_plan! {
    /// Hourly, but nothing gives `b`.
    pub scheduled_with_required_input = sum {
        fixed: { a: 1 },
        schedule: Schedule::cron("@hourly"),
    }
}

fn unknown_fixed_input() -> Result<BTreeMap<String, flytekit::idl::core::Literal>, TypeError> {
    Ok([("c".to_string(), 5i64.to_literal()?)].into())
}

fn no_inputs() -> Result<BTreeMap<String, flytekit::idl::core::Literal>, TypeError> {
    Ok(BTreeMap::new())
}

static FIXES_UNKNOWN_INPUT: LaunchPlanEntry = LaunchPlanEntry {
    ident: "fixes_unknown_input",
    module_path: module_path!(),
    file: file!(),
    line: line!(),
    workflow: <sum as Workflow>::entry,
    config: LaunchPlanConfig::DEFAULT,
    fixed_inputs: unknown_fixed_input,
    default_inputs: no_inputs,
};

#[linkme::distributed_slice(FLYTEKIT_LAUNCH_PLANS)]
#[linkme(crate = flytekit::__private::linkme)]
static FIXES_UNKNOWN_INPUT_REGISTRATION: LaunchPlanRegistration =
    LaunchPlanRegistration(&FIXES_UNKNOWN_INPUT);

fn main() {
    flytekit::main()
}
