//! The checks a Flyte cluster applies when a launch plan is registered (FLYTE-CONTRACT section
//! 7.3, flyteadmin's `launch_plan_validator.go`), run on the admin `LaunchPlan` before a package
//! is written, so a mistake is reported here, naming the launch plan and the input.

use std::collections::{BTreeMap, BTreeSet};

use flytekit_idl::admin::{self, notification, schedule};
use flytekit_idl::core::{
    literal, literal_type, parameter, primitive, scalar, workflow_execution, Literal, LiteralType,
    ResourceType, SimpleType, VariableMap,
};

use super::checks::{check_cron, check_iso_duration, check_label_key, check_label_value};
use crate::types::json::type_name;

/// Every problem of launch plan `plan` of a workflow with inputs `workflow_inputs`; empty when it
/// would register.
pub fn validate(plan: &admin::LaunchPlan, workflow_inputs: &VariableMap) -> Vec<String> {
    let name = plan.id.as_ref().map(|id| id.name.as_str()).unwrap_or("");
    let mut problems = Vec::new();
    let mut say = |message: String| problems.push(format!("launch plan `{name}`: {message}"));

    match &plan.id {
        Some(id) if id.resource_type == ResourceType::LaunchPlan as i32 && !id.name.is_empty() => {}
        _ => say("its id must be a LAUNCH_PLAN id with a name".to_string()),
    }
    let Some(spec) = &plan.spec else {
        say("has no spec".to_string());
        return problems;
    };
    match &spec.workflow_id {
        Some(id) if id.resource_type == ResourceType::Workflow as i32 && !id.name.is_empty() => {}
        _ => say("`workflow_id` must be a WORKFLOW id with a name".to_string()),
    }
    for (key, value) in spec.labels.iter().flat_map(|l| l.values.iter()) {
        if let Err(e) = check_label_key(key).and_then(|_| check_label_value(key, value)) {
            say(e);
        }
    }

    let variables = &workflow_inputs.variables;
    let fixed: BTreeMap<&str, &Literal> = spec
        .fixed_inputs
        .iter()
        .flat_map(|m| m.literals.iter())
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    let defaults = spec
        .default_inputs
        .as_ref()
        .map(|p| &p.parameters)
        .cloned()
        .unwrap_or_default();
    for (input, value) in &fixed {
        match variables.get(*input).and_then(|v| v.r#type.as_ref()) {
            None => say(format!(
                "fixed input `{input}` is not an input of the workflow (its inputs: {})",
                names(variables.keys())
            )),
            Some(ty) if !fits(value, ty) => say(format!(
                "fixed input `{input}` is not of type {}",
                type_name(ty)
            )),
            Some(_) => {}
        }
    }
    for (input, parameter) in &defaults {
        if fixed.contains_key(input.as_str()) {
            say(format!(
                "input `{input}` is both fixed and given a default; keep one"
            ));
        }
        let Some(ty) = variables.get(input).and_then(|v| v.r#type.as_ref()) else {
            say(format!(
                "default input `{input}` is not an input of the workflow (its inputs: {})",
                names(variables.keys())
            ));
            continue;
        };
        if parameter.var.as_ref().and_then(|v| v.r#type.as_ref()) != Some(ty) {
            say(format!(
                "default input `{input}` does not have the workflow input's type {}",
                type_name(ty)
            ));
        }
        match &parameter.behavior {
            Some(parameter::Behavior::Default(value)) if !fits(value, ty) => say(format!(
                "the default of input `{input}` is not of type {}",
                type_name(ty)
            )),
            Some(parameter::Behavior::Default(_)) | Some(parameter::Behavior::Required(true)) => {}
            _ => say(format!(
                "input `{input}` has neither a default nor `required`"
            )),
        }
    }

    // What admin registers as the launch plan's inputs: defaults, plus every input neither
    // defaulted nor fixed, required.
    let required: BTreeSet<&str> = variables
        .keys()
        .map(String::as_str)
        .filter(|input| !fixed.contains_key(input))
        .filter(
            |input| match defaults.get(*input).and_then(|p| p.behavior.as_ref()) {
                Some(parameter::Behavior::Default(_)) => false,
                Some(parameter::Behavior::Required(required)) => *required,
                _ => true,
            },
        )
        .collect();
    let metadata = spec.entity_metadata.as_ref();
    if let Some(schedule) = metadata.and_then(|m| m.schedule.as_ref()) {
        check_schedule(schedule, &required, variables, &fixed, &mut say);
    }
    for notification in metadata.iter().flat_map(|m| m.notifications.iter()) {
        check_notification(notification, &mut say);
    }
    if metadata.is_some_and(|m| m.launch_conditions.is_some()) {
        say("has launch conditions, which Flyte rejects".to_string());
    }
    if spec.max_parallelism < 0 {
        say("`max_parallelism` must not be negative".to_string());
    }
    problems
}

