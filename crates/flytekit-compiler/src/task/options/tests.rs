//! Tests of `#[task(...)]` option parsing: the simple options, resources, accelerator and shared
//! memory, unknown and duplicate options. `cache` and `secret_requests` are tested beside their
//! parsers.

use std::time::Duration;

use quote::ToTokens;

use super::*;
use crate::test_support::{error_messages, errors_with_source, tokens};

fn parse(source: &str) -> (TaskOptions, Ctxt) {
    let ctxt = Ctxt::new();
    let options = parse_task_options(&ctxt, tokens(source));
    (options, ctxt)
}

fn parse_ok(source: &str) -> TaskOptions {
    let (options, ctxt) = parse(source);
    let errors = error_messages(ctxt);
    assert!(
        errors.is_empty(),
        "unexpected errors for `{source}`: {errors:?}"
    );
    options
}

/// The single error `source` produces, with the source text it points at.
fn single_error(source: &str) -> (String, String) {
    let (_, ctxt) = parse(source);
    let mut errors = errors_with_source(ctxt);
    assert_eq!(
        errors.len(),
        1,
        "expected one error for `{source}`: {errors:?}"
    );
    errors.remove(0)
}

fn error(message: &str, points_at: &str) -> (String, String) {
    (message.to_string(), points_at.to_string())
}

fn value<T: Clone>(spanned: &Option<Spanned<T>>) -> Option<T> {
    spanned.as_ref().map(|spanned| spanned.value.clone())
}

#[test]
fn empty_attribute_sets_nothing() {
    let options = parse_ok("");
    assert!(options.name.is_none() && options.retries.is_none() && options.cache.is_none());
    assert!(options.resources.requests.is_empty() && options.resources.limits.is_empty());
    assert!(options.environment.is_empty() && options.secret_requests.is_empty());
}

#[test]
fn parses_every_simple_option() {
    let options = parse_ok(
        "name = \"math.add\", retries = 3, timeout = \"1h30m\", interruptible, deprecated = \
         \"use add_v2\", container_image = \"ghcr.io/org/img:tag\", pod_template_name = \
         \"gpu-template.v1\", docs = \"Adds.\", task_type = \"spark\", crate = \
         \"::my_reexport::flytekit\",",
    );
    assert_eq!(value(&options.name).as_deref(), Some("math.add"));
    assert_eq!(value(&options.retries), Some(3));
    assert_eq!(value(&options.timeout), Some(Duration::from_secs(5400)));
    assert_eq!(value(&options.interruptible), Some(true));
    assert_eq!(value(&options.deprecated).as_deref(), Some("use add_v2"));
    assert_eq!(
        value(&options.container_image).as_deref(),
        Some("ghcr.io/org/img:tag")
    );
    assert_eq!(
        value(&options.pod_template_name).as_deref(),
        Some("gpu-template.v1")
    );
    assert_eq!(value(&options.docs).as_deref(), Some("Adds."));
    assert_eq!(value(&options.task_type).as_deref(), Some("spark"));
    assert_eq!(
        options.crate_path.to_token_stream().to_string(),
        ":: my_reexport :: flytekit"
    );
}

#[test]
fn values_keep_their_spans() {
    let options = parse_ok("retries = 3, timeout = \"5m\", name = \"n\"");
    let source = |span: Option<proc_macro2::Span>| span.and_then(|span| span.source_text());
    assert_eq!(
        source(options.retries.map(|r| r.span)).as_deref(),
        Some("3")
    );
    assert_eq!(
        source(options.timeout.map(|t| t.span)).as_deref(),
        Some("\"5m\"")
    );
    assert_eq!(
        source(options.name.map(|n| n.span)).as_deref(),
        Some("\"n\"")
    );
}

#[test]
fn crate_accepts_a_bare_path() {
    let options = parse_ok("crate = ::my_reexport::flytekit");
    assert_eq!(
        options.crate_path.to_token_stream().to_string(),
        ":: my_reexport :: flytekit"
    );
    let options = parse_ok("crate = flytekit");
    assert_eq!(options.crate_path.to_token_stream().to_string(), "flytekit");
}

