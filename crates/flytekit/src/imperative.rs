//! Imperative workflows (flytekit's `ImperativeWorkflow`): a workflow whose nodes a plain
//! function adds to a [`WorkflowBuilder`](crate::WorkflowBuilder), registered with
//! [`imperative_workflow!`](crate::imperative_workflow) so that `list`, `run`, `graph` and
//! `package` treat it like a `#[workflow]`.
//!
//! Use it when the shape is known only when the binary starts (read from a config, generated
//! from a table of steps); a `#[workflow]` is checked by rustc at build time and is the better
//! choice when the shape is fixed.
//!
//! ```
//! use flytekit::prelude::*;
//! use flytekit::WorkflowBuilder;
//!
//! #[task]
//! fn add_one(x: i64) -> i64 {
//!     x + 1
//! }
//!
//! /// Adds one `steps` times; the count could come from anywhere the binary can read.
//! fn build_chain(b: &mut WorkflowBuilder) {
//!     let steps = 3;
//!     let mut value = b.input::<i64>("x", "the start value");
//!     for _ in 0..steps {
//!         value = b.call::<add_one>().bind::<0, _>(value).finish();
//!     }
//!     b.output("o0", value);
//! }
//!
//! flytekit::imperative_workflow!(
//!     /// Adds three to `x`.
//!     chain = build_chain
//! );
//!
//! let entry = flytekit::core::registry::workflow("chain").unwrap();
//! let compiled = flytekit::core::glue::build_workflow(entry).unwrap();
//! assert_eq!(compiled.template.nodes.len(), 3);
//! ```

/// Registers a workflow built by `build`, a `fn(&mut WorkflowBuilder)`, as `name` (the entity
/// name is `<module path>.<name>`, or `name = "..."` after the function). Doc comments before
/// the name become its description.
#[macro_export]
macro_rules! imperative_workflow {
    ($(#[doc = $doc:expr])* $name:ident = $build:path $(, name = $entity:literal)? $(,)?) => {
        const _: () = {
            static ENTRY: $crate::__private::WorkflowEntry = $crate::__private::WorkflowEntry {
                module_path: ::core::module_path!(),
                fn_name: ::core::stringify!($name),
                name_override: $crate::__imperative_name!($($entity)?),
                file: ::core::file!(),
                line: ::core::line!(),
                short_description: "",
                long_description: ::core::concat!($($doc, "\n"),*),
                source_code: "",
                build: $build,
                defaults: ::core::option::Option::None,
            };
            #[$crate::__private::linkme::distributed_slice($crate::__private::FLYTEKIT_WORKFLOWS)]
            #[linkme(crate = $crate::__private::linkme)]
            static __REGISTRATION: $crate::__private::WorkflowRegistration =
                $crate::__private::WorkflowRegistration(&ENTRY);
        };
    };
}

/// The `name_override` of [`imperative_workflow!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __imperative_name {
    () => {
        ::core::option::Option::None
    };
    ($entity:literal) => {
        ::core::option::Option::Some($entity)
    };
}
