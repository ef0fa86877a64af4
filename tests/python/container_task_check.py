"""Compares a Rust `#[container_task]` TaskTemplate with what flytekit's ContainerTask serializes.

Usage: python container_task_check.py TEMPLATE.pb

Builds the ContainerTask that tests/references.rs declares as `echo` with flytekit, serializes
its TaskTemplate, decodes the Rust one, and compares every field but the id and the runtime
metadata (SDK name and version differ by design). Prints `ok` or exits 1 with the differences.
"""

import sys
from collections import OrderedDict

from flyteidl.core import tasks_pb2
from flytekit import ContainerTask, Resources, kwtypes
from flytekit.configuration import Image, ImageConfig, SerializationSettings
from flytekit.core.base_task import TaskMetadata
from flytekit.tools.translator import get_serializable

echo = ContainerTask(
    name="echo",
    image="alpine:3.19",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(x=int),
    outputs=kwtypes(o0=str),
    command=["sh", "-c", "echo {{.inputs.x}} > /var/outputs/o0"],
    arguments=["--verbose"],
    requests=Resources(cpu="1", mem="1Gi"),
    environment={"GREETING": "hi"},
    metadata=TaskMetadata(retries=2),
)


def main() -> None:
    settings = SerializationSettings(
        image_config=ImageConfig(default_image=Image(name="default", fqn="ignored", tag="v")),
    )
    expected = get_serializable(OrderedDict(), settings, echo).template.to_flyte_idl()
    actual = tasks_pb2.TaskTemplate()
    with open(sys.argv[1], "rb") as f:
        actual.ParseFromString(f.read())
    for template in (expected, actual):
        template.ClearField("id")
        template.metadata.ClearField("runtime")
    if expected != actual:
        print("flytekit:\n" + str(expected) + "\nrust:\n" + str(actual))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