fn names<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let list: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    if list.is_empty() {
        "none".to_string()
    } else {
        list.join(", ")
    }
}

fn check_schedule(
    schedule: &admin::Schedule,
    required: &BTreeSet<&str>,
    variables: &BTreeMap<String, flytekit_idl::core::Variable>,
    fixed: &BTreeMap<&str, &Literal>,
    say: &mut dyn FnMut(String),
) {
    match &schedule.schedule_expression {
        Some(schedule::ScheduleExpression::CronSchedule(cron)) => {
            if let Err(e) = check_cron(&cron.schedule) {
                say(e);
            }
            if !cron.offset.is_empty() {
                if let Err(e) = check_iso_duration(&cron.offset) {
                    say(e);
                }
            }
        }
        Some(schedule::ScheduleExpression::CronExpression(expression)) => {
            if expression.is_empty() {
                say("has an empty cron expression".to_string());
            }
        }
        Some(schedule::ScheduleExpression::Rate(rate)) => {
            if rate.value == 0 {
                say("a fixed-rate schedule needs a rate above 0".to_string());
            }
        }
        None => say("has a schedule without a cron expression or rate".to_string()),
    }
    let kickoff = schedule.kickoff_time_input_arg.as_str();
    for input in required.iter().filter(|input| **input != kickoff) {
        say(format!(
            "is scheduled, but input `{input}` is required and nothing gives it when the schedule fires; fix it or give it a default"
        ));
    }
    if kickoff.is_empty() {
        return;
    }
    let datetime = LiteralType {
        r#type: Some(literal_type::Type::Simple(SimpleType::Datetime as i32)),
        ..Default::default()
    };
    match variables.get(kickoff).and_then(|v| v.r#type.as_ref()) {
        None => say(format!(
            "kickoff time input `{kickoff}` is not an input of the workflow (its inputs: {})",
            names(variables.keys())
        )),
        Some(_) if fixed.contains_key(kickoff) => say(format!(
            "kickoff time input `{kickoff}` is fixed; it must be a free input to receive the scheduled time"
        )),
        Some(ty) if ty.r#type != datetime.r#type => say(format!(
            "kickoff time input `{kickoff}` is a {}, not a DATETIME (`chrono::DateTime<Utc>`)",
            type_name(ty)
        )),
        Some(_) => {}
    }
}

