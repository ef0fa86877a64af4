//! Reference entities and container tasks end to end: a workflow calling a reference task, a
//! reference launch plan, a reference workflow and a container task builds a spec with the
//! references' full identifiers (which `package` leaves alone) and the raw-container template
//! flytekit's `ContainerTask` produces, with its outputs named by `outputs(...)` where given;
//! locally, references run their stand-ins, and without one the error names the reference.

use flytekit::core::reference::ReferenceKind;
use flytekit::core::registry;
use flytekit::core::spec::{task_template, SerializationSettings};
use flytekit::core::workflow::Workflow as _;
use flytekit::idl::core::{
    binding_data, data_loading_config, node, task_node, task_template::Target, workflow_node,
    BindingData, Identifier, Node, ResourceType,
};
use flytekit::idl::prost::Message;
use flytekit::prelude::*;
use flytekit_tests::PythonEnv;

/// The local stand-in of `py_add`.
#[task]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Adds two numbers, in Python.
#[reference_task(
    project = "flytesnacks",
    domain = "development",
    name = "core.add",
    version = "v1",
    local = add
)]
fn py_add(a: i64, b: i64) -> i64;

#[reference_task(
    project = "flytesnacks",
    domain = "development",
    name = "core.mul",
    version = "v2"
)]
fn py_mul(a: i64, b: i64) -> i64;

#[workflow]
fn double_it(x: i64) -> i64 {
    add(x, x)
}

#[reference_launch_plan(
    project = "flytesnacks",
    domain = "production",
    name = "nightly",
    version = "v3",
    local = double_it
)]
fn nightly(x: i64) -> i64;

#[reference_workflow(
    project = "flytesnacks",
    domain = "development",
    name = "core.pipeline",
    version = "v4"
)]
fn remote_pipeline(x: i64) -> i64;

/// Echoes its input.
#[container_task(
    image = "alpine:3.19",
    command = ["sh", "-c", "echo {{.inputs.x}} > /var/outputs/o0"],
    args = ["--verbose"],
    inputs_dir = "/var/inputs",
    outputs_dir = "/var/outputs",
    format = "json",
    requests(cpu = "1", mem = "1Gi"),
    retries = 2,
    environment(GREETING = "hi")
)]
fn echo(x: i64) -> String;

/// The area and perimeter of a rectangle, as files named after the outputs: the co-pilot reads
/// `/var/outputs/area` and `/var/outputs/perimeter`.
#[container_task(
    image = "alpine:3.19",
    command = [
        "sh",
        "-c",
        "awk 'BEGIN { print {{.inputs.w}} * {{.inputs.h}} }' > /var/outputs/area && \
         awk 'BEGIN { print 2 * ({{.inputs.w}} + {{.inputs.h}}) }' > /var/outputs/perimeter"
    ],
    inputs_dir = "/var/inputs",
    outputs_dir = "/var/outputs",
    outputs(area, perimeter)
)]
fn rectangle(w: f64, h: f64) -> (f64, f64);

/// What a rectangle of paint costs.
#[task]
fn paint_cost(area: f64) -> f64 {
    area * 2.5
}

/// Uses one named output of the container task and returns the other.
#[workflow]
fn paint_and_fence(w: f64, h: f64) -> (f64, f64) {
    let (area, perimeter) = rectangle(w, h);
    (paint_cost(area), perimeter)
}

#[workflow]
fn uses_references(x: i64) -> String {
    let a = py_add(x, 1);
    let b = nightly(a);
    let c = remote_pipeline(b);
    echo(c)
}

#[workflow]
fn runs_locally(x: i64) -> i64 {
    let a = py_add(x, 1);
    nightly(a)
}

#[workflow]
fn no_stand_in(x: i64) -> i64 {
    py_mul(x, 2)
}

#[workflow]
fn calls_container(x: i64) -> String {
    echo(x)
}

fn id(
    resource_type: ResourceType,
    project: &str,
    domain: &str,
    name: &str,
    version: &str,
) -> Identifier {
    Identifier {
        resource_type: resource_type as i32,
        project: project.into(),
        domain: domain.into(),
        name: name.into(),
        version: version.into(),
        org: String::new(),
    }
}

