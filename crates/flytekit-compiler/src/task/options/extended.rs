//! The `accelerator` and `shared_memory` options of `#[task]` (Flyte's `ExtendedResources`).
//!
//! Consumes `accelerator = "device"`, `accelerator(device = "...", partition_size = "...")`,
//! `accelerator(device = "...", unpartitioned)`, `shared_memory`, `shared_memory = true|false`
//! and `shared_memory = "1Gi"`; produces [`Accelerator`] and [`SharedMemory`] and reports
//! malformed values (a partition size together with `unpartitioned`, a missing device, a size
//! that is not a Kubernetes quantity).

use proc_macro2::Span;
use syn::{Expr, ExprLit, Lit};

use crate::attr::args::{
    expect_flag_or_bool, expect_list, expect_nonempty_string, expect_string, expect_value,
    parse_args, strip_invisible_groups, Arg, ArgForm, ArgList,
};
use crate::attr::quantity::{parse_quantity, QuantitySuffix};
use crate::attr::Spanned;
use crate::ctxt::Ctxt;

/// A GPU accelerator (Flyte's `GPUAccelerator`).
#[derive(Debug, Clone)]
pub struct Accelerator {
    /// The span of the `accelerator` option name.
    pub span: Span,
    /// The device, e.g. `nvidia-tesla-t4` (never empty).
    pub device: Spanned<String>,
    /// How the device is partitioned; `None` leaves it to the platform.
    pub partition: Option<AcceleratorPartition>,
}

/// The partitioning of an [`Accelerator`] (Flyte's `partition_size_value` oneof).
#[derive(Debug, Clone)]
pub enum AcceleratorPartition {
    /// `unpartitioned`: the whole device.
    Unpartitioned,
    /// `partition_size = "1g.5gb"`: a MIG partition.
    Size(Spanned<String>),
}

/// Shared memory for the task's pod (Flyte's `SharedMemory`).
#[derive(Debug, Clone)]
pub struct SharedMemory {
    /// The span of the `shared_memory` option name.
    pub span: Span,
    /// `shared_memory = "1Gi"`: a size limit (a Kubernetes quantity, verbatim); `None` for no
    /// limit.
    pub size_limit: Option<Spanned<String>>,
}

const ACCELERATOR_FIELDS: ArgList = ArgList {
    what: "`accelerator` field",
    allowed: &["device", "partition_size", "unpartitioned"],
    aliases: &[("partition", "partition_size"), ("name", "device")],
    hints: &[],
};

const ACCELERATOR_EXAMPLE: &str =
    "`accelerator = \"nvidia-tesla-t4\"` or `accelerator(device = \"nvidia-a100\", partition_size = \"1g.5gb\")`";

/// Parses the `accelerator` argument.
pub(crate) fn parse_accelerator(ctxt: &Ctxt, arg: &Arg) -> Option<Accelerator> {
    match arg.form() {
        ArgForm::Value(expr) => {
            let device = expect_nonempty_string(
                ctxt,
                "accelerator",
                expr,
                "a device such as `accelerator = \"nvidia-tesla-t4\"`",
            )?;
            Some(Accelerator {
                span: arg.name_span,
                device,
                partition: None,
            })
        }
        ArgForm::Flag => {
            ctxt.error_at(
                arg.name_span,
                format!("`accelerator` needs a device, e.g. {ACCELERATOR_EXAMPLE}"),
            );
            None
        }
        ArgForm::List(_) => parse_accelerator_list(ctxt, arg),
    }
}

