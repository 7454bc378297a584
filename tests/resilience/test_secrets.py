"""Secrets: never in the logs or the control API's answers, compared in constant time, and the
control API closed to other hosts unless they hold the admin token."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_server.background import BackgroundStub
from mock_server.core import credentials
from mock_server.core.credentials import CredentialIndex
from mock_server.core.seed import load_seed_file
from mock_server.core.store import Store
from mock_server.settings import DEMO_SEED
from mock_server.web.app import create_app
from mock_server.web.guard import AdminGuard

from .rawhttp import RawConnection, RawResponse, request
from .support import (
    DEMO,
    RECOUP_BEARER,
    RECOUP_KEY,
    RECOUP_MEMBER,
    RECOUP_NON_MEMBER,
    RECOUP_ORG,
    RECOUP_OUTSIDER_KEY,
    SEED_SECRETS,
    TURSO_ORG,
    TURSO_OUTSIDER_TOKEN,
    TURSO_TOKEN,
    Tally,
    recoup_query,
    snapshot,
    turso_path,
)

ROOT = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "admin_tok_2f9c41d7e8b3"
WRONG_SECRETS = ("recoup_sk_wrong_9d4e2a71", "turso_wrong_c3b8f015", "admin_tok_wrong_77aa41")
BANNER_END = "Press Ctrl-C to stop."


# --- no secret in the logs, the journal or the state --------------------------------------------


class ServerProcess:
    """`python -m mock_server --port 0 --access-log` as a child process, its output collected."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mock_server", "--port", "0", "--access-log"],
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.stdout), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream: Any, into: list[str]) -> None:
        for line in iter(stream.readline, b""):
            into.append(line.decode("utf-8", "replace"))

    def url(self, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(BANNER_END in line for line in self.stdout):
                first = self.stdout[0]
                return first.split(" listening on ", 1)[1].split()[0]
            assert self.proc.poll() is None, f"the stub exited: {''.join(self.stdout + self.stderr)}"
            time.sleep(0.02)
        raise AssertionError(f"no banner within {timeout} s: {''.join(self.stdout + self.stderr)}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for reader in self._readers:
            reader.join(timeout=5)


@pytest.fixture(scope="module")
def served() -> Iterator[ServerProcess]:
    server = ServerProcess({"ADMIN_TOKEN": ADMIN_TOKEN})
    try:
        yield server
    finally:
        server.stop()


def credential_requests() -> list[tuple[str, bytes]]:
    """Requests that carry every known secret (valid and not) in every credential position."""
    secrets = [*SEED_SECRETS, *WRONG_SECRETS]
    out: list[tuple[str, bytes]] = []
    for s in secrets:
        out += [
            ("recoup key", request("DELETE", recoup_query(RECOUP_ORG, RECOUP_NON_MEMBER), [("x-api-key", s)])),
            ("recoup bearer", request("DELETE", recoup_query(RECOUP_ORG, "x"), [("Authorization", f"Bearer {s}")])),
            ("both", request("DELETE", recoup_query("x", "y"), [("x-api-key", s), ("Authorization", f"Bearer {s}")])),
            ("turso", request("DELETE", turso_path(TURSO_ORG, "nobody"), [("Authorization", f"Bearer {s}")])),
            ("turso basic", request("DELETE", turso_path("acme", "nobody"), [("Authorization", f"Basic {s}")])),
            ("unknown path", request("GET", "/api/nope", [("x-api-key", s)])),
            ("control", request("GET", "/__admin/state", [("Authorization", f"Bearer {s}")])),
            ("wrong method", request("POST", recoup_query(RECOUP_ORG, RECOUP_MEMBER), [("x-api-key", s)])),
            # refused by the HTTP layer (a NUL in a header): uvicorn logs a warning
            ("unparsable", request("DELETE", turso_path(TURSO_ORG, "x"), [("Authorization", f"Bearer {s}\x00")])),
        ]
    for token in (ADMIN_TOKEN, WRONG_SECRETS[2]):
        auth = [("Authorization", f"Bearer {token}")]
        out += [
            ("admin journal", request("GET", "/__admin/journal", auth)),
            ("admin state", request("GET", "/__admin/state", auth)),
            ("admin info", request("GET", "/__admin", auth)),
            ("admin bad query", request("GET", "/__admin/journal?limit=zz", auth)),
            ("admin bad body", request("PUT", "/__admin/state", [*auth, ("Content-Type", "application/json")], b"[")),
            ("admin odd type", request("GET", "/__admin/journal", [*auth, ("Content-Type", "\xe9")])),
        ]
    return out


def test_no_secret_in_logs_journal_or_state(served: ServerProcess, tally: Tally) -> None:
    url = served.url()
    answers: list[RawResponse] = []
    for _, data in credential_requests():
        with RawConnection.to(url) as conn:
            resp = conn.exchange(data)
        if resp is not None:
            answers.append(resp)
    tally["secrets: requests with credentials"] += len(credential_requests())
    admin = [("Authorization", f"Bearer {ADMIN_TOKEN}")]
    with RawConnection.to(url) as conn:
        journal = conn.exchange(request("GET", "/__admin/journal?limit=10000", admin))
        state = conn.exchange(request("GET", "/__admin/state", admin))
    assert journal is not None and journal.status == 200, journal
    assert state is not None and state.status == 200, state
    served.stop()

    secrets = [*SEED_SECRETS, *WRONG_SECRETS, ADMIN_TOKEN]
    # The banner prints the demo configuration (the demo's own credentials) on purpose, for the user
    # to paste into a shell: only the output after it is the log. The admin token is never printed.
    out = "".join(served.stdout)
    assert BANNER_END in out
    banner, log = out.split(BANNER_END, 1)
    log += "".join(served.stderr)
    leaked = {s for s in secrets if s in log}
    assert not leaked, f"secrets in the server's log: {leaked}"
    assert ADMIN_TOKEN not in banner
    shown = {DEMO[k] for k in DEMO if k.endswith(("_KEY", "_TOKEN"))}
    assert {s for s in SEED_SECRETS if s in banner} <= shown, "the banner shows only the demo credentials"
    # the check above is only worth something if the log really holds the requests
    assert log.count('"DELETE /api/organizations/members?') >= 3 * len(secrets) - 3
    assert "Invalid HTTP request received." in log

    for name, body in (("journal", journal.body), ("state", state.body)):
        text = body.decode("utf-8")
        assert not {s for s in secrets if s in text}, f"secrets in /__admin/{name}"
    entries = journal.json()["requests"]
    masked = {c for e in entries for c in e["credentials"]}
    assert masked == {"x-api-key: ***", "authorization: ***"}, "credentials are shown as masked, not dropped"
    assert not any(s in r.body.decode("utf-8", "replace") for r in answers for s in secrets), (
        "an answer echoes a secret"
    )


def test_state_document_masks_every_secret() -> None:
    doc = Store(load_seed_file(DEMO_SEED)).state.to_document()
    text = repr(doc)
    assert not [s for s in SEED_SECRETS if s in text]
    assert doc["demo"]["RECOUP_API_KEY"] == "***" and doc["demo"]["RECOUP_ORG_ID"] == DEMO["RECOUP_ORG_ID"]


# --- constant-time comparison: the rule itself, not a timing measurement ----------------------


class Recorder:
    """A spy for hmac.compare_digest that records its arguments and delegates (or answers `verdict`)."""

    def __init__(self, verdict: bool | None = None) -> None:
        self.calls: list[tuple[bytes, bytes]] = []
        self.verdict = verdict
        self._real = hmac.compare_digest

    def __call__(self, a: Any, b: Any) -> bool:
        self.calls.append((bytes(a), bytes(b)))
        return self._real(a, b) if self.verdict is None else self.verdict


class Candidate(str):
    """A secret that reports being hashed or compared as a string (a dict lookup by it, or ==)."""

    touched: list[str]

    def __hash__(self) -> int:
        self.touched.append("hash")
        return super().__hash__()

    def __eq__(self, other: object) -> bool:
        self.touched.append("eq")
        return super().__eq__(other)

    def __ne__(self, other: object) -> bool:
        self.touched.append("ne")
        return super().__ne__(other)


def candidate(text: str) -> Candidate:
    c = Candidate(text)
    c.touched = []
    return c


def test_owner_of_confirms_with_compare_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Recorder()
    monkeypatch.setattr(credentials.hmac, "compare_digest", spy)
    index = CredentialIndex([("s3cret-key", "alice"), ("other-key", "bob")])

    assert index.owner_of("s3cret-key") == "alice"
    assert spy.calls == [(b"s3cret-key", b"s3cret-key")], "the stored secret is confirmed with compare_digest"


def test_owner_of_answer_is_decided_by_compare_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    """If compare_digest says no, the secret is not accepted: no other comparison decides."""
    monkeypatch.setattr(credentials.hmac, "compare_digest", Recorder(verdict=False))
    index = CredentialIndex([("s3cret-key", "alice")])
    assert index.owner_of("s3cret-key") is None


def test_owner_of_never_hashes_or_compares_the_raw_secret() -> None:
    """The lookup is keyed by a digest, never by the secret (a dict keyed by secrets hashes them)."""
    index = CredentialIndex([("s3cret-key", "alice"), ("other-key", "bob")])
    for text in ("s3cret-key", "s3cret-kex", "s", "", "x" * 4096):
        c = candidate(text)
        index.owner_of(c)
        assert c.touched == [], f"owner_of({text[:12]!r}) used the raw secret as a key or compared it: {c.touched}"


def test_index_is_keyed_by_sha256_digests() -> None:
    index = CredentialIndex([("s3cret-key", "alice")])
    # the one private detail this suite reads: what the lookup table is keyed by
    assert list(index._by_digest) == [hashlib.sha256(b"s3cret-key").digest()]


def test_every_real_credential_check_goes_through_compare_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    """Over HTTP: a Recoup key, a Recoup bearer token, a Turso token and the admin token."""
    spy = Recorder()
    monkeypatch.setattr(hmac, "compare_digest", spy)
    with BackgroundStub(admin_token=ADMIN_TOKEN) as stub, RawConnection.to(stub.url) as conn:
        sends = [
            request("DELETE", recoup_query(RECOUP_ORG, RECOUP_NON_MEMBER), [("x-api-key", RECOUP_KEY)]),
            request(
                "DELETE", recoup_query(RECOUP_ORG, RECOUP_NON_MEMBER), [("Authorization", f"Bearer {RECOUP_BEARER}")]
            ),
            request("DELETE", turso_path(TURSO_ORG, "nobody"), [("Authorization", f"Bearer {TURSO_TOKEN}")]),
            request("GET", "/__admin", [("Authorization", f"Bearer {ADMIN_TOKEN}")]),
        ]
        statuses = []
        for data in sends:
            resp = conn.exchange(data)
            statuses.append(resp.status if resp else None)
    assert statuses == [200, 200, 404, 200]
    compared = {b for _, b in spy.calls} | {a for a, _ in spy.calls}
    for secret in (RECOUP_KEY, RECOUP_BEARER, TURSO_TOKEN, ADMIN_TOKEN):
        assert secret.encode() in compared, f"{secret[:8]}... was not compared with compare_digest"


# --- the control API guard ------------------------------------------------------------------------


def scope(client: str | None, *authorization: str) -> dict[str, Any]:
    s: dict[str, Any] = {
        "type": "http",
        "headers": [(b"authorization", a.encode("latin-1")) for a in authorization],
    }
    if client is not None:
        s["client"] = (client, 50123)
    return s


LOOPBACK = ["127.0.0.1", "127.9.9.9", "::1", "::ffff:127.0.0.1"]
OTHERS = ["10.1.2.3", "192.168.0.7", "8.8.8.8", "::ffff:10.1.2.3", "fe80::1%eth0", "0.0.0.0", "::", "localhost", ""]


@pytest.mark.parametrize("client", LOOPBACK)
def test_guard_without_token_lets_loopback_in(client: str) -> None:
    assert AdminGuard(None).refusal(scope(client)) is None


@pytest.mark.parametrize("client", [*OTHERS, None])
def test_guard_without_token_refuses_everyone_else(client: str | None) -> None:
    refusal = AdminGuard(None).refusal(scope(client))
    assert refusal is not None and refusal.status == 403 and "loopback" in refusal.message
    # a token-looking header does not help when the stub has no token
    assert AdminGuard(None).refusal(scope(client, f"Bearer {ADMIN_TOKEN}")) is not None


@pytest.mark.parametrize("client", [*LOOPBACK, *OTHERS, None])
def test_guard_with_token_needs_it_from_everyone(client: str | None) -> None:
    guard = AdminGuard(ADMIN_TOKEN)
    assert guard.refusal(scope(client, f"Bearer {ADMIN_TOKEN}")) is None
    assert guard.refusal(scope(client, f"bearer {ADMIN_TOKEN}")) is None
    for headers in [
        (),
        ("Bearer wrong",),
        (f"Bearer {ADMIN_TOKEN[:-1]}",),
        (f"Bearer {ADMIN_TOKEN}x",),
        (f"Bearer {ADMIN_TOKEN.upper()}",),
        (f"Basic {ADMIN_TOKEN}",),
        (ADMIN_TOKEN,),
        ("Bearer",),
        ("",),
        (f"Bearer {ADMIN_TOKEN} {ADMIN_TOKEN}",),
        (f"Bearer {ADMIN_TOKEN}", f"Bearer {ADMIN_TOKEN}"),
        (f"Bearer {ADMIN_TOKEN}", "Bearer wrong"),
    ]:
        refusal = guard.refusal(scope(client, *headers))
        assert refusal is not None and refusal.status == 401 and "admin token" in refusal.message, (client, headers)


def test_guard_compares_the_token_with_compare_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Recorder()
    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert AdminGuard(ADMIN_TOKEN).refusal(scope("10.1.2.3", f"Bearer {ADMIN_TOKEN}")) is None
    assert spy.calls == [(ADMIN_TOKEN.encode(), ADMIN_TOKEN.encode())]
    monkeypatch.setattr(hmac, "compare_digest", Recorder(verdict=False))
    assert AdminGuard(ADMIN_TOKEN).refusal(scope("10.1.2.3", f"Bearer {ADMIN_TOKEN}")) is not None


@pytest.mark.parametrize("admin_token", [None, ADMIN_TOKEN])
def test_app_applies_the_guard_to_every_control_path(admin_token: str | None) -> None:
    """The whole app, called as ASGI from a non-loopback client: refused everywhere under /__admin."""
    store = Store(load_seed_file(DEMO_SEED))
    app = create_app(store, admin_token=admin_token)
    before = snapshot(store)

    async def calls() -> list[tuple[str, int, Any]]:
        transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 50123))
        out = []
        async with httpx.AsyncClient(transport=transport, base_url="http://stub") as client:
            for method, path, kw in [
                ("GET", "/__admin", {}),
                ("GET", "/__admin/state", {}),
                ("GET", "/__admin/journal", {}),
                ("POST", "/__admin/reset", {}),
                ("PUT", "/__admin/state", {"json": {"recoup": {}, "turso": {}}}),
                ("POST", "/__admin/memberships", {"json": {"vendor": "turso", "organization": "acme", "member": "x"}}),
                ("DELETE", "/__admin/journal", {}),
                ("GET", "/__admin/nope", {}),
            ]:
                r = await client.request(method, path, headers={"Authorization": "Bearer wrong"}, **kw)
                out.append((f"{method} {path}", r.status_code, r.json()))
            # the vendor APIs do not depend on the caller's address
            r = await client.delete(recoup_query(RECOUP_ORG, RECOUP_MEMBER), headers={"x-api-key": RECOUP_OUTSIDER_KEY})
            out.append(("recoup", r.status_code, r.json()))
            r = await client.delete(
                turso_path("acme", "nobody"), headers={"Authorization": f"Bearer {TURSO_OUTSIDER_TOKEN}"}
            )
            out.append(("turso", r.status_code, r.json()))
        return out

    results = asyncio.run(calls())
    refused = 401 if admin_token else 403  # a wrong token, or a stub without one seen from another host
    for label, status, body in results[:-2]:
        assert status == refused and set(body) == {"error"}, (label, status, body)
    assert results[-2][1:] == (403, {"status": "error", "error": "Caller is not a member of the organization"})
    assert results[-1][1:] == (404, {"error": "user nobody is not a member of org acme"})
    assert snapshot(store) == before


