//! The StructuredDataset interop harness: a task binary's `execute` run as a Flyte pod would run
//! it, with Python flytekit (tests/python/dataset_peer.py) making its inputs and checking its
//! outputs, on the local disk or on the S3 test server. Shared by tests/structured_dataset.rs
//! (Arrow batches) and tests/polars (polars frames).

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

use crate::{python_dir, scratch_dir, PythonEnv, S3Server};

/// Runs tests/python/dataset_peer.py with `env`; returns its stdout, panics with its output
/// when it fails.
pub fn dataset_peer(python: &PythonEnv, args: &[&str], env: &[(&str, String)]) -> String {
    let mut command = python.command(python.python());
    command
        .arg(python_dir().join("dataset_peer.py"))
        .args(args)
        .current_dir(python_dir())
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    let output = command.output().expect("python starts");
    assert!(
        output.status.success(),
        "dataset_peer.py {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// [`dataset_peer`], its output read as JSON.
pub fn dataset_peer_json(python: &PythonEnv, args: &[&str], env: &[(&str, String)]) -> Value {
    let text = dataset_peer(python, args, env);
    serde_json::from_str(text.trim()).unwrap_or_else(|err| panic!("{err}: {text}"))
}

/// Where one task run keeps its metadata (inputs.pb, outputs.pb) and its raw data, and the
/// binary that runs it.
pub struct DatasetNode {
    /// The output prefix: inputs.pb, outputs.pb, error.pb.
    pub metadata: String,
    /// The raw output prefix.
    pub raw: String,
    /// The task's TMPDIR.
    pub tmp: PathBuf,
    /// The environment of the task and of the peer (the S3 server's, or none).
    pub env: Vec<(&'static str, String)>,
    binary: &'static str,
    python: PythonEnv,
}

impl DatasetNode {
    /// A node of `binary` on the local disk, under the scratch dir `<target_tmp>/<group>/<name>`.
    pub fn local(binary: &'static str, target_tmp: &str, group: &str, name: &str) -> Self {
        let dir = scratch_dir(target_tmp, group, name);
        DatasetNode {
            metadata: dir.display().to_string(),
            raw: dir.join("raw").display().to_string(),
            tmp: dir.join("tmp"),
            env: Vec::new(),
            binary,
            python: PythonEnv::get(target_tmp),
        }
    }

    /// A node of `binary` on the S3 server, its temp dir in a local scratch dir.
    pub fn s3(
        binary: &'static str,
        target_tmp: &str,
        group: &str,
        server: &S3Server,
        name: &str,
    ) -> Self {
        DatasetNode {
            metadata: server.uri(&format!("{group}/{name}/metadata")),
            raw: server.uri(&format!("{group}/{name}/raw")),
            tmp: scratch_dir(target_tmp, group, name).join("tmp"),
            env: server.env(),
            binary,
            python: PythonEnv::get(target_tmp),
        }
    }

    /// A file under the output prefix.
    pub fn file(&self, name: &str) -> String {
        format!("{}/{name}", self.metadata)
    }

    /// flytekit writes inputs.pb; its data frames go under this node's raw prefix.
    pub fn write_inputs(&self, specs: &[&str]) {
        let inputs = self.file("inputs.pb");
        let mut args = vec!["write-inputs", inputs.as_str(), self.raw.as_str()];
        args.extend(specs);
        dataset_peer(&self.python, &args, &self.env);
    }

    /// The binary's `execute`, as the container contract runs it.
    pub fn execute(&self, task: &str) -> Output {
        std::fs::create_dir_all(&self.tmp).unwrap();
        Command::new(self.binary)
            .env("TMPDIR", &self.tmp)
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())))
            .args(["execute", "--inputs", &self.file("inputs.pb")])
            .args(["--output-prefix", &self.metadata])
            .args(["--raw-output-data-prefix", &self.raw])
            .args(["--", task])
            .output()
            .expect("the test binary starts")
    }

    /// [`execute`](Self::execute), which must exit 0.
    pub fn execute_ok(&self, task: &str) {
        let output = self.execute(task);
        assert!(
            output.status.success(),
            "execute {task} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// flytekit checks outputs.pb (see dataset_peer.py `read-outputs`).
    pub fn check_outputs(&self, check: &str, rows: usize) -> Value {
        let outputs = self.file("outputs.pb");
        dataset_peer_json(
            &self.python,
            &["read-outputs", &outputs, check, &rows.to_string()],
            &self.env,
        )
    }

    /// error.pb, as JSON (`code`, `message`, `kind`).
    pub fn error(&self) -> Value {
        dataset_peer_json(
            &self.python,
            &["read-error", &self.file("error.pb")],
            &self.env,
        )
    }
}

/// The folder name a table's uri ends in, checked to be a fresh flytekit-style random part (32
/// hex digits) right under `raw`.
pub fn random_part<'a>(uri: &'a str, raw: &str) -> &'a str {
    let rest = uri
        .strip_prefix(raw)
        .and_then(|rest| rest.strip_prefix('/'))
        .unwrap_or_else(|| panic!("`{uri}` is not under `{raw}`"));
    assert_eq!(rest.len(), 32, "{uri}");
    assert!(rest.bytes().all(|b| b.is_ascii_hexdigit()), "{uri}");
    rest
}
