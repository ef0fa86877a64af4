//! Admin [`LaunchPlan`]s (`NN_<name>_3.pb`): the default launch plan of every workflow and the
//! launch plans declared with `launch_plan!`, in the shape flytekit writes them
//! (FLYTE-CONTRACT section 5, "Workflow defaults -> launch plan").
//!
//! `default_inputs` holds every workflow input that is not fixed: with a default, the default
//! literal; optional (a union with NONE) without one, a bare none literal; otherwise
//! `required`. Labels, annotations, fixed inputs and the raw output data config are present
//! even when empty, and the closure is present with empty maps, as flytekit writes them.

use std::collections::BTreeMap;

use flytekit_idl::admin::{
    self, notification, schedule, Annotations, CronSchedule, EmailNotification, Envs, FixedRate,
    Labels, LaunchPlan, LaunchPlanClosure, LaunchPlanMetadata, LaunchPlanSpec, LaunchPlanState,
    PagerDutyNotification, RawOutputDataConfig, SlackNotification,
};
use flytekit_idl::core::{
    literal, literal_type, parameter, scalar, workflow_execution, Identity, KeyValuePair, Literal,
    LiteralMap, LiteralType, Parameter, ParameterMap, ResourceType, SecurityContext, SimpleType,
    VariableMap,
};

use crate::launch_plan::{
    FixedRateUnit, LaunchPlanEntry, NotificationKind, Phase, Schedule, ScheduleKind,
};
use crate::types::none_literal;
use crate::workflow::identifier;

/// Whether `ty` is a union with a NONE variant (an `Option<T>`).
fn is_optional(ty: &LiteralType) -> bool {
    match &ty.r#type {
        Some(literal_type::Type::UnionType(u)) => u
            .variants
            .iter()
            .any(|v| v.r#type == Some(literal_type::Type::Simple(SimpleType::None as i32))),
        _ => false,
    }
}

/// Whether `literal` is "no value", bare or wrapped in a union.
fn is_none_value(literal: &Literal) -> bool {
    match &literal.value {
        Some(literal::Value::Scalar(s)) => match &s.value {
            Some(scalar::Value::NoneType(_)) => true,
            Some(scalar::Value::Union(u)) => u.value.as_deref().is_some_and(is_none_value),
            _ => false,
        },
        _ => false,
    }
}

/// The parameters of a launch plan: every input of `inputs` not in `fixed`, with its default
/// from `defaults`, a bare none for an optional input without one (flytekit's rule, also for an
/// explicit `None` default), or `required`.
pub fn parameters(
    inputs: &VariableMap,
    defaults: &BTreeMap<String, Literal>,
    fixed: &BTreeMap<String, Literal>,
) -> ParameterMap {
    let parameters = inputs
        .variables
        .iter()
        .filter(|(name, _)| !fixed.contains_key(*name))
        .map(|(name, var)| {
            let optional = var.r#type.as_ref().is_some_and(is_optional);
            let behavior = match defaults.get(name) {
                Some(value) if optional && is_none_value(value) => {
                    parameter::Behavior::Default(none_literal())
                }
                Some(value) => parameter::Behavior::Default(value.clone()),
                None if optional => parameter::Behavior::Default(none_literal()),
                None => parameter::Behavior::Required(true),
            };
            (
                name.clone(),
                Parameter {
                    var: Some(var.clone()),
                    behavior: Some(behavior),
                },
            )
        })
        .collect();
    ParameterMap { parameters }
}

fn base(name: &str, workflow: &str, default_inputs: ParameterMap) -> LaunchPlan {
    LaunchPlan {
        id: Some(identifier(ResourceType::LaunchPlan, name)),
        spec: Some(LaunchPlanSpec {
            workflow_id: Some(identifier(ResourceType::Workflow, workflow)),
            entity_metadata: Some(LaunchPlanMetadata::default()),
            default_inputs: Some(default_inputs),
            fixed_inputs: Some(LiteralMap::default()),
            labels: Some(Labels::default()),
            annotations: Some(Annotations::default()),
            raw_output_data_config: Some(RawOutputDataConfig::default()),
            ..Default::default()
        }),
        closure: Some(LaunchPlanClosure {
            expected_inputs: Some(ParameterMap::default()),
            expected_outputs: Some(VariableMap::default()),
            ..Default::default()
        }),
    }
}

/// The default launch plan of workflow `workflow` (same name, the workflow's defaults, nothing
/// fixed), as flytekit writes one after every workflow.
pub fn default_launch_plan(
    workflow: &str,
    inputs: &VariableMap,
    defaults: &BTreeMap<String, Literal>,
) -> LaunchPlan {
    base(
        workflow,
        workflow,
        parameters(inputs, defaults, &BTreeMap::new()),
    )
}

