//! Pod templates of node overrides: `add(x).pod_template(PodTemplate::new(spec))`, flytekit's
//! `with_overrides(pod_template=PodTemplate(...))`.
//!
//! A call keeps the user's pod spec (Kubernetes JSON: `containers`, `tolerations`,
//! `nodeSelector`, ...) as it is. `package`, which knows the task's container (image, command,
//! resources, environment), then completes it as flytekit's `_serialize_pod_spec` does
//! ([`complete_pod_templates`]): the primary container, added if the spec has none of that name,
//! takes the task container's command and arguments, its image unless the spec sets one, its
//! resources when it has any, and its environment before the spec's own. Propeller
//! (`pkg/compiler/transformers/k8s/node.go`, v1.16.8) then runs the task's pod from this spec.

use std::collections::BTreeMap;

use flytekit_idl::admin::WorkflowSpec;
use flytekit_idl::core::{
    if_else_block, node, resources::ResourceName, task_node, Container, K8sObjectMetadata, K8sPod,
    Node,
};
use serde_json::{json, Map, Value as Json};

use crate::types::untyped::{json_object_to_protobuf_struct, protobuf_struct_to_json};

/// A pod template for one node: the pod spec as Kubernetes JSON, the name of the container
/// that runs the task (`primary` unless set) and the pod's labels and annotations.
///
/// ```
/// use flytekit_core::workflow::PodTemplate;
/// use serde_json::json;
///
/// let gpu_pool = PodTemplate::new(json!({
///     "containers": [],
///     "tolerations": [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}],
///     "nodeSelector": {"pool": "gpu"},
/// }))
/// .label("team", "ml");
/// # let _ = gpu_pool;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PodTemplate {
    pod_spec: Json,
    primary_container_name: String,
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
}

impl PodTemplate {
    /// A template with this pod spec (a JSON object, as in a Kubernetes `PodSpec`) whose
    /// primary container is `primary`, as flytekit's default.
    pub fn new(pod_spec: Json) -> Self {
        PodTemplate {
            pod_spec,
            primary_container_name: "primary".to_string(),
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
        }
    }

    /// Names the container that runs the task.
    pub fn primary_container_name(mut self, name: &str) -> Self {
        self.primary_container_name = name.to_string();
        self
    }

    /// Adds a label to the pod.
    pub fn label(mut self, key: &str, value: &str) -> Self {
        self.labels.insert(key.to_string(), value.to_string());
        self
    }

    /// Adds an annotation to the pod.
    pub fn annotation(mut self, key: &str, value: &str) -> Self {
        self.annotations.insert(key.to_string(), value.to_string());
        self
    }

    /// The override as the node carries it until `package` completes it; an error when the
    /// spec is not a JSON object or its `containers` is not a list.
    pub(crate) fn to_k8s_pod(&self) -> Result<K8sPod, String> {
        let Json::Object(spec) = &self.pod_spec else {
            return Err(format!(
                "a pod template's spec is a JSON object (a Kubernetes PodSpec), not `{}`",
                self.pod_spec
            ));
        };
        if spec.get("containers").is_some_and(|c| !c.is_array()) {
            return Err("a pod template's `containers` is a list of containers".to_string());
        }
        Ok(K8sPod {
            metadata: Some(K8sObjectMetadata {
                labels: self.labels.clone().into_iter().collect(),
                annotations: self.annotations.clone().into_iter().collect(),
            }),
            pod_spec: Some(json_object_to_protobuf_struct(spec)),
            data_config: None,
            primary_container_name: self.primary_container_name.clone(),
        })
    }
}

/// Completes the pod template overrides of every task node in `spec` (its template and its
/// sub-workflows, branches included) with the container of the node's task, which
/// `container_of` gives by task name (`None` for a task it does not know, left as it is).
pub fn complete_pod_templates(
    spec: &mut WorkflowSpec,
    container_of: &dyn Fn(&str) -> Option<Container>,
) {
    let templates = spec
        .template
        .iter_mut()
        .chain(spec.sub_workflows.iter_mut());
    for template in templates {
        for node in template.nodes.iter_mut() {
            complete_node(node, container_of);
        }
    }
}

fn complete_node(node: &mut Node, container_of: &dyn Fn(&str) -> Option<Container>) {
    match node.target.as_mut() {
        Some(node::Target::TaskNode(task)) => {
            let Some(task_node::Reference::ReferenceId(id)) = &task.reference else {
                return;
            };
            let pod = task
                .overrides
                .as_mut()
                .and_then(|o| o.pod_template.as_mut());
            if let (Some(pod), Some(container)) = (pod, container_of(&id.name)) {
                complete_pod(pod, &container);
            }
        }
        Some(node::Target::BranchNode(branch)) => {
            let Some(block) = branch.if_else.as_mut() else {
                return;
            };
            let first = block.case.as_deref_mut();
            for case in first.into_iter().chain(block.other.iter_mut()) {
                if let Some(then) = case.then_node.as_deref_mut() {
                    complete_node(then, container_of);
                }
            }
            if let Some(if_else_block::Default::ElseNode(other)) = block.default.as_mut() {
                complete_node(other, container_of);
            }
        }
        _ => {}
    }
}

