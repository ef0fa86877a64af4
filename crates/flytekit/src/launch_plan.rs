//! Launch plans: [`launch_plan!`](crate::launch_plan!) declares one next to its workflow; the
//! types of its options are re-exported here.
//!
//! ```
//! use flytekit::prelude::*;
//! use flytekit::launch_plan::{Notification, Phase, Schedule};
//!
//! #[task]
//! fn total(xs: Vec<i64>, bonus: i64) -> i64 {
//!     xs.iter().sum::<i64>() + bonus
//! }
//!
//! /// Sums the numbers.
//! #[workflow]
//! fn report(xs: Vec<i64>, bonus: i64, #[default("nobody".to_string())] owner: String) -> i64 {
//!     total(xs, bonus)
//! }
//!
//! flytekit::launch_plan! {
//!     /// Every night at 02:00 with a fixed bonus; tells the team when it fails.
//!     pub nightly_report = report {
//!         fixed: { bonus: 10 },
//!         defaults: { xs: vec![1, 2, 3], owner: "data-team" },
//!         schedule: Schedule::cron("0 2 * * *").offset("PT30M"),
//!         notifications: &[
//!             Notification::email(&[Phase::Failed, Phase::TimedOut], &["team@example.com"]),
//!             Notification::slack(&[Phase::Succeeded], &["reports@example.slack.com"]),
//!         ],
//!         labels: &[("team", "data")],
//!         annotations: &[("example.com/owner", "data-team")],
//!         raw_output_data_prefix: "s3://my-bucket/raw",
//!         max_parallelism: 8,
//!         service_account: "reporting",
//!         interruptible: true,
//!         auto_activate: true,
//!     }
//! }
//!
//! /// Calls the plan as a node: `bonus` is fixed, `owner` takes the plan's default.
//! #[workflow]
//! fn team_report(xs: Vec<i64>) -> i64 {
//!     nightly_report(xs)
//! }
//!
//! # fn main() {
//! let plan = flytekit::core::registry::launch_plan("nightly_report").unwrap();
//! assert_eq!(plan.config.max_parallelism, Some(8));
//! assert_eq!((plan.workflow)().fn_name, "report");
//! assert_eq!(team_report(vec![1, 2]), 13);
//! // Called from Rust, the plan runs its workflow locally: every free input is passed.
//! assert_eq!(nightly_report(vec![1, 2], "me".to_string()), 13);
//! # }
//! ```
//!
//! A workflow calls a launch plan of the same binary like a workflow: the call is a launch-plan
//! node (on a cluster, a child execution of the plan). Its arguments are the workflow's inputs
//! in order, without the ones the plan fixes; trailing ones with a default (the plan's
//! `defaults` or the workflow's `#[default(...)]`) may be left out. The node names the plan and
//! leaves project, domain and version to registration, as flytekit's does, and `package` writes
//! the plan before every workflow that calls it (flyteadmin compiles a workflow against the
//! launch plans it calls). Locally the node runs the plan's workflow with its fixed inputs and
//! defaults. Passing a fixed input does not compile: the value lands on the next input, or is
//! one argument too many.
//!
//! Called from Rust outside a workflow (in a test, or in the function as written of a
//! `#[dynamic]` task, whose calls of the plan are launch-plan nodes of its sub-workflow), a plan
//! is a function of its free inputs, all of them, since plain Rust has no default arguments: it
//! runs the plan's workflow locally with the plan's fixed inputs and panics if that fails, as a
//! workflow function does.
//!
//! A fixed input of the wrong type does not compile:
//!
//! ```compile_fail
//! # use flytekit::prelude::*;
//! # #[task] fn double(x: i64) -> i64 { x * 2 }
//! # #[workflow] fn wf(x: i64) -> i64 { double(x) }
//! flytekit::launch_plan! {
//!     /// `x` is an `i64`.
//!     pub wrong_type = wf { fixed: { x: "seven" } }
//! }
//! # fn main() {}
//! ```
//!
//! Neither does one the workflow does not have (`fixed input `y` is not an input of workflow
//! `wf``):
//!
//! ```compile_fail
//! # use flytekit::prelude::*;
//! # #[task] fn double(x: i64) -> i64 { x * 2 }
//! # #[workflow] fn wf(x: i64) -> i64 { double(x) }
//! flytekit::launch_plan! {
//!     /// There is no `y`.
//!     pub unknown_input = wf { fixed: { y: 7 } }
//! }
//! # fn main() {}
//! ```
//!
//! `fixed` inputs cannot be changed by whoever launches the plan; `defaults` can. Both are
//! checked against the workflow's signature at compile time: an input the workflow does not
//! have stops compilation naming it, and a value of the wrong type is a type error on the
//! value. Every other entry `key: value` calls the `const fn` setter of the same name on
//! [`LaunchPlanConfig`], so the options are the setters listed there. What types cannot check
//! (cron syntax, label characters, a schedule leaving a required input, a kickoff input that is
//! not a free date-time input) is checked by `package` and `serialize`, as a cluster would.