/// The admin LaunchPlan of a declared launch plan of workflow `workflow` (whose inputs and
/// defaults are given); an input that cannot be converted is an error naming the launch plan.
pub fn launch_plan(
    entry: &LaunchPlanEntry,
    workflow: &str,
    inputs: &VariableMap,
    workflow_defaults: &BTreeMap<String, Literal>,
) -> Result<LaunchPlan, String> {
    let name = entry.name();
    let fixed =
        (entry.fixed_inputs)().map_err(|e| format!("launch plan `{name}`: fixed input {e}"))?;
    let mut defaults = workflow_defaults.clone();
    defaults.extend(
        (entry.default_inputs)().map_err(|e| format!("launch plan `{name}`: default input {e}"))?,
    );
    let mut plan = base(&name, workflow, parameters(inputs, &defaults, &fixed));
    let config = &entry.config;
    if let Some(spec) = plan.spec.as_mut() {
        spec.fixed_inputs = Some(LiteralMap { literals: fixed });
        spec.entity_metadata = Some(LaunchPlanMetadata {
            schedule: config.schedule.map(schedule),
            notifications: config.notifications.iter().map(notification).collect(),
            launch_conditions: None,
        });
        let pairs = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        spec.labels = Some(Labels {
            values: pairs(config.labels),
        });
        spec.annotations = Some(Annotations {
            values: pairs(config.annotations),
        });
        if !config.environment.is_empty() {
            spec.envs = Some(Envs {
                values: config
                    .environment
                    .iter()
                    .map(|(key, value)| KeyValuePair {
                        key: key.to_string(),
                        value: value.to_string(),
                    })
                    .collect(),
            });
        }
        spec.raw_output_data_config = Some(RawOutputDataConfig {
            output_location_prefix: config
                .raw_output_data_prefix
                .unwrap_or_default()
                .to_string(),
        });
        spec.max_parallelism = config
            .max_parallelism
            .map(|m| i32::try_from(m).unwrap_or(i32::MAX))
            .unwrap_or_default();
        if config.service_account.is_some() || config.iam_role.is_some() {
            spec.security_context = Some(SecurityContext {
                run_as: Some(Identity {
                    iam_role: config.iam_role.unwrap_or_default().to_string(),
                    k8s_service_account: config.service_account.unwrap_or_default().to_string(),
                    ..Default::default()
                }),
                ..Default::default()
            });
        }
        spec.interruptible = config.interruptible;
        spec.overwrite_cache = config.overwrite_cache;
    }
    // Files have no field for "activate on registration" (flytekit keeps it client-side); an
    // ACTIVE state in the closure records it. `flytectl register files` ignores the closure, so
    // activate with `--enableSchedule` there.
    if entry.config.auto_activate {
        if let Some(closure) = plan.closure.as_mut() {
            closure.state = LaunchPlanState::Active as i32;
        }
    }
    Ok(plan)
}

fn schedule(schedule: Schedule) -> admin::Schedule {
    let expression = match schedule.kind {
        ScheduleKind::Cron { expression, offset } => {
            schedule::ScheduleExpression::CronSchedule(CronSchedule {
                schedule: expression.to_string(),
                offset: offset.unwrap_or_default().to_string(),
            })
        }
        ScheduleKind::FixedRate { value, unit } => schedule::ScheduleExpression::Rate(FixedRate {
            value,
            unit: match unit {
                FixedRateUnit::Minute => admin::FixedRateUnit::Minute,
                FixedRateUnit::Hour => admin::FixedRateUnit::Hour,
                FixedRateUnit::Day => admin::FixedRateUnit::Day,
            } as i32,
        }),
    };
    admin::Schedule {
        kickoff_time_input_arg: schedule.kickoff_time_input.unwrap_or_default().to_string(),
        schedule_expression: Some(expression),
    }
}

fn notification(n: &crate::launch_plan::Notification) -> admin::Notification {
    use workflow_execution::Phase as Idl;
    let recipients_email: Vec<String> = n.recipients.iter().map(|r| r.to_string()).collect();
    admin::Notification {
        phases: n
            .phases
            .iter()
            .map(|phase| {
                let phase = match phase {
                    Phase::Succeeded => Idl::Succeeded,
                    Phase::Failed => Idl::Failed,
                    Phase::TimedOut => Idl::TimedOut,
                    Phase::Aborted => Idl::Aborted,
                };
                phase as i32
            })
            .collect(),
        r#type: Some(match n.kind {
            NotificationKind::Email => notification::Type::Email(EmailNotification {
                recipients_email,
                ..Default::default()
            }),
            NotificationKind::Slack => notification::Type::Slack(SlackNotification {
                recipients_email,
                ..Default::default()
            }),
            NotificationKind::PagerDuty => notification::Type::PagerDuty(PagerDutyNotification {
                recipients_email,
                ..Default::default()
            }),
        }),
    }
}