def test_stub_with_admin_token_over_http() -> None:
    """A real server started with an admin token: no token or a wrong one is refused, the right one works."""
    with BackgroundStub(admin_token=ADMIN_TOKEN) as stub, RawConnection.to(stub.url) as conn:
        before = snapshot(stub.store)
        refused = []
        for headers in ([], [("Authorization", "Bearer wrong")], [("Authorization", f"Basic {ADMIN_TOKEN}")]):
            for method, path, body in (
                ("GET", "/__admin/state", b""),
                ("POST", "/__admin/reset", b""),
                ("PUT", "/__admin/state", b'{"recoup": {}, "turso": {}}'),
                ("DELETE", "/__admin/journal", b""),
            ):
                hs = [*headers, ("Content-Type", "application/json")] if body else headers
                resp = conn.exchange(request(method, path, hs, body))
                assert resp is not None
                refused.append((method, path, resp.status, resp.json()))
        assert all(status == 401 and set(body) == {"error"} for _, _, status, body in refused), refused
        assert snapshot(stub.store) == before

        ok = conn.exchange(request("GET", "/__admin/state", [("Authorization", f"Bearer {ADMIN_TOKEN}")]))
        assert ok is not None and ok.status == 200 and "recoup" in ok.json()
        journal = conn.exchange(request("GET", "/__admin/journal", [("Authorization", f"Bearer {ADMIN_TOKEN}")]))
        assert journal is not None and journal.status == 200
        assert journal.json()["requests"][0]["path"] == "/__admin/state"
