"""The Python half of the type-engine interop tests (tests/type_interop.rs).

Usage (from tests/python):
  python type_interop.py check DIR   read DIR/rust_types.pb (VariableMap) and DIR/rust_literals.pb
                                     (LiteralMap) written by flytekit-rs and check each case
  python type_interop.py write DIR   write DIR/python_literals.pb: every case encoded by flytekit

For every case, `check` verifies that
  1. our literal type equals flytekit's TypeEngine.to_literal_type (JSON-schema `metadata` aside:
     flytekit-rs deliberately leaves it out),
  2. flytekit's TypeEngine decodes our literal into the expected Python value, and
  3. where flytekit can encode the value without side effects (everything but files), our literal
     equals flytekit's literal exactly, msgpack bytes included.
Prints one line per problem and exits 1 if there is any.
"""

import datetime
import enum
import sys
import typing
from dataclasses import dataclass, field

from flyteidl.core import interface_pb2, literals_pb2, types_pb2
from flytekit import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.literals import Literal, LiteralMap
from flytekit.models.types import LiteralType
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile

UTC = datetime.timezone.utc


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"
    DEEP_BLUE = "deep_blue"


@dataclass
class Inner:
    n: int
    tags: typing.List[str]


@dataclass
class Record:
    name: str
    score: float
    count: int
    flag: bool
    color: Color
    maybe: typing.Optional[int]
    inner: Inner
    items: typing.List[Inner]
    lookup: typing.Dict[str, float]
    when: datetime.datetime
    took: datetime.timedelta
    report: FlyteFile
    nothing: typing.Optional[str] = None


RECORD = Record(
    name="r1",
    score=0.25,
    count=-3,
    flag=True,
    color=Color.GREEN,
    maybe=None,
    inner=Inner(n=1, tags=["a", "b"]),
    items=[Inner(n=2, tags=[]), Inner(n=300, tags=["z"])],
    lookup={"a": 1.5, "b": -2.0},
    when=datetime.datetime(2024, 1, 2, 3, 4, 5, 600000, tzinfo=UTC),
    took=datetime.timedelta(seconds=90, microseconds=5),
    report=FlyteFile("s3://bucket/report.html"),
)

# name -> (python type, expected python value, exact literal comparison possible)
CASES = {
    "int": (int, 42, True),
    "int_small": (int, 7, True),
    "int_negative": (int, -9_000_000_000, True),
    "float": (float, 2.5, True),
    "float32": (float, 1.5, True),
    "bool": (bool, True, True),
    "str": (str, "héllo", True),
    "datetime": (datetime.datetime, datetime.datetime(2024, 1, 2, 3, 4, 5, 600000, tzinfo=UTC), True),
    "date": (datetime.date, datetime.date(2024, 2, 29), True),
    "duration": (datetime.timedelta, datetime.timedelta(seconds=90, microseconds=5), True),
    "negative_duration": (datetime.timedelta, datetime.timedelta(seconds=-1.5), True),
    "list_int": (typing.List[int], [1, 2, 3], True),
    "nested_list": (typing.List[typing.List[str]], [["a"], [], ["b", "c"]], True),
    "dict": (typing.Dict[str, float], {"x": 1.0, "y": -0.5}, True),
    "dict_of_lists": (typing.Dict[str, typing.List[int]], {"a": [1], "b": []}, True),
    "optional_some": (typing.Optional[int], 7, True),
    "optional_none": (typing.Optional[str], None, True),
    "optional_list": (typing.Optional[typing.List[int]], [4, 5], True),
    "untyped_dict": (dict, {"a": 1, "b": [True, None, "x"], "c": {"d": 2.5}}, True),
    "enum": (Color, Color.DEEP_BLUE, True),
    "optional_enum": (typing.Optional[Color], Color.GREEN, True),
    "file": (FlyteFile, FlyteFile("s3://bucket/data.csv"), False),
    "csv_file": (FlyteFile[typing.TypeVar("csv")], FlyteFile("s3://bucket/table.csv"), False),
    "directory": (FlyteDirectory, FlyteDirectory("s3://bucket/dir/"), False),
    "inner": (Inner, Inner(n=5, tags=["t"]), True),
    "record": (Record, RECORD, True),
    "optional_record": (typing.Optional[Record], RECORD, True),
    "records": (typing.List[Inner], [Inner(n=1, tags=[]), Inner(n=2, tags=["q"])], True),
}


