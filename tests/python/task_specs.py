"""Compare the TaskTemplates flytekit builds for tests/python/task_mirror with ours.

Usage: python task_specs.py OURS_DIR   (run from tests/python)

OURS_DIR holds <task short name>.pb files (admin TaskSpec) written by flytekit-rs. Compared:
the interface (variable names and types; descriptions and dataclass JSON schemas aside), the
metadata flytekit derives from task options (cache, retries, timeout, interruptible,
deprecated), container resources and environment, and the security context.

Differences accepted by design, not compared: `type` (python-task / container), the runtime
metadata (flavor python / rust and version), the container image, command and args (our binary's
`execute` instead of `pyflyte-execute`), and `generates_deck` / k8s `metadata` defaults.
"""

import os
import subprocess
import sys
import tarfile
import tempfile

from flyteidl.admin import task_pb2
from google.protobuf import json_format

TASKS = ["add", "split", "nothing", "moves"]


def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in ("description", "metadata")}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def compared(spec):
    t = spec.template
    metadata = t.metadata
    data = {
        "interface": strip(json_format.MessageToDict(t.interface)),
        "discoverable": metadata.discoverable,
        "discovery_version": metadata.discovery_version,
        "cache_serializable": metadata.cache_serializable,
        "cache_ignore_input_vars": list(metadata.cache_ignore_input_vars),
        "retries": metadata.retries.retries,
        "timeout": metadata.timeout.seconds,
        "interruptible": metadata.interruptible if metadata.HasField("interruptible") else None,
        "deprecated": metadata.deprecated_error_message,
        "resources": json_format.MessageToDict(t.container.resources),
        "env": sorted((kv.key, kv.value) for kv in t.container.env),
        "security_context": json_format.MessageToDict(t.security_context),
    }
    return data


def main():
    ours_dir = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        archive = os.path.join(tmp, "pkg.tgz")
        subprocess.run(
            ["pyflyte", "--pkgs", "task_mirror", "package", "--image", "ghcr.io/example/app:1", "-o", archive, "--force"],
            check=True, stdout=subprocess.DEVNULL,
        )
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        theirs = {}
        for name in os.listdir(tmp):
            if name.endswith("_1.pb"):
                spec = task_pb2.TaskSpec()
                with open(os.path.join(tmp, name), "rb") as f:
                    spec.ParseFromString(f.read())
                theirs[spec.template.id.name.split(".")[-1]] = spec
    problems = []
    for name in TASKS:
        ours = task_pb2.TaskSpec()
        with open(os.path.join(ours_dir, f"{name}.pb"), "rb") as f:
            ours.ParseFromString(f.read())
        a, b = compared(theirs[name]), compared(ours)
        for key in a:
            if a[key] != b[key]:
                problems.append(f"{name}.{key}: flytekit {a[key]!r} | flytekit-rs {b[key]!r}")
    for p in problems:
        print(p)
    print(f"{len(TASKS)} tasks compared, {len(problems)} differences")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