#[test]
fn interruptible_accepts_explicit_booleans() {
    assert_eq!(
        value(&parse_ok("interruptible = false").interruptible),
        Some(false)
    );
    assert_eq!(
        value(&parse_ok("interruptible = true").interruptible),
        Some(true)
    );
}

#[test]
fn retries_range_is_zero_to_ten() {
    assert_eq!(value(&parse_ok("retries = 0").retries), Some(0));
    assert_eq!(value(&parse_ok("retries = 10").retries), Some(10));
    assert_eq!(value(&parse_ok("retries = 2u32").retries), Some(2));
    let expected = "expected an integer from 0 to 10 (Flyte allows at most 10 retries), e.g. \
                    `retries = 3`";
    for (source, found) in [
        ("retries = 11", "11"),
        ("retries = \"3\"", "\"3\""),
        ("retries = -1", "-1"),
        ("retries = 1.5", "1.5"),
        ("retries = 3m", "3m"),
        ("retries = 99999999999999999999", "99999999999999999999"),
    ] {
        let (_, ctxt) = parse(source);
        let errors = errors_with_source(ctxt);
        assert_eq!(errors.len(), 1, "{source}");
        assert!(
            errors[0].0.starts_with("invalid `retries` value `") && errors[0].0.ends_with(expected),
            "{source}: {}",
            errors[0].0
        );
        assert_eq!(errors[0].1, found, "{source}");
    }
    assert_eq!(
        single_error("retries = \"3\"").0,
        format!("invalid `retries` value `\"3\"`: {expected}")
    );
}

#[test]
fn timeout_errors_say_what_a_duration_looks_like() {
    assert_eq!(
        single_error("timeout = \"5 minutes\""),
        error(
            "invalid `timeout` value `5 minutes`: expected a duration such as `\"30s\"`, \
             `\"5m\"` or `\"1h30m\"`",
            "\"5 minutes\""
        )
    );
    assert_eq!(
        single_error("timeout = 30"),
        error(
            "invalid `timeout` value `30`: expected a duration such as `\"30s\"`, \
             `\"5m\"` or `\"1h30m\"`",
            "30"
        )
    );
    assert_eq!(
        single_error("timeout = 5m"),
        error(
            "invalid `timeout` value `5m`: write it as a string, `timeout = \"5m\"`",
            "5m"
        )
    );
    assert_eq!(
        single_error("timeout = \"0s\"").0,
        "invalid `timeout` value `0s`: the duration must be longer than zero"
    );
    assert_eq!(
        single_error("timeout = \"2w\"").0,
        "invalid `timeout` value `2w`: unknown unit `w` (expected `d`, `h`, `m`, `s` or `ms`); \
         expected a duration such as `\"30s\"`, `\"5m\"` or `\"1h30m\"`"
    );
}

#[test]
fn string_options_reject_other_kinds_and_empty_values() {
    assert_eq!(
        single_error("name = my_task"),
        error(
            "invalid `name` value `my_task`: expected a task name such as `name = \
             \"my_module.my_task\"`",
            "my_task"
        )
    );
    assert_eq!(
        single_error("name = \"\"").0,
        "`name` cannot be empty: expected a task name such as `name = \"my_module.my_task\"`"
    );
    assert_eq!(
        single_error("name = \"my task\"").0,
        "invalid `name` value `my task`: it cannot contain whitespace, expected a task name such \
         as `name = \"my_module.my_task\"`"
    );
    assert_eq!(
        single_error("container_image = \"\"").0,
        "`container_image` cannot be empty: expected an image such as `container_image = \
         \"ghcr.io/org/image:tag\"`"
    );
    assert_eq!(
        single_error("deprecated").0,
        "`deprecated` needs a value, e.g. `deprecated = \"use add_v2 instead\"`"
    );
    assert_eq!(
        single_error("docs = 1").0,
        "invalid `docs` value `1`: expected a string such as `docs = \"Adds two numbers.\"`"
    );
    assert_eq!(
        single_error("task_type(spark)").0,
        "`task_type` takes a value, not a list, e.g. `task_type = \"spark\"`"
    );
    assert_eq!(
        single_error("crate = 1").0,
        "invalid `crate` value `1`: expected a path such as `crate = \"::my_crate::flytekit\"`"
    );
    assert_eq!(
        single_error("crate = \"not a path\"").0,
        "invalid `crate` value `\"not a path\"`: expected a path such as `crate = \
         \"::my_crate::flytekit\"`"
    );
}

