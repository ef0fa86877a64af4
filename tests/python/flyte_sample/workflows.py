"""A small flytekit module whose `pyflyte package` output the wire tests decode with our types.

It touches what a real project uses: task options (cache, retries, timeout, resources, secrets,
environment), a dataclass, an Optional, a map task, a sub-workflow, a branch that can fail and a
scheduled launch plan with a notification.
"""

import typing
from dataclasses import dataclass
from datetime import timedelta

from flytekit import (
    CronSchedule,
    Email,
    LaunchPlan,
    Resources,
    Secret,
    conditional,
    map_task,
    task,
    workflow,
)
from flytekit.models.core.execution import WorkflowExecutionPhase


@dataclass
class Point:
    x: float
    y: float
    label: str


@task(
    cache=True,
    cache_version="1.0",
    retries=3,
    timeout=timedelta(minutes=5),
    requests=Resources(cpu="500m", mem="1Gi"),
    limits=Resources(cpu="1", mem="2Gi"),
    environment={"MODE": "test"},
    secret_requests=[Secret(group="db", key="password", mount_requirement=Secret.MountType.ENV_VAR)],
)
def add(a: int, b: int = 3) -> int:
    """Add two numbers."""
    return a + b


@task
def square(x: int) -> int:
    return x * x


@task
def shift(p: Point, by: float, note: typing.Optional[str] = None) -> Point:
    return Point(x=p.x + by, y=p.y + by, label=note or p.label)


@task
def explode(a: int) -> int:
    if a > 0:
        raise ValueError(f"cannot handle {a}")
    return a


@workflow
def inner(a: int) -> int:
    return add(a=a, b=1)


@workflow
def pipeline(a: int, p: Point, xs: typing.List[int]) -> typing.Tuple[int, Point, typing.List[int]]:
    total = inner(a=a)
    moved = shift(p=p, by=1.5)
    squares = map_task(square)(x=xs)
    result = (
        conditional("big")
        .if_(total > 10)
        .then(add(a=total, b=total))
        .elif_(total >= 0)
        .then(square(x=total))
        .else_()
        .fail("negative totals are not allowed")
    )
    return result, moved, squares


nightly = LaunchPlan.get_or_create(
    pipeline,
    name="nightly_pipeline",
    default_inputs={"xs": [1, 2, 3]},
    fixed_inputs={"a": 4},
    schedule=CronSchedule(schedule="0 2 * * *"),
    notifications=[
        Email(phases=[WorkflowExecutionPhase.FAILED], recipients_email=["team@example.com"])
    ],
)
