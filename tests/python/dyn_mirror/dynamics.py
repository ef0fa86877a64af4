"""Dynamic workflows mirrored in Rust by tests/bin/dynamic_demo.rs: for the same inputs, the
futures.pb (or outputs.pb) that `pyflyte-execute` writes for each must match the one the Rust
binary's `execute` writes (entity names aside); tests/python/dynamic_peer.py compares them."""

import typing
from datetime import timedelta
from functools import partial

from flytekit import LaunchPlan, Resources, approve, dynamic, map_task, reference_launch_plan, sleep, task, workflow


@task
def double(x: int) -> int:
    return x * 2


@task
def total(xs: typing.List[int]) -> int:
    return sum(xs)


@dynamic
def cube_each(xs: typing.List[int]) -> typing.List[int]:
    out = []
    for x in xs:
        if x % 2 == 0:
            out.append(double(x=x))
        else:
            out.append(double(x=double(x=x)))
    return out


@workflow
def dyn_sum(xs: typing.List[int]) -> int:
    return total(xs=cube_each(xs=xs))


@workflow
def twice(x: int) -> int:
    return double(x=double(x=x))


# `twice` registered as a launch plan of its own, as the Rust side declares it: a reference.
@reference_launch_plan(project="proj", domain="dev", name="twice_lp", version="v3")
def twice_lp(x: int) -> int:
    return 0


@dynamic
def nested(n: int) -> int:
    ys = []
    for i in range(n):
        ys.append(twice(x=i))
    return total(xs=ys)


@dynamic
def launch_each(xs: typing.List[int]) -> typing.List[int]:
    return [twice_lp(x=x) for x in xs]


@dynamic
def maybe_sum(xs: typing.List[int]) -> int:
    if not xs:
        return 0
    return total(xs=xs)


@dynamic
def outer(n: int) -> int:
    return total(xs=cube_each(xs=list(range(n))))


@task
def scale(x: int, factor: int) -> int:
    return x * factor


@dynamic
def scale_each(xs: typing.List[int], k: int) -> int:
    scaled = map_task(partial(scale, factor=k), concurrency=2)(x=xs)
    return total(xs=scaled)


@dynamic
def double_most(xs: typing.List[int]) -> typing.List[typing.Optional[int]]:
    return map_task(double, min_success_ratio=0.5)(x=xs)


@workflow
def scale_wf(x: int, factor: int) -> int:
    return scale(x=x, factor=factor)


triple_plan = LaunchPlan.get_or_create(scale_wf, name="triple_plan", fixed_inputs={"factor": 3})


@dynamic
def triple_each(xs: typing.List[int]) -> typing.List[int]:
    return [triple_plan(x=x) for x in xs]


@dynamic
def tuned_each(xs: typing.List[int]) -> typing.List[int]:
    return [
        double(x=x).with_overrides(
            name=f"double-{x}",
            retries=x,
            timeout=timedelta(minutes=5),
            interruptible=True,
            requests=Resources(cpu="2", mem=f"{x}Gi"),
            limits=Resources(mem="1Gi"),
        )
        for x in xs
    ]


@dynamic
def gated(xs: typing.List[int]) -> typing.List[int]:
    out = []
    for x in xs:
        a = double(x=x)
        pause = sleep(timedelta(seconds=x))
        a >> pause
        out.append(approve(a, f"ok-{x}", timeout=timedelta(hours=1)))
    return out