#[test]
fn docs_may_be_empty() {
    assert_eq!(value(&parse_ok("docs = \"\"").docs).as_deref(), Some(""));
}

#[test]
fn pod_template_name_must_be_a_kubernetes_name() {
    for bad in ["My_Template", "-x", "x-", "a b"] {
        let (message, _) = single_error(&format!("pod_template_name = \"{bad}\""));
        assert_eq!(
            message,
            format!(
                "invalid `pod_template_name` value `{bad}`: expected a Kubernetes resource name \
                 (lowercase letters, digits, `-` and `.`), e.g. `pod_template_name = \
                 \"gpu-template\"`"
            )
        );
    }
    let too_long = "a".repeat(254);
    assert_eq!(
        parse(&format!("pod_template_name = \"{too_long}\""))
            .1
            .error_count(),
        1
    );
}

#[test]
fn environment_keeps_variables_in_order() {
    let options = parse_ok("environment(RUST_LOG = \"debug\", r#type = \"x\", EMPTY = \"\")");
    let variables: Vec<(&str, &str)> = options
        .environment
        .iter()
        .map(|variable| (variable.name.as_str(), variable.value.as_str()))
        .collect();
    assert_eq!(
        variables,
        [("RUST_LOG", "debug"), ("type", "x"), ("EMPTY", "")]
    );
    assert_eq!(
        options.environment[0].span.source_text().as_deref(),
        Some("RUST_LOG")
    );
}

#[test]
fn environment_errors_are_reported_together() {
    let (options, ctxt) =
        parse("environment(A = \"1\", A = \"2\", B, C = 3, d::e = \"x\", F(\"x\"), G = \"ok\")");
    assert_eq!(options.environment.len(), 2);
    assert_eq!(
        errors_with_source(ctxt),
        [
            error("duplicate environment variable `A`", "A"),
            error(
                "environment variable `B` needs a value, e.g. `B = \"value\"`",
                "B"
            ),
            error(
                "invalid `C` value `3`: expected a string, e.g. `C = \"value\"`",
                "3"
            ),
            error(
                "expected an environment variable name such as `RUST_LOG`, e.g. \
                 `environment(RUST_LOG = \"debug\")`",
                "d::e"
            ),
            error(
                "environment variable `F` needs a value, e.g. `F = \"value\"`",
                "F(\"x\")"
            ),
        ]
    );
    assert_eq!(
        single_error("environment = \"A=1\"").0,
        "`environment` takes a list, e.g. `environment(RUST_LOG = \"debug\")`"
    );
}

fn resource_values(set: &ResourceSet) -> Vec<(&'static str, String)> {
    set.iter()
        .map(|(kind, value)| (kind.option_name(), value.value.clone()))
        .collect()
}

fn pairs(items: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    items
        .iter()
        .map(|(name, value)| (*name, value.to_string()))
        .collect()
}

