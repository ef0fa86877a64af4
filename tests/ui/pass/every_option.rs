//! A task with every `#[task]` option compiles.

use flytekit::prelude::*;

/// Scales a value.
///
/// # Arguments
///
/// * `x` - the value
/// * `verbose` - whether to log
#[task(
    name = "pass.everything",
    retries = 3,
    timeout = "1h30m",
    interruptible = false,
    deprecated = "use scale_v2 instead",
    cache(version = "1.0", serialize, ignored_inputs = ["verbose"]),
    container_image = "ghcr.io/org/image:tag",
    environment(RUST_LOG = "debug", MODE = "test"),
    requests(cpu = "500m", mem = "1Gi", ephemeral_storage = "10Gi"),
    limits(cpu = 2, mem = "2Gi", gpu = 1),
    secret_requests(
        secret(group = "db", key = "password", mount = "env_var", env_var = "DB_PASSWORD"),
        secret(group = "tls", mount = "file"),
    ),
    accelerator(device = "nvidia-a100", partition_size = "1g.5gb"),
    shared_memory = "1Gi",
    pod_template_name = "gpu-template",
    docs = "Scales a value by two.",
    task_type = "container",
    crate = ::flytekit,
)]
fn everything(x: i64, #[default(false)] verbose: bool) -> i64 {
    if verbose {
        println!("{x}");
    }
    x * 2
}

#[task(resources(cpu = "1", mem = "512Mi"), accelerator = "nvidia-tesla-t4", shared_memory)]
fn with_resources(x: i64) -> i64 {
    x
}

#[task(cache)]
fn cached(x: i64) -> i64 {
    x
}

fn main() {
    assert_eq!(everything(2, false), 4);
    assert_eq!(with_resources(1), 1);
    assert_eq!(cached(1), 1);
}
