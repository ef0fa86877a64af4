"""Python flytekit tasks of the object-storage tests (tests/object_storage.rs), run by
`pyflyte-execute` exactly as a cluster runs them, next to the Rust tasks of
tests/bin/test_tasks.rs."""

import os
import tempfile

from flytekit import task
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile


@task
def split_lines(report: FlyteFile) -> FlyteDirectory:
    """Reads a file a Rust task wrote and writes each of its lines to a file of a directory:
    `line-<i>.txt`, and the line count under `meta/count.txt`."""
    with open(report, "r") as f:
        lines = f.read().splitlines()
    out = tempfile.mkdtemp(prefix="split-")
    for i, line in enumerate(lines):
        with open(os.path.join(out, f"line-{i}.txt"), "w") as f:
            f.write(line)
    os.makedirs(os.path.join(out, "meta"))
    with open(os.path.join(out, "meta", "count.txt"), "w") as f:
        f.write(str(len(lines)))
    return FlyteDirectory(out)


def texts_under(local):
    """Every file under a local folder as `<relative name>=<text>`, sorted."""
    out = []
    for root, _, files in os.walk(local):
        for name in files:
            path = os.path.join(root, name)
            with open(path) as f:
                out.append(f"{os.path.relpath(path, local)}={f.read()}")
    return sorted(out)


@task
def read_all(d: FlyteDirectory) -> str:
    """Reads every file of a directory a Rust task wrote: `<relative name>=<text>` lines, sorted."""
    return "\n".join(texts_under(d.download()))