fn target_id(node: &Node) -> (&'static str, Identifier) {
    match node.target.as_ref() {
        Some(node::Target::TaskNode(t)) => match &t.reference {
            Some(task_node::Reference::ReferenceId(id)) => ("task", id.clone()),
            None => panic!("task node without reference"),
        },
        Some(node::Target::WorkflowNode(w)) => match &w.reference {
            Some(workflow_node::Reference::LaunchplanRef(id)) => ("launch plan", id.clone()),
            Some(workflow_node::Reference::SubWorkflowRef(id)) => ("sub-workflow", id.clone()),
            None => panic!("workflow node without reference"),
        },
        other => panic!("unexpected target {other:?}"),
    }
}

#[test]
fn a_workflow_references_entities_by_their_full_identifiers() {
    let compiled = flytekit::core::glue::build_workflow(uses_references::entry()).unwrap();
    let nodes = &compiled.template.nodes;
    let targets: Vec<_> = nodes.iter().map(target_id).collect();
    assert_eq!(
        targets,
        [
            (
                "task",
                id(
                    ResourceType::Task,
                    "flytesnacks",
                    "development",
                    "core.add",
                    "v1"
                )
            ),
            (
                "launch plan",
                id(
                    ResourceType::LaunchPlan,
                    "flytesnacks",
                    "production",
                    "nightly",
                    "v3"
                )
            ),
            // A registered workflow is called through its default launch plan.
            (
                "launch plan",
                id(
                    ResourceType::LaunchPlan,
                    "flytesnacks",
                    "development",
                    "core.pipeline",
                    "v4"
                )
            ),
            (
                "task",
                id(ResourceType::Task, "", "", "references.echo", "")
            ),
        ]
    );
    let names: Vec<&str> = nodes
        .iter()
        .map(|n| n.metadata.as_ref().unwrap().name.as_str())
        .collect();
    // Named after the registered entity's last segment, as flytekit names reference nodes.
    assert_eq!(names, ["add", "nightly", "pipeline", "echo"]);
    assert!(
        compiled.sub_workflows.is_empty(),
        "references embed nothing"
    );
    // Interfaces come from the signatures.
    let interface = <py_add as flytekit::core::workflow::Entity>::CALLEE.interface();
    let inputs: Vec<&String> = interface
        .inputs
        .as_ref()
        .unwrap()
        .variables
        .keys()
        .collect();
    assert_eq!(inputs, ["a", "b"]);
}

#[test]
fn references_are_listed_apart_from_tasks_and_never_packaged() {
    let references: Vec<(ReferenceKind, &str)> =
        registry::references().map(|r| (r.kind, r.name)).collect();
    assert_eq!(
        references,
        [
            (ReferenceKind::Task, "core.add"),
            (ReferenceKind::Task, "core.mul"),
            (ReferenceKind::Workflow, "core.pipeline"),
            (ReferenceKind::LaunchPlan, "nightly"),
        ]
    );
    let tasks: Vec<String> = registry::tasks().map(|t| t.name()).collect();
    assert_eq!(
        tasks,
        [
            "references.add",
            "references.echo",
            "references.paint_cost",
            "references.rectangle"
        ]
    );
    // The stand-in answers for the reference task's name.
    assert_eq!(registry::task("core.add").unwrap().name(), "references.add");
    assert!(registry::task("core.mul").is_none());
    let specs = flytekit::core::spec::build_package(&SerializationSettings {
        image: "img:1".into(),
        entrypoint: "/bin/app".into(),
        ..Default::default()
    })
    .unwrap();
    let names: Vec<&str> = specs.iter().map(|s| s.name()).collect();
    assert!(names.contains(&"references.echo"), "{names:?}");
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("core.") || *n == "nightly"),
        "{names:?}"
    );
}

