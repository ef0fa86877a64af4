//! An S3-compatible server on 127.0.0.1 (moto, from the test venv), shared by every test of a
//! process, with the environment that points flytekit-rs, flytekit and boto3 at it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use crate::python::{python_dir, PythonEnv};

/// The bucket every storage test writes into.
pub const BUCKET: &str = "flytekit-rs-tests";

/// A running server. It stops when this test process ends: it reads its standard input until
/// the pipe held here closes.
#[derive(Debug)]
pub struct S3Server {
    port: u16,
    /// Kept open for the life of the process; closing it stops the server.
    _process: Mutex<Child>,
}

impl S3Server {
    /// The server of this test process, started on first use (a free port on 127.0.0.1, with
    /// [`BUCKET`] created). Panics with the server's output when it cannot start.
    pub fn get(python: &PythonEnv) -> &'static S3Server {
        static SERVER: OnceLock<S3Server> = OnceLock::new();
        SERVER.get_or_init(|| {
            let mut child = python
                .command(python.python())
                .arg(python_dir().join("s3_server.py"))
                .arg(BUCKET)
                .envs(Self::credentials())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .unwrap_or_else(|err| panic!("cannot start the S3 test server: {err}"));
            let stdout = child.stdout.take().expect("stdout is piped");
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let port = line
                .trim()
                .strip_prefix("port ")
                .and_then(|port| port.parse().ok())
                .unwrap_or_else(|| {
                    let _ = child.kill();
                    panic!("the S3 test server did not start (it printed {line:?})")
                });
            S3Server {
                port,
                _process: Mutex::new(child),
            }
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `s3://<BUCKET>/<key>`.
    pub fn uri(&self, key: &str) -> String {
        format!("s3://{BUCKET}/{key}")
    }

    /// The environment of a process that uses the server: flytekit-rs and flytekit read the
    /// `FLYTE_AWS_*` variables, boto3 (tests/python/storage_peer.py) `S3_ENDPOINT`. Explicit test
    /// credentials, and the instance-metadata lookups switched off, so nothing reaches any
    /// address but 127.0.0.1.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let mut env = Self::credentials();
        env.extend([
            ("FLYTE_AWS_ENDPOINT", self.endpoint()),
            ("S3_ENDPOINT", self.endpoint()),
        ]);
        env
    }

    fn credentials() -> Vec<(&'static str, String)> {
        [
            ("FLYTE_AWS_ACCESS_KEY_ID", "test"),
            ("FLYTE_AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect()
    }
}

/// A command that runs `program` with the server's environment.
pub fn with_server(mut command: Command, server: &S3Server) -> Command {
    command.envs(server.env());
    command
}
