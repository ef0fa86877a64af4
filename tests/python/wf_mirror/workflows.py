"""Workflows mirrored in Rust by tests/workflow_mirror.rs: the WorkflowSpec flytekit builds for
each must match the one flytekit-rs builds (entity names aside)."""

import typing
from dataclasses import dataclass

from functools import partial

from datetime import datetime, timedelta

import pandas as pd

from flytekit import (
    LaunchPlan,
    PodTemplate,
    Resources,
    StructuredDataset,
    conditional,
    kwtypes,
    map_task,
    reference_launch_plan,
    reference_task,
    sleep,
    task,
    workflow,
)
from flytekit.core.workflow import ImperativeWorkflow
from kubernetes.client import V1Container, V1EnvVar, V1PodSpec, V1Toleration
from flytekit.extras.accelerators import T4
from flytekit.types.error import FlyteError


@task
def inc(x: int) -> int:
    return x + 1


@task
def add(a: int, b: int = 3) -> int:
    return a + b


@task
def split(x: int) -> typing.Tuple[int, int]:
    return x // 2, x - x // 2


@task
def greet(name: str, times: int = 1) -> str:
    return name * times


@task
def square(x: int) -> int:
    return x * x


@task
def scale(x: float) -> float:
    return x * 2.0


@task
def clean_up(x: int, err: typing.Optional[FlyteError] = None) -> None:
    print(x, err)


@workflow
def chain(x: int) -> int:
    a = inc(x=x)
    b = inc(x=a)
    return inc(x=b)


@workflow
def fan(x: int) -> int:
    a = inc(x=x)
    b = square(x=x)
    return add(a=a, b=b)


@workflow
def tuples(x: int) -> typing.Tuple[int, int]:
    lo, hi = split(x=x)
    return add(a=lo, b=hi), lo


@workflow
def literals(x: int) -> typing.Tuple[int, int, str]:
    return add(a=x), add(a=x, b=5), greet(name="world")


@workflow
def inner(a: int) -> int:
    return add(a=a, b=1)


@workflow
def outer(x: int) -> int:
    y = inner(a=x)
    return inner(a=y)


@workflow
def branches(x: int, f: float) -> int:
    t = inc(x=x)
    return (
        conditional("pick")
        .if_((t > 10) & (f < 1.5))
        .then(square(x=t))
        .elif_(t == 5)
        .then(add(a=t, b=t))
        .else_()
        .fail("no case matched")
    )


@workflow
def mapped(xs: typing.List[int]) -> typing.List[typing.Optional[int]]:
    return map_task(square, min_success_ratio=0.5, concurrency=2)(x=xs)


@task
def scale(x: int, factor: int, offset: int) -> int:
    return x * factor + offset


@task
def nums(n: int) -> typing.List[int]:
    return list(range(n))


@workflow
def scaled(xs: typing.List[int], f: int) -> typing.List[int]:
    return map_task(partial(scale, factor=f, offset=2), concurrency=3)(x=xs)


@workflow
def map_chain(n: int) -> typing.List[int]:
    xs = nums(n=n)
    ys = map_task(square)(x=xs)
    return map_task(square)(x=ys)


@workflow
def map_branch(xs: typing.List[int], x: int) -> typing.List[int]:
    return (
        conditional("pick_map")
        .if_(x > 0)
        .then(map_task(square)(x=xs))
        .else_()
        .then(map_task(inc)(x=xs))
    )


@workflow
def sub_map(xs: typing.List[int]) -> typing.List[int]:
    return map_task(square, concurrency=2)(x=xs)


@workflow
def map_sub(n: int) -> typing.List[int]:
    return sub_map(xs=nums(n=n))


@dataclass
class Summary:
    count: int
    total: int


@task(cache=True, cache_version="1")
def squared(x: int) -> int:
    return x * x


@task
def summarize(values: typing.List[int]) -> typing.Tuple[Summary, int]:
    total = sum(values)
    return Summary(count=len(values), total=total), total


@task(retries=2)
def celebrate(total: int) -> str:
    return f"a big total: {total}"


@task
def shrug(total: int, threshold: int = 100) -> str:
    return f"{total} is under {threshold}"


@workflow
def pipeline(n: int) -> typing.Tuple[Summary, str]:
    """The README quickstart's workflow."""
    xs = nums(n=n)
    squares = map_task(squared, concurrency=4)(x=xs)
    summary, total = summarize(values=squares)
    message = (
        conditional("message")
        .if_(total >= 100)
        .then(celebrate(total=summary.total))
        .else_()
        .then(shrug(total=summary.total))
    )
    return summary, message


