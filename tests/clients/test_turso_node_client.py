"""The official Turso client (@tursodatabase/api) works against the stub.

Needs node and npm; the package is installed once into .cache/node-client/. Skipped, saying why, when
either is missing or the install fails (e.g. no access to the npm registry).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import httpx
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


SEED_MEMBERS = [
    {"username": "demo-owner", "role": "owner", "email": "owner@demo-org.example"},
    {"username": "demo-admin", "role": "admin", "email": "admin@demo-org.example"},
    {"username": "demo-viewer", "role": "viewer", "email": "viewer@demo-org.example"},
    {"username": "alice", "role": "member", "email": "alice@demo-org.example"},
    {"username": "bob", "role": "member", "email": "bob@demo-org.example"},
]


def test_official_client_lists_removes_and_meets_the_stubs_answer_to_its_add_call(node_modules: Path) -> None:
    with BackgroundStub() as stub:
        done = subprocess.run(
            [
                "node",
                str(SCRIPT),
                str(node_modules),
                f"{stub.url}/v1/",
                "demo-org",
                "turso_demo_owner_3c7e19b5",
                "bob",
                "carol",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        roster = dict(stub.store.state.turso.organizations["demo-org"].members)
        journal = httpx.get(f"{stub.url}/__admin/journal").json()["requests"]
    assert done.returncode == 0, done.stderr
    steps = {s["step"]: s for s in map(json.loads, done.stdout.splitlines())}
    assert steps["members"] == {"step": "members", "ok": True, "value": SEED_MEMBERS}
    assert steps["remove"] == {"step": "remove", "ok": True, "value": {"member": "bob"}}
    assert steps["members after remove"]["value"] == [m for m in SEED_MEMBERS if m["username"] != "bob"]
    again = steps["remove again"]
    assert (again["ok"], again["name"], again["status"]) == (False, "TursoClientError", 404)
    assert again["message"] == "user bob is not a member of org demo-org"
    # addMember sends POST .../members/carol with {"member", "role"}, a call the contract does not have:
    # the stub answers 405 naming the methods of that path, and nothing changes (specs/README.md).
    added = steps["add"]
    assert (added["ok"], added["name"], added["status"]) == (False, "TursoClientError", 405)
    assert added["message"] == (
        "method POST is not allowed on /v1/organizations/demo-org/members/carol; use DELETE, GET, HEAD, PATCH"
    )
    assert steps["members after add"]["value"] == steps["members after remove"]["value"]
    assert "carol" not in roster and "bob" not in roster
    sent = [(e["method"], e["path"], e["status"]) for e in journal if e["method"] == "POST"]
    assert sent == [("POST", "/v1/organizations/demo-org/members/carol", 405)]
    for name in ("bad token", "bad token members"):
        bad = steps[name]
        assert (bad["ok"], bad["name"], bad["status"]) == (False, "TursoClientError", 401)
