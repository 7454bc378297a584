"""Hand-made malformed HTTP, sent byte for byte over raw sockets: what the generators never produce.

The cases come from malformed.py. Every case is sent twice: on a keep-alive connection, where a
probe with one exact answer follows it to prove the connection is still in step, and on a fresh
connection. Every answer is checked (no 5xx; the stub's JSON in the vendor's shape, or a refusal
by the HTTP layer where the bytes are not valid HTTP), and after each kind the state must be
exactly what it was, and the server must still answer correctly.
"""

from __future__ import annotations

import json

import pytest

from mock_server.background import BackgroundStub
from tests.mock_server.web import conformance

from .malformed import CATALOGUE, ORG, Case, M, catalogue, h, raw_request
from .rawhttp import NoAnswer, RawConnection, RawResponse, request
from .support import (
    RECOUP_KEY,
    TURSO_MEMBER,
    TURSO_ORG,
    TURSO_TOKEN,
    Tally,
    assert_still_serving,
    probe,
    recoup_query,
    snapshot,
    turso_path,
)

# Each case is sent on a keep-alive connection and on a fresh one.
PASSES = 2


def spec_allow(data: bytes) -> str:
    """The Allow header the spec implies for the path of a raw request."""
    target = data.split(b" ", 2)[1].decode("latin-1").split("?", 1)[0]
    path = "/" + target.split("://", 1)[1].split("/", 1)[1] if "://" in target else target
    vendor, template = conformance.owner(path)
    return ", ".join(sorted(conformance.documented_methods(vendor, template))) if template else "(no route)"


def check(case: Case, resp: RawResponse | None, *, reset: bool) -> None:
    where = f"[{case.kind}] {case.name}\n  sent: {case.data[:300]!r}\n  got: {resp!r}"
    if resp is None:
        # Silence is fine only for a request that never ended, or one the server reset on purpose.
        assert case.shut or (case.layer == "http" and reset), f"no answer\n{where}"
        return
    assert resp.status < 500, f"server error\n{where}"
    ctype = resp.header("content-type")
    if ctype != "application/json":
        if 300 <= resp.status < 400:
            # starlette's slash redirect inside the control API (e.g. /__admin/ -> /__admin)
            assert case.route == "control" and resp.header("location"), f"unexpected redirect\n{where}"
            assert case.statuses is None or resp.status in case.statuses, f"unexpected status\n{where}"
            return
        assert case.layer != "app", f"not answered by the stub (content type {ctype!r})\n{where}"
        assert resp.status == 400 and resp.closes, f"an HTTP-layer refusal must be a 400 that closes\n{where}"
        return
    assert case.statuses is None or resp.status in case.statuses, f"unexpected status\n{where}"
    if resp.status == 405 and case.route in ("recoup", "turso"):
        allow = spec_allow(case.data)
        assert resp.header("allow") == allow, f"405 without 'Allow: {allow}'\n{where}"
    if case.head:
        return  # no body to read; one sent anyway would put the probe that follows out of step
    try:
        body = resp.json()
    except ValueError:
        raise AssertionError(f"body is not JSON\n{where}") from None
    assert isinstance(body, dict), f"body is not a JSON object\n{where}"
    if resp.status < 400:
        return
    if case.route == "recoup":
        assert set(body) == {"status", "error"} and body["status"] == "error", f"not Recoup's error shape\n{where}"
    else:
        assert set(body) == {"error"}, f"not the {{'error': ...}} shape\n{where}"
    assert isinstance(body["error"], str) and body["error"], f"empty error message\n{where}"


def send(conn: RawConnection, case: Case) -> tuple[RawResponse | None, bool]:
    """Send one case; returns the answer (None: closed without one) and whether the peer reset."""
    reset = False
    try:
        conn.send(case.data)
        if case.shut:
            conn.shutdown_write()
    except (BrokenPipeError, ConnectionResetError):
        reset = True  # the server refused early and closed while we were still sending
    try:
        return conn.read_response(head=case.head), reset or conn.eof
    except NoAnswer as exc:
        raise AssertionError(f"[{case.kind}] {case.name}: {exc}\n  sent: {case.data[:300]!r}") from None


class Failures(list[str]):
    """Every failing case of a run (not just the first), reported together at the end."""

    def report(self) -> str:
        shown = "\n\n".join(self[:15])
        return f"{len(self)} failing cases (first 15):\n\n{shown}"