@task
def total(xs: typing.List[int]) -> int:
    return sum(xs)


@task
def render(m: typing.Dict[str, int]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(m.items()))


@workflow
def collections(a: int, b: int) -> typing.Tuple[int, int, str]:
    d = inc(x=a)
    t = total(xs=[d, b, 3])
    u = total(xs=[d, b])
    r = render(m={"first": d, "second": b, "fixed": 2})
    return t, u, r


@task
def locate(name: str, region: str = "eu") -> str:
    return f"{name}@{region}"


@workflow
def regions(name: str) -> str:
    return locate(name=name)


@workflow
def ordered(x: int) -> int:
    a = inc(x=x)
    pause = sleep(timedelta(seconds=5))
    a >> pause
    b = inc(x=x)
    pause >> b
    picked = conditional("picked").if_(x > 0).then(inc(x=x)).else_().then(inc(x=1))
    b >> picked
    return picked


@workflow
def overridden(x: int) -> int:
    a = inc(x=x).with_overrides(accelerator=T4, shared_memory="2Gi")
    b = inc(x=a).with_overrides(shared_memory=True)
    c = inc(x=b).with_overrides(resources=Resources(cpu="1", mem=("1Gi", "2Gi")))
    return inc(x=c).with_overrides(
        pod_template=PodTemplate(
            pod_spec=V1PodSpec(
                containers=[V1Container(name="main", env=[V1EnvVar(name="OWN", value="1")])],
                tolerations=[V1Toleration(key="gpu", operator="Exists", effect="NoSchedule")],
                node_selector={"pool": "gpu"},
            ),
            primary_container_name="main",
            labels={"team": "ml"},
            annotations={"example.com/owner": "data"},
        )
    )


@reference_task(project="", domain="", name="shared.double", version="")
def shared_double(x: int) -> int:
    ...


@reference_launch_plan(project="", domain="", name="shared.nightly", version="")
def shared_nightly(x: int) -> int:
    return 0


@workflow
def uses_reference(x: int) -> int:
    return shared_nightly(x=shared_double(x=inc(x=x)))


@task
def tally(xs: typing.List[int], bonus: int, owner: str) -> str:
    return f"{owner}: {sum(xs) + bonus}"


@workflow
def report(xs: typing.List[int], bonus: int, owner: str = "nobody") -> str:
    return tally(xs=xs, bonus=bonus, owner=owner)


weekly_report = LaunchPlan.get_or_create(report, name="weekly_report", default_inputs={"bonus": 10})
fixed_report = LaunchPlan.get_or_create(
    report, name="fixed_report", fixed_inputs={"bonus": 100}, default_inputs={"owner": "team"}
)


@workflow
def calls_plans(xs: typing.List[int]) -> typing.Tuple[str, str, str]:
    a = weekly_report(xs=xs)
    b = weekly_report(xs=xs, bonus=1, owner="ada")
    c = fixed_report(xs=xs)
    return a, b, c


@workflow(on_failure=clean_up)
def with_failure(x: int) -> int:
    return inc(x=x)


# An imperative workflow: two increments chained by hand.
imperative = ImperativeWorkflow(name="wf_mirror.workflows.imperative")
imperative.add_workflow_input("x", int)
first = imperative.add_entity(inc, x=imperative.inputs["x"])
second = imperative.add_entity(add, a=first.outputs["o0"], b=imperative.inputs["x"])
imperative.add_workflow_output("o0", second.outputs["o0"], python_type=int)


SALES = kwtypes(region=str, units=int, price=float, ok=bool, at=datetime)
UNITS = kwtypes(units=int, region=str)


@task
def make_sales(n: int) -> typing.Annotated[pd.DataFrame, SALES]:
    return pd.DataFrame({"region": ["north"] * n, "units": range(n)})


@task
def copy_table(table: pd.DataFrame) -> pd.DataFrame:
    return table


@task
def units_total(sales: typing.Annotated[StructuredDataset, UNITS]) -> int:
    return int(sales.open(pd.DataFrame).all()["units"].sum())


@workflow
def tables(n: int) -> typing.Tuple[int, pd.DataFrame]:
    """A table between tasks: all its columns to one, a subset of them to another."""
    sales = make_sales(n=n)
    copied = copy_table(table=sales)
    return units_total(sales=sales), copied