fn parse_accelerator_list(ctxt: &Ctxt, arg: &Arg) -> Option<Accelerator> {
    let tokens = expect_list(ctxt, arg, "accelerator(device = \"nvidia-a100\")")?;
    let mut device = None;
    let mut partition_size: Option<Spanned<String>> = None;
    let mut unpartitioned: Option<Spanned<bool>> = None;
    let mut fields_valid = true;
    for field in parse_args(ctxt, tokens, &ACCELERATOR_FIELDS) {
        match field.name.as_str() {
            "device" => {
                device = expect_value(ctxt, &field, "device = \"nvidia-a100\"").and_then(|expr| {
                    expect_nonempty_string(
                        ctxt,
                        "device",
                        expr,
                        "a device such as `device = \"nvidia-a100\"`",
                    )
                });
                fields_valid &= device.is_some();
            }
            "partition_size" => {
                partition_size = expect_value(ctxt, &field, "partition_size = \"1g.5gb\"")
                    .and_then(|expr| {
                        expect_nonempty_string(
                            ctxt,
                            "partition_size",
                            expr,
                            "a partition size such as `partition_size = \"1g.5gb\"`",
                        )
                    });
                fields_valid &= partition_size.is_some();
            }
            _ => {
                unpartitioned = expect_flag_or_bool(ctxt, &field, "unpartitioned");
                fields_valid &= unpartitioned.is_some();
            }
        }
    }
    let is_unpartitioned = unpartitioned.as_ref().is_some_and(|flag| flag.value);
    if let (Some(size), true) = (&partition_size, is_unpartitioned) {
        ctxt.error_at(
            size.span,
            "`partition_size` cannot be combined with `unpartitioned`: a device is either \
             partitioned or not; remove one of them",
        );
        return None;
    }
    let Some(device) = device else {
        if fields_valid {
            ctxt.error_at(
                arg.name_span,
                "`accelerator(...)` needs a `device`, e.g. `accelerator(device = \"nvidia-a100\", \
                 partition_size = \"1g.5gb\")`",
            );
        }
        return None;
    };
    let partition = match partition_size {
        Some(size) => Some(AcceleratorPartition::Size(size)),
        None if is_unpartitioned => Some(AcceleratorPartition::Unpartitioned),
        None => None,
    };
    fields_valid.then_some(Accelerator {
        span: arg.name_span,
        device,
        partition,
    })
}

/// Parses the `shared_memory` argument; `None` for `shared_memory = false` or an invalid value.
pub(crate) fn parse_shared_memory(ctxt: &Ctxt, arg: &Arg) -> Option<SharedMemory> {
    const EXPECTED: &str = "`shared_memory`, `shared_memory = false` or a size limit such as \
                            `shared_memory = \"1Gi\"`";
    let unlimited = SharedMemory {
        span: arg.name_span,
        size_limit: None,
    };
    let expr = match arg.form() {
        ArgForm::Flag => return Some(unlimited),
        ArgForm::List(_) => {
            ctxt.error_spanned_by(
                &arg.meta,
                format!("`shared_memory` takes no list: expected {EXPECTED}"),
            );
            return None;
        }
        ArgForm::Value(expr) => strip_invisible_groups(expr),
    };
    let size = match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Bool(on), ..
        }) => return on.value.then_some(unlimited),
        Expr::Lit(ExprLit {
            lit: Lit::Str(size),
            ..
        }) => Spanned::new(size.value(), size.span()),
        _ => {
            // `expect_string` gives the "write it as a string" hint for `1Gi`.
            expect_string(ctxt, "shared_memory", expr, EXPECTED);
            return None;
        }
    };
    match parse_quantity(&size.value) {
        Ok(quantity) if quantity.suffix == QuantitySuffix::Decimal(-3) => {
            ctxt.error_at(
                size.span,
                format!(
                    "invalid `shared_memory` value `{}`: the suffix `m` means thousandths of a \
                     byte; did you mean \"{}Mi\"?",
                    size.value, quantity.number
                ),
            );
            None
        }
        Ok(_) => Some(SharedMemory {
            span: arg.name_span,
            size_limit: Some(size),
        }),
        Err(error) => {
            ctxt.error_at(
                size.span,
                format!(
                    "invalid `shared_memory` value `{}`: {error}; expected {EXPECTED}",
                    size.value
                ),
            );
            None
        }
    }
}
