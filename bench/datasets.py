#!/usr/bin/env python3
"""Peak memory of StructuredDataset tables: 1,000,000 rows written, then read back, streamed.

    python3 bench/datasets.py              # 1,000,000 rows; rewrites the section in docs/benchmarks.md
    python3 bench/datasets.py --rows 1000  # another size, printed, nothing written

Standard library only, plus `/usr/bin/time` (`apt-get install time`). Builds the example
`examples/datasets.rs` in release and runs its tasks with `run` (the local executor, in
process), each in its own process so each peak RSS is that task's alone:

- make_sales: writes the table (region: string, units: int64, price: float64, sold_at:
  timestamp) in batches of 64Ki rows through a DatasetWriter;
- total_units: reads it as `StructuredDataset<Units>`: the `units` column alone, streamed;
- revenue_by_region: reads all four columns, streamed, batch by batch;
- count_rows_in_memory: `read_all()`, the whole table in memory at once, for comparison;
- baseline: make_sales of 0 rows, what the process costs with no table at all;
- with polars (feature `polars`, the task binary of tests/polars): make_frame builds the same
  columns as one polars frame and writes it with `from_polars`; frame_units and frame_rows
  read the table make_sales wrote with `read_polars_columns(&["units"])` and `read_polars()`,
  the whole table in memory as polars holds it.

With the interop venv present (`target/tmp/flytekit-pyenv`, made by `cargo test`), pandas'
`pd.read_parquet` of the same file is measured too, as a reference. Each process runs `--reps`
times (default 3); the median is reported.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "examples", "datasets")
POLARS_BINARY = os.path.join(ROOT, "target", "release", "flytekit-polars-tasks")
VENV_PYTHON = os.path.join(ROOT, "target", "tmp", "flytekit-pyenv", "bin", "python")
DOC = os.path.join(ROOT, "docs", "benchmarks.md")
BEGIN, END = "<!-- datasets:begin -->", "<!-- datasets:end -->"


def timed(command):
    """Runs `command` under /usr/bin/time; returns (stdout, seconds, peak RSS in KiB)."""
    marker = "BENCH-TIME"
    out = subprocess.run(
        ["/usr/bin/time", "-f", f"{marker} %e %M", *command],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if out.returncode != 0:
        sys.exit(f"{command} failed:\n{out.stdout}\n{out.stderr}")
    match = re.search(rf"{marker} ([0-9.]+) ([0-9]+)", out.stderr)
    return out.stdout, float(match.group(1)), int(match.group(2))


def measure(command, reps):
    runs = [timed(command) for _ in range(reps)]
    return (
        runs[-1][0],
        statistics.median(r[1] for r in runs),
        statistics.median(r[2] for r in runs),
    )


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_gib():
    with open("/proc/meminfo") as f:
        kib = int(f.readline().split()[1])
    return round(kib / 1024 / 1024)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()

    subprocess.run(
        ["cargo", "build", "--release", "-p", "flytekit-examples", "--example", "datasets"],
        cwd=ROOT,
        check=True,
    )
    subprocess.run(
        ["cargo", "build", "--release", "-p", "flytekit-polars-tests", "--bin", "flytekit-polars-tasks"],
        cwd=ROOT,
        check=True,
    )
    run = [BINARY, "run"]
    rows = []

    out, secs, rss = measure(run + ["make_sales", "--n", "0"], args.reps)
    shutil.rmtree(os.path.dirname(os.path.dirname(json.loads(out)["o0"])), ignore_errors=True)
    rows.append(("baseline: make_sales of 0 rows", secs, rss, "-"))

    # The table itself, written once per rep; the last one is read by the readers.
    outputs = []
    for _ in range(args.reps):
        outputs.append(timed(run + ["make_sales", "--n", str(args.rows)]))
    table = json.loads(outputs[-1][0])["o0"]
    for stdout, _, _ in outputs[:-1]:
        shutil.rmtree(os.path.dirname(os.path.dirname(json.loads(stdout)["o0"])), ignore_errors=True)
    size = os.path.getsize(os.path.join(table, "00000"))
    rows.append(
        (
            f"make_sales: write {args.rows:,} rows, streamed",
            statistics.median(o[1] for o in outputs),
            statistics.median(o[2] for o in outputs),
            f"{size / 1e6:.1f} MB file",
        )
    )
    for task, what in [
        ("total_units", "read the `units` column, streamed"),
        ("revenue_by_region", "read all 4 columns, streamed"),
        ("count_rows_in_memory", "read all 4 columns into memory (`read_all`)"),
    ]:
        out, secs, rss = measure(run + [task, "--sales", table], args.reps)
        rows.append((f"{task}: {what}", secs, rss, json.dumps(json.loads(out)["o0"])[:40]))
    polars = [POLARS_BINARY, "run"]
    for task, what in [
        ("frame_units", "polars: read the `units` column as a frame"),
        ("frame_rows", "polars: read all 4 columns as one frame (`read_polars`)"),
    ]:
        out, secs, rss = measure(polars + [task, "--table", table], args.reps)
        rows.append((f"{task}: {what}", secs, rss, json.dumps(json.loads(out)["o0"])[:40]))
    written = []
    for _ in range(args.reps):
        written.append(timed(polars + ["make_frame", "--n", str(args.rows)]))
    for stdout, _, _ in written:
        shutil.rmtree(os.path.dirname(os.path.dirname(os.path.dirname(json.loads(stdout)["o0"]))), ignore_errors=True)
    rows.append(
        (
            f"make_frame: polars: build {args.rows:,} rows as one frame, `from_polars`",
            statistics.median(o[1] for o in written),
            statistics.median(o[2] for o in written),
            "-",
        )
    )
    if os.path.exists(VENV_PYTHON):
        out, secs, rss = measure(
            [VENV_PYTHON, "-c", f"import pandas as pd; print(len(pd.read_parquet({table!r})))"],
            args.reps,
        )
        rows.append(("reference: pandas `pd.read_parquet` of the same file", secs, rss, out.strip()))
    shutil.rmtree(os.path.dirname(os.path.dirname(table)), ignore_errors=True)

    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; command: "
        f"`python3 bench/datasets.py` ({args.reps} runs per row, median)",
        f"- Machine: {os.cpu_count()} cores, {mem_gib()} GiB, {cpu_name()}, "
        f"{platform.system()} {platform.machine()}; {rustc}, release profile",
        "",
        "| process | wall | peak RSS | result |",
        "|---|---|---|---|",
    ]
    for name, secs, rss, result in rows:
        lines.append(f"| {name} | {secs:.2f} s | {rss / 1024:.1f} MiB | {result} |")
    report = "\n".join(lines)
    print(report)
    if args.rows != 1_000_000:
        return
    with open(DOC) as f:
        doc = f.read()
    section = f"{BEGIN}\n{report}\n{END}"
    if BEGIN in doc:
        doc = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: section, doc, flags=re.S)
    else:
        sys.exit(f"{DOC} has no {BEGIN} ... {END} section")
    with open(DOC, "w") as f:
        f.write(doc)


if __name__ == "__main__":
    main()
