"""Python flytekit as the peer of our `execute` entrypoint (tests/entrypoint.rs).

Usage (from tests/python):
  python entrypoint_peer.py write-inputs CASE PATH   write the inputs.pb of CASE with flytekit
  python entrypoint_peer.py read-outputs CASE PATH   read outputs.pb with flytekit's TypeEngine and
                                                     check it holds CASE's expected values
  python entrypoint_peer.py read-error PATH          print error.pb as JSON, read through
                                                     flytekit's model classes

The tasks are the Rust ones in tests/bin/test_tasks.rs; Point is the same dataclass.
"""

import json
import sys
import typing
from dataclasses import dataclass

from flytekit import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.core.errors import ErrorDocument
from flytekit.models.literals import LiteralMap
from flyteidl.core import errors_pb2, literals_pb2


@dataclass
class Point:
    x: float
    y: float
    label: str


# case -> (inputs {name: (value, type)}, expected outputs {name: (value, type)})
CASES = {
    "add": ({"a": (5, int), "b": (7, int)}, {"o0": (12, int)}),
    "add_default": ({"a": (5, int)}, {"o0": (8, int)}),
    "shift": ({"p": (Point(1.0, 2.0, "p"), Point), "by": (0.5, float)}, {"o0": (Point(1.5, 2.5, "p"), Point)}),
    "explode": ({"a": (1, int)}, {}),
    "map": ({"x": ([10, 20, 30], typing.List[int]), "k": (3, int)}, {"o0": (60, int)}),
    "wrong_type": ({"a": ("five", str)}, {}),
    # The map-task entity of `scale_all`, run as element 0, 1 and 2 of its array node.
    "map_element_0": ({"x": ([10, 20, 30], typing.List[int]), "k": (3, int)}, {"o0": (30, int)}),
    "map_element_1": ({"x": ([10, 20, 30], typing.List[int]), "k": (3, int)}, {"o0": (60, int)}),
    "map_element_2": ({"x": ([10, 20, 30], typing.List[int]), "k": (3, int)}, {"o0": (90, int)}),
    "map_not_a_list": ({"x": (10, int), "k": (3, int)}, {}),
}


def write_inputs(case, path):
    ctx = FlyteContextManager.current_context()
    inputs, _ = CASES[case]
    literals = {
        name: TypeEngine.to_literal(ctx, value, python_type, TypeEngine.to_literal_type(python_type))
        for name, (value, python_type) in inputs.items()
    }
    with open(path, "wb") as f:
        f.write(LiteralMap(literals=literals).to_flyte_idl().SerializeToString())


def read_outputs(case, path):
    ctx = FlyteContextManager.current_context()
    _, expected = CASES[case]
    proto = literals_pb2.LiteralMap()
    with open(path, "rb") as f:
        proto.ParseFromString(f.read())
    outputs = LiteralMap.from_flyte_idl(proto)
    problems = []
    for name, (value, python_type) in expected.items():
        actual = TypeEngine.to_python_value(ctx, outputs.literals[name], python_type)
        if actual != value:
            problems.append(f"{name}: flytekit read {actual!r}, expected {value!r}")
    if set(outputs.literals) != set(expected):
        problems.append(f"outputs {sorted(outputs.literals)}, expected {sorted(expected)}")
    print("\n".join(problems) or "ok")
    sys.exit(1 if problems else 0)


def read_error(path):
    proto = errors_pb2.ErrorDocument()
    with open(path, "rb") as f:
        proto.ParseFromString(f.read())
    error = ErrorDocument.from_flyte_idl(proto).error
    print(json.dumps({
        "code": error.code,
        "message": error.message,
        "kind": {0: "NON_RECOVERABLE", 1: "RECOVERABLE"}[error.kind],
        "origin": {0: "UNKNOWN", 1: "USER", 2: "SYSTEM"}[error.origin],
        "has_timestamp": proto.error.HasField("timestamp"),
    }))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "write-inputs":
        write_inputs(sys.argv[2], sys.argv[3])
    elif command == "read-outputs":
        read_outputs(sys.argv[2], sys.argv[3])
    else:
        read_error(sys.argv[2])
