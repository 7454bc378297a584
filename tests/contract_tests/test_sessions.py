"""Runs against one shared stub work in sessions of their own: the shared state and other sessions are untouched.

Two suite runs at once, two workers each, against one running stub, while another client removes and re-adds
the disposable members on the shared state and in a session of its own, as a team sharing the stub would.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from contract_tests.control import Control
from contract_tests.http import Client, Policy
from mock_server.background import BackgroundStub
from tests.mock_server import demo

from .cli import Run, run_suite

TURSO_MEMBERS = f"/v1/organizations/{demo.TURSO_ORG}/members"
RECOUP_MEMBERS = "/api/organizations/members"
OTHER = "other-team"
SUITE_SESSION = re.compile(r"(ct-[0-9a-f]{12})-(main|gw\d+)")


class OtherClient:
    """Removes and re-adds the disposable members over and over, on the shared state and in its own session;
    ends with them removed from the shared state and present in its session. Counts what it sent."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=10)
        self.stop = threading.Event()
        self.sent = {None: 0, OTHER: 0}
        self.unexpected: list[tuple[str | None, str, list[int]]] = []  # answers other than 200, 200

    def _send(self, session: str | None, method: str, path: str, **kwargs: object) -> int:
        headers = dict(kwargs.pop("headers", {}))  # type: ignore[call-overload]
        if session is not None:
            headers["x-stub-session"] = session
        self.sent[session] += 1
        return self.http.request(method, path, headers=headers, **kwargs).status_code  # type: ignore[arg-type]

    def remove(self, session: str | None) -> list[int]:
        turso = self._send(session, "DELETE", f"{TURSO_MEMBERS}/bob", headers=demo.bearer(demo.OWNER_TOKEN))
        query = {"organization_id": demo.ORG, "account_id": demo.DISPOSABLE}
        recoup = self._send(session, "DELETE", RECOUP_MEMBERS, params=query, headers={"x-api-key": demo.API_KEY})
        return [turso, recoup]

    def add(self, session: str | None) -> list[int]:
        body = {"username": "bob", "role": "member"}
        turso = self._send(session, "POST", TURSO_MEMBERS, json=body, headers=demo.bearer(demo.OWNER_TOKEN))
        add = {"organizationId": demo.ORG, "accountId": demo.DISPOSABLE}
        recoup = self._send(session, "POST", RECOUP_MEMBERS, json=add, headers={"x-api-key": demo.API_KEY})
        return [turso, recoup]

    def run(self) -> int:
        rounds = 0
        while not self.stop.is_set():
            for session in (None, OTHER):
                self._expect(session, "remove", self.remove(session))
                self._expect(session, "add", self.add(session))
            rounds += 1
            self.stop.wait(0.01)  # a team's pace, not a load test
        self._expect(None, "remove", self.remove(None))  # left removed from the shared state
        return rounds

    def _expect(self, session: str | None, what: str, statuses: list[int]) -> None:
        if statuses != [200, 200]:
            self.unexpected.append((session, what, statuses))


