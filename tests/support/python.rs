//! A Python venv with flytekit and flyteidl, created on demand and shared by every test process.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The folder of the Python scripts and sample modules used by the interop tests.
pub fn python_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("python")
}

/// A ready venv holding the packages pinned in `tests/python/requirements.txt`.
#[derive(Debug, Clone)]
pub struct PythonEnv {
    root: PathBuf,
    /// `TMPDIR` of the Python processes this test process starts (see [`scratch_tmp`]).
    tmp: PathBuf,
}

impl PythonEnv {
    /// The venv under `target_tmp` (pass `env!("CARGO_TARGET_TMPDIR")`), created if missing or
    /// out of date.
    ///
    /// Several test processes may call this at once: a file lock makes one of them install while
    /// the others wait. Panics with pip's output when the install fails, since every interop test
    /// depends on it.
    pub fn get(target_tmp: &str) -> PythonEnv {
        static ENV: OnceLock<PythonEnv> = OnceLock::new();
        ENV.get_or_init(|| {
            let root = Path::new(target_tmp).join("flytekit-pyenv");
            if let Err(err) = ensure_venv(&root) {
                panic!(
                    "could not set up the Python venv at {}: {err}",
                    root.display()
                );
            }
            let tmp = scratch_tmp(Path::new(target_tmp));
            PythonEnv { root, tmp }
        })
        .clone()
    }

    /// The venv's `python` executable.
    pub fn python(&self) -> PathBuf {
        self.root.join("bin").join("python")
    }

    /// A console script installed in the venv, such as `pyflyte`.
    pub fn script(&self, name: &str) -> PathBuf {
        self.root.join("bin").join(name)
    }

    /// A command for a console script of the venv, with the venv on `PATH` and flytekit's
    /// telemetry and remote lookups switched off.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![self.root.join("bin")];
        paths.extend(std::env::split_paths(&path));
        command
            .env(
                "PATH",
                std::env::join_paths(paths).expect("PATH is joinable"),
            )
            .env("VIRTUAL_ENV", &self.root)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("FLYTE_SDK_LOGGING_LEVEL", "40")
            .env("TMPDIR", &self.tmp);
        command
    }

    /// Runs `tests/python/<script>` with `args` and returns its stdout; panics with both output
    /// streams when the script fails.
    pub fn run_script(&self, script: &str, args: &[&std::ffi::OsStr]) -> String {
        let mut command = self.command(self.python());
        command
            .arg(python_dir().join(script))
            .args(args)
            .current_dir(python_dir());
        expect_success(&format!("python {script}"), command.output())
    }
}

/// A temp dir for the Python processes of this test process: `python-tmp/<pid>` under
/// `target_tmp`.
///
/// flytekit makes a `flyte*` folder in the temp dir at every import and never removes it, so the
/// system temp dir would fill up run after run. Here the folders stay inside the target dir, and
/// the folders of earlier test processes (untouched for an hour: no test runs that long) are
/// removed on the way in.
fn scratch_tmp(target_tmp: &Path) -> PathBuf {
    let parent = target_tmp.join("python-tmp");
    let stale = std::time::Duration::from_secs(3600);
    for entry in fs::read_dir(&parent).into_iter().flatten().flatten() {
        let age = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok());
        if age.is_some_and(|age| age > stale) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
    let dir = parent.join(std::process::id().to_string());
    if let Err(err) = fs::create_dir_all(&dir) {
        panic!("could not create {}: {err}", dir.display());
    }
    dir
}

/// Returns stdout of a finished command; panics with everything it printed when it failed.
pub(crate) fn expect_success(what: &str, output: std::io::Result<Output>) -> String {
    let output = output.unwrap_or_else(|err| panic!("could not start `{what}`: {err}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        panic!(
            "`{what}` failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    stdout
}

fn ensure_venv(root: &Path) -> Result<(), String> {
    let requirements = python_dir().join("requirements.txt");
    let wanted = fs::read_to_string(&requirements).map_err(|e| e.to_string())?;
    let marker = root.join("installed-requirements.txt");
    fs::create_dir_all(root.parent().unwrap_or(root)).map_err(|e| e.to_string())?;

    let lock_path = root.with_extension("lock");
    let lock = File::create(&lock_path).map_err(|e| format!("{}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("locking {}: {e}", lock_path.display()))?;

    if fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(());
    }
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string());
    eprintln!(
        "setting up the Python venv for interop tests at {}",
        root.display()
    );
    let _ = fs::remove_dir_all(root);
    run(Command::new(&python).args(["-m", "venv"]).arg(root))?;
    let pip = root.join("bin").join("pip");
    run(Command::new(&pip)
        .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(&requirements))?;
    fs::write(&marker, wanted).map_err(|e| e.to_string())?;
    Ok(())
}

fn run(command: &mut Command) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}
