"""Debian packages a test needs (redis-server, chromium): found, or installed with apt-get when missing.

A fresh CI machine has neither, and test processes run in parallel: one install runs at a time (a lock file
beside the temporary directory), each waits for dpkg's own lock too, and `apt-get update` runs only when the
first install attempt fails (the package lists of a fresh image are often empty).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

LOCK = Path(tempfile.gettempdir()) / "contract-suite-apt.lock"
APT = ["apt-get", "-o", "DPkg::Lock::Timeout=300", "-q"]


def _found(candidates: Sequence[str]) -> str | None:
    for name in candidates:
        path = shutil.which(name) or (name if os.path.isabs(name) and os.access(name, os.X_OK) else None)
        if path:
            return path
    return None


def ensure(package: str, candidates: Sequence[str]) -> str | None:
    """The first of `candidates` (names on PATH or absolute paths) that exists, after installing `package` with
    apt-get if none does and this process may (root, apt-get present); None when it cannot be had."""
    found = _found(candidates)
    if found or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*APT, "install", "-y", "--no-install-recommends", package]
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test process may be installing: wait for it
        found = _found(candidates)
        if found:
            return found
        if subprocess.run(install, env=env, capture_output=True, check=False, timeout=900).returncode != 0:
            subprocess.run([*APT, "update"], env=env, capture_output=True, check=False, timeout=900)
            subprocess.run(install, env=env, capture_output=True, check=False, timeout=900)
    return _found(candidates)