#[test]
fn requests_and_limits_keep_quantities_verbatim() {
    let options = parse_ok(
        "requests(cpu = \"500m\", mem = \"1Gi\", gpu = 1, ephemeral_storage = \"10Gi\"), \
         limits(cpu = 2, mem = \"2.5Gi\", gpu = \"1\")",
    );
    assert_eq!(
        resource_values(&options.resources.requests),
        pairs(&[
            ("cpu", "500m"),
            ("mem", "1Gi"),
            ("gpu", "1"),
            ("ephemeral_storage", "10Gi")
        ])
    );
    assert_eq!(
        resource_values(&options.resources.limits),
        pairs(&[("cpu", "2"), ("mem", "2.5Gi"), ("gpu", "1")])
    );
}

#[test]
fn cpu_accepts_numbers() {
    let options = parse_ok("requests(cpu = 0.5), limits(cpu = 1e3)");
    assert_eq!(
        value(&options.resources.requests.cpu).as_deref(),
        Some("0.5")
    );
    assert_eq!(
        value(&options.resources.limits.cpu).as_deref(),
        Some("1e3"),
        "kept as written, a valid quantity"
    );
}

#[test]
fn resources_sets_a_request_or_a_request_and_a_limit() {
    // flytekit's Resources(cpu="1", mem=("1Gi", "2Gi"), gpu=2): single values are requests.
    let options = parse_ok("resources(cpu = \"1\", mem = (\"1Gi\", \"2Gi\"), gpu = 2)");
    assert_eq!(
        resource_values(&options.resources.requests),
        pairs(&[("cpu", "1"), ("mem", "1Gi"), ("gpu", "2")])
    );
    assert_eq!(
        resource_values(&options.resources.limits),
        pairs(&[("mem", "2Gi")])
    );
}

#[test]
fn resources_cannot_be_combined_with_requests_or_limits() {
    let (_, ctxt) = parse("requests(cpu = \"1\"), resources(mem = \"1Gi\"), limits(cpu = \"2\")");
    let message = |name: &str| {
        format!(
            "`{name}` cannot be combined with `resources`: use `resources(...)` alone, with a \
             pair for different request and limit such as `resources(mem = (\"1Gi\", \
             \"2Gi\"))`, or use `requests(...)` and `limits(...)` without `resources`"
        )
    };
    assert_eq!(
        errors_with_source(ctxt),
        [
            (message("requests"), "requests".to_string()),
            (message("limits"), "limits".to_string()),
        ]
    );
}

#[test]
fn unknown_resources_list_the_allowed_ones() {
    let (_, ctxt) = parse("requests(memory = \"1Gi\", cpus = 1, disk = \"1Gi\", fpga = 1)");
    assert_eq!(
        error_messages(ctxt),
        [
            "unknown resource `memory`: did you mean `mem`? expected one of `cpu`, `mem`, `gpu`, \
             `ephemeral_storage`",
            "unknown resource `cpus`: did you mean `cpu`? expected one of `cpu`, `mem`, `gpu`, \
             `ephemeral_storage`",
            "unknown resource `disk`: did you mean `ephemeral_storage`? expected one of `cpu`, \
             `mem`, `gpu`, `ephemeral_storage`",
            "unknown resource `fpga`: expected one of `cpu`, `mem`, `gpu`, `ephemeral_storage`",
        ]
    );
}

