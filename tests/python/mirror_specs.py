"""Compare the WorkflowSpecs flytekit builds for tests/python/wf_mirror with ours.

Usage: python mirror_specs.py OURS_DIR   (run from tests/python)

OURS_DIR holds <workflow short name>.pb files: admin WorkflowSpec written by flytekit-rs.
Runs `pyflyte package` on wf_mirror, normalises both sides (entity names reduced to their last
segment; the map task's generated name and its flytekit-only fields left out) and prints every
difference. Exits 1 if there is any.
"""

import sys

from google.protobuf import json_format
from flyteidl.admin import workflow_pb2

import pyflyte_specs

WORKFLOWS = ["chain", "fan", "tuples", "literals", "outer", "branches", "mapped", "with_failure"]


def short(name):
    name = name.split(".")[-1]
    if name.startswith("map_") and name.endswith("-arraynode"):
        return "<map task>"
    return name


def normalise(value, key=None):
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in ("description",):
                continue
            if k == "isOriginalSubNodeInterface":
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
        return "<map task>"
    return value


def blank_map_task_names(value):
    """Accepted difference by design: flytekit registers a generated map-task entity
    (`map_<fn>_<hash>-arraynode`) and names the array node after it; flytekit-rs maps the
    plain task (its sub-node references the task itself). Names of array nodes are blanked."""
    if isinstance(value, dict):
        if "arrayNode" in value:
            value.setdefault("metadata", {})["name"] = "<map task>"
            sub = value["arrayNode"].get("node", {})
            sub["id"] = "<map task>"
            sub.setdefault("metadata", {})["name"] = "<map task>"
            sub.get("taskNode", {}).get("referenceId", {})["name"] = "<map task>"
        for v in value.values():
            blank_map_task_names(v)
    elif isinstance(value, list):
        for v in value:
            blank_map_task_names(v)


def spec_json(spec):
    data = json_format.MessageToDict(spec.template)
    data["subWorkflows"] = sorted(
        (json_format.MessageToDict(s) for s in spec.sub_workflows), key=lambda s: s["id"]["name"]
    )
    data = normalise(data)
    blank_map_task_names(data)
    return data


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
    for p in problems:
        print(p)
    print(f"{len(WORKFLOWS)} workflows compared, {len(problems)} differences")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
