//! The command line of a user's binary: `list`, `run`, `execute`, `package`, `serialize`.

use std::io::Write;

use clap::{Parser, Subcommand};
use flytekit_core::reference::StandIn;
use flytekit_core::registry;
use flytekit_core::types::json::literal_map_to_json;

use crate::cli_inputs::{describe_inputs, parse_inputs};
use crate::entrypoint::{
    execute, fail_on_error, has_output_prefix, provided, ExecuteArgs, Outcome,
};
use crate::executor::{CacheMode, Executor, ExecutorOptions, GateValue, ProgressPrinter};
use crate::storage::Storage;

/// The Flyte tasks and workflows of this binary (flytekit-rs).
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// More log output (-v info, -vv debug); `RUST_LOG` works too.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the tasks, workflows, launch plans and reference entities in this binary.
    List {
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Run a task locally: `run add --a 1 --b 2` (`run add --help` lists its inputs).
    #[command(disable_help_flag = true)]
    Run {
        /// Print the outputs as one line of JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        flags: RunFlags,
        /// The entity: its full name or, when unambiguous, its function name.
        #[arg(allow_hyphen_values = true)]
        entity: String,
        /// The inputs, as `--name value`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        inputs: Vec<String>,
    },
    /// Write every task, workflow and launch plan as a `.tgz` for `flytectl register files`.
    Package {
        #[command(flatten)]
        options: PackageOptions,
        /// The archive to write.
        #[arg(short, long, default_value = "flyte-package.tgz")]
        output: std::path::PathBuf,
    },
    /// Write the same files as `package` into a folder (created if missing).
    Serialize {
        #[command(flatten)]
        options: PackageOptions,
        /// The folder to write into.
        #[arg(short, long, default_value = "flyte-specs")]
        output: std::path::PathBuf,
    },
    /// Write a Dockerfile that builds this binary and puts it in a small image for Flyte.
    Dockerfile {
        /// The binary target to build (default: this binary's name).
        #[arg(long)]
        bin: Option<String>,
        /// Path of the binary inside the image; give `package` the same (default:
        /// /usr/local/bin/<binary name>).
        #[arg(long)]
        entrypoint: Option<String>,
        /// The image the build stage runs in.
        #[arg(long, default_value = "rust:1-bookworm")]
        rust_image: String,
        /// The image tasks run in (Debian-based: the Dockerfile installs ca-certificates with apt).
        #[arg(long, default_value = "debian:bookworm-slim")]
        base_image: String,
        /// Write here instead of standard output.
        #[arg(short, long)]
        output: Option<std::path::PathBuf>,
    },
    /// Draw a workflow as a Graphviz DOT or Mermaid graph.
    Graph {
        /// The workflow: its full name or, when unambiguous, its function name.
        workflow: String,
        /// `dot` or `mermaid`.
        #[arg(long, default_value = "dot", value_parser = ["dot", "mermaid"])]
        format: String,
    },
    /// The task container entrypoint Flyte runs (FLYTE-CONTRACT section 3).
    Execute {
        /// Location of inputs.pb (`{{.input}}`).
        #[arg(long)]
        inputs: String,
        /// Where outputs.pb or error.pb go (`{{.outputPrefix}}`).
        #[arg(long)]
        output_prefix: String,
        /// Where files and directories go (`{{.rawOutputDataPrefix}}`).
        #[arg(long)]
        raw_output_data_prefix: Option<String>,
        /// Where this attempt's checkpoint goes (`{{.checkpointOutputPrefix}}`).
        #[arg(long)]
        checkpoint_path: Option<String>,
        /// The previous attempt's checkpoint (`{{.prevCheckpointPrefix}}`).
        #[arg(long)]
        prev_checkpoint: Option<String>,
        /// Marks a map-task sub-node (the map-task entity's args): runs element
        /// `FLYTE_K8S_ARRAY_INDEX` of every input not listed here (comma separated).
        #[arg(long, allow_hyphen_values = true)]
        bound_inputs: Option<String>,
        /// The task to run (its name), after `--`.
        #[arg(last = true, required = true)]
        task: Vec<String>,
    },
}