def test_two_concurrent_runs_of_two_workers_keep_to_their_sessions_on_a_shared_stub(tmp_path: Path) -> None:
    with BackgroundStub(journal_size=1_000_000) as stub, httpx.Client(base_url=stub.url) as admin:
        other = OtherClient(stub.url)
        args = ("--url", stub.url, "--strict", "--examples", "5")
        with ThreadPoolExecutor(3) as pool:
            interfering = pool.submit(other.run)
            runs: list[Run] = list(pool.map(lambda i: run_suite(tmp_path / i, *args, env={"WORKERS": "2"}), "ab"))
            other.stop.set()
            rounds = interfering.result()
        shared = stub.store.state
        sessions = [s["name"] for s in admin.get("/__admin/sessions").json()["sessions"]]
        other_state = admin.get("/__admin/state", params={"session": OTHER}).json()
        journal = stub.router.journal  # every request, in-process: more than GET /__admin/journal's limit
        other.http.close()
    for run in runs:
        assert run.code == 0, run.output
        assert "the stub dropped the session" not in run.output
        assert set(run.outcomes().values()) == {"pass"}, run.output
        assert "2 concurrent workers" in run.output
    assert rounds >= 1 and other.unexpected == []  # nobody else touched the shared state or its session
    # The shared state is exactly as the other client left it: its members, removed last, are gone; nothing else
    # changed. Its own session has them back.
    assert "bob" not in shared.turso.organizations[demo.TURSO_ORG].members
    seed_roles = {m["username"]: m["role"] for m in demo.demo_seed()["turso"]["organizations"][0]["members"]}
    assert shared.turso.organizations[demo.TURSO_ORG].members == {u: r for u, r in seed_roles.items() if u != "bob"}
    assert shared.recoup.organizations[demo.ORG].members == {demo.CALLER, demo.COLLEAGUE}
    assert set(shared.recoup.accounts) == {a["id"] for a in demo.demo_seed()["recoup"]["accounts"]}
    turso_org = next(o for o in other_state["turso"]["organizations"] if o["slug"] == demo.TURSO_ORG)
    assert {m["username"]: m["role"] for m in turso_org["members"]} == seed_roles
    # Each run dropped its sessions at its end; the other client's is kept.
    assert sessions == [OTHER]
    # Every vendor request of the runs went to their sessions: the journal's requests to the shared state and to
    # the other session are exactly the other client's; the rest name a run's session, three per run.
    entries = journal.entries()
    assert len(entries) == journal.total  # none dropped
    vendor = [e for e in entries if "operation" in e]
    assert sum(1 for e in vendor if "session" not in e) == other.sent[None]
    assert sum(1 for e in vendor if e.get("session") == OTHER) == other.sent[OTHER]
    used = {e["session"] for e in vendor if e.get("session") not in (None, OTHER)}
    assert all(SUITE_SESSION.fullmatch(name) for name in used), used
    by_run: dict[str, set[str]] = {}
    for name in used:
        run_id, worker = SUITE_SESSION.fullmatch(name).groups()  # type: ignore[union-attr]
        by_run.setdefault(run_id, set()).add(worker)
    assert sorted(by_run.values(), key=sorted) == [{"main", "gw0", "gw1"}] * 2, by_run
    assert sorted(run.summary()["session_run"] for run in runs) == sorted(by_run)
    for run in runs:
        assert f"isolated sessions {run.summary()['session_run']}-*" in run.output, run.output


def test_a_session_clients_control_calls_act_on_its_session_only() -> None:
    with BackgroundStub() as stub, httpx.Client(base_url=stub.url) as other:
        client = Client(Policy(stub.url, control=True))
        client.session = "ct-0123456789ab-main"
        control = Control(client)
        bob = f"{TURSO_MEMBERS}/bob"
        for session in ("ct-0123456789ab-main", None):
            headers = {**demo.bearer(demo.OWNER_TOKEN), **({"x-stub-session": session} if session else {})}
            assert other.delete(bob, headers=headers).status_code == 200

        def usernames(state: dict[str, Any]) -> set[str]:
            org = next(o for o in state["turso"]["organizations"] if o["slug"] == demo.TURSO_ORG)
            return {m["username"] for m in org["members"]}

        assert "bob" not in usernames(control.state())
        control.reset()
        assert "bob" in usernames(control.state())  # the session is back to the seed
        assert "bob" not in stub.store.state.turso.organizations[demo.TURSO_ORG].members  # the shared state is not
        client.get(stub.url + TURSO_MEMBERS, headers=demo.bearer(demo.OWNER_TOKEN))
        assert stub.router.journal.entries(1)[0]["session"] == "ct-0123456789ab-main"
        control.drop_session()
        assert stub.router.sessions.summary() == []
        control.drop_session()  # gone already: fine
        client.close()


def test_a_run_whose_sessions_the_stub_dropped_says_so(tmp_path: Path) -> None:
    with BackgroundStub(max_sessions=1) as stub:  # two workers, one session at a time: they evict each other
        run = run_suite(tmp_path, "--url", stub.url, "--api", "turso", "--examples", "3", env={"WORKERS": "2"})
    assert re.search(r"note: the stub dropped the session ct-[0-9a-f]{12}-gw\d during the run", run.output), run.output
    assert "start the stub with more SESSIONS" in run.output
    assert run.code == 2, run.output  # the run could not test reliably: not a verdict on the deployment
    assert "error: the stub dropped sessions this run was testing in" in run.output
    assert run.summary()["error"].startswith("the stub dropped sessions")
