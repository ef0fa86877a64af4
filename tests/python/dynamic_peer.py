"""Python flytekit as the peer of flytekit-rs dynamic tasks (tests/dynamic.rs).

Usage (run from tests/python):
  python dynamic_peer.py write-inputs CASE PATH   write the inputs.pb of a case
  python dynamic_peer.py check CASE DIR           run `pyflyte-execute` for the case on
                                                  DIR/inputs.pb into DIR/flytekit, then compare
                                                  with what ours wrote into DIR/ours
  python dynamic_peer.py read-error PATH          print an error.pb as JSON
  python dynamic_peer.py context TASK VALUE       compare our `_F_SS_C` of a dynamic task with
                                                  the one `pyflyte package` writes

A case names a @dynamic of dyn_mirror/dynamics.py and its inputs. `check` compares the result
file (futures.pb or outputs.pb, whichever each side wrote) after decoding both with flytekit's
models: for a DynamicJobSpec the nodes (ids, metadata, bindings, upstream ids, targets),
min_successes, the output bindings, the sub-workflows and the tasks (ids, interfaces,
retries/timeout/cache metadata), entity names reduced to their last segment (the module paths
differ). The task templates' container line, task type and runtime metadata are each SDK's own
(see task_specs.py) and are left out. Prints `ok` or every difference and exits 1.
"""

import json
import os
import subprocess
import sys
import tarfile
import tempfile

from flyteidl.core import dynamic_job_pb2, errors_pb2, literals_pb2
from flytekit.models.literals import Literal, LiteralCollection, LiteralMap, Primitive, Scalar
from google.protobuf import json_format

# The execution every case runs in (the same for both sides).
ENV = {
    "FLYTE_INTERNAL_EXECUTION_PROJECT": "proj",
    "FLYTE_INTERNAL_EXECUTION_DOMAIN": "dev",
    "FLYTE_INTERNAL_EXECUTION_ID": "exec1",
    "FLYTE_INTERNAL_TASK_VERSION": "v7",
}

CASES = {
    "cube_each_123": ("cube_each", {"xs": [1, 2, 3]}),
    "cube_each_empty": ("cube_each", {"xs": []}),
    "nested_3": ("nested", {"n": 3}),
    "launch_each_12": ("launch_each", {"xs": [1, 2]}),
    "maybe_sum_empty": ("maybe_sum", {"xs": []}),
    "maybe_sum_12": ("maybe_sum", {"xs": [1, 2]}),
    "outer_3": ("outer", {"n": 3}),
    "scale_each_123": ("scale_each", {"xs": [1, 2, 3], "k": 4}),
    "double_most_12": ("double_most", {"xs": [1, 2]}),
    "triple_each_12": ("triple_each", {"xs": [1, 2]}),
    "tuned_each_12": ("tuned_each", {"xs": [1, 2]}),
    "gated_12": ("gated", {"xs": [1, 2]}),
}


def literal(value):
    if isinstance(value, list):
        return Literal(collection=LiteralCollection(literals=[literal(v) for v in value]))
    return Literal(scalar=Scalar(primitive=Primitive(integer=value)))


def write_inputs(case, path):
    _, inputs = CASES[case]
    literals = LiteralMap(literals={k: literal(v) for k, v in inputs.items()})
    with open(path, "wb") as f:
        f.write(literals.to_flyte_idl().SerializeToString())


def serialized_context(task):
    """The `_F_SS_C` that `pyflyte package` puts in the environment of a @dynamic."""
    from flyteidl.admin import task_pb2

    with tempfile.TemporaryDirectory() as tmp:
        archive = os.path.join(tmp, "pkg.tgz")
        subprocess.run(
            ["pyflyte", "--pkgs", "dyn_mirror", "package", "--image", "ghcr.io/x/y:1", "-o", archive, "--force"],
            check=True, stdout=subprocess.DEVNULL,
        )
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        for name in os.listdir(tmp):
            if name.endswith(f".{task}_1.pb"):
                spec = task_pb2.TaskSpec()
                with open(os.path.join(tmp, name), "rb") as f:
                    spec.ParseFromString(f.read())
                for env in spec.template.container.env:
                    if env.key == "_F_SS_C":
                        return env.value
    raise SystemExit(f"no _F_SS_C for {task}")


def run_flytekit(case, directory):
    task, _ = CASES[case]
    out = os.path.join(directory, "flytekit")
    os.makedirs(out, exist_ok=True)
    env = dict(os.environ, **ENV, _F_SS_C=serialized_context(task))
    subprocess.run(
        [
            "pyflyte-execute", "--inputs", os.path.join(directory, "inputs.pb"),
            "--output-prefix", out, "--raw-output-data-prefix", os.path.join(directory, "raw"),
            "--resolver", "flytekit.core.python_auto_container.default_task_resolver",
            "--", "task-module", "dyn_mirror.dynamics", "task-name", task,
        ],
        check=True, env=env,
    )
    return out


def short(name):
    return name.split(".")[-1]


