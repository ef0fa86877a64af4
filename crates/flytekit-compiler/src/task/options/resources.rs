//! The `requests(...)`, `limits(...)` and `resources(...)` options of `#[task]`.
//!
//! Consumes those arguments; produces [`Resources`] (requests and limits per resource, each the
//! Kubernetes quantity text exactly as written, since it goes verbatim into the spec) and reports
//! unknown resources, invalid quantities, `resources` combined with `requests` / `limits`,
//! requests above their limits, and GPU counts that are not whole or differ between request and
//! limit (Flyte rejects both at registration).

use syn::{Expr, ExprLit, ExprTuple, Lit};

use super::integer_literal;
use crate::attr::args::{
    expect_list, expect_string, expect_value, expr_text, invalid_value, parse_args,
    strip_invisible_groups, Arg, ArgList,
};
use crate::attr::quantity::{parse_quantity, Quantity, QuantitySuffix};
use crate::attr::Spanned;
use crate::ctxt::Ctxt;

/// A resource a task can request, named as in `requests(cpu = ..., mem = ..., ...)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    /// `cpu`: Flyte `ResourceName::CPU`, in cores (`"500m"` = half a core).
    Cpu,
    /// `mem`: Flyte `ResourceName::MEMORY`, in bytes (`"1Gi"`).
    Memory,
    /// `gpu`: Flyte `ResourceName::GPU`, a whole number.
    Gpu,
    /// `ephemeral_storage`: Flyte `ResourceName::EPHEMERAL_STORAGE`, in bytes.
    EphemeralStorage,
}

impl ResourceKind {
    /// Every kind, in the order messages list them.
    pub const ALL: [ResourceKind; 4] = [Self::Cpu, Self::Memory, Self::Gpu, Self::EphemeralStorage];

    /// The name used in the attribute (`cpu`, `mem`, `gpu`, `ephemeral_storage`).
    pub fn option_name(self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Memory => "mem",
            Self::Gpu => "gpu",
            Self::EphemeralStorage => "ephemeral_storage",
        }
    }

    fn from_option_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.option_name() == name)
    }

    fn expected(self) -> &'static str {
        match self {
            Self::Cpu => "a number of cores such as `cpu = \"500m\"`, `cpu = \"1.5\"` or `cpu = 2`",
            Self::Memory => "a quantity of bytes such as `mem = \"512Mi\"` or `mem = \"1Gi\"`",
            Self::Gpu => "a whole number of GPUs such as `gpu = 1`",
            Self::EphemeralStorage => "a quantity of bytes such as `ephemeral_storage = \"10Gi\"`",
        }
    }
}

/// One value per resource kind; `None` when not set.
#[derive(Debug, Clone, Default)]
pub struct ResourceSet {
    /// `cpu`
    pub cpu: Option<Spanned<String>>,
    /// `mem`
    pub mem: Option<Spanned<String>>,
    /// `gpu`
    pub gpu: Option<Spanned<String>>,
    /// `ephemeral_storage`
    pub ephemeral_storage: Option<Spanned<String>>,
}

impl ResourceSet {
    /// The value set for `kind`, if any.
    pub fn get(&self, kind: ResourceKind) -> Option<&Spanned<String>> {
        match kind {
            ResourceKind::Cpu => self.cpu.as_ref(),
            ResourceKind::Memory => self.mem.as_ref(),
            ResourceKind::Gpu => self.gpu.as_ref(),
            ResourceKind::EphemeralStorage => self.ephemeral_storage.as_ref(),
        }
    }

    fn slot(&mut self, kind: ResourceKind) -> &mut Option<Spanned<String>> {
        match kind {
            ResourceKind::Cpu => &mut self.cpu,
            ResourceKind::Memory => &mut self.mem,
            ResourceKind::Gpu => &mut self.gpu,
            ResourceKind::EphemeralStorage => &mut self.ephemeral_storage,
        }
    }

    /// The values that are set, in [`ResourceKind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (ResourceKind, &Spanned<String>)> + '_ {
        ResourceKind::ALL
            .into_iter()
            .filter_map(|kind| self.get(kind).map(|value| (kind, value)))
    }

    /// Whether no value is set.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

/// Resource requests and limits of a task.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    /// What the task is guaranteed (Kubernetes requests).
    pub requests: ResourceSet,
    /// What the task may use at most (Kubernetes limits).
    pub limits: ResourceSet,
}

