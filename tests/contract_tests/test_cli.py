"""`python -m contract_tests` as a user runs it: settings, skips, repeated runs, and foreign targets."""

from __future__ import annotations

import socket
from pathlib import Path

from mock_server.background import BackgroundStub
from mock_server.web.http import ASGIApp, Receive, Scope, Send

from .broken import answer
from .cli import run_suite

FEW = ("--examples", "5")
NOTHING = dict.fromkeys(("RECOUP_API_KEY", "RECOUP_BEARER_TOKEN", "TURSO_TOKEN"), "")


class NotTheStub:
    """The stub behind a layer that hides its control API, like any other server; records what it is sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.seen: list[tuple[str, str]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.seen.append((scope["method"], scope["path"]))
            if scope["path"].startswith("/__admin"):
                await answer(send, 404, {"error": "no such page"})
                return
        await self.app(scope, receive, send)


def test_nothing_testable_fails_saying_what_to_set(tmp_path: Path) -> None:
    with BackgroundStub() as stub:
        run = run_suite(tmp_path, "--url", stub.url, *FEW, env=NOTHING)
    assert run.code == 2, run.output
    assert "nothing could be tested" in run.output
    assert "RECOUP_API_KEY" in run.output and "TURSO_TOKEN" in run.output


def test_an_unset_variable_skips_its_checks_naming_it(tmp_path: Path) -> None:
    with BackgroundStub() as stub:
        run = run_suite(tmp_path, "--url", stub.url, "--api", "recoup", *FEW, env={"RECOUP_API_KEY": ""})
    assert run.code == 0, run.output
    rows = {r["check"]: r for r in run.summary()["results"]}
    assert rows["accepts_api_key"]["outcome"] == "skipped"
    assert "RECOUP_API_KEY" in rows["accepts_api_key"]["reason"]
    assert rows["accepts_bearer_token"]["outcome"] == "pass"
    assert {r["vendor"] for r in run.summary()["results"]} == {"recoup"}


def test_second_and_third_runs_against_a_running_stub_still_pass(tmp_path: Path) -> None:
    with BackgroundStub() as stub:
        runs = [run_suite(tmp_path / str(i), "--url", stub.url, *FEW) for i in range(3)]
        members = stub.store.state.turso.organizations["demo-org"].members
        assert members.get("bob") == "member"  # restored after each run
    for run in runs:
        assert run.code == 0, run.output
        assert set(run.outcomes().values()) == {"pass"}, run.output
        assert "restored bob in demo-org" in run.output


def test_a_server_that_is_not_the_stub(tmp_path: Path) -> None:
    wrapped: list[NotTheStub] = []

    def hide(app: ASGIApp) -> ASGIApp:
        wrapped.append(NotTheStub(app))
        return wrapped[0]

    with BackgroundStub(wrap=hide) as stub:
        defaults = run_suite(tmp_path / "a", "--url", stub.url, "--api", "turso", *FEW)
        named = {"TURSO_DISPOSABLE_MEMBER": "bob"}
        first = run_suite(tmp_path / "b", "--url", stub.url, "--api", "turso", *FEW, env=named)
        second = run_suite(tmp_path / "c", "--url", stub.url, "--api", "turso", *FEW, env=named)
    # The demo default of a disposable member is never used against another server.
    assert defaults.code == 0, defaults.output
    assert defaults.outcomes()["turso.removes_disposable_member"] == "skipped"
    assert "demo default" in defaults.output
    # A member the user named is removed once; the next run says it is gone and how to re-add it.
    assert first.code == 0 and first.outcomes()["turso.removes_disposable_member"] == "pass", first.output
    assert second.code == 0, second.output
    assert second.outcomes()["turso.removes_disposable_member"] == "skipped"
    assert "no longer a member of demo-org" in second.output and "turso org members add" in second.output
    # Only GET /__admin, to recognise the stub; never its reset, state or memberships.
    assert {m for m, p in wrapped[0].seen if p.startswith("/__admin")} == {"GET"}
    assert {p for _, p in wrapped[0].seen if p.startswith("/__admin")} == {"/__admin"}


def test_an_unreachable_target(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = run_suite(tmp_path, "--url", f"http://127.0.0.1:{port}", *FEW)
    assert run.code == 2 and "cannot reach" in run.output and "(Connection refused)" in run.output
