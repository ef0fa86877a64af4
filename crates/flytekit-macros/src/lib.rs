//! Procedural macro entry points of flytekit-rs.
//!
//! Each macro is a few lines that hand the tokens to `flytekit-compiler`, where parsing, checking
//! and code generation live as a plain, unit-tested library. Users never depend on this crate
//! directly: `flytekit` re-exports the macros.
//!
//! May depend on: `flytekit-compiler`, `proc-macro2`. Nothing at run time.

use proc_macro::TokenStream;

/// Derives `FlyteType` for a struct (a flytekit dataclass), a newtype struct (its field's
/// type) or an enum of unit variants (a Flyte enum of strings).
///
/// serde's `rename`, `rename_all`, `skip` and `default` attributes are honoured, so the Flyte
/// form of a type matches its serde form; `#[flyte(crate = "path")]` changes the path of the
/// flytekit crate in the generated code.
#[proc_macro_derive(FlyteType, attributes(flyte, serde))]
pub fn derive_flyte_type(input: TokenStream) -> TokenStream {
    flytekit_compiler::derive::derive_flyte_type(input.into()).into()
}

/// Turns a function into a Flyte task, leaving the function as it is.
///
/// Inputs are the parameters; outputs are the return value (`o0`, or `o0, o1, ...` for a tuple;
/// none for `()`); a `Result` error fails the task. Options such as `retries = 3`,
/// `timeout = "5m"`, `cache(version = "1")` or `requests(cpu = "1", mem = "1Gi")` are checked at
/// compile time; see the `flytekit` crate docs for the full list.
#[proc_macro_attribute]
pub fn task(args: TokenStream, item: TokenStream) -> TokenStream {
    flytekit_compiler::task::task(args.into(), item.into()).into()
}

/// Turns a function whose body wires tasks together into a Flyte workflow.
///
/// The body is checked by rustc and lowered at compile time to a node DAG: `let` bindings of
/// calls become nodes, `if` / `else` on comparisons becomes a branch node, `map_task(t, xs)` an
/// array node. The function keeps its signature; calling it runs the workflow locally.
#[proc_macro_attribute]
pub fn workflow(args: TokenStream, item: TokenStream) -> TokenStream {
    flytekit_compiler::workflow::workflow(args.into(), item.into()).into()
}

/// Turns a function into a dynamic task (flytekit's `@dynamic`): when it runs, its body runs on
/// the real input values and each call of a task, workflow or launch plan in it becomes a node
/// of a sub-workflow, which Flyte (or the local executor) then runs.
///
/// The body is ordinary Rust: loops, `if`, `match`, iterators. A call's value is a promise that
/// later calls and the return value may use; the return value may be promises, plain values or
/// collections of promises. Options are those of `#[task]`. The function itself stays callable
/// as written (its calls then run directly).
#[proc_macro_attribute]
pub fn dynamic(args: TokenStream, item: TokenStream) -> TokenStream {
    flytekit_compiler::dynamic::dynamic(args.into(), item.into()).into()
}

/// Declares a task registered elsewhere (for example in Python) from a bodiless signature, so
/// workflows can call it with full type checking: `#[reference_task(project = "flytesnacks",
/// domain = "development", name = "core.add", version = "v1")] fn py_add(a: i64, b: i64) ->
/// i64;`. It is never packaged. `local = my_add` names a `#[task]` with the same interface that
/// runs in its place locally.
#[proc_macro_attribute]
pub fn reference_task(args: TokenStream, item: TokenStream) -> TokenStream {
    use flytekit_compiler::reference::{reference, ReferenceKind};
    reference(ReferenceKind::Task, args.into(), item.into()).into()
}

/// Declares a workflow registered elsewhere, called through its default launch plan (same name
/// and version): a registered workflow can only be called from another registered workflow
/// through a launch plan. `local = my_workflow` names a `#[workflow]` that runs in its place
/// locally.
#[proc_macro_attribute]
pub fn reference_workflow(args: TokenStream, item: TokenStream) -> TokenStream {
    use flytekit_compiler::reference::{reference, ReferenceKind};
    reference(ReferenceKind::Workflow, args.into(), item.into()).into()
}

/// Declares a launch plan registered elsewhere, called as a launch-plan node. `local =
/// my_workflow` names a `#[workflow]` that runs in its place locally.
#[proc_macro_attribute]
pub fn reference_launch_plan(args: TokenStream, item: TokenStream) -> TokenStream {
    use flytekit_compiler::reference::{reference, ReferenceKind};
    reference(ReferenceKind::LaunchPlan, args.into(), item.into()).into()
}

/// A task that runs a given image and command (flytekit's `ContainerTask`), declared as a
/// bodiless signature: `#[container_task(image = "alpine:3.19", command = ["sh", "-c", "echo
/// {{.inputs.x}} > /var/outputs/o0"], inputs_dir = "/var/inputs", outputs_dir =
/// "/var/outputs")] fn echo(x: i64) -> String;`. Packaged as a `raw-container` task; it runs on
/// a cluster only.
///
/// The command writes one file per output into `outputs_dir`, named after the output: `o0`,
/// `o1`, ... unless `outputs(...)` names them, as `#[task(outputs(...))]` does:
/// `#[container_task(image = "alpine:3.19", command = ["sh", "-c", "echo 3.14 >
/// /var/outputs/area"], outputs_dir = "/var/outputs", outputs(area))] fn calc(r: f64) -> f64;`
/// writes `/var/outputs/area`, and a workflow's `calc(r)` is a promise of output `area`.
#[proc_macro_attribute]
pub fn container_task(args: TokenStream, item: TokenStream) -> TokenStream {
    flytekit_compiler::container_task::container_task(args.into(), item.into()).into()
}
