"""Write what `pyflyte package` produces for lp_sample into OUT_DIR (files NN_<name>_{1,2,3}.pb).

Usage: python make_lp_sample.py OUT_DIR   (run from tests/python)
"""

import os
import subprocess
import sys
import tarfile


def main():
    out = os.path.abspath(sys.argv[1])
    os.makedirs(out, exist_ok=True)
    archive = os.path.join(out, "flyte-package.tgz")
    subprocess.run(
        ["pyflyte", "--pkgs", "lp_sample", "package", "--image", "ghcr.io/example/app:1",
         "--output", archive, "--force"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with tarfile.open(archive) as tar:
        tar.extractall(out, filter="data")


if __name__ == "__main__":
    main()