/// flytekit's `_serialize_pod_spec`, on the JSON of the spec.
fn complete_pod(pod: &mut K8sPod, container: &Container) {
    let mut spec = pod
        .pod_spec
        .as_ref()
        .map(protobuf_struct_to_json)
        .and_then(|json| match json {
            Json::Object(map) => Some(map),
            _ => None,
        })
        .unwrap_or_default();
    let primary_name = pod.primary_container_name.clone();
    let containers = spec
        .entry("containers")
        .or_insert_with(|| Json::Array(Vec::new()));
    let Json::Array(containers) = containers else {
        return;
    };
    let is_primary = |c: &Json| c.get("name").and_then(Json::as_str) == Some(&primary_name);
    if !containers.iter().any(is_primary) {
        containers.push(json!({ "name": primary_name }));
    }
    for entry in containers.iter_mut().filter(|c| is_primary(c)) {
        let Json::Object(primary) = entry else {
            continue;
        };
        primary
            .entry("image")
            .or_insert_with(|| Json::String(container.image.clone()));
        primary.insert("command".to_string(), json!(container.command));
        primary.insert("args".to_string(), json!(container.args));
        if let Some(resources) = resource_requirements(container) {
            primary.insert("resources".to_string(), resources);
        }
        if !container.env.is_empty() {
            let mut env: Vec<Json> = container
                .env
                .iter()
                .map(|kv| json!({ "name": kv.key, "value": kv.value }))
                .collect();
            if let Some(Json::Array(own)) = primary.get("env") {
                env.extend(own.iter().cloned());
            }
            primary.insert("env".to_string(), Json::Array(env));
        }
    }
    pod.pod_spec = Some(json_object_to_protobuf_struct(&spec));
}

/// The container's requests and limits as Kubernetes resource requirements, names as
/// flytekit writes them (`cpu`, `memory`, `gpu`, `ephemeral-storage`); `None` without any.
fn resource_requirements(container: &Container) -> Option<Json> {
    let resources = container.resources.as_ref()?;
    if resources.requests.is_empty() && resources.limits.is_empty() {
        return None;
    }
    let entries = |list: &[flytekit_idl::core::resources::ResourceEntry]| -> Map<String, Json> {
        list.iter()
            .map(|entry| {
                let name = ResourceName::try_from(entry.name)
                    .map(|n| n.as_str_name().to_lowercase().replace('_', "-"))
                    .unwrap_or_else(|_| "unknown".to_string());
                (name, Json::String(entry.value.clone()))
            })
            .collect()
    };
    Some(json!({
        "limits": entries(&resources.limits),
        "requests": entries(&resources.requests),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use flytekit_idl::core::resources::ResourceEntry;
    use flytekit_idl::core::{KeyValuePair, Resources};

    fn container() -> Container {
        Container {
            image: "ghcr.io/x/app:1".to_string(),
            command: vec!["/app".to_string()],
            args: vec!["execute".to_string()],
            resources: Some(Resources {
                requests: vec![ResourceEntry {
                    name: ResourceName::Cpu as i32,
                    value: "1".to_string(),
                }],
                limits: vec![ResourceEntry {
                    name: ResourceName::EphemeralStorage as i32,
                    value: "1Gi".to_string(),
                }],
            }),
            env: vec![KeyValuePair {
                key: "MODE".to_string(),
                value: "test".to_string(),
            }],
            ..Default::default()
        }
    }

    fn spec_of(pod: &K8sPod) -> Json {
        protobuf_struct_to_json(pod.pod_spec.as_ref().unwrap())
    }

    #[test]
    fn a_missing_primary_container_is_added_with_the_tasks() {
        let mut pod = PodTemplate::new(json!({"containers": [], "nodeSelector": {"pool": "gpu"}}))
            .to_k8s_pod()
            .unwrap();
        complete_pod(&mut pod, &container());
        assert_eq!(
            spec_of(&pod),
            json!({
                "nodeSelector": {"pool": "gpu"},
                "containers": [{
                    "name": "primary",
                    "image": "ghcr.io/x/app:1",
                    "command": ["/app"],
                    "args": ["execute"],
                    "resources": {"limits": {"ephemeral-storage": "1Gi"}, "requests": {"cpu": "1"}},
                    "env": [{"name": "MODE", "value": "test"}],
                }],
            })
        );
    }

    #[test]
    fn the_specs_primary_container_keeps_its_image_and_env_after_the_tasks() {
        let mut pod = PodTemplate::new(json!({"containers": [
            {"name": "main", "image": "busybox", "env": [{"name": "OWN", "value": "1"}]},
            {"name": "sidecar", "image": "envoy"},
        ]}))
        .primary_container_name("main")
        .to_k8s_pod()
        .unwrap();
        complete_pod(&mut pod, &container());
        let spec = spec_of(&pod);
        assert_eq!(spec["containers"][0]["image"], "busybox");
        assert_eq!(
            spec["containers"][0]["env"],
            json!([{"name": "MODE", "value": "test"}, {"name": "OWN", "value": "1"}])
        );
        assert_eq!(
            spec["containers"][1],
            json!({"name": "sidecar", "image": "envoy"})
        );
    }

    #[test]
    fn a_spec_that_is_not_an_object_is_refused() {
        assert!(PodTemplate::new(json!([1])).to_k8s_pod().is_err());
        assert!(PodTemplate::new(json!({"containers": {}}))
            .to_k8s_pod()
            .is_err());
    }
}
