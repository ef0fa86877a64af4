//! Launch plans: how a workflow is launched (fixed and default inputs, a schedule,
//! notifications, labels, ...), declared in Rust next to the workflow and registered in a linker
//! section ([`FLYTEKIT_LAUNCH_PLANS`]).
//!
//! Users write them with the `flytekit::launch_plan!` macro, which checks every fixed and
//! default input against the workflow's signature at compile time and fills a
//! [`LaunchPlanEntry`]: `'static` data (a [`LaunchPlanConfig`] built with `const fn`s) plus
//! functions that build the input literals when asked. [`crate::spec`] turns an entry into the
//! admin `LaunchPlan` that `package` writes; [`validate`] runs the checks a cluster applies
//! when it is registered (FLYTE-CONTRACT section 7.3).
//!
//! Every workflow also gets a default launch plan (its name, no fixed inputs, the workflow's
//! defaults), built by [`crate::spec::default_launch_plan`]; it needs no declaration.

mod call;
mod checks;
mod config;
mod inputs;
mod validate;

pub use call::{
    covered_from, free_count, free_names, free_slots, position, DefaultsProbe, InputPresent,
    InputsCovered, LaunchPlanArgument, NoDefaultsFrom, Select, Slot, SlotType, TooManyArguments,
};
pub use checks::{check_cron, check_iso_duration, check_label_key, check_label_value};
pub use config::{
    FixedRateUnit, LaunchPlanConfig, Notification, NotificationKind, Phase, Schedule, ScheduleKind,
};
pub use inputs::{input_index, InputName, LaunchPlanValue, NoInput, MAX_INPUTS};
pub use validate::{fits, validate};

use std::collections::BTreeMap;

use flytekit_idl::core::{Literal, TypedInterface};

use crate::types::TypeError;
use crate::workflow::WorkflowEntry;

/// The static description of one launch plan: what `launch_plan!` registers.
#[derive(Debug)]
pub struct LaunchPlanEntry {
    /// The Rust name given to the launch plan (its entity name unless `name` is set).
    pub ident: &'static str,
    /// `module_path!()` where it is declared.
    pub module_path: &'static str,
    /// The source file.
    pub file: &'static str,
    /// The source line.
    pub line: u32,
    /// The workflow it launches.
    pub workflow: fn() -> &'static WorkflowEntry,
    /// Everything but the inputs.
    pub config: LaunchPlanConfig,
    /// Literals of the fixed inputs (no caller may change them).
    pub fixed_inputs: fn() -> Result<BTreeMap<String, Literal>, TypeError>,
    /// Literals of the default inputs (a caller may override them).
    pub default_inputs: fn() -> Result<BTreeMap<String, Literal>, TypeError>,
}

impl LaunchPlanEntry {
    /// The entity name: `name: "..."` if given, else the Rust name, as flytekit names a launch
    /// plan by the name it is given (no module prefix).
    pub fn name(&self) -> String {
        self.config.name.unwrap_or(self.ident).to_string()
    }

    /// Where the launch plan is declared, as `file:line`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// The interface a caller sees (Flyte's `expected_inputs`): the workflow's, without the
    /// fixed inputs.
    pub fn caller_interface(&self) -> Result<TypedInterface, TypeError> {
        let fixed = (self.fixed_inputs)()?;
        let mut interface = crate::glue::workflow_interface((self.workflow)());
        if let Some(inputs) = interface.inputs.as_mut() {
            inputs.variables.retain(|name, _| !fixed.contains_key(name));
        }
        Ok(interface)
    }

    /// Literals of the inputs a caller may leave out: the workflow's defaults, replaced by the
    /// plan's, without the fixed inputs.
    pub fn caller_defaults(&self) -> Result<BTreeMap<String, Literal>, TypeError> {
        let fixed = (self.fixed_inputs)()?;
        let mut defaults = (self.workflow)().defaults()?;
        defaults.extend((self.default_inputs)()?);
        defaults.retain(|name, _| !fixed.contains_key(name));
        Ok(defaults)
    }
}

/// A launch plan as a type: `launch_plan!` defines a (hidden) marker type implementing it.
pub trait LaunchPlan {
    /// The registered description.
    fn entry() -> &'static LaunchPlanEntry;
}

/// Registration record that `launch_plan!` adds to [`FLYTEKIT_LAUNCH_PLANS`].
pub struct LaunchPlanRegistration(pub &'static LaunchPlanEntry);

/// Every launch plan declared in the binary, gathered by the linker into one section (`linkme`;
/// see [`crate::task::FLYTEKIT_TASKS`] for why not `inventory`).
#[linkme::distributed_slice]
pub static FLYTEKIT_LAUNCH_PLANS: [LaunchPlanRegistration];

/// Converts `value` with `write` (always `<T as FlyteType>::to_literal`) and adds it to
/// `inputs` under `name`, naming the input on error. Used by `launch_plan!`.
pub fn insert_input<T>(
    inputs: &mut BTreeMap<String, Literal>,
    name: &str,
    value: &T,
    write: fn(&T) -> Result<Literal, TypeError>,
) -> Result<(), TypeError> {
    inputs.insert(
        name.to_string(),
        write(value).map_err(|e| e.at_field(name))?,
    );
    Ok(())
}

#[cfg(test)]
mod tests;