#[test]
fn resource_values_are_validated_per_kind() {
    let cases = [
        (
            "requests(mem = \"1GB\")",
            "invalid `mem` value `1GB`: unknown suffix `GB`: Kubernetes quantities have no `B`, \
             write `Gi` (powers of 1024) or `G` (powers of 1000); expected a quantity of bytes \
             such as `mem = \"512Mi\"` or `mem = \"1Gi\"`",
            "\"1GB\"",
        ),
        (
            "requests(mem = 1024)",
            "invalid `mem` value `1024`: expected a quantity of bytes such as `mem = \"512Mi\"` \
             or `mem = \"1Gi\"`",
            "1024",
        ),
        (
            "requests(mem = 1Gi)",
            "invalid `mem` value `1Gi`: write it as a string, `mem = \"1Gi\"`",
            "1Gi",
        ),
        (
            "requests(mem = \"500m\")",
            "invalid `mem` value `500m`: the suffix `m` means thousandths, so this is 0.5 bytes; \
             did you mean \"500Mi\" or \"500M\"?",
            "\"500m\"",
        ),
        (
            "limits(ephemeral_storage = \"-1Gi\")",
            "invalid `ephemeral_storage` value `-1Gi`: a resource quantity cannot have a sign; \
             expected a quantity of bytes such as `ephemeral_storage = \"10Gi\"`",
            "\"-1Gi\"",
        ),
        (
            "requests(cpu = \"2Gi\")",
            "invalid `cpu` value `2Gi`: CPUs are counted in cores, not bytes: expected a number \
             of cores such as `cpu = \"500m\"`, `cpu = \"1.5\"` or `cpu = 2`",
            "\"2Gi\"",
        ),
        (
            "requests(cpu = 500m)",
            "invalid `cpu` value `500m`: write it as a string, `cpu = \"500m\"`",
            "500m",
        ),
        (
            "requests(cpu = true)",
            "invalid `cpu` value `true`: expected a number of cores such as `cpu = \"500m\"`, \
             `cpu = \"1.5\"` or `cpu = 2`",
            "true",
        ),
        (
            "requests(gpu = \"0.5\")",
            "invalid `gpu` value `0.5`: GPUs are counted in whole numbers, e.g. `gpu = 1` (Flyte \
             rejects anything else)",
            "\"0.5\"",
        ),
        (
            "requests(gpu = 1.5)",
            "invalid `gpu` value `1.5`: expected a whole number of GPUs such as `gpu = 1`",
            "1.5",
        ),
        (
            "requests(gpu)",
            "`gpu` needs a value, e.g. `gpu = \"...\"`",
            "gpu",
        ),
        (
            "resources(mem = (\"1Gi\", \"2Gi\", \"3Gi\"))",
            "invalid `mem` value `(\"1Gi\", \"2Gi\", \"3Gi\")`: expected one value (the \
             request) or a pair (request, limit), e.g. `mem = (\"1Gi\", \"2Gi\")`",
            "(\"1Gi\", \"2Gi\", \"3Gi\")",
        ),
        (
            "requests = \"1\"",
            "`requests` takes a list, e.g. `requests(cpu = \"500m\", mem = \"1Gi\")`",
            "requests = \"1\"",
        ),
    ];
    for (source, message, points_at) in cases {
        assert_eq!(single_error(source), error(message, points_at), "{source}");
    }
}

#[test]
fn requests_may_not_exceed_limits() {
    let (_, ctxt) = parse(
        "requests(cpu = \"2\", mem = \"1Gi\", ephemeral_storage = \"1G\"), limits(cpu = \
         \"1500m\", mem = \"1024Mi\", ephemeral_storage = \"1Gi\")",
    );
    assert_eq!(
        errors_with_source(ctxt),
        [error(
            "`cpu` request `2` is greater than its limit `1500m`: a request must not exceed the \
             limit",
            "\"2\""
        )]
    );
    let (_, ctxt) = parse("resources(mem = (\"2Gi\", \"1Gi\"))");
    assert_eq!(ctxt.error_count(), 1);
}

#[test]
fn gpu_request_and_limit_must_match() {
    parse_ok("requests(gpu = 1), limits(gpu = \"1\")");
    assert_eq!(
        single_error("resources(gpu = (1, 2))"),
        error(
            "`gpu` request `1` and limit `2` must be equal (Flyte rejects different values): \
             write `gpu = 1` in `resources(...)`",
            "1"
        )
    );
}

