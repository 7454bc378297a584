"""Prism 5, installed once with npm into bench/.prism (gitignored), run with `-v error` on our Recoup spec."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "@stoplight/prism-cli"


@dataclass(frozen=True)
class Prism:
    command: tuple[str, ...] | None  # None when Prism cannot be had here
    version: str
    reason: str = ""  # why command is None


def prism_dir(root: Path) -> Path:
    return root / "bench" / ".prism"


def installed_version(root: Path) -> str | None:
    manifest = prism_dir(root) / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None


def ensure_prism(root: Path, version: str, spec: Path, say: Callable[[str], None]) -> Prism:
    """The command that runs Prism's mock of `spec` on port "{port}", installing Prism first if needed."""
    binary = prism_dir(root) / "node_modules" / ".bin" / "prism"
    if shutil.which("node") is None:
        return Prism(None, version, "Node.js is not installed (Debian/Ubuntu: apt-get install nodejs npm)")
    if installed_version(root) != version or not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            return Prism(None, version, "npm is not installed (Debian/Ubuntu: apt-get install npm)")
        say(f"installing {PACKAGE}@{version} into {prism_dir(root).relative_to(root)} with npm (once)...")
        command = [npm, "install", "--prefix", str(prism_dir(root)), "--no-audit", "--no-fund", "--loglevel=error"]
        try:
            done = subprocess.run(
                [*command, f"{PACKAGE}@{version}"], capture_output=True, text=True, timeout=600, check=False
            )
        except subprocess.TimeoutExpired:
            return Prism(None, version, "npm install of Prism did not finish within 10 minutes")
        if done.returncode != 0 or not binary.exists():
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
            return Prism(None, version, f"npm install {PACKAGE}@{version} failed (exit {done.returncode}): {tail}")
    return Prism((str(binary), "mock", "-h", "127.0.0.1", "-p", "{port}", "-v", "error", str(spec)), version)
