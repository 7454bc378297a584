"""The official Turso client (@tursodatabase/api) works against the stub.

Needs node and npm; the package is installed once into .cache/node-client/. Skipped, saying why, when
either is missing or the install fails (e.g. no access to the npm registry).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from mock_server.background import BackgroundStub

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "node-client"
PACKAGE = "@tursodatabase/api@2.0.5"
SCRIPT = Path(__file__).with_name("turso_client.mjs")


@pytest.fixture(scope="module")
def node_modules() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed to run the official Turso client; install Node.js 18 or later")
    modules = CACHE / "node_modules"
    if not (modules / "@tursodatabase" / "api" / "package.json").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        try:
            done = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(CACHE), PACKAGE],
                capture_output=True,
                text=True,
                timeout=180,
            )
        except subprocess.TimeoutExpired:
            pytest.skip(f"npm install {PACKAGE} timed out")
        if done.returncode != 0:
            pytest.skip(f"npm install {PACKAGE} failed: {done.stderr.strip().splitlines()[-1:]}")
    return modules


def test_official_client_removes_then_reports_404_and_401(node_modules: Path) -> None:
    with BackgroundStub() as stub:
        done = subprocess.run(
            ["node", str(SCRIPT), str(node_modules), f"{stub.url}/v1/", "demo-org", "turso_demo_owner_3c7e19b5", "bob"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr
    steps = {s["step"]: s for s in map(json.loads, done.stdout.splitlines())}
    assert steps["remove"] == {"step": "remove", "ok": True, "value": {"member": "bob"}}
    again = steps["remove again"]
    assert (again["ok"], again["name"], again["status"]) == (False, "TursoClientError", 404)
    assert again["message"] == "user bob is not a member of org demo-org"
    bad = steps["bad token"]
    assert (bad["ok"], bad["name"], bad["status"]) == (False, "TursoClientError", 401)
