"""Compare the TaskTemplates flytekit builds for tests/python/task_mirror with ours.

Usage: python task_specs.py OURS_DIR   (run from tests/python)

OURS_DIR holds <task short name>.pb files (admin TaskSpec) written by flytekit-rs. Compared:
the interface (variable names and types; descriptions and dataclass JSON schemas aside), the
metadata flytekit derives from task options (cache, retries, timeout, interruptible,
deprecated, generates_deck), container resources and environment, and the security context.

Differences accepted by design, not compared: `type` (python-task / container), the runtime
metadata (flavor python / rust and version), the container image, command and args (our binary's
`execute` instead of `pyflyte-execute`), and k8s `metadata` defaults.
"""

import sys

from flyteidl.admin import task_pb2
from google.protobuf import json_format

import pyflyte_specs

TASKS = [
    "add", "split", "nothing", "moves", "make_sales", "copy_table", "units_total", "documented",
    "sized",
]

# Tasks whose docs are compared too: the summary, the body (flytekit's docstring parser takes
# `Args:` / `Returns:` out of it, as we take `# Arguments` / `# Returns` out of a doc comment)
# and the descriptions of inputs and outputs. The format is not: a doc comment is Markdown.
DOCUMENTED = ["documented"]


def docs(spec):
    d = spec.description
    interface = spec.template.interface
    return {
        "short": d.short_description,
        "long": d.long_description.value,
        "source_code": d.source_code.link,
        "inputs": {k: v.description for k, v in interface.inputs.variables.items()},
        "outputs": {k: v.description for k, v in interface.outputs.variables.items()},
    }


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
        "generates_deck": metadata.generates_deck.value,
        "resources": json_format.MessageToDict(t.container.resources),
        "env": sorted((kv.key, kv.value) for kv in t.container.env),
        "security_context": json_format.MessageToDict(t.security_context),
        "extended_resources": json_format.MessageToDict(t.extended_resources),
    }
    return data


def main():
    ours_dir = sys.argv[1]
    theirs = pyflyte_specs.packaged(
        "task_mirror", "_1.pb", task_pb2.TaskSpec, lambda spec: spec.template.id.name.split(".")[-1]
    )
    problems = []
    for name in TASKS:
        ours = pyflyte_specs.ours(ours_dir, name, task_pb2.TaskSpec)
        a, b = compared(theirs[name]), compared(ours)
        if name in DOCUMENTED:
            a["docs"], b["docs"] = docs(theirs[name]), docs(ours)
        for key in a:
            if a[key] != b[key]:
                problems.append(f"{name}.{key}: flytekit {a[key]!r} | flytekit-rs {b[key]!r}")
    for p in problems:
        print(p)
    print(f"{len(TASKS)} tasks compared, {len(problems)} differences")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
