"""Compare the WorkflowSpecs and map-task entities flytekit builds for tests/python/wf_mirror
with ours.

Usage: python mirror_specs.py OURS_DIR   (run from tests/python)

OURS_DIR holds <workflow short name>.pb files (admin WorkflowSpec) and map_tasks/<map task short
name>.pb files (admin TaskSpec), written by flytekit-rs. Runs `pyflyte package` on wf_mirror,
reduces entity names to their last segment on both sides (the module paths differ: `wf_mirror.
workflows` against the Rust test's) and prints every difference. Map tasks are compared whole
(names with their md5, array nodes, sub-nodes, bound inputs), and so are their entities: the
interface, metadata, `task_type_version` and the absence of a description. The container line is
each SDK's own entrypoint, as for every task (see task_specs.py). Exits 1 on any difference.
"""

import os
import sys

from google.protobuf import json_format
from flyteidl.admin import task_pb2, workflow_pb2

import pyflyte_specs

WORKFLOWS = [
    "chain", "fan", "tuples", "literals", "outer", "branches", "mapped", "with_failure",
    "scaled", "map_chain", "map_branch", "sub_map", "map_sub", "pipeline",
    "collections", "regions", "ordered", "imperative",
    "overridden", "uses_reference", "tables", "calls_plans",
]


def short(name):
    return name.split(".")[-1]


def normalise(value, key=None):
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in ("description",):
                continue
            # A dataclass type's JSON schema: flytekit-rs writes none (see
            # crates/flytekit-core/src/types/derive_support.rs; propeller's typing.go casts two
            # STRUCTs when either has no schema).
            if k == "metadata" and value.get("simple") == "STRUCT":
                continue
            out[k] = normalise(v, k)
        return out
    if isinstance(value, list):
        items = [normalise(v, key) for v in value]
        if key in ("upstreamNodeIds",):
            items.sort()
        return items
    if isinstance(value, str) and key in ("name",):
        return short(value)
    if isinstance(value, str) and key == "id" and value.startswith("wf_mirror"):
        return short(value)
    if isinstance(value, str) and key == "id" and value.endswith("-arraynode"):
        return short(value)
    return value


def without_primary_command(data):
    """Drops the command and arguments of the primary container of every pod template
    override: each SDK's own entrypoint, as for every task (see task_specs.py)."""
    for node in data.get("nodes", []):
        pod = node.get("taskNode", {}).get("overrides", {}).get("podTemplate")
        if pod:
            for container in pod.get("podSpec", {}).get("containers", []):
                if container.get("name") == pod.get("primaryContainerName"):
                    container.pop("command", None)
                    container.pop("args", None)
    return data


def spec_json(spec):
    data = without_primary_command(json_format.MessageToDict(spec.template))
    data["subWorkflows"] = sorted(
        (json_format.MessageToDict(s) for s in spec.sub_workflows), key=lambda s: s["id"]["name"]
    )
    return normalise(data)


def map_task_json(spec):
    t = spec.template
    return {
        "name": short(t.id.name),
        "interface": normalise(json_format.MessageToDict(t.interface)),
        "metadata": {
            k: v
            for k, v in json_format.MessageToDict(t.metadata).items()
            if k not in ("runtime", "generatesDeck", "metadata")
        },
        "taskTypeVersion": t.task_type_version,
        "hasDescription": spec.HasField("description"),
    }


def diff(path, a, b, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            diff(f"{path}.{k}", a.get(k), b.get(k), out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            diff(f"{path}[{i}]", x, y, out)
    elif a != b:
        out.append(f"{path}: flytekit {a!r} | flytekit-rs {b!r}")


def main():
    ours_dir = sys.argv[1]
    theirs = pyflyte_specs.packaged(
        "wf_mirror", "_2.pb", workflow_pb2.WorkflowSpec, lambda spec: short(spec.template.id.name)
    )
    problems = []
    for wf in WORKFLOWS:
        ours = pyflyte_specs.ours(ours_dir, wf, workflow_pb2.WorkflowSpec)
        out = []
        diff(wf, spec_json(theirs[wf]), spec_json(ours), out)
        problems.extend(out)
    their_maps = {
        name: spec
        for name, spec in pyflyte_specs.packaged(
            "wf_mirror", "_1.pb", task_pb2.TaskSpec, lambda spec: short(spec.template.id.name)
        ).items()
        if name.endswith("-arraynode")
    }
    map_dir = os.path.join(ours_dir, "map_tasks")
    our_maps = sorted(f[: -len(".pb")] for f in os.listdir(map_dir))
    if sorted(their_maps) != our_maps:
        problems.append(f"map tasks: flytekit {sorted(their_maps)!r} | flytekit-rs {our_maps!r}")
    for name in our_maps:
        if name in their_maps:
            ours = pyflyte_specs.ours(map_dir, name, task_pb2.TaskSpec)
            out = []
            diff(name, map_task_json(their_maps[name]), map_task_json(ours), out)
            problems.extend(out)
    for p in problems:
        print(p)
    print(
        f"{len(WORKFLOWS)} workflows and {len(our_maps)} map tasks compared, "
        f"{len(problems)} differences"
    )
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