const RESOURCE_NAMES: ArgList = ArgList {
    what: "resource",
    allowed: &["cpu", "mem", "gpu", "ephemeral_storage"],
    aliases: &[
        ("memory", "mem"),
        ("storage", "ephemeral_storage"),
        ("disk", "ephemeral_storage"),
    ],
    hints: &[],
};

/// Which of the three options an argument is.
#[derive(Clone, Copy)]
enum Target {
    Requests,
    Limits,
    Both,
}

/// Parses one `requests(...)`, `limits(...)` or `resources(...)` argument into `resources`.
pub(crate) fn parse_resource_option(ctxt: &Ctxt, arg: &Arg, resources: &mut Resources) {
    let (target, example) = match arg.name.as_str() {
        "requests" => (Target::Requests, "requests(cpu = \"500m\", mem = \"1Gi\")"),
        "limits" => (Target::Limits, "limits(cpu = \"1\", mem = \"2Gi\")"),
        _ => (
            Target::Both,
            "resources(cpu = \"1\", mem = (\"1Gi\", \"2Gi\"))",
        ),
    };
    let Some(tokens) = expect_list(ctxt, arg, example) else {
        return;
    };
    for entry in parse_args(ctxt, tokens, &RESOURCE_NAMES) {
        // ok: RESOURCE_NAMES.allowed are exactly the option names of ResourceKind::ALL.
        let Some(kind) = ResourceKind::from_option_name(&entry.name) else {
            continue;
        };
        let entry_example = format!("{} = \"...\"", kind.option_name());
        let Some(expr) = expect_value(ctxt, &entry, &entry_example) else {
            continue;
        };
        match target {
            Target::Requests => {
                *resources.requests.slot(kind) = parse_resource_value(ctxt, kind, expr)
            }
            Target::Limits => *resources.limits.slot(kind) = parse_resource_value(ctxt, kind, expr),
            Target::Both => {
                let (request, limit) = parse_request_and_limit(ctxt, kind, expr);
                *resources.requests.slot(kind) = request;
                *resources.limits.slot(kind) = limit;
            }
        }
    }
}

/// `value` (a request, no limit) or `(request, limit)` inside `resources(...)`, as flytekit's
/// `Resources(cpu="1")` / `Resources(mem=("1Gi", "2Gi"))` (`ResourceSpec.from_multiple_resource`
/// sets only the request from a single value; propeller then makes the limit equal to it).
fn parse_request_and_limit(
    ctxt: &Ctxt,
    kind: ResourceKind,
    expr: &Expr,
) -> (Option<Spanned<String>>, Option<Spanned<String>>) {
    let Expr::Tuple(ExprTuple { elems, .. }) = strip_invisible_groups(expr) else {
        return (parse_resource_value(ctxt, kind, expr), None);
    };
    let name = kind.option_name();
    let mut values = elems.iter();
    let (Some(request), Some(limit), None) = (values.next(), values.next(), values.next()) else {
        ctxt.error_spanned_by(
            expr,
            invalid_value(
                name,
                &expr_text(expr),
                &format!(
                    "one value (the request) or a pair (request, limit), e.g. `{name} = \
                     (\"1Gi\", \"2Gi\")`"
                ),
            ),
        );
        return (None, None);
    };
    (
        parse_resource_value(ctxt, kind, request),
        parse_resource_value(ctxt, kind, limit),
    )
}

/// One resource value: a quantity string, or for `cpu` / `gpu` a number literal. Returns the
/// quantity text exactly as it goes into the spec.
fn parse_resource_value(ctxt: &Ctxt, kind: ResourceKind, expr: &Expr) -> Option<Spanned<String>> {
    let name = kind.option_name();
    let expected = kind.expected();
    let expr = strip_invisible_groups(expr);
    let text = match number_literal_text(kind, expr) {
        Some(number) => number,
        None => expect_string(ctxt, name, expr, expected)?,
    };
    let quantity = match parse_quantity(&text.value) {
        Ok(quantity) => quantity,
        Err(error) => {
            ctxt.error_at(
                text.span,
                format!(
                    "invalid `{name}` value `{}`: {error}; expected {expected}",
                    text.value
                ),
            );
            return None;
        }
    };
    if let Some(problem) = unit_problem(kind, &quantity) {
        ctxt.error_at(
            text.span,
            format!("invalid `{name}` value `{}`: {problem}", text.value),
        );
        return None;
    }
    Some(text)
}

