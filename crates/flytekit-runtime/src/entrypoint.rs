//! `execute`: the task container entrypoint (FLYTE-CONTRACT section 3).
//!
//! `<binary> execute --inputs URI --output-prefix URI --raw-output-data-prefix URI
//! --checkpoint-path URI --prev-checkpoint URI -- <task name>` reads `inputs.pb`, runs one
//! attempt of the task and writes exactly one of `outputs.pb` or `error.pb` under the output
//! prefix, atomically (`futures.pb` instead of `outputs.pb` for a dynamic task whose body made
//! calls: the sub-workflow Flyte then runs, see `flytekit_core::spec::dynamic_job_spec`). Like
//! `pyflyte-execute` it exits 0 after writing `error.pb` (Flyte reads the error's kind from the
//! file; a bare non-zero exit would be classified as a system failure), and non-zero only when
//! nothing could be written or `FLYTE_FAIL_ON_ERROR` is set.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use flytekit_core::context::{ExecutionId, TaskId};
use flytekit_core::spec::{dynamic_job_spec, read_serialized_context, SERIALIZED_CONTEXT_ENV};
use flytekit_core::workflow::dynamic::literal_outputs;
use flytekit_core::workflow::CompiledWorkflow;
use flytekit_core::{registry, TaskContext, TaskError};
use flytekit_idl::core::{literal, scalar, DynamicJobSpec, Literal, LiteralMap, LiteralType};
use prost::Message;

use crate::attempt::{run_attempt, run_dynamic_body};
use crate::files::{upload_local_blobs, DOWNLOAD_DATA_ERROR, UPLOAD_DATA_ERROR};
use crate::local::{private_dir, remove_if_empty};
use crate::storage::{is_remote, join, Storage, StorageError};

/// The arguments of `execute`, as the backend fills them in.
#[derive(Debug, Clone, Default)]
pub struct ExecuteArgs {
    /// `{{.input}}`: the inputs file.
    pub inputs: String,
    /// `{{.outputPrefix}}`: where outputs.pb / error.pb go.
    pub output_prefix: String,
    /// `{{.rawOutputDataPrefix}}`: where files and directories go.
    pub raw_output_data_prefix: Option<String>,
    /// `{{.checkpointOutputPrefix}}`.
    pub checkpoint_path: Option<String>,
    /// `{{.prevCheckpointPrefix}}`.
    pub prev_checkpoint: Option<String>,
    /// The task locator: the task's name.
    pub task: String,
    /// `--bound-inputs`: this is a map-task sub-node (an ArrayNode element), and these inputs
    /// are the same for every element; each other input is the whole list, of which element
    /// `FLYTE_K8S_ARRAY_INDEX` is this one's.
    pub bound_inputs: Option<Vec<String>>,
}

/// An argument the backend left empty, as the two characters `""`, or as an unsubstituted
/// `{{...}}` placeholder means "not provided" (flytekit's `normalize_inputs`).
pub fn provided(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty() && v != "\"\"" && !(v.starts_with("{{") && v.ends_with("}}")))
}

/// Whether `prefix` names a place for outputs.pb / error.pb: not empty, blank or `""` (joined
/// with a file name, an empty prefix is a path at the root of the file system).
pub fn has_output_prefix(prefix: &str) -> bool {
    provided(Some(prefix.trim().to_string())).is_some()
}

/// What `execute` did, for the exit code.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// outputs.pb (or, for a dynamic task, futures.pb) was written.
    Succeeded,
    /// error.pb was written.
    Failed,
    /// The task returned `IgnoreOutputs`: nothing was written, as flytekit does.
    OutputsIgnored,
}

/// Set by the local executor's isolated mode to a path the entrypoint creates when the task
/// ignores its outputs: with neither outputs.pb nor error.pb, a process that exited 0 would
/// otherwise look like one that crashed before writing them.
pub const IGNORED_OUTPUTS_MARKER_VAR: &str = "_FLYTEKIT_IGNORED_OUTPUTS_MARKER";

