"""Compare our compiled flyteidl descriptors with the official flyteidl package, field by field.

Usage: python compare_descriptors.py OUR_DESCRIPTOR_SET.bin

Every message and enum declared in our `.proto` files (except google/*) must exist in the official
flyteidl package under the same full name and in the same file, with the same fields (name, number,
type, label, referenced type, oneof membership, proto3 optional), the same oneofs, the same nested
types and the same enum values. Prints one line per difference and exits 1 if there is any.
"""

import importlib
import sys

from google.protobuf import descriptor_pb2, descriptor_pool

LABELS = {1: "optional", 2: "required", 3: "repeated"}
TYPES = {v: k for k, v in descriptor_pb2.FieldDescriptorProto.Type.items()}


def official_file(name):
    """Import the official `_pb2` module of a .proto file and return its FileDescriptorProto."""
    module = importlib.import_module(name[: -len(".proto")].replace("/", ".") + "_pb2")
    proto = descriptor_pb2.FileDescriptorProto()
    module.DESCRIPTOR.CopyToProto(proto)
    return proto


def describe_field(field, oneofs):
    oneof = oneofs[field.oneof_index] if field.HasField("oneof_index") else None
    return (
        field.number,
        LABELS[field.label],
        TYPES[field.type],
        field.type_name.lstrip("."),
        oneof,
        field.proto3_optional,
    )


def compare_message(path, ours, theirs, problems):
    our_oneofs = [o.name for o in ours.oneof_decl]
    their_oneofs = [o.name for o in theirs.oneof_decl]
    our_fields = {f.name: describe_field(f, our_oneofs) for f in ours.field}
    their_fields = {f.name: describe_field(f, their_oneofs) for f in theirs.field}
    for name in sorted(set(our_fields) | set(their_fields)):
        if name not in their_fields:
            problems.append(f"{path}.{name}: not in the official message")
        elif name not in our_fields:
            problems.append(f"{path}.{name}: missing (official: {their_fields[name]})")
        elif our_fields[name] != their_fields[name]:
            problems.append(
                f"{path}.{name}: ours (number, label, type, type_name, oneof, optional) = "
                f"{our_fields[name]}, official = {their_fields[name]}"
            )
    if our_oneofs != their_oneofs:
        problems.append(f"{path}: oneofs {our_oneofs}, official {their_oneofs}")
    compare_nested(path, ours, theirs, problems)


def compare_enum(path, ours, theirs, problems):
    our_values = [(v.name, v.number) for v in ours.value]
    their_values = [(v.name, v.number) for v in theirs.value]
    if our_values != their_values:
        problems.append(f"{path}: values {our_values}, official {their_values}")


def compare_nested(path, ours, theirs, problems):
    """Compare the messages and enums declared inside `ours` (a file or a message)."""
    messages = "message_type" if hasattr(ours, "message_type") else "nested_type"
    their_messages = {m.name: m for m in getattr(theirs, messages)}
    their_enums = {e.name: e for e in theirs.enum_type}
    for message in getattr(ours, messages):
        full = f"{path}.{message.name}"
        if message.name not in their_messages:
            problems.append(f"{full}: no such message in the official file")
        else:
            compare_message(full, message, their_messages[message.name], problems)
    for enum in ours.enum_type:
        full = f"{path}.{enum.name}"
        if enum.name not in their_enums:
            problems.append(f"{full}: no such enum in the official file")
        else:
            compare_enum(full, enum, their_enums[enum.name], problems)


def main():
    ours = descriptor_pb2.FileDescriptorSet()
    with open(sys.argv[1], "rb") as f:
        ours.ParseFromString(f.read())
    problems = []
    checked = 0
    for file in ours.file:
        if file.name.startswith("google/"):
            continue
        try:
            theirs = official_file(file.name)
        except ImportError:
            problems.append(f"{file.name}: no such file in the official flyteidl package")
            continue
        if file.package != theirs.package:
            problems.append(f"{file.name}: package {file.package}, official {theirs.package}")
        compare_nested(file.package, file, theirs, problems)
        checked += len(file.message_type) + len(file.enum_type)
    for problem in problems:
        print(problem)
    print(f"{checked} top-level messages and enums checked, {len(problems)} differences")
    sys.exit(1 if problems or checked == 0 else 0)


if __name__ == "__main__":
    main()