#[test]
fn container_task_template_has_the_raw_container_shape() {
    let entry = registry::task("references.echo").unwrap();
    let settings = SerializationSettings {
        image: "default:1".into(),
        entrypoint: "/bin/app".into(),
        ..Default::default()
    };
    let template = task_template(entry, &settings);
    assert_eq!(template.r#type, "raw-container");
    let Some(Target::Container(container)) = &template.target else {
        panic!("no container");
    };
    assert_eq!(container.image, "alpine:3.19");
    assert_eq!(
        container.command,
        ["sh", "-c", "echo {{.inputs.x}} > /var/outputs/o0"]
    );
    assert_eq!(container.args, ["--verbose"]);
    let data = container.data_config.as_ref().unwrap();
    assert!(data.enabled);
    assert_eq!(data.input_path, "/var/inputs");
    assert_eq!(data.output_path, "/var/outputs");
    assert_eq!(
        data.format,
        data_loading_config::LiteralMapFormat::Json as i32
    );
    assert!(data.io_strategy.is_none());
    assert_eq!(
        template.metadata.as_ref().unwrap().retries.unwrap().retries,
        2
    );

    // The same fields as flytekit's ContainerTask, compared by flytekit itself.
    assert_eq!(same_as_flytekit(&["echo", "rectangle"]), "ok");
}

/// Writes the TaskTemplates of the container tasks `names` and has
/// `tests/python/container_task_check.py` compare each with flytekit's ContainerTask of the same
/// name; returns what it prints (`ok` when every field is the same).
fn same_as_flytekit(names: &[&str]) -> String {
    let settings = SerializationSettings {
        image: "default:1".into(),
        entrypoint: "/bin/app".into(),
        ..Default::default()
    };
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("references");
    std::fs::create_dir_all(&dir).unwrap();
    let mut args = Vec::new();
    for name in names {
        let entry = registry::task(&format!("references.{name}")).unwrap();
        let path = dir.join(format!("{name}_template.pb"));
        std::fs::write(&path, task_template(entry, &settings).encode_to_vec()).unwrap();
        args.push(std::ffi::OsString::from(name));
        args.push(path.into_os_string());
    }
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|arg| arg.as_os_str()).collect();
    let python = PythonEnv::get(env!("CARGO_TARGET_TMPDIR"));
    python
        .run_script("container_task_check.py", &args)
        .trim()
        .to_string()
}

#[test]
fn named_container_outputs_are_the_interface_and_the_copilot_files() {
    let entry = registry::task("references.rectangle").unwrap();
    let template = task_template(entry, &SerializationSettings::default());
    let interface = template.interface.as_ref().unwrap();
    let outputs: Vec<&String> = interface
        .outputs
        .as_ref()
        .unwrap()
        .variables
        .keys()
        .collect();
    // The co-pilot collects one file per output variable from `output_path`: these are the
    // files the command writes.
    assert_eq!(outputs, ["area", "perimeter"]);
    let Some(Target::Container(container)) = &template.target else {
        panic!("no container");
    };
    assert_eq!(
        container.data_config.as_ref().unwrap().output_path,
        "/var/outputs"
    );
    for name in outputs {
        assert!(
            container.command[2].contains(&format!("> /var/outputs/{name}")),
            "{:?}",
            container.command
        );
    }
    let callee = <rectangle as flytekit::core::workflow::Entity>::CALLEE;
    assert_eq!(callee.output_names, ["area", "perimeter"]);
}

/// The (node, output) a binding is a promise of.
fn promise(binding: Option<&BindingData>) -> (&str, &str) {
    match binding.and_then(|b| b.value.as_ref()) {
        Some(binding_data::Value::Promise(p)) => (p.node_id.as_str(), p.var.as_str()),
        other => panic!("not a promise: {other:?}"),
    }
}

#[test]
fn a_workflow_binds_a_container_output_by_its_name() {
    let compiled = flytekit::core::glue::build_workflow(paint_and_fence::entry()).unwrap();
    let wf = &compiled.template;
    let paint = wf.nodes.iter().find(|n| n.id == "n1").unwrap();
    assert_eq!(paint.inputs[0].var, "area");
    assert_eq!(promise(paint.inputs[0].binding.as_ref()), ("n0", "area"));
    assert_eq!(promise(wf.outputs[1].binding.as_ref()), ("n0", "perimeter"));
}

#[test]
fn stand_ins_run_in_place_of_references() {
    // py_add(3, 1) = 4 through `add`; nightly(4) = 8 through `double_it`.
    assert_eq!(runs_locally(3), 8);
}

#[test]
fn a_reference_without_stand_in_fails_naming_it() {
    let error = std::panic::catch_unwind(|| no_stand_in(3)).unwrap_err();
    let message = error.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.contains(
            "`core.mul` is a reference task (flytesnacks/development, version v2) with no local \
             stand-in; add `local = my_add` to run it locally"
        ),
        "{message}"
    );
}

#[test]
fn a_container_task_does_not_run_locally() {
    let error = std::panic::catch_unwind(|| calls_container(3)).unwrap_err();
    let message = error.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.contains(
            "`references.echo` is a container task: it runs image `alpine:3.19` on a Flyte cluster"
        ),
        "{message}"
    );
}