def strip_metadata(literal_type):
    """Drop JSON-schema `metadata` everywhere in a LiteralType proto (flytekit-rs omits it)."""
    literal_type.ClearField("metadata")
    which = literal_type.WhichOneof("type")
    if which in ("collection_type", "map_value_type"):
        strip_metadata(getattr(literal_type, which))
    elif which == "union_type":
        for variant in literal_type.union_type.variants:
            strip_metadata(variant)
    for field_type in literal_type.structure.dataclass_type.values():
        strip_metadata(field_type)
    return literal_type


def strip_literal_metadata(literal):
    """Drop `metadata` of LiteralTypes embedded in union literals, recursively."""
    which = literal.WhichOneof("value")
    if which == "scalar" and literal.scalar.WhichOneof("value") == "union":
        strip_metadata(literal.scalar.union.type)
        strip_literal_metadata(literal.scalar.union.value)
    elif which == "collection":
        for item in literal.collection.literals:
            strip_literal_metadata(item)
    elif which == "map":
        for item in literal.map.literals.values():
            strip_literal_metadata(item)
    return literal


def same_value(expected, actual):
    if isinstance(expected, (FlyteFile, FlyteDirectory)):
        source = getattr(actual, "_remote_source", None) or actual.path
        same_kind = isinstance(actual, FlyteFile) == isinstance(expected, FlyteFile)
        return same_kind and str(source).rstrip("/") == str(expected.path).rstrip("/")
    if isinstance(expected, Record):
        return (
            same_value(expected.report, actual.report)
            and {**expected.__dict__, "report": None} == {**actual.__dict__, "report": None}
        )
    return type(expected) is type(actual) and expected == actual


def check(directory):
    ctx = FlyteContextManager.current_context()
    variables = interface_pb2.VariableMap()
    with open(f"{directory}/rust_types.pb", "rb") as f:
        variables.ParseFromString(f.read())
    literals = literals_pb2.LiteralMap()
    with open(f"{directory}/rust_literals.pb", "rb") as f:
        literals.ParseFromString(f.read())

    problems = []
    for name, (python_type, expected, exact) in CASES.items():
        if name not in literals.literals or name not in variables.variables:
            problems.append(f"{name}: not written by flytekit-rs")
            continue
        flytekit_type = strip_metadata(TypeEngine.to_literal_type(python_type).to_flyte_idl())
        ours_type = variables.variables[name].type
        if strip_metadata(types_pb2.LiteralType.FromString(ours_type.SerializeToString())) != flytekit_type:
            problems.append(f"{name}: literal type differs\n  flytekit-rs: {ours_type}\n  flytekit:    {flytekit_type}")
        ours = literals.literals[name]
        try:
            value = TypeEngine.to_python_value(ctx, Literal.from_flyte_idl(ours), python_type)
        except Exception as err:  # noqa: BLE001 - report any decoding failure as a problem
            problems.append(f"{name}: flytekit cannot decode our literal: {err!r}")
            continue
        if not same_value(expected, value):
            problems.append(f"{name}: flytekit decoded {value!r}, expected {expected!r}")
        if exact:
            theirs = TypeEngine.to_literal(ctx, expected, python_type, TypeEngine.to_literal_type(python_type))
            theirs = strip_literal_metadata(theirs.to_flyte_idl())
            if strip_literal_metadata(literals_pb2.Literal.FromString(ours.SerializeToString())) != theirs:
                problems.append(f"{name}: literal differs\n  flytekit-rs: {ours}\n  flytekit:    {theirs}")
    for problem in problems:
        print(problem)
    print(f"{len(CASES)} cases checked, {len(problems)} problems")
    sys.exit(1 if problems else 0)


def write(directory):
    ctx = FlyteContextManager.current_context()
    out = {}
    for name, (python_type, value, _) in CASES.items():
        literal_type = TypeEngine.to_literal_type(python_type)
        out[name] = TypeEngine.to_literal(ctx, value, python_type, literal_type)
    with open(f"{directory}/python_literals.pb", "wb") as f:
        f.write(LiteralMap(literals=out).to_flyte_idl().SerializeToString())
    print(f"{len(out)} literals written")


if __name__ == "__main__":
    {"check": check, "write": write}[sys.argv[1]](sys.argv[2])
