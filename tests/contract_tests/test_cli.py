"""`python -m contract_tests` as a user runs it: settings, skips, repeated runs, foreign targets, rate limits."""

from __future__ import annotations

import socket
from pathlib import Path

from mock_server.background import BackgroundStub
from mock_server.web.http import ASGIApp, Receive, Scope, Send
from tests.mock_server.web.remote import from_afar

from .broken import DEMO_KEY, DEMO_ORG, DEMO_TOKEN, FOREIGN_ORG, is_recoup, is_turso
from .cli import run_suite
from .not_the_stub import NotTheStub

FEW = ("--examples", "5")
NOTHING = dict.fromkeys(("RECOUP_API_KEY", "RECOUP_BEARER_TOKEN", "TURSO_TOKEN"), "")
DEMO_BEARER = "recoup_jwt_demo_8e2b71d4c0"


class RateLimiter:
    """The stub behind a limiter: after `free` vendor requests, each `every`-th one answers 429 (alternately with
    and without Retry-After); with `every=1`, every vendor request after `free` does."""

    def __init__(self, app: ASGIApp, *, free: int, every: int, retry_after: str = "0") -> None:
        self.app, self.free, self.every, self.retry_after = app, free, every, retry_after
        self.count = 0
        self.limited = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (is_recoup(scope) or is_turso(scope)):
            self.count += 1
            if self.count > self.free and self.count % self.every == 0:
                self.limited += 1
                after = [(b"retry-after", self.retry_after.encode())] if self.limited % 2 or self.every == 1 else []
                body = b'{"error": "rate limited"}'
                await send(
                    {
                        "type": "http.response.start",
                        "status": 429,
                        "headers": [(b"content-type", b"application/json"), *after],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def test_nothing_testable_fails_saying_what_to_set(tmp_path: Path) -> None:
    with BackgroundStub() as stub:
        run = run_suite(tmp_path, "--url", stub.url, *FEW, env=NOTHING)
    assert run.code == 2, run.output
    assert "RECOUP_API_KEY is empty" in run.output and "TURSO_TOKEN is empty" in run.output
    assert run.summary()["requests"] == 0


def test_an_empty_credential_of_one_vendor_is_an_error_unless_the_other_is_chosen(tmp_path: Path) -> None:
    with BackgroundStub() as stub:
        both = run_suite(tmp_path / "a", "--url", stub.url, *FEW, env={"TURSO_TOKEN": ""})
        chosen = run_suite(tmp_path / "b", "--url", stub.url, *FEW, env={"TURSO_TOKEN": "", "API": "recoup"})
    assert both.code == 2, both.output
    assert "error: TURSO_TOKEN is empty: turso is not tested" in both.output
    assert "API=recoup" in both.output and both.summary()["requests"] == 0
    assert chosen.code == 0, chosen.output
    assert {r["vendor"] for r in chosen.summary()["results"]} == {"recoup"}


def test_an_unset_variable_skips_its_checks_naming_it_and_strict_fails_the_run(tmp_path: Path) -> None:
    env = {"RECOUP_API_KEY": "", "API": "recoup"}
    with BackgroundStub() as stub:
        run = run_suite(tmp_path / "a", "--url", stub.url, *FEW, env=env)
        strict = run_suite(tmp_path / "b", "--url", stub.url, *FEW, env={**env, "CI": "true"})
    assert run.code == 0, run.output
    rows = {r["check"]: r for r in run.summary()["results"]}
    assert rows["accepts_api_key"]["outcome"] == "skipped"
    assert "RECOUP_API_KEY" in rows["accepts_api_key"]["reason"]
    assert rows["accepts_bearer_token"]["outcome"] == "pass"
    assert {r["vendor"] for r in run.summary()["results"]} == {"recoup"}
    # STRICT (the default with CI=true): the same run could not test fully; the table says why.
    assert strict.code == 2, strict.output
    assert "could not test fully (STRICT)" in strict.output and "] RECOUP_API_KEY is empty" in strict.output


def test_second_and_third_runs_against_a_running_stub_still_pass(tmp_path: Path) -> None:
    with BackgroundStub() as stub:
        before = stub.store.document()
        runs = [run_suite(tmp_path / str(i), "--url", stub.url, *FEW) for i in range(3)]
        assert stub.store.document() == before  # each run worked in sessions of its own
        assert stub.router.sessions.summary() == []  # and dropped them
    for run in runs:
        assert run.code == 0, run.output
        assert set(run.outcomes().values()) == {"pass"}, run.output
        assert "restored bob in demo-org" in run.output


def test_a_token_guarded_stub_reached_from_afar_is_recognised_and_restored_with_stub_admin_token(
    tmp_path: Path,
) -> None:
    """The guard demands the token of every caller, and this stub sees the suite as a caller on another host."""
    token = "guarded-adm1n-7f3c"
    with BackgroundStub(admin_token=token, wrap=from_afar) as stub:
        given = run_suite(tmp_path / "a", "--url", stub.url, *FEW, env={"STUB_ADMIN_TOKEN": token})
        assert stub.router.sessions.summary() == []  # its sessions dropped, with the token
        without = run_suite(tmp_path / "b", "--url", stub.url, *FEW)
        wrong = run_suite(tmp_path / "c", "--url", stub.url, *FEW, env={"STUB_ADMIN_TOKEN": "not-it"})
    assert given.code == 0, given.output
    assert given.summary()["stub"] is True
    assert set(given.outcomes().values()) == {"pass"}, given.output
    assert "restored bob in demo-org" in given.output
    for report in (tmp_path / "a").iterdir():
        assert token not in report.read_text(encoding="utf-8", errors="replace")
    assert token not in given.output
    # Without the token (or with a wrong one) the control API answers 401: the suite says what to set and,
    # knowing no values for a server it does not recognise, cannot test.
    assert without.code == 2, without.output
    assert "note: GET /__admin answered 401 (asks for an admin token)" in without.output
    assert "set STUB_ADMIN_TOKEN" in without.output
    assert wrong.code == 2, wrong.output
    assert "note: GET /__admin answered 401 (refused STUB_ADMIN_TOKEN)" in wrong.output


def _hidden() -> tuple[list[NotTheStub], object]:
    wrapped: list[NotTheStub] = []

    def hide(app: ASGIApp) -> ASGIApp:
        wrapped.append(NotTheStub(app))
        return wrapped[0]

    return wrapped, hide


def test_no_demo_value_is_sent_to_a_server_that_is_not_the_stub(tmp_path: Path) -> None:
    wrapped, hide = _hidden()
    with BackgroundStub(wrap=hide) as stub:  # type: ignore[arg-type]
        nothing = run_suite(tmp_path / "a", "--url", stub.url, *FEW)
        some = run_suite(
            tmp_path / "b", "--url", stub.url, *FEW, env={"RECOUP_API_KEY": DEMO_KEY, "TURSO_TOKEN": DEMO_TOKEN}
        )
    assert nothing.code == 2, nothing.output
    assert "RECOUP_API_KEY is not set" in nothing.output and "TURSO_TOKEN is not set" in nothing.output
    assert some.code == 0, some.output
    rows = {f"{r['vendor']}.{r['check']}": r for r in some.summary()["results"]}
    assert rows["recoup.accepts_bearer_token"]["outcome"] == "skipped"
    assert rows["recoup.forbids_foreign_organization"]["reason"] == "RECOUP_FOREIGN_ORG_ID is not set"
    assert rows["recoup.removes_non_member"]["reason"] == "RECOUP_ORG_ID is not set"
    assert rows["turso.rejects_non_member"]["reason"] == "TURSO_ORG is not set"
    assert rows["recoup.rejects_missing_credentials"]["outcome"] == "pass"
    # Only what the user set reached the server: no demo organization, member or other credential.
    for sent in wrapped[0].sent:
        for demo in (DEMO_ORG, FOREIGN_ORG, DEMO_BEARER, "/demo-org/", "/members/bob", "7c9e2f4a"):
            assert demo not in sent, sent


def test_a_named_disposable_member_of_a_server_that_is_not_the_stub(tmp_path: Path) -> None:
    wrapped, hide = _hidden()
    named = {"TURSO_TOKEN": DEMO_TOKEN, "TURSO_ORG": "demo-org", "TURSO_DISPOSABLE_MEMBER": "bob", "API": "turso"}
    with BackgroundStub(wrap=hide) as stub:  # type: ignore[arg-type]
        unnamed = run_suite(tmp_path / "a", "--url", stub.url, *FEW, env={**named, "TURSO_DISPOSABLE_MEMBER": ""})
        first = run_suite(tmp_path / "b", "--url", stub.url, *FEW, env=named)
        second = run_suite(tmp_path / "c", "--url", stub.url, *FEW, env=named)
        del stub.store.state.turso.organizations["demo-org"].members["bob"]  # gone, as if removed by hand
        third = run_suite(tmp_path / "d", "--url", stub.url, *FEW, env=named)
    assert unnamed.code == 0 and unnamed.outcomes()["turso.removes_disposable_member"] == "skipped", unnamed.output
    # A member the user named is removed and put back through the vendor's API: the next run tests it again.
    for run in (first, second):
        assert run.code == 0 and run.outcomes()["turso.removes_disposable_member"] == "pass", run.output
        assert "note: turso: restored bob in demo-org as member" in run.output, run.output
    # A member that is gone all the same: the run says so and how to re-add it.
    assert third.code == 0 and third.outcomes()["turso.removes_disposable_member"] == "skipped", third.output
    assert "is not a member of demo-org" in third.output and "turso org members add" in third.output
    # Only GET /__admin, to recognise the stub; never its reset, state or memberships.
    assert {m for m, p in wrapped[0].seen if p.startswith("/__admin")} == {"GET"}
    assert "x-stub-session" not in wrapped[0].header_names  # sessions are this project's stub's only
    assert {p for _, p in wrapped[0].seen if p.startswith("/__admin")} == {"/__admin"}


def test_rate_limits_are_waited_out_counted_and_a_rate_suggested(tmp_path: Path) -> None:
    limiters: list[RateLimiter] = []

    def limit(app: ASGIApp) -> ASGIApp:
        limiters.append(RateLimiter(app, free=0, every=40))
        return limiters[0]

    with BackgroundStub(wrap=limit) as stub:
        run = run_suite(tmp_path, "--url", stub.url, "--api", "recoup", *FEW)
    assert run.code == 0, run.output
    summary = run.summary()
    assert summary["rate_limited"] == limiters[0].limited > 0
    assert isinstance(summary["suggested_rate"], int) and summary["suggested_rate"] >= 1
    assert f"{summary['rate_limited']} rate-limited" in run.output and "suggest RATE=" in run.output
    assert set(run.outcomes().values()) == {"pass"}, run.output


def test_a_target_that_keeps_rate_limiting_ends_the_run_with_exit_2(tmp_path: Path) -> None:
    def limit(app: ASGIApp) -> ASGIApp:
        return RateLimiter(app, free=30, every=1, retry_after="0.3")

    with BackgroundStub(wrap=limit) as stub:
        run = run_suite(tmp_path, "--url", stub.url, "--api", "recoup", *FEW, env={"RATE_LIMIT_WAIT": "1"})
    assert run.code == 2, run.output
    assert "error: the target rate-limited this run; retry with RATE=" in run.output
    assert "FAILED" not in run.output and "Failures:" not in run.output
    assert "fail" not in run.outcomes().values() and "not run" in run.outcomes().values()
    assert "rate-limited this run before this check could run" in run.output
    assert run.summary()["rate_limited"] >= 1


def test_an_unreachable_target(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = run_suite(tmp_path, "--url", f"http://127.0.0.1:{port}", *FEW)
    assert run.code == 2 and "cannot reach" in run.output and "(Connection refused)" in run.output


def test_the_contract_script_carries_the_exit_code_to_ci(tmp_path: Path) -> None:
    """`./contract` (what CI runs) exits with the suite's own code, which `make contract` cannot carry."""
    import os
    import subprocess

    from .broken import BROKEN
    from .cli import ROOT, SETTINGS

    wrap, _, _ = BROKEN["non-member removal 404"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECOUP_", "TURSO_")) and k not in SETTINGS}
    codes = {}
    with BackgroundStub(wrap=wrap) as broken:
        for name, url, args in (
            ("broken", broken.url, ("--api", "recoup", "--only", "removes_non_member")),
            ("unreachable", "http://127.0.0.1:9", ()),
        ):
            done = subprocess.run(
                [str(ROOT / "contract"), "--examples", "3", "--reports", str(tmp_path / name), *args],
                env={**env, "URL": url},
                capture_output=True,
                text=True,
                timeout=120,
            )
            codes[name] = done.returncode
    assert codes == {"broken": 1, "unreachable": 2}


def test_the_actions_workflow_runs_the_script() -> None:
    from .cli import ROOT

    workflow = (ROOT / ".github" / "workflows" / "contract.yml").read_text(encoding="utf-8")
    steps = [line.strip() for line in workflow.splitlines() if not line.lstrip().startswith("#")]
    assert any(line.startswith("./contract") for line in steps)
    assert not any("make contract" in line for line in steps)