pub use flytekit_core::launch_plan::{
    FixedRateUnit, LaunchPlan, LaunchPlanConfig, LaunchPlanEntry, Notification, NotificationKind,
    Phase, Schedule, ScheduleKind,
};

/// Declares a launch plan of a `#[workflow]`: see the [module docs](mod@crate::launch_plan) for an
/// example and the options.
///
/// ```text
/// launch_plan! {
///     /// docs
///     pub NAME = WORKFLOW {
///         fixed: { input: value, ... },      // optional, first
///         defaults: { input: value, ... },   // optional, after `fixed`
///         option: value, ...                 // LaunchPlanConfig setters
///     }
/// }
/// ```
///
/// The launch plan is registered as `NAME` (or `name: "..."`) and packaged after its workflow.
#[macro_export]
macro_rules! launch_plan {
    (
        $(#[$attr:meta])*
        $vis:vis $name:ident = $workflow:path { $($body:tt)* }
    ) => {
        $crate::launch_plan! {
            @munch { $(#[$attr])* $vis $name = $workflow } [] [] [] $($body)*
        }
    };
    (@munch $header:tt [$($f:tt)*] $d:tt $o:tt
        fixed : { $($key:ident : $value:expr),* $(,)? } $(, $($rest:tt)*)?
    ) => {
        $crate::launch_plan! { @munch $header [$($f)* $(($key, $value))*] $d $o $($($rest)*)? }
    };
    (@munch $header:tt $f:tt [$($d:tt)*] $o:tt
        defaults : { $($key:ident : $value:expr),* $(,)? } $(, $($rest:tt)*)?
    ) => {
        $crate::launch_plan! { @munch $header $f [$($d)* $(($key, $value))*] $o $($($rest)*)? }
    };
    (@munch $header:tt $f:tt $d:tt [$($o:tt)*]
        $key:ident : $value:expr $(, $($rest:tt)*)?
    ) => {
        $crate::launch_plan! { @munch $header $f $d [$($o)* ($key, $value)] $($($rest)*)? }
    };
    (@munch $header:tt $f:tt $d:tt $o:tt) => {
        $crate::launch_plan! { @emit $header $f $d $o }
    };
    (@emit { $(#[$attr:meta])* $vis:vis $name:ident = $workflow:path }
        [$(($fkey:ident, $fvalue:expr))*]
        [$(($dkey:ident, $dvalue:expr))*]
        [$(($okey:ident, $ovalue:expr))*]
    ) => {
        $(#[$attr])*
        // The workflow is a defaulted parameter so that the impls below name it in their
        // headers: an impl is only as public as the types there, so a public plan of a private
        // workflow may still say, in its associated types, what the workflow's are.
        #[allow(non_camel_case_types, private_interfaces)]
        $vis struct $name<W = $workflow> {
            _workflow: ::core::marker::PhantomData<fn() -> W>,
        }

        // The plan called as a plain function (`nightly_report(xs)` in the function as written
        // of a `#[dynamic]` task, or in a test): a constant in the value namespace, which the
        // struct leaves free, whose type is a function pointer over the plan's free inputs.
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        $vis const $name: <$name as $crate::__private::plain_plan::PlanFn<
            { $crate::__launch_plan_free_count!($workflow, [$($fkey)*]) },
        >>::Fn = <$name as $crate::__private::plain_plan::PlanFn<
            { $crate::__launch_plan_free_count!($workflow, [$($fkey)*]) },
        >>::FN;

        const _: () = {
            use $crate::__private::launch_plan as __lp;
            use $crate::__private::{BTreeMap, EntityInput, FlyteType, Literal, TypeError};

            const __NAMES: [::core::option::Option<&'static str>; __lp::MAX_INPUTS] =
                $crate::__launch_plan_input_names!($workflow);

            fn fixed_inputs() -> ::core::result::Result<BTreeMap<::std::string::String, Literal>, TypeError> {
                #[allow(unused_mut)]
                let mut inputs = BTreeMap::new();
                $({
                    const I: usize = __lp::input_index(
                        &__NAMES,
                        ::core::stringify!($fkey),
                        ::core::concat!("fixed input `", ::core::stringify!($fkey), "` is not an input of workflow `", ::core::stringify!($workflow), "`"),
                    );
                    let value: <$workflow as EntityInput<I>>::Type = __lp::LaunchPlanValue::into_value($fvalue);
                    __lp::insert_input(&mut inputs, ::core::stringify!($fkey), &value, <<$workflow as EntityInput<I>>::Type as FlyteType>::to_literal)?;
                })*
                ::core::result::Result::Ok(inputs)
            }

            fn default_inputs() -> ::core::result::Result<BTreeMap<::std::string::String, Literal>, TypeError> {
                #[allow(unused_mut)]
                let mut inputs = BTreeMap::new();
                $({
                    const I: usize = __lp::input_index(
                        &__NAMES,
                        ::core::stringify!($dkey),
                        ::core::concat!("default input `", ::core::stringify!($dkey), "` is not an input of workflow `", ::core::stringify!($workflow), "`"),
                    );
                    let value: <$workflow as EntityInput<I>>::Type = __lp::LaunchPlanValue::into_value($dvalue);
                    __lp::insert_input(&mut inputs, ::core::stringify!($dkey), &value, <<$workflow as EntityInput<I>>::Type as FlyteType>::to_literal)?;
                })*
                ::core::result::Result::Ok(inputs)
            }

            static ENTRY: __lp::LaunchPlanEntry = __lp::LaunchPlanEntry {
                ident: ::core::stringify!($name),
                module_path: ::core::module_path!(),
                file: ::core::file!(),
                line: ::core::line!(),
                workflow: <$workflow as $crate::__private::Workflow>::entry,
                config: __lp::LaunchPlanConfig::DEFAULT $(.$okey($ovalue))*,
                fixed_inputs,
                default_inputs,
            };

            impl __lp::LaunchPlan for $name {
                fn entry() -> &'static __lp::LaunchPlanEntry {
                    &ENTRY
                }
            }

            $crate::__launch_plan_entity! { $name, $workflow, [$($fkey)*], [$($dkey)*] }

            #[$crate::__private::linkme::distributed_slice(__lp::FLYTEKIT_LAUNCH_PLANS)]
            #[linkme(crate = $crate::__private::linkme)]
            static __REGISTRATION: __lp::LaunchPlanRegistration =
                __lp::LaunchPlanRegistration(&ENTRY);
        };
    };
}

/// Makes a launch plan callable in workflows (see `flytekit_core::launch_plan::call`): its
/// `Entity` impl, whose inputs are the workflow's without the fixed ones, and the per-position
/// facts its generic `EntityInput` / `DefaultsFrom` impls read. Expands inside the block of
/// `launch_plan!`, next to `__NAMES` and `ENTRY`.
#[doc(hidden)]
#[macro_export]
macro_rules! __launch_plan_entity {
    ($name:ident, $workflow:path, [$($fkey:ident)*], [$($dkey:ident)*]) => {
        $crate::__launch_plan_entity! {
            @positions $name, $workflow, [$($fkey)*], [$($dkey)*],
            0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32
        }
    };
    (@positions $name:ident, $workflow:path, [$($fkey:ident)*], [$($dkey:ident)*], $($n:literal)*) => {
        const __FIXED: &[&str] = &[$(::core::stringify!($fkey)),*];
        const __SLOTS: [usize; __lp::MAX_INPUTS + 1] = __lp::free_slots(&__NAMES, __FIXED);
        const __COUNT: usize = __lp::free_count(&__NAMES, __FIXED);
        const __FREE: [&str; __lp::MAX_INPUTS] = __lp::free_names(&__NAMES, __FIXED);
        const __FREE_NAMES: &[&str] = {
            let all: &[&str] = &__FREE;
            all.split_at(__COUNT).0
        };
        const __PLAN_DEFAULTS: &[usize] =
            &[$(__lp::position(&__NAMES, ::core::stringify!($dkey))),*];
        const __WORKFLOW_DEFAULTS: [bool; __lp::MAX_INPUTS + 1] = {
            #[allow(unused_imports)]
            use __lp::NoDefaultsFrom;
            [$(__lp::DefaultsProbe::<$workflow, $n>::FROM),*]
        };

        impl $crate::__private::Entity for $name {
            type Promises = <$workflow as $crate::__private::Entity>::Promises;
            const CALLEE: &'static $crate::__private::Callee = &$crate::__private::Callee {
                input_names: __FREE_NAMES,
                output_names: <$workflow as $crate::__private::Entity>::CALLEE.output_names,
                kind: $crate::__private::CalleeKind::LaunchPlan(&ENTRY),
            };
        }

        impl<const N: usize> $crate::__private::EntityInput<N> for $name
        where
            $name: __lp::LaunchPlanArgument<N>,
            <$name as __lp::LaunchPlanArgument<N>>::Present: __lp::InputPresent<$name, N>,
        {
            type Type = <$name as __lp::LaunchPlanArgument<N>>::Type;
        }

        impl<const K: usize> $crate::__private::DefaultsFrom<K> for $name
        where
            $name: __lp::LaunchPlanArgument<K>,
            <$name as __lp::LaunchPlanArgument<K>>::Covered: __lp::InputsCovered<$name, K>,
        {
        }

        $(
            impl __lp::LaunchPlanArgument<$n> for $name {
                type Present = __lp::Select<{ $n < __COUNT }>;
                type Type = <(
                    __lp::Select<{ $n < __COUNT }>,
                    __lp::Slot<$workflow, { __SLOTS[$n] }>,
                ) as __lp::SlotType>::Type;
                type Covered = __lp::Select<
                    { __lp::covered_from($n, &__SLOTS, __COUNT, __PLAN_DEFAULTS, &__WORKFLOW_DEFAULTS) },
                >;
            }
        )*
    };
}

/// How many inputs of a workflow a launch plan leaves free (not fixed), for `launch_plan!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __launch_plan_free_count {
    ($workflow:path, [$($fkey:ident)*]) => {
        $crate::__private::launch_plan::free_count(
            &$crate::__launch_plan_input_names!($workflow),
            &[$(::core::stringify!($fkey)),*],
        )
    };
}

/// The names of a workflow's inputs by position (`None` past the last), for `launch_plan!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __launch_plan_input_names {
    ($w:path) => {{
        #[allow(unused_imports)]
        use $crate::__private::launch_plan::{InputName, NoInput};
        [
            InputName::<$w, 0>::NAME,
            InputName::<$w, 1>::NAME,
            InputName::<$w, 2>::NAME,
            InputName::<$w, 3>::NAME,
            InputName::<$w, 4>::NAME,
            InputName::<$w, 5>::NAME,
            InputName::<$w, 6>::NAME,
            InputName::<$w, 7>::NAME,
            InputName::<$w, 8>::NAME,
            InputName::<$w, 9>::NAME,
            InputName::<$w, 10>::NAME,
            InputName::<$w, 11>::NAME,
            InputName::<$w, 12>::NAME,
            InputName::<$w, 13>::NAME,
            InputName::<$w, 14>::NAME,
            InputName::<$w, 15>::NAME,
            InputName::<$w, 16>::NAME,
            InputName::<$w, 17>::NAME,
            InputName::<$w, 18>::NAME,
            InputName::<$w, 19>::NAME,
            InputName::<$w, 20>::NAME,
            InputName::<$w, 21>::NAME,
            InputName::<$w, 22>::NAME,
            InputName::<$w, 23>::NAME,
            InputName::<$w, 24>::NAME,
            InputName::<$w, 25>::NAME,
            InputName::<$w, 26>::NAME,
            InputName::<$w, 27>::NAME,
            InputName::<$w, 28>::NAME,
            InputName::<$w, 29>::NAME,
            InputName::<$w, 30>::NAME,
            InputName::<$w, 31>::NAME,
        ]
    }};
}