/// How `run` executes: `run`'s own flags, given before the entity name
/// (`run --isolated add --a 1`).
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct RunFlags {
    /// Run every task in a subprocess through this binary's `execute` entrypoint, as a cluster
    /// would.
    #[arg(long)]
    pub(crate) isolated: bool,
    /// Ignore the local cache: neither read nor write it.
    #[arg(long, conflicts_with = "overwrite_cache")]
    pub(crate) no_cache: bool,
    /// Run cached tasks anyway and replace their cached outputs.
    #[arg(long)]
    pub(crate) overwrite_cache: bool,
    /// Where the local cache lives (default: `$FLYTEKIT_CACHE_DIR`, else `~/.cache/flytekit-rs`).
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<std::path::PathBuf>,
    /// The value of a `wait_for_input` gate, as `NAME=VALUE` (repeatable).
    #[arg(long = "signal", value_name = "NAME=VALUE")]
    pub(crate) signals: Vec<String>,
    /// Approve an `approve` gate (repeatable).
    #[arg(long = "approve", value_name = "NAME")]
    pub(crate) approvals: Vec<String>,
    /// At most this many sync (CPU-bound) tasks at once (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub(crate) max_parallel: Option<usize>,
}

impl RunFlags {
    /// The executor options these flags ask for; progress lines go to stderr when `progress`.
    pub(crate) fn executor_options(&self, progress: bool) -> Result<ExecutorOptions, String> {
        let mut options = ExecutorOptions {
            isolated: self.isolated,
            cache: if self.no_cache {
                CacheMode::Bypass
            } else if self.overwrite_cache {
                CacheMode::Overwrite
            } else {
                CacheMode::Use
            },
            ..Default::default()
        };
        if let Some(dir) = &self.cache_dir {
            options.cache_dir = dir.clone();
        }
        if let Some(n) = self.max_parallel {
            if n == 0 {
                return Err("`--max-parallel` must be at least 1".to_string());
            }
            options.max_parallel_sync = n;
        }
        for signal in &self.signals {
            let Some((name, value)) = signal.split_once('=').filter(|(n, _)| !n.is_empty()) else {
                return Err(format!(
                    "`--signal {signal}`: give the signal as NAME=VALUE, such as `--signal threshold=0.5`"
                ));
            };
            options
                .gate_values
                .insert(name.to_string(), GateValue::Text(value.to_string()));
        }
        for name in &self.approvals {
            let yes = flytekit_core::types::primitive_literal(
                flytekit_idl::core::primitive::Value::Boolean(true),
            );
            options
                .gate_values
                .insert(name.clone(), GateValue::Literal(yes));
        }
        if progress {
            options.observer = Some(std::sync::Arc::new(ProgressPrinter));
        } else if registry::tasks().any(|task| task.config.enable_deck) {
            // Events cost something per node: only a binary with decks pays for this one.
            options.observer = Some(std::sync::Arc::new(crate::executor::DeckPrinter));
        }
        Ok(options)
    }
}

/// The flags `package` and `serialize` share.
#[derive(Debug, clap::Args)]
struct PackageOptions {
    /// The image tasks run in (`--image IMAGE`), plus named images for tasks that ask for one
    /// (`--image name=IMAGE`); repeat the flag.
    #[arg(long = "image", required = true, value_name = "IMAGE|NAME=IMAGE")]
    images: Vec<String>,
    /// Project of every identifier (default: left for `flytectl` to fill).
    #[arg(long, default_value = "")]
    project: String,
    /// Domain of every identifier (default: left for `flytectl` to fill).
    #[arg(long, default_value = "")]
    domain: String,
    /// Version of every identifier; `auto` hashes the specs and this binary (default: left for
    /// `flytectl register files --version`).
    #[arg(long, default_value = "")]
    version: String,
    /// Path of this binary inside the image (default: /usr/local/bin/<binary name>).
    #[arg(long)]
    entrypoint: Option<String>,
}

