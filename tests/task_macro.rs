//! `#[task]` end to end: the function stays callable as written, the task registers under
//! flytekit's naming, its spec carries every option, and running it on literals converts inputs,
//! outputs and failures as flytekit would.

use std::time::Duration;

use flytekit::core::registry;
use flytekit::core::spec::{task_template, SerializationSettings};
use flytekit::core::task::TaskFn;
use flytekit::idl::core::{literal_type, resources, task_template, LiteralMap};
use flytekit::prelude::*;

/// Adds two numbers.
///
/// # Arguments
///
/// * `a` - the first number
/// * `b` - the second number
#[task(retries = 3, timeout = "1h30m", cache(version = "1.0", serialize, ignored_inputs = ["b"]))]
pub fn add(a: i64, #[default(3)] b: i64) -> i64 {
    a + b
}

#[task]
fn split(x: i64) -> (i64, String) {
    (x / 2, format!("{x}"))
}

#[task]
fn nothing(_x: Option<String>) {}

#[task]
fn divide(a: f64, b: f64) -> Result<f64, String> {
    if b == 0.0 {
        Err("division by zero".to_string())
    } else {
        Ok(a / b)
    }
}

#[task]
fn flaky() -> Result<i64, TaskError> {
    Err(TaskError::recoverable("try again"))
}

/// The most inputs a task takes, and named tuple outputs.
#[task(outputs(total, first, last))]
#[allow(clippy::too_many_arguments)]
fn wide(
    a0: i64,
    a1: i64,
    a2: i64,
    a3: i64,
    a4: i64,
    a5: i64,
    a6: i64,
    a7: i64,
    a8: i64,
    a9: i64,
    a10: i64,
    a11: i64,
    a12: i64,
    a13: i64,
    a14: i64,
    a15: i64,
) -> (i64, i64, String) {
    let all = [
        a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15,
    ];
    (all.iter().sum(), a0, a15.to_string())
}

#[task]
async fn slow_echo(text: String) -> String {
    text
}

#[task(
    name = "custom.everything",
    interruptible,
    deprecated = "use add instead",
    container_image = "ghcr.io/org/special:2",
    environment(MODE = "test", LEVEL = "3"),
    requests(cpu = "500m", mem = "1Gi", gpu = 1),
    limits(cpu = "1", mem = "2Gi"),
    secret_requests(secret(
        group = "db",
        key = "password",
        mount = "env_var",
        env_var = "DB_PASSWORD"
    )),
    accelerator(device = "nvidia-a100", partition_size = "1g.5gb"),
    shared_memory = "1Gi",
    pod_template_name = "gpu-template",
    task_type = "container"
)]
fn everything(x: i64) -> i64 {
    x
}

fn entry(name: &str) -> &'static flytekit::core::TaskEntry {
    registry::task(name).unwrap_or_else(|| panic!("task {name} is not registered"))
}

fn run_sync(name: &str, inputs: LiteralMap) -> Result<LiteralMap, TaskError> {
    entry(name)
        .run_sync(&inputs)
        .unwrap_or_else(|| panic!("{name} is async"))
}

fn inputs<const N: usize>(pairs: [(&str, flytekit::idl::core::Literal); N]) -> LiteralMap {
    LiteralMap {
        literals: pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    }
}

#[test]
fn the_function_stays_callable_as_written() {
    assert_eq!(add(1, 2), 3);
    assert_eq!(split(7), (3, "7".to_string()));
    assert_eq!(divide(1.0, 0.0), Err("division by zero".to_string()));
}

#[test]
fn tasks_register_under_flytekits_names() {
    let names: Vec<String> = registry::tasks().map(|t| t.name()).collect();
    assert!(names.contains(&"task_macro.add".to_string()), "{names:?}");
    assert!(
        names.contains(&"custom.everything".to_string()),
        "{names:?}"
    );
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(entry("add").name(), "task_macro.add");
    assert!(registry::check_unique_names().is_ok());
}

mod nested {
    pub mod deeper {
        use flytekit::prelude::*;

        /// A task two modules down, named `task_macro.nested.deeper.deep`.
        #[task]
        pub fn deep(x: i64) -> i64 {
            x
        }
    }
}

/// Tasks named like the items `#[task]` generates beside them (`__build_entry`, `__entry`,
/// `ENTRY`) keep their own names and code.
mod named_like_generated_items {
    use flytekit::prelude::*;

