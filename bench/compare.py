#!/usr/bin/env python3
"""flytekit-rs side by side with Python flytekit, in one command.

    python3 bench/compare.py            # the full suite; writes the table into docs/benchmarks.md
    python3 bench/compare.py --quick    # CI smoke mode: tiny sizes, one repetition, prints the table

Standard library only. What it does:

1. sets up Python flytekit (pinned in tests/python/requirements.txt) in a venv if missing: the
   one the interop tests use (target/tmp/flytekit-pyenv, same lock file and marker), or `--venv`;
2. generates, under target/bench/{full,quick}/, Rust crates (each its own `[workspace]`,
   depending on the workspace's `flytekit` by path, sharing the target dir target/bench/target)
   and Python modules of the same shapes, and builds the crates with `cargo build --release`
   (quick mode: the dev profile in the workspace's target dir, reusing what `cargo test
   --workspace` built);
3. runs each comparison A/B alternating (flytekit-rs, then flytekit, N times) and reports the
   median, min and max wall time (the harness's clock around each process) and peak memory
   (`/usr/bin/time -f %M`; `apt-get install time` if it is missing);
4. prints the table and, in full mode, writes it into docs/benchmarks.md between
   `<!-- bench:begin -->` and `<!-- bench:end -->`.

The comparisons (issue 8): 1 container cold start (`execute` vs `pyflyte-execute`), 2 packaging
(`package` vs `pyflyte package`), 3 local execution (`run` vs calling the flytekit workflow),
4 literal conversion (round trip through protobuf bytes), 5 build cost (`#[task]`/`#[workflow]`
vs the same plain functions; clean and after editing one task; binary size; the two builds
again in the dev profile, reported without a target), 6 the edit loop (edit one task, dev build,
`package`, vs edit and `pyflyte package`), with cargo's defaults and with the guide's dev
profile.

A comparison whose flytekit-rs side is not there yet (an older binary without `package`, or a
`run` that does not run workflows) is reported as `skipped: <reason>`; any other failure is an
`error` row and makes the script exit 1. Every row is also printed as a line `row <id>: ...`
(tests/bench_harness.rs checks them).
"""

import argparse
import datetime
import fcntl
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "target"
BENCH = TARGET / "bench"
# Where and how the generated crates are built: full mode uses the release profile in a target
# dir of its own (shared by all generated crates, so flytekit's dependencies build once); quick
# mode uses the dev profile in the workspace's own target dir, so it reuses what
# `cargo test --workspace` already built.
BUILD = {"target": BENCH / "target", "profile": "release", "flytekit": ROOT / "crates" / "flytekit"}
# The generated sources and scratch files of one mode (target/bench/full or target/bench/quick):
# a `cargo test` running the quick mode must not rewrite what a full run is measuring. A lock
# file per mode makes two runs of the same mode wait for each other. Set in main().
CRATES = PYMODS = WORK = None
REQUIREMENTS = ROOT / "tests" / "python" / "requirements.txt"
# The workspace's target dir (where `cargo test` builds) and the interop tests' venv inside it.
WORKSPACE_TARGET = Path(os.environ.get("CARGO_TARGET_DIR") or TARGET).resolve()
DEFAULT_VENV = WORKSPACE_TARGET / "tmp" / "flytekit-pyenv"
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
IMAGE = "ghcr.io/x/y:1"
RESOLVER = "flytekit.core.python_auto_container.default_task_resolver"
MIB = 1024 * 1024

# Every row the suite prints, in order (ids are stable; tests/bench_harness.rs lists them too).
ROW_IDS = [
    "cold-start",
    "package-small",
    "package-large",
    "run-chain",
    "run-map",
    "run-sleeps",
    "literal-floats",
    "literal-points",
    "build-clean",
    "build-incremental",
    "binary-size",
    "build-dev-clean",
    "build-dev-incremental",
    "edit-loop",
    "edit-loop-lines",
]

# The build rows, measured together per cargo profile: the mode's own profile (release in the
# full suite: what issue 8's target 5 is about), and the dev profile (what a user iterates with),
# reported beside it, unjudged.
BUILD_GROUPS = {
    None: ["build-clean", "build-incremental", "binary-size"],
    "dev": ["build-dev-clean", "build-dev-incremental"],
}

SIZES = {
    "full": {
        "reps": 5,
        "slow_reps": 3,  # for a case whose flytekit run takes more than SLOW_SECONDS
        "build_reps": 3,
        "package": {"package-small": (200, 50), "package-large": (1000, 250)},
        "build": "package-small",
        "chain": 200,
        "map": 10_000,
        "sleeps": 50,
        "floats": 1_000_000,
        "points": 100_000,
        "warmup": True,
    },
    "quick": {
        "reps": 1,
        "slow_reps": 1,
        "build_reps": 1,
        "package": {"package-small": (8, 2), "package-large": (16, 4)},
        "build": "package-small",
        "chain": 5,
        "map": 20,
        "sleeps": 4,
        "floats": 10_000,
        "points": 1_000,
        "warmup": False,
    },
}
SLOW_SECONDS = 20.0
TASKS_PER_WORKFLOW = 4


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


class Skip(Exception):
    """The comparison cannot run yet; the message says why."""


# ---------------------------------------------------------------------------------------------
# measuring


class Sample:
    def __init__(self, seconds, rss_kib, stdout, stderr, cpu_seconds=None):
        self.seconds = seconds
        self.rss_kib = rss_kib
        # user + system CPU time of the command and what it waited for (wait4's rusage of the
        # GNU time wrapper includes the command it reaped)
        self.cpu_seconds = cpu_seconds
        self.stdout = stdout
        self.stderr = stderr