def exchange(conn: RawConnection, case: Case) -> RawResponse | None:
    resp, reset = send(conn, case)
    check(case, resp, reset=reset)
    return resp


def run(url: str, cases: list[Case], failures: Failures) -> int:
    """Both passes over `cases`; returns how many malformed requests were sent."""
    sent = 0
    conn: RawConnection | None = None
    try:
        for case in cases:  # keep-alive pass, a probe after each case that leaves the connection open
            if conn is None:
                conn = RawConnection.to(url)
            sent += 1
            keep = False
            try:
                resp = exchange(conn, case)
                keep = resp is not None and not resp.closes and case.reuse and not case.shut and not conn.eof
                if keep:
                    try:
                        probe(conn, sent)
                    except AssertionError as exc:
                        raise AssertionError(f"[{case.kind}] {case.name}: the probe after it failed: {exc}") from None
            except AssertionError as exc:
                failures.append(str(exc))
                keep = False
            if not keep:
                conn.close()
                conn = None
    finally:
        if conn is not None:
            conn.close()
    for case in cases:  # fresh-connection pass
        sent += 1
        try:
            with RawConnection.to(url) as fresh:
                exchange(fresh, case)
        except AssertionError as exc:
            failures.append(str(exc))
    return sent


# At least this many malformed requests per kind (both passes), so the total is asserted, not hoped for.
MINIMUM = {
    "percent": 3000,
    "raw-bytes": 600,
    "nul": 250,
    "oversize": 600,
    "parameters": 2500,
    "methods": 800,
    "unknown-paths": 1200,
    "bodies": 600,
    "chunked": 500,
    "framing": 150,
}
MALFORMED_MINIMUM = 8000
PIPELINED_MINIMUM = 1500


def test_the_catalogue_is_big_enough() -> None:
    """Hand-made and generated bad input together come to at least 10,000 requests."""
    assert set(MINIMUM) == set(CATALOGUE)
    assert sum(MINIMUM.values()) >= MALFORMED_MINIMUM
    for kind, minimum in MINIMUM.items():
        assert PASSES * len(catalogue(kind)) >= minimum, kind


@pytest.mark.parametrize("kind", list(CATALOGUE))
def test_malformed_requests(stub: BackgroundStub, tally: Tally, kind: str) -> None:
    cases = catalogue(kind)
    before = snapshot(stub.store)
    failures = Failures()

    sent = run(stub.url, cases, failures)

    tally[f"malformed: {kind}"] += sent
    assert not failures, failures.report()
    assert sent == PASSES * len(cases) >= MINIMUM[kind]
    assert snapshot(stub.store) == before, "a request that must not change the state changed it"
    assert_still_serving(stub.url)


def pipelined_batches() -> list[list[Case]]:
    """App-level cases from several kinds, in batches sent as one write."""
    pool = [c for kind in ("parameters", "methods", "unknown-paths") for c in catalogue(kind)]
    pool = [c for c in pool if c.layer == "app" and c.reuse and not c.head]
    return [pool[i : i + 25] for i in range(0, len(pool), 25)]


def test_pipelined_malformed_requests(stub: BackgroundStub, tally: Tally) -> None:
    """Many malformed requests in one write: answered in order, each correctly, then a probe."""
    batches = pipelined_batches()
    before = snapshot(stub.store)
    sent = 0
    with RawConnection.to(stub.url) as conn:
        for n, batch in enumerate(batches):
            conn.send(b"".join(c.data for c in batch))
            for case in batch:
                resp, reset = (conn.read_response(), False)
                check(case, resp, reset=reset)
                sent += 1
            probe(conn, 100_000 + n)
    tally["malformed: pipelined"] += sent
    assert sent >= PIPELINED_MINIMUM
    assert snapshot(stub.store) == before
    assert_still_serving(stub.url)


