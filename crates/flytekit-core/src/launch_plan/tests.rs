//! The launch plan checks of FLYTE-CONTRACT section 7.3 on crafted launch plans: each bad one
//! is rejected with a message naming the launch plan and what is wrong.

use std::collections::BTreeMap;

use flytekit_idl::admin::{self, notification, schedule, CronSchedule, EmailNotification};
use flytekit_idl::core::{parameter, workflow_execution, Literal, Variable, VariableMap};

use super::validate;
use crate::spec::default_launch_plan;
use crate::types::FlyteType;

fn inputs() -> VariableMap {
    let var = |ty| Variable {
        r#type: Some(ty),
        description: String::new(),
        ..Default::default()
    };
    VariableMap {
        variables: [
            ("a".to_string(), var(i64::literal_type())),
            (
                "at".to_string(),
                var(<chrono::DateTime<chrono::Utc>>::literal_type()),
            ),
            ("note".to_string(), var(<Option<String>>::literal_type())),
            ("s".to_string(), var(String::literal_type())),
        ]
        .into(),
    }
}

/// The default launch plan of a workflow with inputs `a: i64, at: DateTime, note: Option<String>,
/// s: String = "x"`, renamed `lp`, changed by `change`.
fn plan(change: impl FnOnce(&mut admin::LaunchPlanSpec)) -> admin::LaunchPlan {
    let defaults: BTreeMap<String, Literal> =
        [("s".to_string(), "x".to_string().to_literal().unwrap())].into();
    let mut plan = default_launch_plan("wf", &inputs(), &defaults);
    if let Some(id) = plan.id.as_mut() {
        id.name = "lp".into();
    }
    change(plan.spec.as_mut().unwrap());
    plan
}

fn problems(change: impl FnOnce(&mut admin::LaunchPlanSpec)) -> Vec<String> {
    validate(&plan(change), &inputs())
}

fn fix(spec: &mut admin::LaunchPlanSpec, name: &str, value: Literal) {
    spec.fixed_inputs
        .get_or_insert_with(Default::default)
        .literals
        .insert(name.into(), value);
    if let Some(d) = spec.default_inputs.as_mut() {
        d.parameters.remove(name);
    }
}

fn cron(spec: &mut admin::LaunchPlanSpec, expression: &str, kickoff: &str) {
    spec.entity_metadata
        .get_or_insert_with(Default::default)
        .schedule = Some(admin::Schedule {
        kickoff_time_input_arg: kickoff.into(),
        schedule_expression: Some(schedule::ScheduleExpression::CronSchedule(CronSchedule {
            schedule: expression.into(),
            offset: String::new(),
        })),
    });
}

#[test]
fn a_default_launch_plan_is_valid() {
    assert_eq!(problems(|_| {}), Vec::<String>::new());
}

#[test]
fn a_fixed_input_must_be_a_workflow_input_of_its_type() {
    let found = problems(|spec| {
        fix(spec, "c", 1i64.to_literal().unwrap());
        fix(spec, "a", "one".to_string().to_literal().unwrap());
    });
    assert_eq!(
        found,
        [
            "launch plan `lp`: fixed input `a` is not of type INTEGER",
            "launch plan `lp`: fixed input `c` is not an input of the workflow (its inputs: `a`, `at`, `note`, `s`)",
        ]
    );
}

#[test]
fn a_default_must_have_the_inputs_type() {
    let found = problems(|spec| {
        let parameters = &mut spec.default_inputs.as_mut().unwrap().parameters;
        if let Some(p) = parameters.get_mut("s") {
            p.behavior = Some(parameter::Behavior::Default(5i64.to_literal().unwrap()));
        }
    });
    assert_eq!(
        found,
        ["launch plan `lp`: the default of input `s` is not of type STRING"]
    );
}

#[test]
fn a_schedule_leaves_no_required_input_but_the_kickoff_input() {
    let found = problems(|spec| cron(spec, "0 2 * * *", ""));
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with(
        "launch plan `lp`: is scheduled, but input `a` is required and nothing gives it"
    ));
    assert!(found[1].contains("input `at` is required"));

    let ok = problems(|spec| {
        fix(spec, "a", 1i64.to_literal().unwrap());
        cron(spec, "@daily", "at");
    });
    assert_eq!(ok, Vec::<String>::new());
}

#[test]
fn the_kickoff_input_is_a_free_datetime_input() {
    let not_datetime = problems(|spec| {
        fix(spec, "a", 1i64.to_literal().unwrap());
        fix(spec, "at", chrono::Utc::now().to_literal().unwrap());
        cron(spec, "@daily", "s");
    });
    assert_eq!(
        not_datetime,
        ["launch plan `lp`: kickoff time input `s` is a STRING, not a DATETIME (`chrono::DateTime<Utc>`)"]
    );
    let fixed = problems(|spec| {
        fix(spec, "a", 1i64.to_literal().unwrap());
        fix(spec, "at", chrono::Utc::now().to_literal().unwrap());
        cron(spec, "@daily", "at");
    });
    assert!(
        fixed[0].contains("kickoff time input `at` is fixed"),
        "{fixed:?}"
    );
    let missing = problems(|spec| {
        fix(spec, "a", 1i64.to_literal().unwrap());
        cron(spec, "@daily", "when");
    });
    assert!(
        missing
            .iter()
            .any(|p| p.contains("kickoff time input `when` is not an input")),
        "{missing:?}"
    );
}

#[test]
fn cron_expressions_must_parse() {
    let found = problems(|spec| {
        fix(spec, "a", 1i64.to_literal().unwrap());
        cron(spec, "0 0 2 * * ?", "at");
    });
    assert_eq!(
        found,
        ["launch plan `lp`: cron expression `0 0 2 * * ?` has 6 fields; Flyte wants 5 (minute hour day-of-month month day-of-week, e.g. `0 2 * * *`) or an alias such as `@daily`"]
    );
    let alias = problems(|spec| {
        fix(spec, "a", 1i64.to_literal().unwrap());
        cron(spec, "@every 5m", "at");
    });
    assert!(
        alias[0].contains("cron alias `@every 5m` is not one Flyte knows"),
        "{alias:?}"
    );
}

#[test]
fn notifications_need_recipients_and_terminal_phases() {
    let found = problems(|spec| {
        spec.entity_metadata
            .get_or_insert_with(Default::default)
            .notifications = vec![admin::Notification {
            phases: vec![workflow_execution::Phase::Running as i32],
            r#type: Some(notification::Type::Email(EmailNotification::default())),
        }];
    });
    assert_eq!(
        found,
        [
            "launch plan `lp`: its e-mail notification needs recipients",
            "launch plan `lp`: its e-mail notification is sent on phase RUNNING, which is not terminal; use SUCCEEDED, FAILED, TIMED_OUT or ABORTED",
        ]
    );
}

#[test]
fn labels_are_kubernetes_names() {
    let found = problems(|spec| {
        spec.labels.get_or_insert_with(Default::default).values = [
            ("bad key".to_string(), "ok".to_string()),
            ("team".to_string(), "-x".to_string()),
        ]
        .into();
    });
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0]
        .starts_with("launch plan `lp`: label key `bad key` is not a Kubernetes qualified name"));
    assert!(found[1].starts_with("launch plan `lp`: value `-x` of label `team`"));
}