# GNU time measures peak memory (`%M`, ru_maxrss of the command). It is needed: a child forked
# by this (Python) process starts with Python's own resident pages, and the kernel counts them in
# the child's ru_maxrss, which makes every small command look like ~18 MiB. GNU time forks from a
# ~1 MiB process. Its start (~1 ms) is inside the timed span, on both sides alike.
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run_measured(cmd, cwd=None, env=None, timeout=3600, check=True):
    """Runs cmd, returns a Sample: wall time (perf_counter around spawn and wait) and peak RSS
    in KiB (from `/usr/bin/time -f %M`, else wait4's ru_maxrss: an upper bound, see GNU_TIME).
    Output goes to temp files, so it never blocks."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r", suffix=".rss") as rss_file:
        argv = [str(c) for c in cmd]
        if GNU_TIME:
            argv = [GNU_TIME, "-f", "%M", "-o", rss_file.name, *argv]
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise RuntimeError(f"timed out after {timeout} s: {' '.join(map(str, cmd))}")
            # short sleeps first so sub-10 ms runs are not rounded up
            elapsed = time.perf_counter() - start
            time.sleep(0.0002 if elapsed < 0.05 else 0.002 if elapsed < 1 else 0.02)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
        rss_kib = usage.ru_maxrss
        if GNU_TIME:
            lines = rss_file.read().split()
            if lines and lines[-1].isdigit():
                rss_kib = int(lines[-1])
    if check and proc.returncode != 0:
        raise RuntimeError(
            f"`{' '.join(map(str, cmd))}` exited with {proc.returncode}\n"
            f"--- stdout\n{stdout[-3000:]}\n--- stderr\n{stderr[-3000:]}"
        )
    return Sample(seconds, rss_kib, stdout, stderr, usage.ru_utime + usage.ru_stime)


def run_checked(cmd, cwd=None, env=None, timeout=3600):
    return run_measured(cmd, cwd=cwd, env=env, timeout=timeout).stdout


class Side:
    """One side of a comparison: a command, an optional untimed step before each run, a check of
    each run's result and, optionally, a metric taken from the output instead of the wall time."""

    def __init__(self, cmd, cwd=None, env=None, prepare=None, check=None, metric=None):
        self.cmd, self.cwd, self.env = cmd, cwd, env
        self.prepare, self.check, self.metric = prepare, check, metric
        self.seconds, self.rss = [], []

    def once(self, record=True, timeout=3600):
        if self.prepare:
            self.prepare()
        sample = run_measured(self.cmd, cwd=self.cwd, env=self.env, timeout=timeout)
        if self.check:
            self.check(sample)
        value = self.metric(sample) if self.metric else sample.seconds
        if record:
            self.seconds.append(value)
            self.rss.append(sample.rss_kib * 1024)
        return value


def alternate(sides, reps, warmup, slow_reps=None):
    """Runs the sides A/B alternating, `reps` times each, after an untimed warm-up run of each
    (page cache, .pyc files). When a side's first run takes more than SLOW_SECONDS, the number of
    repetitions drops to `slow_reps`."""
    if warmup:
        for side in sides:
            side.once(record=False)
    i = 0
    while i < reps:
        for side in sides:
            side.once()
        i += 1
        if slow_reps and i == 1 and max(s.seconds[0] for s in sides) > SLOW_SECONDS:
            reps = min(reps, slow_reps)


def stats(values):
    return statistics.median(values), min(values), max(values)


# ---------------------------------------------------------------------------------------------
# formatting


def fmt_seconds(s):
    if s >= 100:
        return f"{s:.0f} s"
    if s >= 10:
        return f"{s:.1f} s"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 0.01:
        return f"{s * 1000:.0f} ms"
    return f"{s * 1000:.1f} ms"


def fmt_time_stats(values):
    med, lo, hi = stats(values)
    if len(values) == 1:
        return fmt_seconds(med)
    return f"{fmt_seconds(med)} ({fmt_seconds(lo)}–{fmt_seconds(hi)})"


def fmt_bytes(b):
    if b >= 10 * MIB:
        return f"{b / MIB:.0f} MiB"
    return f"{b / MIB:.1f} MiB"


def fmt_ratio(r):
    if r >= 100:
        return f"{r:,.0f}x"
    if r >= 10:
        return f"{r:.0f}x"
    return f"{r:.2f}x" if r < 1 else f"{r:.1f}x"


class Row:
    def __init__(self, rid, case, target=""):
        self.id, self.case, self.target = rid, case, target
        self.ours = self.theirs = self.ratio = self.mem = ""
        self.verdict = ""
        self.status = "ok"
        self.note = ""

    def cells(self):
        if self.status != "ok":
            return [self.case, f"{self.status}: {self.note}", "", "", "", self.target, "—"]
        return [self.case, self.ours, self.theirs, self.ratio, self.mem, self.target, self.verdict]


HEADER = ["case", "flytekit-rs: median (min–max)", "flytekit", "ratio", "peak RSS (rs / py)",
          "target", "met?"]


def markdown_table(rows):
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row.cells()) + " |")
    return "\n".join(lines)


def verdict(ok):
    return "met" if ok else "**missed**"


# ---------------------------------------------------------------------------------------------
# the Python venv


