"""Check a package written by flytekit-rs `package` with Python flyteidl, as flytectl would read it.

Usage: python check_package.py ARCHIVE [--folder DIR] [--project P] [--domain D] [--version V]

- every member is flat, named `<index>_<name>_<kind>.pb`, the index zero-padded to ceil(log10(N))
  digits and running 0..N-1 in file-name order (the order `flytectl register files` uses);
- every file decodes as the message its suffix names (1 TaskSpec, 2 WorkflowSpec, 3 LaunchPlan),
  carries an id of the matching resource type whose name is the file's, and re-encodes to the
  same message;
- in file-name order, every task and launch plan a workflow references (in nodes, branch arms,
  array sub-nodes, failure nodes, embedded sub-workflows) and every launch plan's workflow was
  registered by an earlier file, and every sub-workflow reference is embedded in the spec;
- with --project/--domain/--version, every identifier carries exactly those;
- with --folder, the folder (what `serialize` wrote) holds exactly the same files.

Prints a JSON summary (entities in order, schedules, notifications, node kinds) on success;
exits 1 listing every problem otherwise.
"""

import argparse
import json
import math
import os
import re
import sys
import tarfile

from flyteidl.admin import launch_plan_pb2, task_pb2, workflow_pb2
from google.protobuf import json_format
from flyteidl.core import identifier_pb2

KINDS = {
    "1": (task_pb2.TaskSpec, identifier_pb2.TASK),
    "2": (workflow_pb2.WorkflowSpec, identifier_pb2.WORKFLOW),
    "3": (launch_plan_pb2.LaunchPlan, identifier_pb2.LAUNCH_PLAN),
}
NAME = re.compile(r"^(\d+)_(.+)_([123])\.pb$")


def node_refs(node, out):
    """Collect (kind, id) references of a node and its inner nodes; return node kinds seen."""
    which = node.WhichOneof("target")
    out["kinds"].add(which)
    if which == "task_node":
        out["refs"].append(node.task_node.reference_id)
    elif which == "workflow_node":
        ref = node.workflow_node.WhichOneof("reference")
        if ref == "launchplan_ref":
            out["refs"].append(node.workflow_node.launchplan_ref)
        else:
            out["subs"].append(node.workflow_node.sub_workflow_ref)
    elif which == "branch_node":
        block = node.branch_node.if_else
        for case in [block.case, *block.other]:
            node_refs(case.then_node, out)
        if block.HasField("else_node"):
            node_refs(block.else_node, out)
    elif which == "array_node":
        node_refs(node.array_node.node, out)


def template_refs(template, out):
    for node in template.nodes:
        node_refs(node, out)
    if template.HasField("failure_node"):
        node_refs(template.failure_node, out)


def all_ids(message):
    """Every Identifier inside a message."""
    found = []

    def walk(m):
        if m.DESCRIPTOR.full_name == "flyteidl.core.Identifier":
            found.append(m)
            return
        for field, value in m.ListFields():
            if field.message_type is None:
                continue
            if hasattr(value, "DESCRIPTOR"):
                walk(value)
                continue
            items = value.values() if callable(getattr(value, "values", None)) else value
            for item in items:
                if hasattr(item, "DESCRIPTOR"):
                    walk(item)

    walk(message)
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("archive")
    parser.add_argument("--folder")
    parser.add_argument("--project")
    parser.add_argument("--domain")
    parser.add_argument("--version")
    args = parser.parse_args()

    problems = []
    with tarfile.open(args.archive, "r:gz") as tar:
        members = tar.getmembers()
        files = {m.name: tar.extractfile(m).read() for m in members if m.isfile()}
        for m in members:
            if not m.isfile() or "/" in m.name or m.mtime != 0 or m.uid != 0 or m.gid != 0:
                problems.append(f"member {m.name} is not a flat regular file with mtime/uid/gid 0")

    names = sorted(files)
    width = max(1, math.ceil(math.log10(len(names)))) if names else 1
    registered = set()
    summary = {"entities": [], "schedules": {}, "notifications": {}, "node_kinds": [], "labels": {}}
    kinds_seen = set()
    for position, name in enumerate(names):
        match = NAME.match(name)
        if not match:
            problems.append(f"{name}: not named <index>_<name>_<kind>.pb")
            continue
        index, entity, kind = match.groups()
        if len(index) != width or int(index) != position:
            problems.append(f"{name}: index should be {position:0{width}d}")
        message_type, resource_type = KINDS[kind]
        message = message_type()
        try:
            message.ParseFromString(files[name])
        except Exception as err:  # noqa: BLE001 - any decode failure is the finding
            problems.append(f"{name}: does not decode as {message_type.DESCRIPTOR.full_name}: {err}")
            continue
        again = message_type()
        again.ParseFromString(message.SerializeToString(deterministic=True))
        if again != message or message.ByteSize() != len(files[name]):
            problems.append(f"{name}: does not re-encode to the same {message_type.DESCRIPTOR.full_name}")
        own_id = message.template.id if kind in "12" else message.id
        if own_id.resource_type != resource_type or own_id.name != entity:
            problems.append(f"{name}: its id is {own_id.resource_type}/{own_id.name}")

        refs = {"refs": [], "subs": [], "kinds": set()}
        if kind == "2":
            template_refs(message.template, refs)
            embedded = {t.id.name for t in message.sub_workflows}
            for sub in message.sub_workflows:
                template_refs(sub, refs)
            for sub in refs["subs"]:
                if sub.name not in embedded:
                    problems.append(f"{name}: sub-workflow {sub.name} is not embedded")
            kinds_seen |= refs["kinds"]
        elif kind == "3":
            refs["refs"].append(message.spec.workflow_id)
            metadata = message.spec.entity_metadata
            if metadata.HasField("schedule"):
                summary["schedules"][entity] = json.loads(json_format.MessageToJson(metadata.schedule))
            if metadata.notifications:
                summary["notifications"][entity] = [n.WhichOneof("type") for n in metadata.notifications]
            if message.spec.labels.values:
                summary["labels"][entity] = dict(message.spec.labels.values)
        for ref in refs["refs"]:
            if (ref.resource_type, ref.name) not in registered:
                problems.append(f"{name}: references {ref.name} ({ref.resource_type}) before it is registered")
        registered.add((resource_type, entity))
        summary["entities"].append(name)

        for id_ in all_ids(message):
            for field in ("project", "domain", "version"):
                want = getattr(args, field)
                if want is not None and getattr(id_, field) != want:
                    problems.append(f"{name}: identifier {id_.name} has {field} {getattr(id_, field)!r}, not {want!r}")

    summary["node_kinds"] = sorted(kinds_seen)
    if args.folder:
        on_disk = {f: open(os.path.join(args.folder, f), "rb").read() for f in os.listdir(args.folder)}
        if on_disk != files:
            problems.append(f"{args.folder} does not hold the same files as {args.archive}")

    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    main()