fn check_notification(notification: &admin::Notification, say: &mut dyn FnMut(String)) {
    let (kind, recipients) = match &notification.r#type {
        Some(notification::Type::Email(e)) => ("e-mail", &e.recipients_email),
        Some(notification::Type::Slack(s)) => ("Slack", &s.recipients_email),
        Some(notification::Type::PagerDuty(p)) => ("PagerDuty", &p.recipients_email),
        None => {
            say("has a notification without a kind (e-mail, Slack or PagerDuty)".to_string());
            return;
        }
    };
    if recipients.is_empty() || recipients.iter().any(|r| r.trim().is_empty()) {
        say(format!("its {kind} notification needs recipients"));
    }
    if notification.phases.is_empty() {
        say(format!(
            "its {kind} notification has no phases to be sent on"
        ));
    }
    use workflow_execution::Phase;
    for phase in &notification.phases {
        let terminal = [
            Phase::Succeeded,
            Phase::Failed,
            Phase::TimedOut,
            Phase::Aborted,
        ];
        if !terminal.iter().any(|t| *t as i32 == *phase) {
            let name = Phase::try_from(*phase)
                .map(|p| p.as_str_name().to_string())
                .unwrap_or_else(|_| phase.to_string());
            say(format!(
                "its {kind} notification is sent on phase {name}, which is not terminal; use SUCCEEDED, FAILED, TIMED_OUT or ABORTED"
            ));
        }
    }
}

/// Whether `literal` is a value of type `ty`: the check admin makes of the literals a launch plan
/// carries, also what the local cache asks of a stored entry.
pub fn fits(literal: &Literal, ty: &LiteralType) -> bool {
    use literal_type::Type;
    let scalar = match &literal.value {
        Some(literal::Value::Scalar(s)) => s.value.as_ref(),
        _ => None,
    };
    match &ty.r#type {
        Some(Type::UnionType(union)) => match scalar {
            Some(scalar::Value::Union(u)) => u
                .value
                .as_ref()
                .is_some_and(|inner| union.variants.iter().any(|v| fits(inner, v))),
            _ => union.variants.iter().any(|v| fits(literal, v)),
        },
        Some(Type::CollectionType(item)) => match &literal.value {
            Some(literal::Value::Collection(c)) => c.literals.iter().all(|l| fits(l, item)),
            _ => false,
        },
        Some(Type::MapValueType(value)) => match &literal.value {
            Some(literal::Value::Map(m)) => m.literals.values().all(|l| fits(l, value)),
            _ => false,
        },
        Some(Type::Blob(_)) => matches!(scalar, Some(scalar::Value::Blob(_))),
        Some(Type::Schema(_)) => matches!(scalar, Some(scalar::Value::Schema(_))),
        Some(Type::StructuredDatasetType(_)) => {
            matches!(scalar, Some(scalar::Value::StructuredDataset(_)))
        }
        Some(Type::EnumType(e)) => match scalar {
            Some(scalar::Value::Primitive(p)) => {
                matches!(&p.value, Some(primitive::Value::StringValue(s)) if e.values.contains(s))
            }
            _ => false,
        },
        Some(Type::Simple(simple)) => fits_simple(scalar, *simple),
        None => false,
    }
}

fn fits_simple(scalar: Option<&scalar::Value>, simple: i32) -> bool {
    let primitive = match scalar {
        Some(scalar::Value::Primitive(p)) => p.value.as_ref(),
        _ => None,
    };
    match SimpleType::try_from(simple) {
        Ok(SimpleType::None) => matches!(scalar, Some(scalar::Value::NoneType(_))),
        Ok(SimpleType::Integer) => matches!(primitive, Some(primitive::Value::Integer(_))),
        Ok(SimpleType::Float) => matches!(primitive, Some(primitive::Value::FloatValue(_))),
        Ok(SimpleType::String) => matches!(primitive, Some(primitive::Value::StringValue(_))),
        Ok(SimpleType::Boolean) => matches!(primitive, Some(primitive::Value::Boolean(_))),
        Ok(SimpleType::Datetime) => matches!(primitive, Some(primitive::Value::Datetime(_))),
        Ok(SimpleType::Duration) => matches!(primitive, Some(primitive::Value::Duration(_))),
        Ok(SimpleType::Binary) => matches!(scalar, Some(scalar::Value::Binary(_))),
        Ok(SimpleType::Error) => matches!(scalar, Some(scalar::Value::Error(_))),
        Ok(SimpleType::Struct) => {
            matches!(
                scalar,
                Some(scalar::Value::Generic(_) | scalar::Value::Binary(_))
            )
        }
        Err(_) => false,
    }
}
