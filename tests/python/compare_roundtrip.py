"""Check that files re-encoded by flytekit-rs equal the flytekit-written originals, as messages.

Usage: python compare_roundtrip.py PAIRS_FILE

PAIRS_FILE has one line per file: `<message type> <original path> <re-encoded path>`, where the
message type is a full protobuf name such as flyteidl.admin.TaskSpec. Both files are parsed with the
official flyteidl classes and compared as messages (map order does not matter, field values do).
Prints one block per mismatch and exits 1 if there is any.
"""

import difflib
import importlib
import sys

from google.protobuf import symbol_database
from google.protobuf import text_format

MODULES = [
    "flyteidl.admin.task_pb2",
    "flyteidl.admin.workflow_pb2",
    "flyteidl.admin.launch_plan_pb2",
    "flyteidl.core.literals_pb2",
    "flyteidl.core.errors_pb2",
    "flyteidl.core.dynamic_job_pb2",
]


def parse(message_class, path):
    message = message_class()
    with open(path, "rb") as f:
        message.ParseFromString(f.read())
    return message


def main():
    for module in MODULES:
        importlib.import_module(module)
    database = symbol_database.Default()
    failures = 0
    checked = 0
    with open(sys.argv[1]) as pairs:
        for line in pairs:
            type_name, original_path, ours_path = line.split()
            message_class = database.GetSymbol(type_name)
            original = parse(message_class, original_path)
            ours = parse(message_class, ours_path)
            checked += 1
            if original.ByteSize() == 0:
                failures += 1
                print(f"{original_path}: decodes to an empty {type_name}; wrong type?")
            elif original != ours:
                failures += 1
                diff = difflib.unified_diff(
                    text_format.MessageToString(original).splitlines(),
                    text_format.MessageToString(ours).splitlines(),
                    "flytekit",
                    "flytekit-rs",
                    lineterm="",
                )
                print(f"{original_path} ({type_name}) differs after the round trip:")
                print("\n".join(diff))
    print(f"{checked} files compared, {failures} differ")
    sys.exit(1 if failures or checked == 0 else 0)


if __name__ == "__main__":
    main()
