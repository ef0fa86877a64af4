//! Compile-fail and compile-pass UI tests of the macros, with trybuild.
//!
//! Each file in `ui/task/`, `ui/workflow/`, `ui/dynamic/`, `ui/launch_plan/` and `ui/derive/` is
//! one mistake a user can make with `#[task]`, `#[workflow]`, `#[dynamic]`, `launch_plan!` or
//! `#[derive(FlyteType)]`; its `.stderr` beside it is the exact error rustc shows, reviewed to
//! point at the user's own tokens and say what to do instead. `ui/pass/` holds programs that
//! must compile, including a hygiene test under `#![no_implicit_prelude]`.
//!
//! Regenerate the expected output with
//! `TRYBUILD=overwrite cargo test -p flytekit-tests --test ui`, then read every changed `.stderr`.
//! The messages are rustc's, so they are pinned to the stable toolchain in use.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/task/*.rs");
    t.compile_fail("ui/derive/*.rs");
    t.compile_fail("ui/workflow/*.rs");
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/reference/*.rs");
    t.compile_fail("ui/dynamic/*.rs");
    t.compile_fail("ui/launch_plan/*.rs");
}