/// The text of a number literal where the resource allows one: integers for `cpu` and `gpu`,
/// decimals for `cpu`. Memory and storage must be strings: a bare `mem = 1024` is bytes, almost
/// always a mistake for `"1024Mi"`.
fn number_literal_text(kind: ResourceKind, expr: &Expr) -> Option<Spanned<String>> {
    if !matches!(kind, ResourceKind::Cpu | ResourceKind::Gpu) {
        return None;
    }
    if let Some(integer) = integer_literal(expr) {
        return Some(Spanned::new(
            integer.base10_digits().to_string(),
            integer.span(),
        ));
    }
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Float(float),
            ..
        }) if kind == ResourceKind::Cpu && matches!(float.suffix(), "" | "f32" | "f64") => Some(
            Spanned::new(float.base10_digits().to_string(), float.span()),
        ),
        _ => None,
    }
}

/// A valid quantity that is still wrong for this resource, with what to write instead.
fn unit_problem(kind: ResourceKind, quantity: &Quantity) -> Option<String> {
    match (kind, quantity.suffix) {
        (ResourceKind::Gpu, _) if !quantity.is_plain_integer() => Some(
            "GPUs are counted in whole numbers, e.g. `gpu = 1` (Flyte rejects anything else)"
                .to_string(),
        ),
        (ResourceKind::Cpu, QuantitySuffix::Binary(_)) => Some(format!(
            "CPUs are counted in cores, not bytes: expected {}",
            kind.expected()
        )),
        (ResourceKind::Memory | ResourceKind::EphemeralStorage, QuantitySuffix::Decimal(-3)) => {
            Some(format!(
                "the suffix `m` means thousandths, so this is {} bytes; did you mean \"{}Mi\" or \
                 \"{}M\"?",
                fraction_of_a_thousand(&quantity.number),
                quantity.number,
                quantity.number
            ))
        }
        _ => None,
    }
}

/// `"500"` -> `"0.5"`: what a number of thousandths is, for the `mem = "500m"` message.
fn fraction_of_a_thousand(number: &str) -> String {
    let value: f64 = number.parse().unwrap_or(0.0);
    format!("{}", value / 1000.0)
}

/// Reports `resources(...)` combined with `requests(...)` or `limits(...)`: both would set the
/// same values, and which one wins would be a guess.
pub(crate) fn check_resource_option_conflicts(ctxt: &Ctxt, args: &[Arg]) {
    if !args.iter().any(|arg| arg.name == "resources") {
        return;
    }
    for other in args
        .iter()
        .filter(|arg| arg.name == "requests" || arg.name == "limits")
    {
        ctxt.error_at(
            other.name_span,
            format!(
                "`{}` cannot be combined with `resources`: use `resources(...)` alone, with a pair \
                 for different request and limit such as `resources(mem = (\"1Gi\", \"2Gi\"))`, \
                 or use `requests(...)` and `limits(...)` without `resources`",
                other.name
            ),
        );
    }
}

/// Reports requests greater than their limits, and GPU requests different from GPU limits.
pub(crate) fn check_requests_within_limits(ctxt: &Ctxt, resources: &Resources) {
    for kind in ResourceKind::ALL {
        let (Some(request), Some(limit)) =
            (resources.requests.get(kind), resources.limits.get(kind))
        else {
            continue;
        };
        let (Ok(request_quantity), Ok(limit_quantity)) =
            (parse_quantity(&request.value), parse_quantity(&limit.value))
        else {
            continue;
        };
        let name = kind.option_name();
        let (request_value, limit_value) = (
            request_quantity.approximate_value(),
            limit_quantity.approximate_value(),
        );
        if kind == ResourceKind::Gpu && request_value != limit_value {
            ctxt.error_at(
                request.span,
                format!(
                    "`gpu` request `{}` and limit `{}` must be equal (Flyte rejects different \
                     values): write `gpu = {}` in `resources(...)`",
                    request.value, limit.value, request.value
                ),
            );
        } else if request_value > limit_value * (1.0 + 1e-9) {
            ctxt.error_at(
                request.span,
                format!(
                    "`{name}` request `{}` is greater than its limit `{}`: a request must not \
                     exceed the limit",
                    request.value, limit.value
                ),
            );
        }
    }
}
