//! What a dynamic task hands to Flyte: the [`DynamicJobSpec`] of its sub-workflow
//! (`futures.pb`, FLYTE-CONTRACT section 3.8), and the serialization context its container needs
//! to write one.
//!
//! A `DynamicJobSpec` carries the sub-workflow's nodes and output bindings, `min_successes` (the
//! number of nodes, as flytekit sets it), the full `TaskTemplate` of every task its nodes run
//! (sub-workflows' included: propeller compiles the sub-workflow against these, it does not
//! fetch them; and, as flytekit writes them, those of the workflows of the launch plans it
//! calls) and the templates of its sub-workflows. Identifiers are complete: project and
//! domain of the execution, version of the dynamic task, as `pyflyte-execute` fills them.
//!
//! The task templates need the image the package was built for, which the container does not
//! otherwise know. flytekit passes it in the environment variable `_F_SS_C` of every `@dynamic`
//! task (its serialization settings as base64 of gzipped JSON); a dynamic task here gets the
//! same variable, in the same format, with the image config flytekit writes.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use flytekit_idl::core::{
    if_else_block, node, task_node, workflow_node, DynamicJobSpec, Identifier, Node, ResourceType,
    TaskTemplate, WorkflowTemplate,
};

use super::identifiers::visit_template_ids;
use super::map_task::map_task_spec;
use super::task::{task_template, SerializationSettings};
use crate::glue::build_workflow;
use crate::registry;
use crate::workflow::{CompiledWorkflow, MapTask};

/// The environment variable holding a dynamic task's serialization context (flytekit's
/// `SERIALIZED_CONTEXT_ENV_VAR`).
pub const SERIALIZED_CONTEXT_ENV: &str = "_F_SS_C";

/// The serialization context of a dynamic task, as flytekit encodes it: the image config
/// (default image and named images, each split into `fqn`, `tag` and `digest`) and project,
/// domain and version (`null` when empty), as JSON, gzipped, in base64. The Python-only fields
/// are left out, so flytekit reads it with their defaults.
pub fn serialized_context(settings: &SerializationSettings) -> String {
    let image = |name: &str, uri: &str| {
        let (fqn, tag, digest) = split_image(uri);
        serde_json::json!({ "name": name, "fqn": fqn, "tag": tag, "digest": digest })
    };
    let mut images = vec![image("default", &settings.image)];
    images.extend(settings.images.iter().map(|(name, uri)| image(name, uri)));
    let text = |value: &str| (!value.is_empty()).then(|| value.to_string());
    let json = serde_json::json!({
        "image_config": { "default_image": image("default", &settings.image), "images": images },
        "project": text(&settings.project),
        "domain": text(&settings.domain),
        "version": text(&settings.version),
    });
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a `Vec` cannot fail.
    let _ = gzip.write_all(json.to_string().as_bytes());
    base64_encode(&gzip.finish().unwrap_or_default())
}

/// The image settings in a serialization context written by [`serialized_context`] or by
/// flytekit: the default image and the named ones. The other fields stay at their defaults.
pub fn read_serialized_context(value: &str) -> Result<SerializationSettings, String> {
    let bytes = base64_decode(value.trim()).ok_or("it is not base64")?;
    let mut json = String::new();
    flate2::read::GzDecoder::new(bytes.as_slice())
        .read_to_string(&mut json)
        .map_err(|err| format!("it is not gzipped text: {err}"))?;
    let value: serde_json::Value =
        serde_json::from_str(&json).map_err(|err| format!("it is not JSON: {err}"))?;
    let images = &value["image_config"];
    let uri = |image: &serde_json::Value| -> Option<String> {
        let fqn = image["fqn"].as_str()?;
        let mut uri = fqn.to_string();
        if let Some(tag) = image["tag"].as_str() {
            uri = format!("{uri}:{tag}");
        }
        if let Some(digest) = image["digest"].as_str() {
            uri = format!("{uri}@{digest}");
        }
        Some(uri)
    };
    let image = uri(&images["default_image"]).ok_or("it names no default image")?;
    let mut named = BTreeMap::new();
    for entry in images["images"].as_array().into_iter().flatten() {
        if let (Some(name), Some(uri)) = (entry["name"].as_str(), uri(entry)) {
            if name != "default" {
                named.insert(name.to_string(), uri);
            }
        }
    }
    Ok(SerializationSettings {
        image,
        images: named,
        ..Default::default()
    })
}