    #[task]
    pub fn build(x: i64) -> i64 {
        x * 10
    }

    #[task]
    pub fn entry(x: i64) -> i64 {
        x + 100
    }
}

#[test]
fn tasks_named_build_and_entry_run_their_own_code() {
    let run = |name: &str| {
        let outputs = run_sync(name, inputs([("x", 4i64.to_literal().unwrap())])).unwrap();
        i64::from_literal(&outputs.literals["o0"]).unwrap()
    };
    assert_eq!(run("task_macro.named_like_generated_items.build"), 40);
    assert_eq!(run("task_macro.named_like_generated_items.entry"), 104);
    let found = registry::task_to_execute("task_macro.named_like_generated_items.entry")
        .unwrap()
        .map(|entry| entry.fn_name);
    assert_eq!(found, Some("entry"));
}

#[test]
fn execute_finds_its_task_without_naming_every_entity() {
    let found = |name: &str| {
        registry::task_to_execute(name)
            .unwrap()
            .map(|entry| entry.name())
    };
    for entry in registry::tasks() {
        assert_eq!(found(&entry.name()), Some(entry.name()));
    }
    assert_eq!(
        found("task_macro.nested.deeper.deep").as_deref(),
        Some("task_macro.nested.deeper.deep")
    );
    // Only the whole name matches: not a shorter module path, not `::`, not a prefix.
    for wrong in [
        "task_macro.deeper.deep",
        "nested.deeper.deep",
        "task_macro::nested::deeper.deep",
        "task_macro.nested.deeper.dee",
        "ask_macro.nested.deeper.deep",
        "task_macro.everything",
    ] {
        assert_eq!(found(wrong), None, "{wrong}");
    }
    // A bare function name and a map-task entity resolve as `registry::task` resolves them.
    assert_eq!(
        found("deep").as_deref(),
        Some("task_macro.nested.deeper.deep")
    );
    assert_eq!(
        found("task_macro.map_add_0123456789abcdef0123456789abcdef-arraynode").as_deref(),
        Some("task_macro.add")
    );
}

#[test]
fn interface_comes_from_the_signature_and_docs() {
    let interface = entry("task_macro.add").interface();
    let inputs = interface.inputs.unwrap().variables;
    assert_eq!(inputs["a"].description, "the first number");
    assert_eq!(inputs["b"].description, "the second number");
    assert_eq!(
        interface
            .outputs
            .unwrap()
            .variables
            .keys()
            .collect::<Vec<_>>(),
        ["o0"]
    );

    let split = entry("split").interface().outputs.unwrap().variables;
    assert_eq!(split.keys().collect::<Vec<_>>(), ["o0", "o1"]);
    assert!(matches!(
        split["o1"].r#type.as_ref().unwrap().r#type,
        Some(literal_type::Type::Simple(3))
    ));
    assert!(entry("nothing")
        .interface()
        .outputs
        .unwrap()
        .variables
        .is_empty());

    let defaults = entry("add").defaults().unwrap();
    assert_eq!(i64::from_literal(&defaults["b"]).unwrap(), 3);
    assert_eq!(entry("add").short_description, "Adds two numbers.");
}

#[test]
fn running_converts_inputs_and_outputs() {
    let out = run_sync(
        "add",
        inputs([
            ("a", 1.to_literal().unwrap()),
            ("b", 2.to_literal().unwrap()),
        ]),
    )
    .unwrap();
    assert_eq!(i64::from_literal(&out.literals["o0"]).unwrap(), 3);
    // A missing input with a default takes it.
    let out = run_sync("add", inputs([("a", 1.to_literal().unwrap())])).unwrap();
    assert_eq!(i64::from_literal(&out.literals["o0"]).unwrap(), 4);
    let out = run_sync("split", inputs([("x", 9.to_literal().unwrap())])).unwrap();
    assert_eq!(String::from_literal(&out.literals["o1"]).unwrap(), "9");
}

#[test]
fn sixteen_inputs_read_in_order_and_outputs_take_their_names() {
    let mut given = LiteralMap::default();
    for i in 0..16i64 {
        given
            .literals
            .insert(format!("a{i}"), (i * 10).to_literal().unwrap());
    }
    let out = run_sync("wide", given.clone()).unwrap();
    assert_eq!(i64::from_literal(&out.literals["total"]).unwrap(), 1200);
    assert_eq!(i64::from_literal(&out.literals["first"]).unwrap(), 0);
    assert_eq!(String::from_literal(&out.literals["last"]).unwrap(), "150");
    given.literals.remove("a7");
    let err = run_sync("wide", given).unwrap_err();
    assert_eq!(err.message(), "missing input `a7`");
}