impl PackageOptions {
    fn into_args(self) -> crate::package::PackageArgs {
        crate::package::PackageArgs {
            images: self.images,
            project: self.project,
            domain: self.domain,
            version: self.version,
            entrypoint: self.entrypoint,
        }
    }
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    use std::io::IsTerminal;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// Runs the command line `args` (program name first) and returns the process exit code.
///
/// Exit with that code right away, as [`main`](crate::main) does: a sync task that timed out
/// may still be running on a thread no one can stop, and only the end of the process ends it.
pub fn run_cli<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() { 2 } else { 0 };
        }
    };
    init_logging(cli.verbose);
    // `execute` reports a clash of its own task in error.pb (see `entrypoint::run`), and does
    // not pay for checking every name; everything else stops here.
    let executing = matches!(cli.command, Command::Execute { .. });
    if let Some(Err(clashes)) = (!executing).then(registry::check_unique_names) {
        for clash in clashes {
            eprintln!("error: {clash}");
        }
        return 2;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return 1;
        }
    };
    let code = match cli.command {
        Command::List { json } => list(json),
        Command::Run {
            json,
            flags,
            entity,
            inputs,
        } => {
            use std::io::IsTerminal;
            let progress = cli.verbose > 0 || std::io::stderr().is_terminal();
            match flags.executor_options(progress) {
                Ok(options) => {
                    runtime.block_on(until_signal(run(&entity, &inputs, json, options), "run"))
                }
                Err(err) => {
                    eprintln!("error: {err}");
                    2
                }
            }
        }
        Command::Package { options, output } => crate::package::run(
            &options.into_args(),
            &crate::package::Output::Archive(output),
        ),
        Command::Serialize { options, output } => crate::package::run(
            &options.into_args(),
            &crate::package::Output::Folder(output),
        ),
        Command::Graph { workflow, format } => graph(&workflow, &format),
        Command::Dockerfile {
            bin,
            entrypoint,
            rust_image,
            base_image,
            output,
        } => {
            let mut options = crate::dockerfile::DockerfileOptions::for_this_binary();
            if let Some(bin) = bin {
                options.entrypoint = format!("/usr/local/bin/{bin}");
                options.bin = bin;
            }
            if let Some(entrypoint) = entrypoint {
                options.entrypoint = entrypoint;
            }
            options.rust_image = rust_image;
            options.base_image = base_image;
            let text = crate::dockerfile::dockerfile(&options);
            match output {
                None => {
                    print!("{text}");
                    0
                }
                Some(path) => match std::fs::write(&path, text) {
                    Ok(()) => 0,
                    Err(err) => {
                        eprintln!("error: cannot write {}: {err}", path.display());
                        1
                    }
                },
            }
        }
        // Joined with `outputs.pb`, an empty prefix would be a path at the root.
        Command::Execute {
            ref output_prefix, ..
        } if !has_output_prefix(output_prefix) => {
            eprintln!(
                "error: `--output-prefix` is empty; give the directory or URI outputs.pb and \
                 error.pb go to, such as `--output-prefix s3://bucket/metadata/n0/data/0`"
            );
            2
        }
        Command::Execute {
            inputs,
            output_prefix,
            raw_output_data_prefix,
            checkpoint_path,
            prev_checkpoint,
            bound_inputs,
            task,
        } => {
            let args = ExecuteArgs {
                bound_inputs: bound_inputs.map(|names| {
                    names
                        .split(',')
                        .filter(|name| !name.is_empty())
                        .map(str::to_string)
                        .collect()
                }),
                inputs,
                output_prefix,
                raw_output_data_prefix: provided(raw_output_data_prefix),
                checkpoint_path: provided(checkpoint_path),
                prev_checkpoint: provided(prev_checkpoint),
                task: task.join(" "),
            };
            let work = async {
                match execute(args, &Storage::new()).await {
                    Ok(Outcome::Succeeded | Outcome::OutputsIgnored) => 0,
                    Ok(Outcome::Failed) if fail_on_error() => 1,
                    Ok(Outcome::Failed) => 0,
                    Err(err) => {
                        eprintln!("error: could not write outputs.pb or error.pb: {err}");
                        1
                    }
                }
            };
            runtime.block_on(until_signal(work, "execute"))
        }
    };
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // Dropping the runtime would wait for every blocking-pool thread, among them the thread of
    // a sync task that timed out and may never end (Rust cannot stop a thread): the timeout is
    // reported and error.pb written already, so leave that thread behind; the process exit
    // that follows ends it.
    runtime.shutdown_background();
    crate::local::remove_spare_dirs();
    code
}

