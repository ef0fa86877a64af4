"""Tasks mirrored in Rust by tests/task_mirror.rs: the TaskTemplate flytekit builds for each must
agree with flytekit-rs's on interface, metadata, resources, env and security context."""

import typing
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from flytekit import Documentation, Resources, Secret, SourceCode, StructuredDataset, kwtypes, task
from flytekit.extras.accelerators import T4


@dataclass
class Point:
    x: float
    y: float


@task(
    cache=True,
    cache_version="1.0",
    cache_serialize=True,
    cache_ignore_input_vars=["b"],
    retries=3,
    timeout=timedelta(minutes=90),
    interruptible=True,
    deprecated="use add2",
    requests=Resources(cpu="500m", mem="1Gi"),
    limits=Resources(cpu="1", mem="2Gi"),
    environment={"MODE": "test", "LEVEL": "3"},
    secret_requests=[
        Secret(group="db", key="password", mount_requirement=Secret.MountType.ENV_VAR),
        Secret(group="api", key="token", mount_requirement=Secret.MountType.FILE),
    ],
)
def add(a: int, b: int = 3) -> int:
    return a + b


@task(enable_deck=True)
def split(x: int) -> typing.Tuple[int, str]:
    return x, str(x)


@task
def nothing(x: typing.Optional[str] = None) -> None:
    print(x)


@task(retries=1, accelerator=T4, shared_memory="1Gi")
def moves(p: Point, xs: typing.List[float], m: typing.Dict[str, int]) -> Point:
    return p


SALES = kwtypes(region=str, units=int, price=float, ok=bool, at=datetime)
UNITS = kwtypes(units=int, region=str)


@task
def make_sales(n: int) -> typing.Annotated[pd.DataFrame, SALES]:
    return pd.DataFrame({"region": ["north"] * n, "units": range(n)})


@task
def copy_table(table: pd.DataFrame) -> StructuredDataset:
    return StructuredDataset(dataframe=table)


@task
def units_total(sales: typing.Annotated[StructuredDataset, UNITS]) -> int:
    return int(sales.open(pd.DataFrame).all()["units"].sum())


@task(docs=Documentation(source_code=SourceCode(link="https://github.com/example/repo/blob/main/tasks.py")))
def documented(a: int, b: int) -> int:
    """Adds two numbers.

    The body says more,
    over two lines.

    Args:
        a: the first number
        b: the second number
    Returns:
        the sum
    """
    return a + b


@task(resources=Resources(cpu="1", mem=("1Gi", "2Gi")))
def sized(x: int) -> int:
    return x
