"""Specs of a Python package as `pyflyte package` writes them, and ours as flytekit-rs wrote
them, for the scripts that compare the two (mirror_specs.py, task_specs.py).

Run from tests/python, so that the package is importable.
"""

import os
import subprocess
import tarfile
import tempfile


def packaged(package, suffix, message_type, key):
    """Runs `pyflyte package` on `package` and reads every `*<suffix>` file of the archive (for
    example `_1.pb` for TaskSpecs, `_2.pb` for WorkflowSpecs) as `message_type`; returns them by
    `key(spec)`."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = os.path.join(tmp, "pkg.tgz")
        subprocess.run(
            ["pyflyte", "--pkgs", package, "package", "--image", "ghcr.io/example/app:1", "-o", archive, "--force"],
            check=True, stdout=subprocess.DEVNULL,
        )
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        specs = {}
        for name in os.listdir(tmp):
            if name.endswith(suffix):
                spec = message_type()
                with open(os.path.join(tmp, name), "rb") as f:
                    spec.ParseFromString(f.read())
                specs[key(spec)] = spec
        return specs


def ours(directory, name, message_type):
    """Reads `<directory>/<name>.pb`, written by flytekit-rs, as `message_type`."""
    spec = message_type()
    with open(os.path.join(directory, f"{name}.pb"), "rb") as f:
        spec.ParseFromString(f.read())
    return spec