/// Runs the entrypoint; `Err` only when neither outputs.pb nor error.pb could be written, among
/// others when the output prefix is empty (it would put them at the root of the file system).
pub async fn execute(args: ExecuteArgs, storage: &Storage) -> Result<Outcome, StorageError> {
    if !has_output_prefix(&args.output_prefix) {
        return Err(StorageError::Unsupported {
            uri: args.output_prefix.clone(),
            reason: "the output prefix is empty".to_string(),
        });
    }
    clear_stale_results(&args.output_prefix);
    let mut deck = None;
    let result = run(&args, storage, &mut deck).await;
    // flytekit writes the deck whether the task succeeded or not, after its outputs.
    let outcome = finish(&args, storage, result).await;
    if let Some(html) = deck {
        write_deck(&args.output_prefix, html, storage).await;
    }
    outcome
}

/// Writes `deck.html` under the output prefix; a failure is logged, not the task's (flytekit).
async fn write_deck(output_prefix: &str, html: String, storage: &Storage) {
    let uri = join(output_prefix, flytekit_core::deck::DECK_FILE_NAME);
    match storage.put(&uri, html).await {
        Ok(()) => tracing::info!("wrote the deck to {uri}"),
        Err(err) => tracing::error!("cannot write the deck to {uri}: {err}"),
    }
}

/// Writes outputs.pb or error.pb (or, for IgnoreOutputs, neither).
async fn finish(
    args: &ExecuteArgs,
    storage: &Storage,
    result: Result<Results, TaskError>,
) -> Result<Outcome, StorageError> {
    let error = match result {
        Ok(Results::Futures(spec)) => {
            let written = storage
                .put(
                    &join(&args.output_prefix, "futures.pb"),
                    spec.encode_to_vec(),
                )
                .await;
            match written {
                Ok(()) => {
                    tracing::info!(task = %args.task, nodes = spec.nodes.len(), "wrote futures.pb");
                    return Ok(Outcome::Succeeded);
                }
                Err(err) => TaskError::system(format!("cannot write futures.pb: {err}"))
                    .with_code(UPLOAD_DATA_ERROR),
            }
        }
        Ok(Results::Outputs(outputs)) => {
            let written = storage
                .put(
                    &join(&args.output_prefix, "outputs.pb"),
                    outputs.encode_to_vec(),
                )
                .await;
            match written {
                Ok(()) => {
                    tracing::info!(task = %args.task, "wrote outputs.pb");
                    return Ok(Outcome::Succeeded);
                }
                // Said in error.pb when that can still be written: a retry may succeed.
                Err(err) => TaskError::system(format!("cannot write outputs.pb: {err}"))
                    .with_code(UPLOAD_DATA_ERROR),
            }
        }
        Err(error) if error.is_ignore_outputs() => {
            tracing::warn!(task = %args.task, "IgnoreOutputs: writing neither outputs.pb nor error.pb");
            if let Ok(marker) = std::env::var(IGNORED_OUTPUTS_MARKER_VAR) {
                let _ = std::fs::write(marker, b"");
            }
            return Ok(Outcome::OutputsIgnored);
        }
        Err(error) => error,
    };
    let now = chrono::Utc::now();
    let timestamp = prost_types::Timestamp {
        seconds: now.timestamp(),
        nanos: now.timestamp_subsec_nanos() as i32,
    };
    let mut document = error.to_error_document(timestamp);
    if let (Some(container_error), Ok(worker)) = (document.error.as_mut(), std::env::var("_F_WN")) {
        container_error.worker = worker;
    }
    storage
        .put(
            &join(&args.output_prefix, "error.pb"),
            document.encode_to_vec(),
        )
        .await?;
    tracing::warn!(task = %args.task, "task failed: {error}");
    eprintln!("{error}");
    Ok(Outcome::Failed)
}

/// The files `execute` writes under the output prefix.
const RESULT_FILES: [&str; 3] = ["outputs.pb", "error.pb", "futures.pb"];

/// Removes what an earlier attempt with the same local output prefix left: the staging files
/// of a write it did not finish (object_store writes `<name>#<n>` and renames it into place, so
/// a kill leaves `outputs.pb#1`), and its outputs.pb / error.pb, so that exactly one result is
/// there when this attempt ends. On a cluster every attempt has a fresh prefix; a remote prefix
/// is left alone.
fn clear_stale_results(output_prefix: &str) {
    if is_remote(output_prefix) {
        return;
    }
    let dir = Path::new(
        output_prefix
            .strip_prefix("file://")
            .unwrap_or(output_prefix),
    );
    let Ok(items) = std::fs::read_dir(dir) else {
        return;
    };
    for item in items.flatten() {
        let name = item.file_name();
        let Some(name) = name.to_str() else { continue };
        let stale = RESULT_FILES.iter().any(|result| {
            name == *result
                || name
                    .strip_prefix(result)
                    .and_then(|rest| rest.strip_prefix('#'))
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        });
        if stale && item.file_type().is_ok_and(|t| t.is_file()) {
            tracing::info!(file = name, "removing what an earlier attempt left");
            let _ = std::fs::remove_file(item.path());
        }
    }
}

