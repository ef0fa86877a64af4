"""Compares Rust `#[container_task]` TaskTemplates with what flytekit's ContainerTask serializes.

Usage: python container_task_check.py NAME TEMPLATE.pb [NAME TEMPLATE.pb ...]

For each NAME, builds with flytekit the ContainerTask that tests/references.rs declares under
that name (`echo`, `rectangle`), serializes its TaskTemplate, decodes the Rust one from
TEMPLATE.pb, and compares every field but the id and the runtime metadata (SDK name and version
differ by design). Prints `ok` or exits 1 with the differences.
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

# Named outputs: the command writes one file per output name, which the co-pilot reads back.
rectangle = ContainerTask(
    name="rectangle",
    image="alpine:3.19",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(w=float, h=float),
    outputs=kwtypes(area=float, perimeter=float),
    command=[
        "sh",
        "-c",
        "awk 'BEGIN { print {{.inputs.w}} * {{.inputs.h}} }' > /var/outputs/area && "
        "awk 'BEGIN { print 2 * ({{.inputs.w}} + {{.inputs.h}}) }' > /var/outputs/perimeter",
    ],
)

TASKS = {"echo": echo, "rectangle": rectangle}


def main() -> None:
    settings = SerializationSettings(
        image_config=ImageConfig(default_image=Image(name="default", fqn="ignored", tag="v")),
    )
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit(__doc__)
    failed = False
    for name, path in zip(args[::2], args[1::2]):
        expected = get_serializable(OrderedDict(), settings, TASKS[name]).template.to_flyte_idl()
        actual = tasks_pb2.TaskTemplate()
        with open(path, "rb") as f:
            actual.ParseFromString(f.read())
        for template in (expected, actual):
            template.ClearField("id")
            template.metadata.ClearField("runtime")
        if expected != actual:
            print(f"{name}: flytekit:\n{expected}\nrust:\n{actual}")
            failed = True
    if failed:
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