/// `registry/name:tag@digest` as (`registry/name`, tag, digest).
fn split_image(uri: &str) -> (String, Option<String>, Option<String>) {
    let (rest, digest) = match uri.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest.to_string())),
        None => (uri, None),
    };
    let name_start = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[name_start..].rfind(':') {
        Some(colon) => {
            let at = name_start + colon;
            (
                rest[..at].to_string(),
                Some(rest[at + 1..].to_string()),
                digest,
            )
        }
        None => (rest.to_string(), None, digest),
    }
}

/// Standard base64 as Python's `base64` module writes it; padding optional on the way in, as
/// the hand-written reader before it accepted.
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

fn base64_encode(bytes: &[u8]) -> String {
    base64::Engine::encode(&BASE64, bytes)
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    base64::Engine::decode(&BASE64, text).ok()
}

/// The `DynamicJobSpec` of a dynamic task's sub-workflow (one with nodes), identifiers filled
/// from `settings` where empty, task templates built with `settings`' image and entrypoint.
/// Fails on a task that is not in this binary (a reference task: flytekit refuses those in
/// dynamic workflows too, since propeller needs their templates).
pub fn dynamic_job_spec(
    compiled: &CompiledWorkflow,
    settings: &SerializationSettings,
) -> Result<DynamicJobSpec, String> {
    let mut used = UsedTasks::default();
    used.workflow(compiled)?;
    let mut tasks = Vec::new();
    for name in &used.names {
        tasks.push(task_template_named(name, &used.map_tasks, settings)?);
    }
    let fill = |id: &mut Identifier| {
        for (field, value) in [
            (&mut id.project, &settings.project),
            (&mut id.domain, &settings.domain),
            (&mut id.version, &settings.version),
        ] {
            if field.is_empty() {
                value.clone_into(field);
            }
        }
    };
    let mut template = compiled.template.clone();
    visit_template_ids(&mut template, &mut |id| fill(id));
    let mut sub_workflows = compiled.sub_workflows.clone();
    for sub in sub_workflows.iter_mut() {
        visit_template_ids(sub, &mut |id| fill(id));
    }
    Ok(DynamicJobSpec {
        min_successes: template.nodes.len() as i64,
        nodes: template.nodes,
        outputs: template.outputs,
        tasks,
        subworkflows: sub_workflows,
    })
}

/// The template of task `name`: a map task of the sub-workflow or a task of this binary.
fn task_template_named(
    name: &str,
    map_tasks: &[MapTask],
    settings: &SerializationSettings,
) -> Result<TaskTemplate, String> {
    if let Some(map_task) = map_tasks.iter().find(|m| m.name == name) {
        let entry = registry::task(&map_task.task).ok_or_else(|| {
            format!(
                "map task `{name}` maps `{}`, which is not in this binary",
                map_task.task
            )
        })?;
        return map_task_spec(entry, map_task, settings)
            .template
            .ok_or_else(|| format!("map task `{name}` has no template"));
    }
    match registry::task(name) {
        Some(entry) if entry.name() == name => Ok(task_template(entry, settings)),
        _ => Err(format!(
            "task `{name}` is not in this binary: a dynamic workflow can only call tasks whose \
             template it can include (reference tasks are not supported in dynamic workflows, as \
             in flytekit)"
        )),
    }
}

/// The tasks a sub-workflow's nodes run, in first-call order: its sub-workflows' included, and
/// those of the workflows of the launch plans of this binary it calls (transitively).
/// flytekit lists the latter too: serializing a launch plan serializes its workflow, and every
/// task serialized on the way goes into the spec. Propeller compiles each listed template and
/// runs only the ones a node names, so the extra templates are inert, and the spec stays
/// flytekit's.
#[derive(Default)]
struct UsedTasks {
    names: Vec<String>,
    /// The map-task entities of every workflow walked.
    map_tasks: Vec<MapTask>,
    /// The launch plans whose workflows were walked.
    plans: Vec<String>,
}

impl UsedTasks {
    fn workflow(&mut self, compiled: &CompiledWorkflow) -> Result<(), String> {
        self.map_tasks.extend(compiled.map_tasks.iter().cloned());
        let subs: BTreeMap<&str, &WorkflowTemplate> = compiled
            .sub_workflows
            .iter()
            .filter_map(|t| Some((t.id.as_ref()?.name.as_str(), t)))
            .collect();
        let mut seen_subs = Vec::new();
        for node in &compiled.template.nodes {
            self.node(node, &subs, &mut seen_subs)?;
        }
        Ok(())
    }

