//! Procedural macro entry points of flytekit-rs.
//!
//! Each macro is a few lines that hand the tokens to `flytekit-compiler`, where parsing, checking
//! and code generation live as a plain, unit-tested library. Users never depend on this crate
//! directly: `flytekit` re-exports the macros.
//!
//! May depend on: `flytekit-compiler`, `proc-macro2`. Nothing at run time.
