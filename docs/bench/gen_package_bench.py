"""Generate the same project twice, in Rust (flytekit-rs) and in Python (flytekit), to time `package`.

Usage: python gen_package_bench.py TASKS WORKFLOWS OUT_DIR [FLYTEKIT_RS_PATH]

OUT_DIR/rust: a binary crate with TASKS tasks `t<i>(x: i64) -> i64` and WORKFLOWS workflows
`w<j>(x: i64) -> i64`, each a chain of 4 task calls; every 5th workflow first calls the
previous workflow as a sub-workflow. OUT_DIR/py/bench_pkg: the same shape for `pyflyte package`.
"""

import os
import sys


def main():
    tasks, workflows, out = int(sys.argv[1]), int(sys.argv[2]), os.path.abspath(sys.argv[3])
    flytekit_rs = os.path.abspath(sys.argv[4]) if len(sys.argv) > 4 else None
    rust, py = os.path.join(out, "rust"), os.path.join(out, "py", "bench_pkg")
    os.makedirs(os.path.join(rust, "src"), exist_ok=True)
    os.makedirs(py, exist_ok=True)

    def chain(j):
        calls = [f"t{(4 * j + i) % tasks}" for i in range(4)]
        sub = f"w{j - 1}" if j > 0 and j % 5 == 0 else None
        return calls, sub

    rs = ["use flytekit::prelude::*;", ""]
    for i in range(tasks):
        rs += [f"/// Task {i}.", "#[task]", f"fn t{i}(x: i64) -> i64 {{", f"    x + {i}", "}", ""]
    for j in range(workflows):
        calls, sub = chain(j)
        rs += [f"/// Workflow {j}.", "#[workflow]", f"fn w{j}(x: i64) -> i64 {{"]
        previous = "x"
        if sub:
            rs.append(f"    let s = {sub}(x);")
            previous = "s"
        for k, call in enumerate(calls):
            rs.append(f"    let v{k} = {call}({previous});")
            previous = f"v{k}"
        rs += [f"    {previous}", "}", ""]
    rs += ["fn main() {", "    flytekit::main()", "}", ""]
    with open(os.path.join(rust, "src", "main.rs"), "w") as f:
        f.write("\n".join(rs))
    dependency = f'{{ path = "{flytekit_rs}" }}' if flytekit_rs else '"0.1"'
    with open(os.path.join(rust, "Cargo.toml"), "w") as f:
        f.write(
            "[package]\nname = \"package-bench\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n"
            f"[dependencies]\nflytekit = {dependency}\n\n[workspace]\n"
        )

    pyl = ["from flytekit import task, workflow", ""]
    for i in range(tasks):
        pyl += ["@task", f"def t{i}(x: int) -> int:", f"    return x + {i}", "", ""]
    for j in range(workflows):
        calls, sub = chain(j)
        pyl += ["@workflow", f"def w{j}(x: int) -> int:"]
        previous = "x"
        if sub:
            pyl.append(f"    s = {sub}(x=x)")
            previous = "s"
        for k, call in enumerate(calls):
            pyl.append(f"    v{k} = {call}(x={previous})")
            previous = f"v{k}"
        pyl += [f"    return {previous}", "", ""]
    with open(os.path.join(py, "__init__.py"), "w") as f:
        f.write("")
    with open(os.path.join(py, "wf.py"), "w") as f:
        f.write("\n".join(pyl))


if __name__ == "__main__":
    main()