#[test]
fn accelerator_forms() {
    let options = parse_ok("accelerator = \"nvidia-tesla-t4\"");
    let accelerator = options.accelerator.unwrap();
    assert_eq!(accelerator.device.value, "nvidia-tesla-t4");
    assert!(accelerator.partition.is_none());

    let options = parse_ok("accelerator(device = \"nvidia-a100\", partition_size = \"1g.5gb\")");
    let accelerator = options.accelerator.unwrap();
    assert_eq!(accelerator.device.value, "nvidia-a100");
    assert!(matches!(
        accelerator.partition,
        Some(AcceleratorPartition::Size(ref size)) if size.value == "1g.5gb"
    ));

    let options = parse_ok("accelerator(device = \"nvidia-a100\", unpartitioned)");
    assert!(matches!(
        options.accelerator.unwrap().partition,
        Some(AcceleratorPartition::Unpartitioned)
    ));

    let options = parse_ok("accelerator(device = \"nvidia-a100\", unpartitioned = false)");
    assert!(options.accelerator.unwrap().partition.is_none());
}

#[test]
fn accelerator_errors() {
    let cases = [
        (
            "accelerator",
            "`accelerator` needs a device, e.g. `accelerator = \"nvidia-tesla-t4\"` or \
             `accelerator(device = \"nvidia-a100\", partition_size = \"1g.5gb\")`",
            "accelerator",
        ),
        (
            "accelerator = 1",
            "invalid `accelerator` value `1`: expected a device such as `accelerator = \
             \"nvidia-tesla-t4\"`",
            "1",
        ),
        (
            "accelerator(partition_size = \"1g.5gb\")",
            "`accelerator(...)` needs a `device`, e.g. `accelerator(device = \"nvidia-a100\", \
             partition_size = \"1g.5gb\")`",
            "accelerator",
        ),
        (
            "accelerator(device = \"a\", partition_size = \"1g.5gb\", unpartitioned)",
            "`partition_size` cannot be combined with `unpartitioned`: a device is either \
             partitioned or not; remove one of them",
            "\"1g.5gb\"",
        ),
        (
            "accelerator(device = \"a\", partition = \"1g.5gb\")",
            "unknown `accelerator` field `partition`: did you mean `partition_size`? expected \
             one of `device`, `partition_size`, `unpartitioned`",
            "partition",
        ),
        (
            "accelerator(device = \"\")",
            "`device` cannot be empty: expected a device such as `device = \"nvidia-a100\"`",
            "\"\"",
        ),
    ];
    for (source, message, points_at) in cases {
        assert_eq!(single_error(source), error(message, points_at), "{source}");
    }
}

#[test]
fn shared_memory_forms() {
    let options = parse_ok("shared_memory");
    assert!(options.shared_memory.unwrap().size_limit.is_none());
    let options = parse_ok("shared_memory = true");
    assert!(options.shared_memory.unwrap().size_limit.is_none());
    assert!(parse_ok("shared_memory = false").shared_memory.is_none());
    let options = parse_ok("shared_memory = \"1Gi\"");
    assert_eq!(
        value(&options.shared_memory.unwrap().size_limit).as_deref(),
        Some("1Gi")
    );
}

#[test]
fn shared_memory_errors() {
    let expected = "`shared_memory`, `shared_memory = false` or a size limit such as \
                    `shared_memory = \"1Gi\"`";
    assert_eq!(
        single_error("shared_memory = \"lots\"").0,
        format!("invalid `shared_memory` value `lots`: not a number with an optional unit suffix; expected {expected}")
    );
    assert_eq!(
        single_error("shared_memory = \"64m\"").0,
        "invalid `shared_memory` value `64m`: the suffix `m` means thousandths of a byte; did \
         you mean \"64Mi\"?"
    );
    assert_eq!(
        single_error("shared_memory = 1Gi").0,
        "invalid `shared_memory` value `1Gi`: write it as a string, `shared_memory = \"1Gi\"`"
    );
    assert_eq!(
        single_error("shared_memory = 3").0,
        format!("invalid `shared_memory` value `3`: expected {expected}")
    );
    assert_eq!(
        single_error("shared_memory(size = \"1Gi\")").0,
        format!("`shared_memory` takes no list: expected {expected}")
    );
}

