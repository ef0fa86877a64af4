"""Write the files Python flytekit produces, for the wire-compatibility tests to decode.

Usage: python make_flytekit_files.py OUT_DIR   (run from tests/python)

OUT_DIR/package/   what `pyflyte package` writes for flyte_sample (TaskSpec / WorkflowSpec /
                   LaunchPlan files, named NN_<name>_{1,2,3}.pb)
OUT_DIR/execute/   inputs.pb, outputs.pb and error.pb of `pyflyte-execute` runs of a task that
                   succeeds and one that raises
OUT_DIR/literals/  a LiteralMap of every kind of value flytekit's TypeEngine writes
"""

import datetime
import os
import subprocess
import sys
import tarfile
import typing

from flytekit import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.literals import LiteralMap
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile

from flyte_sample.workflows import Point

RESOLVER = "flytekit.core.python_auto_container.default_task_resolver"


def literal_map(values):
    """Convert {name: (value, python type)} to a flytekit LiteralMap model."""
    ctx = FlyteContextManager.current_context()
    literals = {}
    for name, (value, python_type) in values.items():
        literal_type = TypeEngine.to_literal_type(python_type)
        literals[name] = TypeEngine.to_literal(ctx, value, python_type, literal_type)
    return LiteralMap(literals=literals)


def write(path, model):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(model.to_flyte_idl().SerializeToString())


def package(out):
    target = os.path.join(out, "package")
    os.makedirs(target, exist_ok=True)
    archive = os.path.join(out, "flyte-package.tgz")
    subprocess.run(
        ["pyflyte", "--pkgs", "flyte_sample", "package", "--image", "ghcr.io/example/app:1",
         "--output", archive, "--force"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")


def execute(out, name, task_name, inputs):
    prefix = os.path.join(out, "execute", name)
    write(os.path.join(prefix, "inputs.pb"), literal_map(inputs))
    subprocess.run(
        ["pyflyte-execute", "--inputs", os.path.join(prefix, "inputs.pb"),
         "--output-prefix", prefix, "--raw-output-data-prefix", os.path.join(out, "raw"),
         "--resolver", RESOLVER, "--", "task-module", "flyte_sample.workflows",
         "task-name", task_name],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main():
    out = os.path.abspath(sys.argv[1])
    os.makedirs(out, exist_ok=True)
    package(out)
    execute(out, "add", "add", {"a": (5, int), "b": (7, int)})
    execute(out, "shift", "shift", {"p": (Point(1.0, 2.0, "p"), Point), "by": (0.5, float)})
    execute(out, "explode", "explode", {"a": (1, int)})

    some_file = os.path.join(out, "raw", "data.csv")
    os.makedirs(os.path.dirname(some_file), exist_ok=True)
    with open(some_file, "w") as f:
        f.write("a,b\n1,2\n")
    write(
        os.path.join(out, "literals", "all_kinds.pb"),
        literal_map(
            {
                "int": (42, int),
                "float": (2.5, float),
                "str": ("hello", str),
                "bool": (True, bool),
                "datetime": (
                    datetime.datetime(2024, 1, 2, 3, 4, 5, 600000, tzinfo=datetime.timezone.utc),
                    datetime.datetime,
                ),
                "duration": (datetime.timedelta(seconds=90, microseconds=5), datetime.timedelta),
                "list": ([1, 2, 3], typing.List[int]),
                "dict": ({"a": 1.0, "b": 2.0}, typing.Dict[str, float]),
                "untyped_dict": ({"k": [1, "two", None]}, dict),
                "optional_some": (7, typing.Optional[int]),
                "optional_none": (None, typing.Optional[int]),
                "point": (Point(1.0, 2.0, "p"), Point),
                "points": ([Point(3.0, 4.0, "q")], typing.List[Point]),
                "file": (FlyteFile(some_file), FlyteFile),
                "directory": (FlyteDirectory(os.path.dirname(some_file)), FlyteDirectory),
            }
        ),
    )


if __name__ == "__main__":
    main()