/// What an attempt produced: outputs, or the sub-workflow of a dynamic task.
enum Results {
    /// For outputs.pb.
    Outputs(LiteralMap),
    /// For futures.pb.
    Futures(DynamicJobSpec),
}

/// Runs the task; `deck` receives the rendered deck of a task with `enable_deck` once its code
/// has run.
async fn run(
    args: &ExecuteArgs,
    storage: &Storage,
    deck: &mut Option<String>,
) -> Result<Results, TaskError> {
    // A binary that cannot start (two tasks with this name) still answers with error.pb, so
    // Flyte reports why instead of a bare non-zero exit.
    let entry = registry::task_to_execute(&args.task)
        .map_err(|clash| TaskError::user(format!("this binary cannot start: {clash}")))?
        .ok_or_else(|| {
            TaskError::user(format!(
                "no task named `{}` in this binary; it has: {}",
                args.task,
                registry::tasks()
                    .map(|t| format!("`{}`", t.name()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;

    let bytes = storage.get(&args.inputs).await.map_err(|err| {
        match err {
            StorageError::NotFound(uri) => {
                TaskError::system(format!("cannot read the inputs: `{uri}` does not exist"))
            }
            other => TaskError::system(format!("cannot read the inputs: {other}")),
        }
        .with_code(DOWNLOAD_DATA_ERROR)
    })?;
    let mut inputs = LiteralMap::decode(bytes.as_ref()).map_err(|err| {
        TaskError::conversion(format!(
            "the inputs at `{}` are not a valid LiteralMap (inputs.pb): {err}",
            args.inputs
        ))
    })?;
    resolve_offloaded(&mut inputs, storage).await?;

    let array_index = array_index()?;
    match (&args.bound_inputs, array_index) {
        (Some(bound), Some(index)) => inputs = select_mapped_element(inputs, bound, index)?,
        (Some(_), None) => {
            return Err(TaskError::system(
                "a map task runs one element per container, but `FLYTE_K8S_ARRAY_INDEX` is not set: Flyte sets it for each element of an array node".to_string(),
            ))
        }
        (None, Some(index)) => inputs = select_element(inputs, &entry.interface(), index)?,
        (None, None) => {}
    }

    let working_dir = private_dir("execute").map_err(|err| {
        TaskError::system(format!(
            "cannot create a working dir in the temp dir: {err}"
        ))
    })?;
    let context = Arc::new(context_from_env(args, array_index, working_dir));
    let timeout = entry.config.timeout;
    let deck_inputs = entry.config.enable_deck.then(|| inputs.clone());
    let attempt = if entry.is_dynamic() {
        match run_dynamic_body(entry, inputs, context.clone(), timeout).await {
            Ok(compiled) => match literal_outputs(&compiled) {
                Some(outputs) => outputs.map(Results::Outputs),
                None => job_spec(&compiled, &context).map(Results::Futures),
            },
            Err(err) => Err(err),
        }
    } else {
        run_attempt(entry, inputs, context.clone(), timeout)
            .await
            .map(Results::Outputs)
    };
    let outputs = match attempt {
        Ok(Results::Outputs(outputs)) => {
            upload_local_blobs(outputs, &context.raw_output_prefix, storage)
                .await
                .map(Results::Outputs)
        }
        other => other,
    };
    if let Some(inputs) = deck_inputs {
        // The outputs as written: files and tables at their uploaded locations.
        let written = match &outputs {
            Ok(Results::Outputs(outputs)) => Some(outputs),
            _ => None,
        };
        context.decks.add_values_decks(&inputs, written);
        *deck = Some(context.decks.render());
    }
    // The working dir is made per attempt, private (random name, 0700): removed when the task
    // left it empty, so executions outside a container leave nothing in the temp dir. One
    // holding files stays: an output may point into it (the raw output prefix defaults to a
    // folder inside it).
    remove_if_empty(&context.working_dir);
    outputs
}

/// The `DynamicJobSpec` of a dynamic task's sub-workflow, as `pyflyte-execute` writes it: task
/// templates with the image of the serialization context the package put in the task's
/// environment (`_F_SS_C`) and this binary as the command; identifiers in the execution's
/// project and domain, at the dynamic task's version.
fn job_spec(
    compiled: &CompiledWorkflow,
    context: &TaskContext,
) -> Result<DynamicJobSpec, TaskError> {
    let mut settings = match std::env::var(SERIALIZED_CONTEXT_ENV) {
        Ok(value) => read_serialized_context(&value).map_err(|err| {
            TaskError::system(format!(
                "`{SERIALIZED_CONTEXT_ENV}` (the serialization context of a dynamic task) cannot be read: {err}"
            ))
        })?,
        Err(_) => {
            return Err(TaskError::system(format!(
                "a dynamic task needs `{SERIALIZED_CONTEXT_ENV}` (the serialization context `package` \
                 puts in its environment) to write the templates of the tasks it calls; it is not set"
            )))
        }
    };
    settings.entrypoint = std::env::args().next().unwrap_or_default();
    settings.project = context.execution_id.project.clone();
    settings.domain = context.execution_id.domain.clone();
    settings.version = context.task_id.version.clone();
    dynamic_job_spec(compiled, &settings).map_err(TaskError::user)
}

/// Replaces every offloaded input literal by the literal stored at its URI.
async fn resolve_offloaded(inputs: &mut LiteralMap, storage: &Storage) -> Result<(), TaskError> {
    for (name, literal) in inputs.literals.iter_mut() {
        let mut depth = 0;
        while let Some(literal::Value::OffloadedMetadata(meta)) = &literal.value {
            depth += 1;
            if depth > 8 {
                return Err(TaskError::conversion(format!(
                    "input `{name}`: offloaded literals nest too deeply"
                )));
            }
            let bytes = storage.get(&meta.uri).await.map_err(|err| {
                TaskError::system(format!(
                    "input `{name}`: cannot fetch the offloaded literal: {err}"
                ))
                .with_code(DOWNLOAD_DATA_ERROR)
            })?;
            *literal = Literal::decode(bytes.as_ref()).map_err(|err| {
                TaskError::conversion(format!(
                    "input `{name}`: offloaded literal at `{}` is not a valid Literal: {err}",
                    meta.uri
                ))
            })?;
        }
    }
    Ok(())
}

/// The element a map-task sub-node works on: `FLYTE_K8S_ARRAY_INDEX` (or the variable named by
/// `BATCH_JOB_ARRAY_INDEX_VAR_NAME`) plus `BATCH_JOB_ARRAY_INDEX_OFFSET`.
fn array_index() -> Result<Option<usize>, TaskError> {
    let var = std::env::var("BATCH_JOB_ARRAY_INDEX_VAR_NAME")
        .unwrap_or_else(|_| "FLYTE_K8S_ARRAY_INDEX".to_string());
    let Ok(index) = std::env::var(&var) else {
        return Ok(None);
    };
    let parse = |name: &str, value: &str| {
        value
            .trim()
            .parse::<usize>()
            .map_err(|_| TaskError::system(format!("`{name}` is `{value}`, not an index")))
    };
    let offset = match std::env::var("BATCH_JOB_ARRAY_INDEX_OFFSET") {
        Ok(offset) => parse("BATCH_JOB_ARRAY_INDEX_OFFSET", &offset)?,
        Err(_) => 0,
    };
    let index = parse(&var, &index)?;
    // Checked: an unchecked add panics in a debug build and wraps to a wrong element in a
    // release one.
    index.checked_add(offset).map(Some).ok_or_else(|| {
        TaskError::system(format!(
            "the array index `{var}` = {index} plus `BATCH_JOB_ARRAY_INDEX_OFFSET` = {offset} is \
             too large"
        ))
    })
}

fn collection_depth_of_type(ty: Option<&LiteralType>) -> usize {
    match ty.and_then(|t| t.r#type.as_ref()) {
        Some(flytekit_idl::core::literal_type::Type::CollectionType(inner)) => {
            1 + collection_depth_of_type(Some(inner))
        }
        _ => 0,
    }
}

fn collection_depth_of_literal(literal: &Literal) -> usize {
    match &literal.value {
        Some(literal::Value::Collection(c)) => {
            1 + c.literals.first().map_or(0, collection_depth_of_literal)
        }
        _ => 0,
    }
}

/// Whether input `name` of a map task is mapped: its literal is one list deeper than the
/// type the task declares for it.
fn is_mapped(
    name: &str,
    literal: &Literal,
    interface: &flytekit_idl::core::TypedInterface,
) -> bool {
    let ty = interface
        .inputs
        .as_ref()
        .and_then(|d| d.variables.get(name))
        .and_then(|v| v.r#type.as_ref());
    collection_depth_of_literal(literal) > collection_depth_of_type(ty)
}

/// The names of the mapped inputs of a map task (see [`select_element`]), in name order.
pub(crate) fn mapped_inputs(
    inputs: &LiteralMap,
    interface: &flytekit_idl::core::TypedInterface,
) -> Vec<String> {
    inputs
        .literals
        .iter()
        .filter(|(name, literal)| is_mapped(name, literal, interface))
        .map(|(name, _)| name.clone())
        .collect()
}

/// In a map task every element gets the whole array node's inputs: lists for the mapped
/// inputs, single values for the bound ones. An input whose literal is one list deeper than its
/// declared type is mapped, and element `index` is taken from it.
fn select_element(
    inputs: LiteralMap,
    interface: &flytekit_idl::core::TypedInterface,
    index: usize,
) -> Result<LiteralMap, TaskError> {
    let mut selected = BTreeMap::new();
    for (name, literal) in inputs.literals {
        let mapped = is_mapped(&name, &literal, interface);
        let value = match literal.value {
            Some(literal::Value::Collection(collection)) if mapped => {
                let len = collection.literals.len();
                collection.literals.into_iter().nth(index).ok_or_else(|| {
                    TaskError::system(format!(
                        "array index {index} is out of range for input `{name}` of {len} elements"
                    ))
                })?
            }
            value => Literal { value, ..literal },
        };
        selected.insert(name, value);
    }
    Ok(LiteralMap { literals: selected })
}

/// The inputs of element `index` of a map task whose sub-node got the array node's whole
/// inputs: item `index` of every input that is not bound, bound inputs as they are.
fn select_mapped_element(
    inputs: LiteralMap,
    bound: &[String],
    index: usize,
) -> Result<LiteralMap, TaskError> {
    let mut selected = BTreeMap::new();
    for (name, literal) in inputs.literals {
        if bound.contains(&name) {
            selected.insert(name, literal);
            continue;
        }
        let value = match literal.value {
            Some(literal::Value::Collection(collection)) => {
                let len = collection.literals.len();
                collection.literals.into_iter().nth(index).ok_or_else(|| {
                    TaskError::system(format!(
                        "array index {index} is out of range for input `{name}` of {len} elements"
                    ))
                })?
            }
            value => {
                let found = flytekit_core::types::describe_literal(&Literal { value, ..literal });
                return Err(TaskError::conversion(format!(
                    "mapped input `{name}` is not a list: found {found}"
                )));
            }
        };
        selected.insert(name, value);
    }
    Ok(LiteralMap { literals: selected })
}

fn env(names: &[&str]) -> String {
    names
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .unwrap_or_default()
}

/// The node id in propeller's console URL
/// `<console>/projects/<p>/domains/<d>/executions/<name>/nodeId/<node>/nodes`: the only place the
/// backend names the node to the pod.
fn node_of_execution_url(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("/nodeId/")?;
    let node = rest.split('/').next()?;
    (!node.is_empty()).then(|| node.to_string())
}

/// The task context from the backend's environment (FLYTE-CONTRACT section 3.4) and the
/// command line.
fn context_from_env(
    args: &ExecuteArgs,
    array_index: Option<usize>,
    working_dir: PathBuf,
) -> TaskContext {
    let raw_output_prefix = args
        .raw_output_data_prefix
        .clone()
        .unwrap_or_else(|| working_dir.join("raw").display().to_string());
    let execution_url = Some(env(&["FLYTE_EXECUTION_URL"])).filter(|url| !url.is_empty());
    TaskContext {
        workflow_name: env(&["FLYTE_INTERNAL_EXECUTION_WORKFLOW"]),
        node_id: execution_url
            .as_deref()
            .and_then(node_of_execution_url)
            .unwrap_or_default(),
        execution_date: chrono::Utc::now(),
        output_metadata_prefix: Some(args.output_prefix.clone()),
        execution_url,
        execution_id: ExecutionId {
            project: env(&["FLYTE_INTERNAL_EXECUTION_PROJECT", "_F_PRJ"]),
            domain: env(&["FLYTE_INTERNAL_EXECUTION_DOMAIN", "_F_DM"]),
            name: env(&["FLYTE_INTERNAL_EXECUTION_ID", "_F_NM"]),
        },
        task_id: TaskId {
            project: env(&["FLYTE_INTERNAL_TASK_PROJECT", "_F_TK_PRJ"]),
            domain: env(&["FLYTE_INTERNAL_TASK_DOMAIN", "_F_TK_DM"]),
            name: match env(&["FLYTE_INTERNAL_TASK_NAME", "_F_TK_NM"]) {
                name if name.is_empty() => args.task.clone(),
                name => name,
            },
            version: env(&["FLYTE_INTERNAL_TASK_VERSION", "_F_TK_V"]),
        },
        attempt: env(&["FLYTE_ATTEMPT_NUMBER"]).parse().unwrap_or(0),
        working_dir,
        raw_output_prefix,
        checkpoint_path: args.checkpoint_path.clone(),
        prev_checkpoint: args.prev_checkpoint.clone(),
        array_index,
        decks: Default::default(),
        make_working_dir: None,
    }
}

/// `true` when `FLYTE_FAIL_ON_ERROR` asks for a non-zero exit after writing error.pb.
pub fn fail_on_error() -> bool {
    matches!(
        std::env::var("FLYTE_FAIL_ON_ERROR")
            .as_deref()
            .map(str::to_lowercase)
            .as_deref(),
        Ok("true" | "1" | "yes")
    )
}

/// Whether a literal is a blob (for callers that post-process outputs).
pub fn is_blob(literal: &Literal) -> bool {
    matches!(&literal.value, Some(literal::Value::Scalar(s)) if matches!(s.value, Some(scalar::Value::Blob(_))))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_node_comes_from_the_console_url() {
        assert_eq!(
            node_of_execution_url(
                "https://flyte.example/console/projects/p/domains/d/executions/abc/nodeId/n2/nodes"
            )
            .as_deref(),
            Some("n2")
        );
        assert_eq!(node_of_execution_url("https://flyte.example/console"), None);
    }

    use super::*;
    use flytekit_core::FlyteType;

    #[test]
    fn placeholders_and_empty_quotes_mean_absent() {
        assert_eq!(provided(Some("{{.prevCheckpointPrefix}}".into())), None);
        assert_eq!(provided(Some("\"\"".into())), None);
        assert_eq!(provided(Some(String::new())), None);
        assert_eq!(provided(Some("s3://b/k".into())), Some("s3://b/k".into()));
    }

    #[test]
    fn mapped_inputs_are_picked_by_depth() {
        let interface = flytekit_core::glue::interface(
            vec![
                ("x", i64::literal_type(), ""),
                ("ys", Vec::<i64>::literal_type(), ""),
                ("k", i64::literal_type(), ""),
            ],
            vec![],
        );
        let inputs = LiteralMap {
            literals: [
                ("x".to_string(), vec![10_i64, 20, 30].to_literal().unwrap()),
                (
                    "ys".to_string(),
                    vec![vec![1_i64], vec![2, 3]].to_literal().unwrap(),
                ),
                ("k".to_string(), 7_i64.to_literal().unwrap()),
            ]
            .into(),
        };
        let selected = select_element(inputs.clone(), &interface, 1).unwrap();
        assert_eq!(i64::from_literal(&selected.literals["x"]).unwrap(), 20);
        assert_eq!(
            Vec::<i64>::from_literal(&selected.literals["ys"]).unwrap(),
            vec![2, 3]
        );
        assert_eq!(i64::from_literal(&selected.literals["k"]).unwrap(), 7);
        assert_eq!(mapped_inputs(&inputs, &interface), vec!["x", "ys"]);
        let err = select_element(inputs, &interface, 5).unwrap_err();
        assert_eq!(
            err.message(),
            "array index 5 is out of range for input `x` of 3 elements"
        );
    }
}
