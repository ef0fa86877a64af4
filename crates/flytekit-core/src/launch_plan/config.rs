//! [`LaunchPlanConfig`]: every option of a launch plan but its inputs, as `'static` data built
//! with `const fn`s (so `launch_plan!` can put it in a `static`), and the types of its options:
//! [`Schedule`], [`Notification`], [`Phase`].
//!
//! Only what Flyte accepts can be written: a notification's phases are terminal phases by
//! type. What types cannot express (a cron expression's syntax, a label's characters, a
//! kickoff input that is a free date-time input) is checked by [`super::validate`] before a
//! package is written.

/// When a scheduled launch plan runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// The rule.
    pub kind: ScheduleKind,
    /// The name of a date-time input of the workflow that receives the scheduled time.
    pub kickoff_time_input: Option<&'static str>,
}

/// The rule of a [`Schedule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleKind {
    /// A cron expression (5 fields, or an alias such as `@daily`) and an optional ISO 8601
    /// offset (`PT1H`).
    Cron {
        /// The expression.
        expression: &'static str,
        /// The offset, if any.
        offset: Option<&'static str>,
    },
    /// Every `value` `unit`s.
    FixedRate {
        /// How many units.
        value: u32,
        /// The unit.
        unit: FixedRateUnit,
    },
}

/// The unit of a fixed-rate schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixedRateUnit {
    /// Minutes.
    Minute,
    /// Hours.
    Hour,
    /// Days.
    Day,
}

impl Schedule {
    /// A cron schedule: `"0 2 * * *"` (standard 5 fields) or an alias (`@hourly`, `@daily`,
    /// `@weekly`, `@monthly`, `@yearly`, `@annually`, `@midnight`).
    pub const fn cron(expression: &'static str) -> Schedule {
        Schedule {
            kind: ScheduleKind::Cron {
                expression,
                offset: None,
            },
            kickoff_time_input: None,
        }
    }

    /// Every `value` `unit`s.
    pub const fn fixed_rate(value: u32, unit: FixedRateUnit) -> Schedule {
        Schedule {
            kind: ScheduleKind::FixedRate { value, unit },
            kickoff_time_input: None,
        }
    }

    /// Every `n` minutes.
    pub const fn every_minutes(n: u32) -> Schedule {
        Schedule::fixed_rate(n, FixedRateUnit::Minute)
    }

    /// Every `n` hours.
    pub const fn every_hours(n: u32) -> Schedule {
        Schedule::fixed_rate(n, FixedRateUnit::Hour)
    }

    /// Every `n` days.
    pub const fn every_days(n: u32) -> Schedule {
        Schedule::fixed_rate(n, FixedRateUnit::Day)
    }

    /// Shifts a cron schedule by an ISO 8601 duration (`"PT1H"`, `"P1D"`); a fixed-rate
    /// schedule has no offset, and keeps none.
    pub const fn offset(mut self, offset: &'static str) -> Schedule {
        if let ScheduleKind::Cron { expression, .. } = self.kind {
            self.kind = ScheduleKind::Cron {
                expression,
                offset: Some(offset),
            };
        }
        self
    }

    /// Passes the scheduled time to the workflow's date-time input `input`.
    pub const fn kickoff_time_input(mut self, input: &'static str) -> Schedule {
        self.kickoff_time_input = Some(input);
        self
    }
}

/// A terminal phase of a workflow execution: what a notification can be sent on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The execution succeeded.
    Succeeded,
    /// The execution failed.
    Failed,
    /// The execution timed out.
    TimedOut,
    /// The execution was aborted.
    Aborted,
}

/// Where a notification goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    /// E-mail to the recipients.
    Email,
    /// Slack, through the e-mail addresses of channels.
    Slack,
    /// PagerDuty, through the e-mail addresses of services.
    PagerDuty,
}

/// A message sent when an execution of the launch plan reaches one of `phases`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notification {
    /// Where it goes.
    pub kind: NotificationKind,
    /// When it is sent.
    pub phases: &'static [Phase],
    /// Who gets it (e-mail addresses).
    pub recipients: &'static [&'static str],
}