/// Runs `work` to its end, unless the process gets SIGTERM or SIGINT first: then `work` is
/// dropped, which cancels its async tasks and kills the processes of isolated tasks (they are
/// spawned with `kill_on_drop`; without this they would outlive the run, since only this
/// process gets a SIGTERM), and the exit code is the conventional 128 + the signal's number.
/// Nothing more is written: a stopped `execute` leaves neither outputs.pb nor error.pb (a
/// half-written one is a staging file, removed by the next attempt).
async fn until_signal(work: impl std::future::Future<Output = i32>, what: &str) -> i32 {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            return work.await;
        };
        tokio::select! {
            code = work => code,
            _ = term.recv() => {
                eprintln!("error: terminated (SIGTERM); `{what}` stopped its tasks");
                143
            }
            _ = int.recv() => {
                eprintln!("error: interrupted (SIGINT); `{what}` stopped its tasks");
                130
            }
        }
    }
    #[cfg(not(unix))]
    {
        tokio::select! {
            code = work => code,
            _ = tokio::signal::ctrl_c() => {
                eprintln!("error: interrupted; `{what}` stopped its tasks");
                130
            }
        }
    }
}

fn graph(name: &str, format: &str) -> i32 {
    use flytekit_core::workflow::graph::{render, GraphFormat};
    let Some(entry) = registry::workflow(name) else {
        eprintln!("error: no workflow named `{name}`; `list` shows what this binary has");
        return 2;
    };
    match flytekit_core::glue::build_workflow(entry) {
        Ok(compiled) => {
            let format = if format == "mermaid" {
                GraphFormat::Mermaid
            } else {
                GraphFormat::Dot
            };
            print!("{}", render(&compiled.template, format));
            0
        }
        Err(errors) => {
            for error in errors {
                eprintln!("error: {error}");
            }
            2
        }
    }
}

fn list(json: bool) -> i32 {
    let mut out = std::io::stdout().lock();
    for task in registry::tasks() {
        let line = if json {
            serde_json::json!({"kind": "task", "name": task.name(), "location": task.location()})
                .to_string()
        } else {
            format!("task  {:<50} {}", task.name(), task.short_description)
        };
        let _ = writeln!(out, "{}", line.trim_end());
    }
    for workflow in registry::workflows() {
        let line = if json {
            serde_json::json!({"kind": "workflow", "name": workflow.name(), "location": workflow.location()})
                .to_string()
        } else {
            format!(
                "workflow  {:<46} {}",
                workflow.name(),
                workflow.short_description
            )
        };
        let _ = writeln!(out, "{}", line.trim_end());
    }
    for plan in registry::launch_plans() {
        let workflow = (plan.workflow)().name();
        let line = if json {
            serde_json::json!({"kind": "launch_plan", "name": plan.name(), "workflow": workflow, "location": plan.location()})
                .to_string()
        } else {
            format!("launch plan  {:<43} launches {workflow}", plan.name())
        };
        let _ = writeln!(out, "{}", line.trim_end());
    }
    for reference in registry::references() {
        let kind = reference.kind.noun();
        let stand_in = reference.local.as_ref().map(|local| match local {
            StandIn::Task(entry) => entry().name(),
            StandIn::Workflow(entry) => entry().name(),
        });
        let line = if json {
            serde_json::json!({
                "kind": format!("reference_{}", kind.replace(' ', "_")),
                "name": reference.name,
                "project": reference.project,
                "domain": reference.domain,
                "version": reference.version,
                "local": stand_in,
                "location": reference.location(),
            })
            .to_string()
        } else {
            let local = match &stand_in {
                Some(name) => format!("; runs {name} locally"),
                None => String::new(),
            };
            // An empty field is filled at registration, with the package's own.
            let or_registration = |value: &str, what: &str| match value {
                "" => format!("<{what} of the registration>"),
                value => value.to_string(),
            };
            let registered = format!(
                "{}/{} version {}",
                or_registration(reference.project, "project"),
                or_registration(reference.domain, "domain"),
                or_registration(reference.version, "version")
            );
            let head = format!("reference {kind}");
            format!(
                "{head}  {:<width$} in {registered}{local}",
                reference.name,
                width = 54usize.saturating_sub(head.len())
            )
        };
        let _ = writeln!(out, "{}", line.trim_end());
    }
    0
}

