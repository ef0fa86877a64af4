"""A workflow whose launch plans `pyflyte package` writes, mirrored in Rust by `tests/package.rs`
(`mirrored`, `mirrored_lp`) to compare our launch plans with flytekit's."""

import typing
from dataclasses import dataclass

from flytekit import CronSchedule, Email, LaunchPlan, task, workflow
from flytekit.models.core.execution import WorkflowExecutionPhase


@dataclass
class Point:
    x: float
    y: float
    label: str


@task
def combine(a: int, p: Point, n: typing.Optional[int], x: float, s: str, note: typing.Optional[str]) -> str:
    return f"{a} {p} {n} {x} {s} {note}"


@workflow
def mirrored(
    a: int,
    p: Point,
    n: typing.Optional[int],
    x: float = 2.5,
    s: str = "hello",
    note: typing.Optional[str] = None,
) -> str:
    return combine(a=a, p=p, n=n, x=x, s=s, note=note)


mirrored_lp = LaunchPlan.get_or_create(
    mirrored,
    name="mirrored_lp",
    fixed_inputs={"a": 4},
    default_inputs={"x": 1.5},
    schedule=CronSchedule(schedule="0 2 * * *"),
    notifications=[
        Email(phases=[WorkflowExecutionPhase.FAILED], recipients_email=["team@example.com"])
    ],
)