impl Notification {
    /// An e-mail to `recipients` when an execution reaches one of `phases`.
    pub const fn email(phases: &'static [Phase], recipients: &'static [&'static str]) -> Self {
        Notification {
            kind: NotificationKind::Email,
            phases,
            recipients,
        }
    }

    /// A Slack message (to the channels' e-mail addresses).
    pub const fn slack(phases: &'static [Phase], recipients: &'static [&'static str]) -> Self {
        Notification {
            kind: NotificationKind::Slack,
            phases,
            recipients,
        }
    }

    /// A PagerDuty alert (to the services' e-mail addresses).
    pub const fn pager_duty(phases: &'static [Phase], recipients: &'static [&'static str]) -> Self {
        Notification {
            kind: NotificationKind::PagerDuty,
            phases,
            recipients,
        }
    }
}

/// Every option of a launch plan but its inputs. Start from [`LaunchPlanConfig::DEFAULT`] and
/// chain the `const fn` setters; `launch_plan!` turns each `key: value` into `.key(value)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LaunchPlanConfig {
    /// The entity name, if not the Rust name.
    pub name: Option<&'static str>,
    /// When it runs by itself.
    pub schedule: Option<Schedule>,
    /// Who is told about executions.
    pub notifications: &'static [Notification],
    /// Kubernetes labels of the executions' pods.
    pub labels: &'static [(&'static str, &'static str)],
    /// Kubernetes annotations of the executions' pods.
    pub annotations: &'static [(&'static str, &'static str)],
    /// Environment variables of every task of the executions.
    pub environment: &'static [(&'static str, &'static str)],
    /// Where files and directories the executions write go.
    pub raw_output_data_prefix: Option<&'static str>,
    /// How many task nodes of one execution may run at once.
    pub max_parallelism: Option<u32>,
    /// The Kubernetes service account executions run as.
    pub service_account: Option<&'static str>,
    /// The IAM role executions assume.
    pub iam_role: Option<&'static str>,
    /// Run on interruptible (preemptible) machines, overriding the workflow.
    pub interruptible: Option<bool>,
    /// Always run and overwrite cached outputs.
    pub overwrite_cache: bool,
    /// Activate on registration (scheduled plans start running).
    pub auto_activate: bool,
}

impl LaunchPlanConfig {
    /// No option set.
    pub const DEFAULT: LaunchPlanConfig = LaunchPlanConfig {
        name: None,
        schedule: None,
        notifications: &[],
        labels: &[],
        annotations: &[],
        environment: &[],
        raw_output_data_prefix: None,
        max_parallelism: None,
        service_account: None,
        iam_role: None,
        interruptible: None,
        overwrite_cache: false,
        auto_activate: false,
    };

    /// Sets the entity name.
    pub const fn name(mut self, name: &'static str) -> Self {
        self.name = Some(name);
        self
    }

    /// Sets the schedule.
    pub const fn schedule(mut self, schedule: Schedule) -> Self {
        self.schedule = Some(schedule);
        self
    }

    /// Sets the notifications.
    pub const fn notifications(mut self, notifications: &'static [Notification]) -> Self {
        self.notifications = notifications;
        self
    }

    /// Sets the labels (`&[("team", "data")]`).
    pub const fn labels(mut self, labels: &'static [(&'static str, &'static str)]) -> Self {
        self.labels = labels;
        self
    }

    /// Sets the annotations.
    pub const fn annotations(
        mut self,
        annotations: &'static [(&'static str, &'static str)],
    ) -> Self {
        self.annotations = annotations;
        self
    }

    /// Sets environment variables of every task.
    pub const fn environment(
        mut self,
        environment: &'static [(&'static str, &'static str)],
    ) -> Self {
        self.environment = environment;
        self
    }

    /// Sets where raw output data goes (`"s3://bucket/prefix"`).
    pub const fn raw_output_data_prefix(mut self, prefix: &'static str) -> Self {
        self.raw_output_data_prefix = Some(prefix);
        self
    }

    /// Sets how many task nodes may run at once.
    pub const fn max_parallelism(mut self, max: u32) -> Self {
        self.max_parallelism = Some(max);
        self
    }

    /// Sets the Kubernetes service account.
    pub const fn service_account(mut self, account: &'static str) -> Self {
        self.service_account = Some(account);
        self
    }

    /// Sets the IAM role.
    pub const fn iam_role(mut self, role: &'static str) -> Self {
        self.iam_role = Some(role);
        self
    }

    /// Sets whether executions run on interruptible machines.
    pub const fn interruptible(mut self, interruptible: bool) -> Self {
        self.interruptible = Some(interruptible);
        self
    }

    /// Sets whether executions overwrite cached outputs.
    pub const fn overwrite_cache(mut self, overwrite: bool) -> Self {
        self.overwrite_cache = overwrite;
        self
    }

    /// Sets whether the launch plan is activated on registration.
    pub const fn auto_activate(mut self, activate: bool) -> Self {
        self.auto_activate = activate;
        self
    }
}