const RUN_USAGE: &str = "Usage: run [OPTIONS] <ENTITY> [--<input> <value>]...

Runs a task locally and prints its outputs as JSON.
`run <ENTITY> --help` lists the entity's inputs; `list` lists the entities.

Options (before the entity):
      --json                 print the outputs as one line of JSON
      --isolated             run each task in a subprocess through `execute`, as a cluster would
      --no-cache             ignore the local cache
      --overwrite-cache      run cached tasks anyway and replace their cached outputs
      --cache-dir <DIR>      where the local cache lives
      --signal <NAME=VALUE>  the value of a `wait_for_input` gate (repeatable)
      --approve <NAME>       approve an `approve` gate (repeatable)
      --max-parallel <N>     at most N sync tasks at once
  -v, --verbose              progress lines and more logs";

async fn run(entity: &str, args: &[String], json: bool, options: ExecutorOptions) -> i32 {
    if entity == "--help" || entity == "-h" {
        println!("{RUN_USAGE}");
        return 0;
    }
    let Some(runnable) = Runnable::find(entity) else {
        eprintln!("error: no task or workflow named `{entity}`; `list` shows what this binary has");
        return 2;
    };
    let (interface, defaults) = match runnable.interface_and_defaults() {
        Ok(found) => found,
        Err(err) => {
            eprintln!("error: {err}");
            return 2;
        }
    };
    // `--json` after the entity means the flag too, unless the entity has an input named json.
    let has_json_input = interface
        .inputs
        .as_ref()
        .is_some_and(|i| i.variables.contains_key("json"));
    let json = json || (!has_json_input && args.iter().any(|a| a == "--json"));
    let args: Vec<String> = args
        .iter()
        .filter(|a| has_json_input || *a != "--json")
        .cloned()
        .collect();
    let args = args.as_slice();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!(
            "{} ({})\n\n{}\n\nInputs:\n{}",
            runnable.name(),
            runnable.kind(),
            runnable.short_description(),
            describe_inputs(&interface, &defaults)
        );
        return 0;
    }
    let inputs = match parse_inputs(args, &interface, &defaults) {
        Ok(inputs) => inputs,
        Err(err) => {
            eprintln!("error: {err}");
            return 2;
        }
    };
    let inputs = match runnable.with_fixed_inputs(inputs) {
        Ok(inputs) => inputs,
        Err(err) => {
            eprintln!("error: {err}");
            return 2;
        }
    };
    let executor = Executor::new(options);
    let result = match runnable {
        Runnable::Task(task) => executor
            .run_task(task, inputs)
            .await
            .map_err(|e| e.to_string()),
        Runnable::Workflow(workflow, compiled, _) => executor
            .run_workflow(&compiled.template, &compiled.sub_workflows, inputs)
            .await
            .map_err(|e| e.to_string())
            .map_err(|e| format!("workflow `{}`: {e}", workflow.name())),
    };
    match result {
        Ok(outputs) => match literal_map_to_json(&outputs) {
            Ok(value) if json => {
                println!("{value}");
                0
            }
            Ok(value) => {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string())
                );
                0
            }
            Err(err) => {
                eprintln!("error: the outputs have no JSON form: {err}");
                1
            }
        },
        Err(err) => {
            eprintln!("error: {err}");
            1
        }
    }
}

