"""Live runs against one deployment test the removal every time: the suite restores the disposable members
through the vendors' own APIs, so a second and third run find them and test their removal again.

The stub is hidden (`NotTheStub`), so the runs share its state as they would any server's; this project's
stub, recognised, would give each run fresh sessions of its own.
"""

from __future__ import annotations

from pathlib import Path

from mock_server.background import BackgroundStub
from tests.mock_server import demo

from .cli import run_suite
from .not_the_stub import NotTheStub

DISPOSABLE_CHECKS = (
    "recoup.removes_disposable_member",
    "recoup.disposable_removal_is_idempotent",
    "recoup.removal_is_observed",
    "recoup.removal_spares_others",
    "recoup.restores_disposable_member",
    "turso.removes_disposable_member",
    "turso.removal_persists",
    "turso.removal_is_observed",
    "turso.removal_spares_others",
    "turso.restores_disposable_member",
    "turso.non_manager_forbidden",
)


def test_three_live_runs_in_a_row_pass_every_check_and_each_removes_the_disposable_members(tmp_path: Path) -> None:
    with BackgroundStub(wrap=NotTheStub) as stub:
        for i in range(3):
            args = ("--url", stub.url, "--strict", "--examples", "10")
            run = run_suite(tmp_path / f"run{i}", *args, env=demo.DEMO_VARIABLES)
            assert run.code == 0, f"run {i + 1}:\n{run.output}"
            outcomes = run.outcomes()
            assert set(outcomes.values()) == {"pass"}, f"run {i + 1}:\n{run.output}"
            for check in DISPOSABLE_CHECKS:
                assert outcomes[check] == "pass", f"run {i + 1}: {check}\n{run.output}"
            notes = run.summary()["notes"]
            assert any(n.startswith("turso: restored bob in demo-org as member") for n in notes), notes
            assert any(n.startswith("recoup: restored 7c9e2f4a-") for n in notes), notes
            assert not any("__admin" in n for n in notes), notes  # through the vendor's API, not the control API
        state = stub.store.state
        assert state.turso.organizations["demo-org"].members["bob"] == "member"
        assert (
            "7c9e2f4a-1b3d-4c5e-8f6a-2d4b6c8e0a12"
            in state.recoup.organizations["0b5e8d2c-6f1a-4b3c-9d7e-1a2b3c4d5e6f"].members
        )