#[test]
fn unknown_options_suggest_and_list() {
    assert_eq!(
        single_error("retires = 3"),
        error(
            "unknown `#[task]` option `retires`: did you mean `retries`? expected one of `name`, \
             `retries`, `timeout`, `interruptible`, `deprecated`, `cache`, `container_image`, \
             `environment`, `requests`, `limits`, `resources`, `secret_requests`, \
             `accelerator`, `shared_memory`, `pod_template_name`, `enable_deck`, `docs`, `source_code`, `task_type`, `crate`, `outputs`",
            "retires"
        )
    );
    assert_eq!(
        single_error("image = \"x\"").0,
        "unknown `#[task]` option `image`: did you mean `container_image`? expected one of \
         `name`, `retries`, `timeout`, `interruptible`, `deprecated`, `cache`, \
         `container_image`, `environment`, `requests`, `limits`, `resources`, \
         `secret_requests`, `accelerator`, `shared_memory`, `pod_template_name`, `enable_deck`, `docs`, \
         `source_code`, `task_type`, `crate`, `outputs`"
    );
}

#[test]
fn flytekit_spellings_get_a_hint() {
    assert_eq!(
        single_error("cache_version = \"1.0\"").0,
        "unknown `#[task]` option `cache_version`: write `cache(version = \"1.0\")` instead"
    );
    assert_eq!(
        single_error("cpu = \"1\"").0,
        "unknown `#[task]` option `cpu`: resources go inside `requests(...)`, `limits(...)` or \
         `resources(...)`, e.g. `requests(cpu = \"1\", mem = \"1Gi\")`"
    );
}

#[test]
fn duplicates_point_at_the_second_occurrence() {
    let (options, ctxt) = parse("retries = 1, timeout = \"1m\", retries = 2");
    assert_eq!(
        value(&options.retries),
        Some(1),
        "the first occurrence is kept"
    );
    assert_eq!(
        errors_with_source(ctxt),
        [error("duplicate `#[task]` option `retries`", "retries")]
    );
    let (_, ctxt) = parse("requests(cpu = \"1\", cpu = \"2\")");
    assert_eq!(error_messages(ctxt), ["duplicate resource `cpu`"]);
}

#[test]
fn every_error_of_one_attribute_is_reported_together() {
    let (options, ctxt) = parse(
        "name = \"\", retries = \"3\", timeout = 30, interruptible = 1, retrys = 2, \
         requests(mem = \"1GB\", gpu = \"0.5\"), retries = 4, cache = \"1\", \
         secret_requests(secret(key = \"k\")), shared_memory = \"x\", docs = \"fine\"",
    );
    assert_eq!(
        value(&options.docs).as_deref(),
        Some("fine"),
        "valid options are kept"
    );
    let errors = error_messages(ctxt);
    assert_eq!(errors.len(), 11, "{errors:#?}");
    assert!(errors[0].starts_with("unknown `#[task]` option `retrys`: did you mean `retries`?"));
    assert_eq!(errors[1], "duplicate `#[task]` option `retries`");
}

#[test]
fn syntax_errors_do_not_hide_other_errors() {
    let (options, ctxt) = parse("retries = , timeout = \"0s\", name = \"ok\"");
    assert_eq!(value(&options.name).as_deref(), Some("ok"));
    assert_eq!(
        error_messages(ctxt),
        [
            "unexpected end of input, expected an expression",
            "invalid `timeout` value `0s`: the duration must be longer than zero",
        ]
    );
}

#[test]
fn quoted_tokens_work_like_source_text() {
    let ctxt = Ctxt::new();
    let options = parse_task_options(
        &ctxt,
        quote::quote!(retries = 2, resources(cpu = "1", mem = ("1Gi", "2Gi"))),
    );
    assert!(!ctxt.has_errors());
    assert_eq!(value(&options.retries), Some(2));
    assert_eq!(value(&options.resources.limits.mem).as_deref(), Some("2Gi"));
}