/// What `run` can run: a task, or a workflow (built once, here).
enum Runnable {
    Task(&'static flytekit_core::task::TaskEntry),
    Workflow(
        &'static flytekit_core::workflow::WorkflowEntry,
        Box<flytekit_core::workflow::CompiledWorkflow>,
        Option<&'static flytekit_core::launch_plan::LaunchPlanEntry>,
    ),
}

impl Runnable {
    fn find(name: &str) -> Option<Runnable> {
        if let Some(task) = registry::task(name) {
            return Some(Runnable::Task(task));
        }
        // A launch plan runs its workflow with the plan's fixed and default inputs.
        let (workflow, plan) = match registry::workflow(name) {
            Some(workflow) => (workflow, None),
            None => {
                let plan = registry::launch_plan(name)?;
                ((plan.workflow)(), Some(plan))
            }
        };
        match flytekit_core::glue::build_workflow(workflow) {
            Ok(compiled) => Some(Runnable::Workflow(workflow, Box::new(compiled), plan)),
            Err(errors) => {
                for error in errors {
                    eprintln!("error: {error}");
                }
                None
            }
        }
    }

    fn name(&self) -> String {
        match self {
            Runnable::Task(t) => t.name(),
            Runnable::Workflow(w, _, None) => w.name(),
            Runnable::Workflow(_, _, Some(plan)) => plan.name(),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Runnable::Task(_) => "task",
            Runnable::Workflow(_, _, None) => "workflow",
            Runnable::Workflow(_, _, Some(_)) => "launch plan",
        }
    }

    fn short_description(&self) -> &'static str {
        match self {
            Runnable::Task(t) => t.short_description,
            Runnable::Workflow(w, _, _) => w.short_description,
        }
    }

    fn interface_and_defaults(
        &self,
    ) -> Result<
        (
            flytekit_idl::core::TypedInterface,
            std::collections::BTreeMap<String, flytekit_idl::core::Literal>,
        ),
        String,
    > {
        let (interface, defaults, name) = match self {
            Runnable::Task(t) => (t.interface(), t.defaults(), t.name()),
            Runnable::Workflow(w, compiled, _) => (
                compiled.template.interface.clone().unwrap_or_default(),
                w.defaults(),
                w.name(),
            ),
        };
        let mut defaults = defaults.map_err(|err| {
            format!("the default of an input of `{name}` cannot be converted: {err}")
        })?;
        let mut interface = interface;
        if let Runnable::Workflow(_, _, Some(plan)) = self {
            // The plan's defaults replace the workflow's; its fixed inputs are not inputs.
            let plan_defaults = (plan.default_inputs)()
                .map_err(|e| format!("launch plan `{}`: {e}", plan.name()))?;
            defaults.extend(plan_defaults);
            let fixed =
                (plan.fixed_inputs)().map_err(|e| format!("launch plan `{}`: {e}", plan.name()))?;
            if let Some(inputs) = interface.inputs.as_mut() {
                inputs.variables.retain(|name, _| !fixed.contains_key(name));
            }
        }
        Ok((interface, defaults))
    }

    /// The launch plan's fixed inputs added to `inputs` (nothing for other entities).
    fn with_fixed_inputs(
        &self,
        mut inputs: flytekit_idl::core::LiteralMap,
    ) -> Result<flytekit_idl::core::LiteralMap, String> {
        if let Runnable::Workflow(_, _, Some(plan)) = self {
            let fixed =
                (plan.fixed_inputs)().map_err(|e| format!("launch plan `{}`: {e}", plan.name()))?;
            inputs.literals.extend(fixed);
        }
        Ok(inputs)
    }
}