#[test]
fn failures_are_classified_like_flytekit() {
    let err = run_sync(
        "divide",
        inputs([
            ("a", 1.0.to_literal().unwrap()),
            ("b", 0.0.to_literal().unwrap()),
        ]),
    )
    .unwrap_err();
    assert_eq!(
        (err.code(), err.message(), err.is_recoverable()),
        ("USER:RuntimeError", "division by zero", false)
    );
    let err = run_sync("flaky", inputs([])).unwrap_err();
    assert!(err.is_recoverable());
    let err = run_sync(
        "add",
        inputs([("a", "x".to_string().to_literal().unwrap())]),
    )
    .unwrap_err();
    assert_eq!(err.code(), "SYSTEM");
    assert_eq!(
        err.message(),
        "input `a`: expected `i64` (INTEGER), found STRING \"x\""
    );
    let err = run_sync("add", inputs([])).unwrap_err();
    assert_eq!(err.message(), "missing input `a`");
}

#[test]
fn async_tasks_run_as_futures() {
    let TaskFn::Async(run) = entry("slow_echo").run else {
        panic!("slow_echo should be async")
    };
    let future = run(inputs([("text", "hi".to_string().to_literal().unwrap())]));
    let out = futures_lite_block_on(future).unwrap();
    assert_eq!(String::from_literal(&out.literals["o0"]).unwrap(), "hi");
}

/// A minimal executor for a future that never waits (enough for this test, without tokio).
fn futures_lite_block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

#[test]
fn every_option_reaches_the_task_template() {
    let settings = SerializationSettings {
        image: "ghcr.io/org/app:1".into(),
        entrypoint: "/usr/local/bin/app".into(),
        ..Default::default()
    };
    let add = task_template(entry("add"), &settings);
    let metadata = add.metadata.unwrap();
    assert_eq!(metadata.retries.unwrap().retries, 3);
    assert_eq!(
        metadata.timeout.unwrap().seconds,
        Duration::from_secs(5400).as_secs() as i64
    );
    assert!(metadata.discoverable && metadata.cache_serializable);
    assert_eq!(metadata.discovery_version, "1.0");
    assert_eq!(metadata.cache_ignore_input_vars, ["b"]);
    let Some(task_template::Target::Container(container)) = add.target else {
        panic!()
    };
    assert_eq!(container.image, "ghcr.io/org/app:1");
    assert_eq!(container.command, ["/usr/local/bin/app"]);
    assert_eq!(container.args.last().unwrap(), "task_macro.add");

    let everything = task_template(entry("custom.everything"), &settings);
    assert_eq!(everything.id.as_ref().unwrap().name, "custom.everything");
    let metadata = everything.metadata.unwrap();
    assert_eq!(metadata.deprecated_error_message, "use add instead");
    assert_eq!(metadata.pod_template_name, "gpu-template");
    let Some(task_template::Target::Container(container)) = everything.target else {
        panic!()
    };
    assert_eq!(container.image, "ghcr.io/org/special:2");
    assert_eq!(
        container
            .env
            .iter()
            .map(|kv| (kv.key.as_str(), kv.value.as_str()))
            .collect::<Vec<_>>(),
        [("MODE", "test"), ("LEVEL", "3")]
    );
    let res = container.resources.unwrap();
    let gpu = resources::ResourceName::Gpu as i32;
    // One GPU value given: Flyte needs request == limit, so both are set.
    assert!(res.requests.iter().any(|r| r.name == gpu && r.value == "1"));
    assert!(res.limits.iter().any(|r| r.name == gpu && r.value == "1"));
    let secret = &everything.security_context.unwrap().secrets[0];
    assert_eq!(
        (
            secret.group.as_str(),
            secret.key.as_str(),
            secret.env_var.as_str()
        ),
        ("db", "password", "DB_PASSWORD")
    );
    let extended = everything.extended_resources.unwrap();
    assert_eq!(extended.gpu_accelerator.unwrap().device, "nvidia-a100");
    assert_eq!(extended.shared_memory.unwrap().size_limit, "1Gi");
}