def normalise(value, key=None):
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "description":
                continue
            out[k] = normalise(v, k)
        if key in ("referenceId", "launchplanRef", "subWorkflowRef", "id") and "name" in out:
            out["name"] = short(out["name"])
        return out
    if isinstance(value, list):
        items = [normalise(v, key) for v in value]
        if key == "upstreamNodeIds":
            items.sort()
        return items
    # An array node's inner node is named after the map task, module path included.
    if isinstance(value, str) and key in ("id", "name") and value.endswith("-arraynode"):
        return short(value)
    return value


def task_summary(template):
    """What of a task template must agree: id, interface and the metadata that says how it
    runs (the container line, type and runtime are each SDK's own)."""
    metadata = template.get("metadata", {})
    kept = {k: metadata[k] for k in ("retries", "timeout", "interruptible", "discoverable", "discoveryVersion") if k in metadata}
    return {"id": template.get("id"), "interface": template.get("interface"), "metadata": kept,
            "image": template.get("container", {}).get("image")}


def read_result(directory):
    names = sorted(n for n in os.listdir(directory) if n in ("futures.pb", "outputs.pb", "error.pb"))
    if len(names) != 1:
        raise SystemExit(f"{directory} holds {names}, not exactly one result")
    name = names[0]
    with open(os.path.join(directory, name), "rb") as f:
        data = f.read()
    if name == "futures.pb":
        spec = dynamic_job_pb2.DynamicJobSpec()
        spec.ParseFromString(data)
        value = normalise(json_format.MessageToDict(spec))
        value["tasks"] = sorted((task_summary(t) for t in value.get("tasks", [])), key=lambda t: t["id"]["name"])
        value["subworkflows"] = sorted(value.get("subworkflows", []), key=lambda w: w["id"]["name"])
        for sub in value["subworkflows"]:
            sub.pop("metadata", None)
            sub.pop("metadataDefaults", None)
        return name, value
    if name == "outputs.pb":
        outputs = literals_pb2.LiteralMap()
        outputs.ParseFromString(data)
        return name, json_format.MessageToDict(outputs)
    error = errors_pb2.ErrorDocument()
    error.ParseFromString(data)
    return name, json_format.MessageToDict(error)


def differences(path, theirs, ours, out):
    if isinstance(theirs, dict) and isinstance(ours, dict):
        for k in sorted(set(theirs) | set(ours)):
            differences(f"{path}.{k}", theirs.get(k), ours.get(k), out)
    elif isinstance(theirs, list) and isinstance(ours, list) and len(theirs) == len(ours):
        for i, (t, o) in enumerate(zip(theirs, ours)):
            differences(f"{path}[{i}]", t, o, out)
    elif theirs != ours:
        out.append(f"{path}: flytekit {json.dumps(theirs)}, ours {json.dumps(ours)}")


def check(case, directory):
    theirs_dir = run_flytekit(case, directory)
    their_name, theirs = read_result(theirs_dir)
    our_name, ours = read_result(os.path.join(directory, "ours"))
    out = []
    if their_name != our_name:
        out.append(f"flytekit wrote {their_name}, ours {our_name}")
    else:
        differences(their_name, theirs, ours, out)
    if out:
        print("\n".join(out))
        sys.exit(1)
    summary = ""
    if their_name == "futures.pb":
        summary = f" ({len(theirs.get('nodes', []))} nodes, {len(theirs['tasks'])} tasks, {len(theirs['subworkflows'])} sub-workflows)"
    print(f"ok: {their_name}{summary}")


def decode_context(value):
    import base64
    import gzip

    return json.loads(gzip.decompress(base64.b64decode(value)))


def compare_context(task, ours):
    """The serialization context of a dynamic task: flytekit must be able to read ours
    (`SerializationSettings.from_transport`), and the image config must be the same."""
    from flytekit.configuration import SerializationSettings

    theirs = decode_context(serialized_context(task))
    mine = decode_context(ours)
    out = []
    for key in ("image_config", "project", "domain", "version"):
        if theirs.get(key) != mine.get(key):
            out.append(f"{key}: flytekit {json.dumps(theirs.get(key))}, ours {json.dumps(mine.get(key))}")
    read = SerializationSettings.from_transport(ours)
    if read.image_config.default_image.full != "ghcr.io/x/y:1":
        out.append(f"flytekit reads our default image as {read.image_config.default_image.full}")
    if out:
        print("\n".join(out))
        sys.exit(1)
    print("ok")


def main():
    command = sys.argv[1]
    if command == "write-inputs":
        write_inputs(sys.argv[2], sys.argv[3])
    elif command == "check":
        check(sys.argv[2], sys.argv[3])
    elif command == "context":
        compare_context(sys.argv[2], sys.argv[3])
    elif command == "read-error":
        error = errors_pb2.ErrorDocument()
        with open(sys.argv[2], "rb") as f:
            error.ParseFromString(f.read())
        print(json.dumps(json_format.MessageToDict(error)))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