def test_server_keeps_answering_new_connections_after_protocol_garbage(stub: BackgroundStub) -> None:
    """uvicorn closes a connection it cannot parse; the next connection must be served normally."""
    for data in (b"\x00" * 64, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", b"GET / HTTP/1.1\r\nHost: x\r\n\x01\r\n\r\n"):
        with RawConnection.to(stub.url) as conn:
            resp, reset = send(conn, Case("garbage", "x", data, "http"))
            assert (resp is None and reset) or (resp is not None and resp.status == 400)
            assert conn.read_response() is None, "the connection must be closed after a refusal"
        assert_still_serving(stub.url)


def test_control_api_refuses_undecodable_json_bodies(stub: BackgroundStub) -> None:
    bodies = {
        "invalid UTF-8": b'{"vendor": "turso", "organization": "\xe9", "member": "x"}',
        "UTF-16": '{"vendor": "turso", "organization": "nope", "member": "x"}'.encode("utf-16"),
        "nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
        "5,000-digit integer": b'{"vendor": "turso", "organization": "nope", "member": ' + b"9" * 5000 + b"}",
    }
    before = snapshot(stub.store)
    answers = {}
    for label, body in bodies.items():
        for path, method in (("/__admin/memberships", "POST"), ("/__admin/state", "PUT")):
            with RawConnection.to(stub.url) as conn:
                resp = conn.exchange(request(method, path, [("Content-Type", "application/json")], body))
                answers[f"{method} {path} {label}"] = resp
    assert snapshot(stub.store) == before
    bad = {
        k: r
        for k, r in answers.items()
        if r is None or r.status >= 500 or r.header("content-type") != "application/json"
    }
    assert not bad, f"server errors: {bad}"
    assert all(r is not None and r.status == 400 and set(r.json()) == {"error"} for r in answers.values())


def test_control_api_refuses_a_non_ascii_content_type(stub: BackgroundStub) -> None:
    answers = {}
    for value in (b"\xe9", b"application/json\xff", b"\xc3\xa9"):
        for method, path in ((b"GET", b"/__admin/journal"), (b"GET", b"/__admin"), (b"PUT", b"/__admin/state")):
            with RawConnection.to(stub.url) as conn:
                answers[(method, path, value)] = conn.exchange(
                    raw_request(method, path, [h("Content-Type", value)], b"{}")
                )
    bad = {k: r for k, r in answers.items() if r is None or r.status >= 500}
    assert not bad, f"server errors: {bad}"


def test_control_api_refuses_a_body_without_content_type(stub: BackgroundStub) -> None:
    before = snapshot(stub.store)
    body = json.dumps({"vendor": "turso", "organization": TURSO_ORG, "member": "intruder", "role": "owner"}).encode()
    with RawConnection.to(stub.url) as conn:
        resp = conn.exchange(raw_request(b"POST", b"/__admin/memberships", [], body))
    assert snapshot(stub.store) == before
    assert resp is not None and resp.status in (400, 415), resp
    assert resp.header("content-type") == "application/json" and set(resp.json()) == {"error"}, resp


def test_credentials_in_chunked_trailers_are_ignored(stub: BackgroundStub) -> None:
    before = snapshot(stub.store)
    recoup_body = b"5\r\nhello\r\n0\r\nx-api-key: " + RECOUP_KEY.encode() + b"\r\n\r\n"
    turso_body = b"5\r\nhello\r\n0\r\nAuthorization: Bearer " + TURSO_TOKEN.encode() + b"\r\n\r\n"
    te = [h("Transfer-Encoding", "chunked")]
    answers = []
    for target, body in ((recoup_query(ORG, M), recoup_body), (turso_path(TURSO_ORG, TURSO_MEMBER), turso_body)):
        with RawConnection.to(stub.url) as conn:
            answers.append(conn.exchange(raw_request(b"DELETE", target.encode(), te, body, length=False)))
    changed = snapshot(stub.store) != before
    stub.store.reset()
    assert not changed, f"a request without credential headers removed a member: {answers}"
    assert [r.status if r else None for r in answers] == [401, 401], answers


def test_the_harness_catches_a_broken_stub() -> None:
    """The checks are not vacuous: a stub that errs, hangs up, or changes the state is caught."""
    from mock_server.web.http import ASGIApp, Receive, Scope, Send, send_json

    def broken(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            query = scope.get("query_string", b"")
            if b"%zz" in query:
                await send_json(send, 500, b'{"error":"boom"}')
            elif b"%ff" in query:
                await send_json(send, 401, b'{"message":"wrong shape"}')
            else:
                if b"%e9" in query:
                    stub.store.state.turso.organizations[TURSO_ORG].members.pop(TURSO_MEMBER, None)
                await app(scope, receive, send)

        return wrapped

    cases = [c for c in catalogue("percent") if c.name.startswith("recoup org=v ")]
    with BackgroundStub(wrap=broken) as stub:
        before = snapshot(stub.store)
        failures = Failures()
        run(stub.url, cases, failures)
        changed = snapshot(stub.store) != before
    report = failures.report()
    assert "server error" in report and "%zz" in report
    assert "not Recoup's error shape" in report and "%ff" in report
    assert changed