def ensure_venv(root):
    """The venv at `root` with the pinned requirements, created if missing or out of date; the
    same lock file and marker as tests/support/python.rs, so tests and benchmarks share it."""
    wanted = REQUIREMENTS.read_text()
    marker = root / "installed-requirements.txt"
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(root.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists() and marker.read_text() == wanted:
            return root
        log(f"setting up the Python venv at {root} (flytekit from {REQUIREMENTS.name})")
        shutil.rmtree(root, ignore_errors=True)
        python = os.environ.get("PYTHON", "python3")
        run_checked([python, "-m", "venv", root], timeout=600)
        run_checked([root / "bin" / "pip", "install", "--quiet", "--disable-pip-version-check",
                     "-r", REQUIREMENTS], timeout=1800)
        marker.write_text(wanted)
    return root


def python_env(venv):
    env = dict(os.environ)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["PYTHONPATH"] = str(PYMODS)
    env["FLYTE_SDK_LOGGING_LEVEL"] = "40"
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a real image has its .pyc files
    # flytekit makes a `flyte*` folder in the temp dir at every import and never removes it (a
    # full run would leave thousands in /tmp): give the Python side a temp dir of the run's own.
    env["TMPDIR"] = str(python_tmp())
    return env


def python_tmp():
    """The temp dir of this run's Python processes: WORK/python-tmp, emptied when a run starts
    (main() removes it again at the end)."""
    return WORK / "python-tmp"


# ---------------------------------------------------------------------------------------------
# generated sources

GENERATED = "Generated by bench/compare.py; do not edit (it is rewritten on every run)."


def write_if_changed(path, text):
    """Writes only when the content differs, so cargo does not rebuild unchanged crates."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def cargo_toml(name, bins, tokio=False):
    flytekit = BUILD["flytekit"]
    deps = f'flytekit = {{ path = "{flytekit}" }}\n'
    if tokio:
        deps += 'tokio = { version = "1", features = ["time"] }\n'
    bin_tables = "".join(f'\n[[bin]]\nname = "{b}"\npath = "src/{p}"\n' for b, p in bins)
    return (
        f"# {GENERATED}\n[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n"
        f"publish = false\n{bin_tables}\n[dependencies]\n{deps}\n"
        "# Not a member of the flytekit-rs workspace.\n[workspace]\n"
    )


def task_name(i):
    return f"t{i}"


def workflow_tasks(j, n):
    return [(j * TASKS_PER_WORKFLOW + k) % n for k in range(TASKS_PER_WORKFLOW)]


def rust_shape(n, m, macros, t0_offset=0):
    """n tasks and m workflows, each workflow chaining TASKS_PER_WORKFLOW tasks; with
    `macros=False` the same functions as plain Rust (reachable from main through fn tables)."""
    out = [f"//! {GENERATED}\n"]
    if macros:
        out.append("use flytekit::prelude::*;\n")
    for i in range(n):
        offset = i + (t0_offset if i == 0 else 0)
        out.append(f"\n/// Task {i}: scales and shifts a number.\n")
        if macros:
            out.append("#[task]\n")
        out.append(f"fn {task_name(i)}(x: i64) -> i64 {{\n    x.wrapping_mul(3).wrapping_add({offset})\n}}\n")
    for j in range(m):
        ts = workflow_tasks(j, n)
        out.append(f"\n/// Workflow {j}: a chain of {len(ts)} tasks.\n")
        if macros:
            out.append("#[workflow]\n")
        out.append(f"fn w{j}(x: i64) -> i64 {{\n")
        prev = "x"
        for k, t in enumerate(ts[:-1]):
            out.append(f"    let v{k} = {task_name(t)}({prev});\n")
            prev = f"v{k}"
        out.append(f"    {task_name(ts[-1])}({prev})\n}}\n")
    if not macros:
        tasks = ", ".join(task_name(i) for i in range(n))
        workflows = ", ".join(f"w{j}" for j in range(m))
        out.append(f"\nstatic TASKS: [fn(i64) -> i64; {n}] = [{tasks}];\n")
        out.append(f"static WORKFLOWS: [fn(i64) -> i64; {m}] = [{workflows}];\n")
        out.append("\nfn main() {\n    std::hint::black_box((&TASKS, &WORKFLOWS));\n"
                   "    flytekit::main()\n}\n")
    else:
        out.append("\nfn main() {\n    flytekit::main()\n}\n")
    return "".join(out)


def python_shape(n, m):
    out = [f'"""{GENERATED}"""\n\nfrom flytekit import task, workflow\n']
    for i in range(n):
        out.append(f'\n\n@task\ndef {task_name(i)}(x: int) -> int:\n    """Task {i}: scales and shifts a number."""\n    return x * 3 + {i}\n')
    for j in range(m):
        ts = workflow_tasks(j, n)
        out.append(f'\n\n@workflow\ndef w{j}(x: int) -> int:\n    """Workflow {j}: a chain of {len(ts)} tasks."""\n')
        prev = "x"
        for k, t in enumerate(ts):
            out.append(f"    v{k} = {task_name(t)}(x={prev})\n")
            prev = f"v{k}"
        out.append(f"    return {prev}\n")
    return "".join(out)


def rust_run_crate(sz):
    chain = "".join(
        f"    let v{k} = inc({'x' if k == 0 else f'v{k - 1}'});\n" for k in range(sz["chain"] - 1)
    )
    last = "x" if sz["chain"] == 1 else f"v{sz['chain'] - 2}"
    naps = "".join(f"    nap({k});\n" for k in range(sz["sleeps"]))
    return f"""//! {GENERATED}
//! The cold-start, local-execution and literal shapes; the Python twin is bench_run/.
use flytekit::prelude::*;

/// Adds one: the task of the cold-start comparison.
#[task]
fn add_one(x: i64) -> i64 {{
    x + 1
}}

/// Adds one: the link of the chain.
#[task]
fn inc(x: i64) -> i64 {{
    x + 1
}}

/// A chain of {sz['chain']} tasks.
#[workflow]
fn chain(x: i64) -> i64 {{
{chain}    inc({last})
}}

/// The numbers 0..n.
#[task]
fn numbers(n: i64) -> Vec<i64> {{
    (0..n).collect()
}}

/// Squares one number.
#[task]
fn square(x: i64) -> i64 {{
    x * x
}}

/// Adds numbers up.
#[task]
fn total(xs: Vec<i64>) -> i64 {{
    xs.iter().sum()
}}

/// A map over n elements.
#[workflow]
fn squares(n: i64) -> i64 {{
    let xs = numbers(n);
    let sq = map_task(square, xs);
    total(sq)
}}

/// Sleeps 100 ms.
#[task]
async fn nap(i: i64) -> i64 {{
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    i
}}

/// {sz['sleeps']} independent sleeps.
#[workflow]
fn naps() {{
{naps}}}

/// One sleep.
#[workflow]
fn one_nap() {{
    nap(0);
}}

fn main() {{
    flytekit::main()
}}
"""


RUST_LITERALS = f"""//! {GENERATED}
//! Literal conversion: `literals floats N` / `literals points N` builds the values, then times
//! one round trip (to literal, protobuf bytes, literal, back) and prints it as JSON.
use flytekit::idl::core::Literal;
use flytekit::idl::prost::Message;
use flytekit::prelude::*;

/// A point: the same dataclass as `Point` in bench_run/literals.py.
#[derive(Debug, Clone, PartialEq, FlyteType)]
struct Point {{
    x: f64,
    y: f64,
    label: String,
}}

fn round_trip<T: FlyteType + PartialEq>(value: &T) {{
    let start = std::time::Instant::now();
    let bytes = value.to_literal().unwrap().encode_to_vec();
    let back = T::from_literal(&Literal::decode(bytes.as_slice()).unwrap()).unwrap();
    let seconds = start.elapsed().as_secs_f64();
    assert!(back == *value, "the round trip changed the value");
    println!("{{{{\\"seconds\\": {{seconds}}, \\"bytes\\": {{}}}}}}", bytes.len());
}}

fn main() {{
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args[2].parse().unwrap();
    match args[1].as_str() {{
        "floats" => round_trip(&(0..n).map(|i| i as f64 * 0.5).collect::<Vec<f64>>()),
        "points" => round_trip(
            &(0..n)
                .map(|i| Point {{
                    x: i as f64,
                    y: -(i as f64),
                    label: format!("p{{i}}"),
                }})
                .collect::<Vec<Point>>(),
        ),
        other => panic!("unknown case {{other}}"),
    }}
}}
"""


def python_run_module(sz):
    chain = "".join(
        f"    v{k} = inc(x={'x' if k == 0 else f'v{k - 1}'})\n" for k in range(sz["chain"])
    )
    naps = "".join(f"    nap(i={k})\n" for k in range(sz["sleeps"]))
    return f'''"""{GENERATED}
The twin of the Rust crate fkbench_run."""

import time
import typing

from flytekit import map_task, task, workflow


@task
def add_one(x: int) -> int:
    return x + 1


@task
def inc(x: int) -> int:
    return x + 1


@workflow
def chain(x: int) -> int:
{chain}    return v{sz["chain"] - 1}


@task
def numbers(n: int) -> typing.List[int]:
    return list(range(n))


@task
def square(x: int) -> int:
    return x * x


@task
def total(xs: typing.List[int]) -> int:
    return sum(xs)


@workflow
def squares(n: int) -> int:
    xs = numbers(n=n)
    sq = map_task(square)(x=xs)
    return total(xs=sq)


@task
def nap(i: int) -> int:
    time.sleep(0.1)
    return i


@workflow
def naps():
{naps}

@workflow
def one_nap():
    nap(i=0)
'''


PYTHON_LITERALS = f'''"""{GENERATED}
Literal conversion with flytekit's TypeEngine: `python literals.py floats N` builds the values,
times one round trip (to literal, protobuf bytes, literal, back) and prints it as JSON."""

import json
import sys
import time
import typing
from dataclasses import dataclass

from flytekit import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.literals import Literal
from flyteidl.core import literals_pb2


@dataclass
class Point:
    x: float
    y: float
    label: str


def main():
    kind, n = sys.argv[1], int(sys.argv[2])
    if kind == "floats":
        values, python_type = [i * 0.5 for i in range(n)], typing.List[float]
    else:
        values = [Point(float(i), -float(i), f"p{{i}}") for i in range(n)]
        python_type = typing.List[Point]
    ctx = FlyteContextManager.current_context()
    literal_type = TypeEngine.to_literal_type(python_type)
    start = time.perf_counter()
    literal = TypeEngine.to_literal(ctx, values, python_type, literal_type)
    data = literal.to_flyte_idl().SerializeToString()
    back = Literal.from_flyte_idl(literals_pb2.Literal.FromString(data))
    out = TypeEngine.to_python_value(ctx, back, python_type)
    seconds = time.perf_counter() - start
    assert out == values, "the round trip changed the value"
    print(json.dumps({{"seconds": seconds, "bytes": len(data)}}))


main()
'''

PYTHON_WRITE_INPUTS = f'''"""{GENERATED}
Writes inputs.pb for add_one(x=41) with flytekit's TypeEngine; reads an outputs.pb back."""

import sys

from flytekit import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.literals import LiteralMap
from flyteidl.core import literals_pb2

ctx = FlyteContextManager.current_context()
if sys.argv[1] == "write":
    literal = TypeEngine.to_literal(ctx, 41, int, TypeEngine.to_literal_type(int))
    with open(sys.argv[2], "wb") as f:
        f.write(LiteralMap(literals={{"x": literal}}).to_flyte_idl().SerializeToString())
else:
    proto = literals_pb2.LiteralMap()
    with open(sys.argv[2], "rb") as f:
        proto.ParseFromString(f.read())
    outputs = LiteralMap.from_flyte_idl(proto)
    print(TypeEngine.to_python_value(ctx, outputs.literals["o0"], int))
'''


class Crate:
    def __init__(self, name, bins=None):
        self.name = name
        self.dir = CRATES / name
        self.bins = bins or [(name, "main.rs")]

    def binary(self, name=None):
        subdir = "release" if BUILD["profile"] == "release" else "debug"
        return BUILD["target"] / subdir / (name or self.name)

    def write(self, files, tokio=False):
        write_if_changed(self.dir / "Cargo.toml", cargo_toml(self.name, self.bins, tokio))
        for rel, text in files.items():
            write_if_changed(self.dir / "src" / rel, text)
        # The workspace's dependency versions, so builds are shared (cargo adds this crate to
        # the copy and drops what it does not use); copied again whenever the workspace's changes.
        lock = BUILD["flytekit"].parent.parent / "Cargo.lock"
        snapshot = self.dir / "workspace.lock"
        if lock.exists() and (not snapshot.exists() or snapshot.read_bytes() != lock.read_bytes()):
            shutil.copyfile(lock, self.dir / "Cargo.lock")
            shutil.copyfile(lock, snapshot)

    def cargo(self, *args):
        return [cargo_bin(), *args, "--manifest-path", self.dir / "Cargo.toml"]


def profile_args(profile=None):
    """cargo's flags for `profile` ("release" or "dev"; the mode's own profile by default)."""
    profile = profile or BUILD["profile"]
    return ["--release"] if profile == "release" else ["--profile", "dev"]


def cargo_bin():
    return os.environ.get("CARGO", "cargo")


def cargo_env():
    env = dict(os.environ)
    env["CARGO_TARGET_DIR"] = str(BUILD["target"])
    env.pop("CARGO_BUILD_TARGET_DIR", None)
    env.pop("CARGO_PRIMARY_PACKAGE", None)
    return env


def generate(sz):
    """Writes every crate and Python module; returns the crates by role."""
    crates = {}
    run = Crate("fkbench_run", bins=[("fkbench_run", "main.rs"), ("fkbench_literals", "literals.rs")])
    run.write({"main.rs": rust_run_crate(sz), "literals.rs": RUST_LITERALS}, tokio=True)
    crates["run"] = run
    write_if_changed(PYMODS / "bench_run" / "__init__.py", f'"""{GENERATED}"""\n')
    write_if_changed(PYMODS / "bench_run" / "workflows.py", python_run_module(sz))
    write_if_changed(PYMODS / "bench_run" / "literals.py", PYTHON_LITERALS)
    write_if_changed(PYMODS / "bench_run" / "inputs.py", PYTHON_WRITE_INPUTS)
    for rid, (n, m) in sz["package"].items():
        crate = Crate(f"fkbench_pkg_{n}_{m}")
        crate.write({"main.rs": rust_shape(n, m, macros=True)})
        crates[rid] = crate
        pkg = PYMODS / f"bench_pkg_{n}_{m}"
        write_if_changed(pkg / "__init__.py", f'"""{GENERATED}"""\n')
        write_if_changed(pkg / "workflows.py", python_shape(n, m))
        if rid == sz["build"]:
            plain = Crate(f"fkbench_plain_{n}_{m}")
            plain.write({"main.rs": rust_shape(n, m, macros=False)})
            crates["plain"] = plain
            crates["macros"] = crate
            crates["build-shape"] = (n, m)
    return crates


def build(crates, timeout):
    for key in ["run", *[k for k in crates if k.startswith("package-")], "plain"]:
        crate = crates[key]
        log(f"cargo build {' '.join(profile_args())} {crate.name}")
        run_checked(crate.cargo("build", *profile_args(), "--quiet"), env=cargo_env(), timeout=timeout)


# ---------------------------------------------------------------------------------------------
# the comparisons


def has_command(binary, command):
    sample = run_measured([binary, command, "--help"], check=False)
    return sample.stdout.strip() != "" and "unrecognized subcommand" not in sample.stderr


def compare_cold_start(ctx):
    row = Row("cold-start", "1 cold start: `execute` of a one-input task vs `pyflyte-execute`",
              "≥ 100x and < 10 MiB")
    work = WORK / "cold-start"
    shutil.rmtree(work, ignore_errors=True)
    (work / "rs").mkdir(parents=True)
    (work / "py").mkdir(parents=True)
    inputs = work / "inputs.pb"
    run_checked([ctx.python, PYMODS / "bench_run" / "inputs.py", "write", inputs], env=ctx.pyenv)

    def clean(d):
        def prepare():
            for f in ("outputs.pb", "error.pb"):
                (d / f).unlink(missing_ok=True)
        return prepare

    def produced(d):
        def check(_sample):
            if not (d / "outputs.pb").exists():
                raise RuntimeError(f"no outputs.pb in {d}: {_sample.stderr[-2000:]}")
        return check

    ours = Side(
        [ctx.crates["run"].binary(), "execute", "--inputs", inputs, "--output-prefix", work / "rs",
         "--raw-output-data-prefix", work / "rs" / "raw", "--", "add_one"],
        prepare=clean(work / "rs"), check=produced(work / "rs"),
    )
    theirs = Side(
        [ctx.venv / "bin" / "pyflyte-execute", "--inputs", inputs, "--output-prefix", work / "py",
         "--raw-output-data-prefix", work / "py" / "raw", "--resolver", RESOLVER, "--",
         "task-module", "bench_run.workflows", "task-name", "add_one"],
        env=ctx.pyenv, cwd=PYMODS, prepare=clean(work / "py"), check=produced(work / "py"),
    )
    alternate([ours, theirs], ctx.sz["reps"], ctx.sz["warmup"])
    for d in ("rs", "py"):  # flytekit reads both outputs.pb the same way
        value = run_checked([ctx.python, PYMODS / "bench_run" / "inputs.py", "read",
                             work / d / "outputs.pb"], env=ctx.pyenv).strip()
        if value != "42":
            raise RuntimeError(f"add_one(41) gave {value} on the {d} side")
    fill_time_row(row, ours, theirs, ctx)
    rss = statistics.median(ours.rss)
    ratio = statistics.median(theirs.seconds) / statistics.median(ours.seconds)
    row.verdict = verdict(ratio >= 100 and rss < 10 * MIB)
    if ratio >= 100 and rss >= 10 * MIB:
        row.verdict = "**missed** (memory)"
    elif ratio < 100 and rss < 10 * MIB:
        row.verdict = "**missed** (time)"
    return row


def fill_time_row(row, ours, theirs, ctx):
    row.ours = fmt_time_stats(ours.seconds)
    row.theirs = fmt_time_stats(theirs.seconds)
    ratio = statistics.median(theirs.seconds) / statistics.median(ours.seconds)
    row.ratio = fmt_ratio(ratio)
    row.mem = f"{fmt_bytes(statistics.median(ours.rss))} / {fmt_bytes(statistics.median(theirs.rss))}"
    return ratio


def compare_package(ctx, rid):
    n, m = ctx.sz["package"][rid]
    row = Row(rid, f"2 package {n} tasks / {m} workflows: `package` vs `pyflyte package`", "≥ 50x")
    crate = ctx.crates[rid]
    binary = crate.binary()
    if not has_command(binary, "package"):
        raise Skip("the binary has no `package` command yet")
    work = WORK / rid
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ours_out, theirs_out = work / "rs.tgz", work / "py.tgz"

    def remove(path):
        return lambda: path.unlink(missing_ok=True)

    def members(path, expected):
        import tarfile

        def check(_sample):
            with tarfile.open(path) as tar:
                count = len([m for m in tar.getmembers() if m.isfile()])
            if count < expected:
                raise RuntimeError(f"{path.name} has {count} files, expected at least {expected}")
        return check

    expected = n + 2 * m  # a TaskSpec per task; a WorkflowSpec and a LaunchPlan per workflow
    ours = Side([binary, "package", "--image", IMAGE, "--output", ours_out],
                cwd=work, prepare=remove(ours_out), check=members(ours_out, expected))
    theirs = Side([ctx.venv / "bin" / "pyflyte", "--pkgs", f"bench_pkg_{n}_{m}", "package",
                   "--image", IMAGE, "--output", theirs_out, "--force"],
                  cwd=PYMODS, env=ctx.pyenv, prepare=remove(theirs_out),
                  check=members(theirs_out, expected))
    alternate([ours, theirs], ctx.sz["reps"], ctx.sz["warmup"], ctx.sz["slow_reps"])
    ratio = fill_time_row(row, ours, theirs, ctx)
    row.verdict = verdict(ratio >= 50)
    return row


def run_sides(ctx, workflow, inputs, expected):
    """Our `run <workflow>` and flytekit's local execution (the workflow called in `python -c`)."""
    binary = ctx.crates["run"].binary()
    args = []
    for k, v in inputs.items():
        args += [f"--{k}", str(v)]
    probe = run_measured([binary, "run", "--json", workflow, *args], check=False, env=ctx.rsenv)
    if probe.stdout.strip() == "" and re.search(r"no task named", probe.stderr):
        raise Skip(f"`run` does not run workflows yet (`run {workflow}`: {probe.stderr.strip()[:100]})")

    def check_ours(s):
        if expected is not None:
            values = json.loads(s.stdout)
            got = values.get("o0") if isinstance(values, dict) else values
            if got != expected:
                raise RuntimeError(f"`run {workflow}` printed {s.stdout.strip()}, expected o0 = {expected}")

    def check_theirs(s):
        if expected is not None and s.stdout.strip() != str(expected):
            raise RuntimeError(f"flytekit's {workflow} printed {s.stdout.strip()}, expected {expected}")

    call = ", ".join(f"{k}={v}" for k, v in inputs.items())
    ours = Side([binary, "run", "--json", workflow, *args], env=ctx.rsenv, check=check_ours)
    theirs = Side([ctx.python, "-c",
                   f"from bench_run.workflows import {workflow}; print({workflow}({call}))"],
                  cwd=PYMODS, env=ctx.pyenv, check=check_theirs)
    return ours, theirs


def compare_run(ctx, rid):
    sz = ctx.sz
    if rid == "run-chain":
        row = Row(rid, f"3 local run: a chain of {sz['chain']} tasks", "≥ 50x")
        ours, theirs = run_sides(ctx, "chain", {"x": 0}, sz["chain"])
    elif rid == "run-map":
        n = sz["map"]
        row = Row(rid, f"3 local run: a map over {n:,} elements", "≥ 50x")
        ours, theirs = run_sides(ctx, "squares", {"n": n}, sum(i * i for i in range(n)))
    else:
        row = Row(rid, f"3 local run: {sz['sleeps']} independent 100 ms sleeps",
                  "rs ≤ 2x one sleep")
        ours, theirs = run_sides(ctx, "naps", {}, None)
        one, _ = run_sides(ctx, "one_nap", {}, None)
        alternate([ours, theirs, one], sz["reps"], sz["warmup"], sz["slow_reps"])
        fill_time_row(row, ours, theirs, ctx)
        factor = statistics.median(ours.seconds) / statistics.median(one.seconds)
        row.verdict = f"{verdict(factor <= 2)} ({factor:.2f}x of one sleep: {fmt_seconds(statistics.median(one.seconds))})"
        return row
    alternate([ours, theirs], sz["reps"], sz["warmup"], sz["slow_reps"])
    ratio = fill_time_row(row, ours, theirs, ctx)
    row.verdict = verdict(ratio >= 50)
    return row


def compare_literals(ctx, rid):
    kind = "floats" if rid == "literal-floats" else "points"
    n = ctx.sz[kind]
    what = f"{n:,} floats" if kind == "floats" else f"{n:,} three-field structs"
    row = Row(rid, f"4 literal round trip: {what} (in-process timer)", "≥ 100x")
    metric = lambda s: json.loads(s.stdout)["seconds"]  # noqa: E731
    ours = Side([ctx.crates["run"].binary("fkbench_literals"), kind, n], metric=metric)
    theirs = Side([ctx.python, PYMODS / "bench_run" / "literals.py", kind, n], env=ctx.pyenv,
                  metric=metric)
    alternate([ours, theirs], ctx.sz["reps"], False, ctx.sz["slow_reps"])
    ratio = fill_time_row(row, ours, theirs, ctx)
    row.verdict = verdict(ratio >= 100)
    return row


def compare_build(ctx, profile):
    """Clean build of the generated crate with macros vs the plain functions (dependencies
    already built), then a rebuild after editing one task, in one cargo profile (None: the
    mode's own, judged against target 5, with binary sizes); the dev rows have no target: they
    show what a user iterating with `cargo build` waits for."""
    n, m = ctx.crates["build-shape"]
    macros, plain = ctx.crates["macros"], ctx.crates["plain"]
    env = cargo_env()
    reps = ctx.sz["build_reps"]
    flags = profile_args(profile)
    release = profile is None
    prefix = "build" if release else f"build-{profile}"
    target = "≤ 2x" if release else "— (not a target)"
    clean_row = Row(f"{prefix}-clean", f"5 `cargo build {' '.join(flags)}`, {n} tasks / {m} workflows: macros vs plain fns (clean crate, deps built)",
                    target)
    inc_row = Row(f"{prefix}-incremental", f"5 rebuild after editing one task (`{' '.join(flags)}`): macros vs plain fns", target)

    def clean_build(crate):
        def prepare():
            run_checked(crate.cargo("clean", *flags, "--quiet", "-p", crate.name), env=env)
        return Side(crate.cargo("build", *flags, "--quiet"), env=env, prepare=prepare)

    def edit_build(crate, is_macros):
        counter = {"i": 0}

        def prepare():
            counter["i"] += 1
            crate_src = crate.dir / "src" / "main.rs"
            crate_src.write_text(rust_shape(n, m, macros=is_macros, t0_offset=1000 * counter["i"]))
        return Side(crate.cargo("build", *flags, "--quiet"), env=env, prepare=prepare)

    def build_both():
        run_checked(macros.cargo("build", *flags, "--quiet"), env=env, timeout=3600)
        run_checked(plain.cargo("build", *flags, "--quiet"), env=env, timeout=3600)

    if not release:
        # The mode built its crates in its own profile: build the dependencies in this one
        # before anything is timed.
        log(f"cargo build {' '.join(flags)} (dependencies, untimed)")
        build_both()
    a, b = clean_build(macros), clean_build(plain)
    alternate([a, b], reps, False)
    fill_build_row(clean_row, a, b, judged=release)
    c, d = edit_build(macros, True), edit_build(plain, False)
    try:
        alternate([c, d], reps, False)
    finally:  # back to the generated sources, built
        write_if_changed(macros.dir / "src" / "main.rs", rust_shape(n, m, macros=True))
        write_if_changed(plain.dir / "src" / "main.rs", rust_shape(n, m, macros=False))
        build_both()
    fill_build_row(inc_row, c, d, judged=release)
    if not release:
        return [clean_row, inc_row]
    size_row = Row("binary-size", "5 binary size: macros vs plain fns", "—")
    size_a, size_b = macros.binary().stat().st_size, plain.binary().stat().st_size
    size_row.ours = fmt_bytes(size_a)
    size_row.theirs = f"{fmt_bytes(size_b)} (plain fns)"
    size_row.ratio = fmt_ratio(size_a / size_b)
    size_row.mem = "—"
    size_row.verdict = "—"
    return [clean_row, inc_row, size_row]


# The dev profile's debug info that the guide's "Faster rebuilds while you iterate" suggests;
# the `edit-loop-lines` row measures the loop with it.
GUIDE_DEV_DEBUG = "line-tables-only"


def compare_edit_loop(ctx, rid):
    """The loop a user repeats: edit one task, build, package. Ours: `cargo build --profile dev`
    (what a user iterating builds with) then the binary's `package`, as one timed shell command;
    flytekit's: `pyflyte package` of the edited module (it imports the code, so it needs no
    build). Each run edits the body of the first task. `edit-loop` builds with cargo's defaults;
    `edit-loop-lines` with the dev profile the guide suggests (`debug = "line-tables-only"`, set
    through cargo's environment), in a target dir of its own so that neither row rebuilds the
    other's dependencies."""
    n, m = ctx.crates["build-shape"]
    crate = ctx.crates["macros"]
    lines = rid == "edit-loop-lines"
    if lines and ctx.quick:
        raise Skip("quick mode: `edit-loop` runs the same loop; this row would build every "
                   "dependency again in the guide's profile")
    setup = f' with the guide\'s `debug = "{GUIDE_DEV_DEBUG}"`' if lines else " with cargo's defaults"
    row = Row(rid, f"6 edit one task, build (dev{setup}) and `package` ({n} tasks / {m} workflows) vs edit one task and `pyflyte package`",
              "faster than flytekit")
    work = WORK / rid
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ours_out, theirs_out = work / "rs.tgz", work / "py.tgz"
    env = cargo_env()
    if lines:
        env["CARGO_PROFILE_DEV_DEBUG"] = GUIDE_DEV_DEBUG
        env["CARGO_TARGET_DIR"] = str(BUILD["target"].with_name(BUILD["target"].name + "-lines"))
    dev = ["--profile", "dev"]
    binary = Path(env["CARGO_TARGET_DIR"]) / "debug" / crate.name
    rust_src = crate.dir / "src" / "main.rs"
    py_src = PYMODS / f"bench_pkg_{n}_{m}" / "workflows.py"
    log(f"cargo build --profile dev {crate.name} (dependencies, untimed)")
    run_checked(crate.cargo("build", *dev, "--quiet"), env=env, timeout=3600)
    counter = {"rs": 0, "py": 0}

    def edit_rust():
        counter["rs"] += 1
        rust_src.write_text(rust_shape(n, m, macros=True, t0_offset=1000 * counter["rs"]))
        ours_out.unlink(missing_ok=True)

    def edit_python():
        counter["py"] += 1
        text = python_shape(n, m).replace("return x * 3 + 0\n", f"return x * 3 + {1000 * counter['py']}\n", 1)
        py_src.write_text(text)
        theirs_out.unlink(missing_ok=True)

    def produced(path):
        def check(_sample):
            if not path.exists():
                raise RuntimeError(f"no {path.name}: {_sample.stderr[-2000:]}")
        return check

    build_and_package = " ".join(shlex.quote(str(a)) for a in crate.cargo("build", *dev, "--quiet"))
    build_and_package += " && " + " ".join(
        shlex.quote(str(a)) for a in [binary, "package", "--image", IMAGE, "--output", ours_out])
    ours = Side(["sh", "-c", build_and_package], cwd=work, env=env, prepare=edit_rust,
                check=produced(ours_out))
    theirs = Side([ctx.venv / "bin" / "pyflyte", "--pkgs", f"bench_pkg_{n}_{m}", "package",
                   "--image", IMAGE, "--output", theirs_out, "--force"],
                  cwd=PYMODS, env=ctx.pyenv, prepare=edit_python, check=produced(theirs_out))
    try:
        alternate([ours, theirs], ctx.sz["build_reps"], False)
    finally:  # back to the generated sources, and the mode's own build of them
        write_if_changed(rust_src, rust_shape(n, m, macros=True))
        write_if_changed(py_src, python_shape(n, m))
        run_checked(crate.cargo("build", *profile_args(), "--quiet"), env=cargo_env(), timeout=3600)
    ratio = fill_time_row(row, ours, theirs, ctx)
    row.verdict = verdict(ratio >= 1)
    return row


def fill_build_row(row, with_macros, plain, judged):
    row.ours = fmt_time_stats(with_macros.seconds)
    row.theirs = f"{fmt_time_stats(plain.seconds)} (plain fns)"
    ratio = statistics.median(with_macros.seconds) / statistics.median(plain.seconds)
    row.ratio = f"{ratio:.2f}x slower"
    row.mem = (f"{fmt_bytes(statistics.median(with_macros.rss))} / "
               f"{fmt_bytes(statistics.median(plain.rss))} (rustc)")
    row.verdict = verdict(ratio <= 2) if judged else "—"


# ---------------------------------------------------------------------------------------------
# the report


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {mem}, {cpu}, {platform.system()} {platform.machine()}"


def versions(ctx):
    rustc = run_checked(["rustc", "--version"]).strip()
    py = run_checked([ctx.python, "-c", "import sys, flytekit; print(sys.version.split()[0], flytekit.__version__)"],
                     env=ctx.pyenv).split()
    return f"{rustc}; Python {py[0]}, flytekit {py[1]}"


def cpu_times():
    """The machine's CPU time counters (`/proc/stat`, all CPUs): (steal, total), or None."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        values = [int(v) for v in fields[:8]]
    except (OSError, ValueError, IndexError):
        return None
    return values[7] if len(values) > 7 else 0, sum(values)


def steal_share(before, after):
    """The share of CPU time the hypervisor gave to other guests between two `cpu_times()`:
    on a shared VM it slows both sides of every comparison, so the report says it."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def report(ctx, rows, started, load_before, load_after, elapsed, steal=None):
    command = "python3 bench/compare.py" + (" --quick" if ctx.quick else "")
    reps = ctx.sz["reps"]
    how = (
        f"A/B alternating, {reps} run{'s' if reps != 1 else ''} per side"
        + (" after one untimed warm-up run of each" if ctx.sz["warmup"] else "")
        + f" ({ctx.sz['slow_reps']} when a side's first run took over {SLOW_SECONDS:.0f} s; "
        f"literal conversion without warm-up; builds {ctx.sz['build_reps']} run"
        f"{'s' if ctx.sz['build_reps'] != 1 else ''}); "
        "median (min–max); ratio = flytekit median / flytekit-rs median, "
        "build rows: with macros / plain functions"
    )
    lines = [
        f"- Date: {started:%Y-%m-%d %H:%M}; command: `{command}` ({elapsed / 60:.0f} min)",
        f"- Machine: {machine()}; load average (1 min) {load_before:.2f} before, "
        f"{load_after:.2f} after"
        + (f"; CPU steal (time the VM's host ran other guests) {steal:.0%}" if steal is not None else ""),
        f"- Versions: {versions(ctx)}",
        f"- Method: {how}",
        "",
        markdown_table(rows),
    ]
    return "\n".join(lines)


def write_doc(text):
    doc = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in doc and END in doc:
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        doc = head + block + tail
    else:
        doc = doc.rstrip("\n") + "\n\n## Side by side with Python flytekit\n\n" + block + "\n"
    DOC.write_text(doc)


class Context:
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="CI smoke mode: tiny sizes, one repetition; prints the table only")
    parser.add_argument("--reps", type=int, help="repetitions per side (default 5; quick 1)")
    parser.add_argument("--venv", type=Path, help=f"the Python venv (default {DEFAULT_VENV})")
    parser.add_argument("--only", help="comma-separated row ids (or prefixes) to run")
    parser.add_argument("--flytekit", type=Path,
                        help="the flytekit crate to benchmark (default: this checkout's crates/flytekit)")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/benchmarks.md")
    args = parser.parse_args()

    global CRATES, PYMODS, WORK
    mode = "quick" if args.quick else "full"
    BENCH.mkdir(parents=True, exist_ok=True)
    lock = open(BENCH / f"{mode}.lock", "w")  # held until the process ends
    fcntl.flock(lock, fcntl.LOCK_EX)
    CRATES, PYMODS, WORK = (BENCH / mode / d for d in ("crates", "py", "work"))

    ctx = Context()
    ctx.quick = args.quick
    ctx.sz = dict(SIZES["quick" if args.quick else "full"])
    if args.quick:
        BUILD.update(target=WORKSPACE_TARGET, profile="dev")
    if args.flytekit:
        BUILD["flytekit"] = args.flytekit.resolve()
    if args.reps:
        ctx.sz["reps"] = args.reps
        ctx.sz["slow_reps"] = min(ctx.sz["slow_reps"], args.reps)
        ctx.sz["build_reps"] = min(ctx.sz["build_reps"], args.reps)
    started = datetime.datetime.now()
    t0 = time.perf_counter()
    load_before = os.getloadavg()[0]
    cpu_before = cpu_times()

    ctx.venv = ensure_venv((args.venv or DEFAULT_VENV).resolve())
    ctx.python = ctx.venv / "bin" / "python"
    shutil.rmtree(python_tmp(), ignore_errors=True)
    python_tmp().mkdir(parents=True)
    ctx.pyenv = python_env(ctx.venv)
    ctx.rsenv = dict(os.environ)
    ctx.rsenv["FLYTEKIT_CACHE_DIR"] = str(WORK / "rs-cache")
    ctx.crates = generate(ctx.sz)
    try:
        build(ctx.crates, timeout=3600)
    except RuntimeError as err:
        log(f"building the generated crates failed (is the workspace mid-edit?):\n{err}")
        for rid in ROW_IDS:
            print(f"row {rid}: error: the generated crates do not build", flush=True)
        return 1
    log(f"built in {time.perf_counter() - t0:.0f} s")

    wanted = [r for r in ROW_IDS if not args.only or any(r.startswith(p) for p in args.only.split(","))]
    jobs = []
    for rid in wanted:
        if rid == "cold-start":
            jobs.append(([rid], lambda: [compare_cold_start(ctx)]))
        elif rid.startswith("package-"):
            jobs.append(([rid], lambda rid=rid: [compare_package(ctx, rid)]))
        elif rid.startswith("run-"):
            jobs.append(([rid], lambda rid=rid: [compare_run(ctx, rid)]))
        elif rid.startswith("literal-"):
            jobs.append(([rid], lambda rid=rid: [compare_literals(ctx, rid)]))
        elif rid.startswith("edit-loop"):
            jobs.append(([rid], lambda rid=rid: [compare_edit_loop(ctx, rid)]))
        else:
            for profile, ids in BUILD_GROUPS.items():
                if rid in ids and not any(job_ids == ids for job_ids, _ in jobs):
                    jobs.append((ids, lambda profile=profile: compare_build(ctx, profile)))
    rows, failed = [], False
    for ids, job in jobs:
        log(f"measuring {', '.join(ids)}")
        try:
            got = job()
        except Skip as skip:
            got = []
            for rid in ids:
                row = Row(rid, rid)
                row.status, row.note = "skipped", str(skip)
                got.append(row)
        except Exception as err:  # noqa: BLE001 - reported as a row, then exit 1
            failed = True
            log(f"{', '.join(ids)} failed: {err}")
            got = []
            for rid in ids:
                row = Row(rid, rid)
                row.status, row.note = "error", str(err).splitlines()[0][:200]
                got.append(row)
        for row in got:
            if ctx.quick and row.status == "ok" and row.verdict not in ("", "—"):
                row.verdict = "not judged (quick)"
            summary = (f"{row.status}: {row.note}" if row.status != "ok" else
                       f"rs {row.ours} | py {row.theirs} | {row.ratio} | {row.verdict}")
            print(f"row {row.id}: {summary}", flush=True)
        rows.extend(got)

    text = report(ctx, rows, started, load_before, os.getloadavg()[0], time.perf_counter() - t0,
                  steal_share(cpu_before, cpu_times()))
    shutil.rmtree(python_tmp(), ignore_errors=True)  # after report(): it asks flytekit its version
    print()
    print(text)
    if not ctx.quick and not args.no_write and not args.only and not failed:
        write_doc(text)
        log(f"wrote the table into {DOC.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