    fn node<'a>(
        &mut self,
        node: &'a Node,
        subs: &BTreeMap<&'a str, &'a WorkflowTemplate>,
        seen_subs: &mut Vec<&'a str>,
    ) -> Result<(), String> {
        match &node.target {
            Some(node::Target::TaskNode(task)) => {
                if let Some(task_node::Reference::ReferenceId(id)) = &task.reference {
                    // A reference task is listed too: `task_template_named` reports it.
                    if id.resource_type == ResourceType::Task as i32
                        && !self.names.contains(&id.name)
                    {
                        self.names.push(id.name.clone());
                    }
                }
            }
            Some(node::Target::WorkflowNode(workflow)) => match &workflow.reference {
                Some(workflow_node::Reference::SubWorkflowRef(id)) => {
                    if let Some((name, sub)) = subs.get_key_value(id.name.as_str()) {
                        if !seen_subs.contains(name) {
                            seen_subs.push(name);
                            for inner in &sub.nodes {
                                self.node(inner, subs, seen_subs)?;
                            }
                        }
                    }
                }
                // A plan of this binary: its identifier is still the one `launch_plan_target`
                // left for registration to fill (a reference's names its project).
                Some(workflow_node::Reference::LaunchplanRef(id)) if id.project.is_empty() => {
                    if let Some(plan) = registry::launch_plan(&id.name) {
                        if !self.plans.contains(&id.name) {
                            self.plans.push(id.name.clone());
                            let compiled = build_workflow((plan.workflow)()).map_err(|errors| {
                                format!(
                                    "the workflow of launch plan `{}`: {}",
                                    id.name,
                                    errors.join("; ")
                                )
                            })?;
                            self.workflow(&compiled)?;
                        }
                    }
                }
                _ => {}
            },
            Some(node::Target::BranchNode(branch)) => {
                if let Some(if_else) = &branch.if_else {
                    let cases = if_else.case.iter().map(|c| &**c);
                    for case in cases.chain(if_else.other.iter()) {
                        if let Some(then) = &case.then_node {
                            self.node(then, subs, seen_subs)?;
                        }
                    }
                    if let Some(if_else_block::Default::ElseNode(other)) = &if_else.default {
                        self.node(other, subs, seen_subs)?;
                    }
                }
            }
            Some(node::Target::ArrayNode(array)) => {
                if let Some(sub) = &array.node {
                    self.node(sub, subs, seen_subs)?;
                }
            }
            Some(node::Target::GateNode(_)) | None => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for bytes in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar"] {
            let text = base64_encode(bytes);
            assert_eq!(base64_decode(&text).unwrap(), bytes);
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
    }

    #[test]
    fn the_context_carries_the_images() {
        let settings = SerializationSettings {
            image: "ghcr.io/x/y:1".into(),
            images: [("gpu".to_string(), "reg:5000/x/gpu@sha256:ab".to_string())].into(),
            ..Default::default()
        };
        let read = read_serialized_context(&serialized_context(&settings)).unwrap();
        assert_eq!(read.image, "ghcr.io/x/y:1");
        assert_eq!(read.images["gpu"], "reg:5000/x/gpu@sha256:ab");
        assert_eq!(
            split_image("localhost:5000/app"),
            ("localhost:5000/app".to_string(), None, None)
        );
    }

    #[test]
    fn flytekit_contexts_are_read() {
        // What `pyflyte package --image ghcr.io/x/y:1` writes for a `@dynamic`.
        let flytekit = "H4sIAAAAAAAC/62R0W7DIAxFf6XieSqq9jL1V6YpIolDvRGbgRM1q/rvA6dVsve9IPv4cnUNN4Oj89B0TAN6cz7cTA+Dm4I0OlBCbqzFc2JeDmb4pkr8pUtHZHu1S6XiqoU51bpHD1lKS1MI9wLULxfw/i+OH9UzJv6E7smqhkeHtPUzpIy8A0DzTv1YNUHmKXWa7jHyWHHkjcRFLkwNkkCKCcpZk1mOYufialsku2pedZ+wCHwVlxmTTC4USZOY5c8lFbosTYaELuCPk5K2dCJIPuvrA7k2QF/qwYUMGjuX8SrtcY2h1vpIWRK2kw4Dd6ra/cK66JZExmj7hU5v5v4Ly6saUwwCAAA=";
        let read = read_serialized_context(flytekit).unwrap();
        assert_eq!(read.image, "ghcr.io/x/y:1");
        assert!(read.images.is_empty());
    }
}
