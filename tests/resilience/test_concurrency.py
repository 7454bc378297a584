"""Many clients at once: each removal happens exactly once, and the journal stays bounded."""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from mock_server.background import BackgroundStub

from .rawhttp import RawConnection, RawResponse, request
from .support import (
    RECOUP_KEY,
    RECOUP_MEMBER,
    RECOUP_ORG,
    TURSO_MEMBER,
    TURSO_ORG,
    TURSO_TOKEN,
    Tally,
    recoup_query,
    snapshot,
    turso_path,
)

CLIENTS = 50
TURSO_ADMIN_TOKEN = "turso_demo_admin_6a2f80d4"


@pytest.fixture
def fresh_stub() -> Iterator[BackgroundStub]:
    """A stub of its own: these tests remove members."""
    with BackgroundStub() as running:
        yield running


def simultaneously(url: str, requests: list[bytes]) -> list[RawResponse | None]:
    """Open one connection per request, then release all the requests at the same instant."""
    connections = [RawConnection.to(url) for _ in requests]
    barrier = threading.Barrier(len(requests), timeout=10)

    def one(i: int) -> RawResponse | None:
        barrier.wait()
        return connections[i].exchange(requests[i])

    try:
        with ThreadPoolExecutor(max_workers=len(requests)) as pool:
            return list(pool.map(one, range(len(requests))))
    finally:
        for conn in connections:
            conn.close()


def outcome(resp: RawResponse | None) -> tuple[int, Any]:
    assert resp is not None, "a client got no answer"
    assert resp.header("content-type") == "application/json", resp
    return resp.status, resp.json()


def test_fifty_simultaneous_turso_removals_of_one_member(fresh_stub: BackgroundStub, tally: Tally) -> None:
    before = snapshot(fresh_stub.store)
    req = request("DELETE", turso_path(TURSO_ORG, TURSO_MEMBER), [("Authorization", f"Bearer {TURSO_TOKEN}")])

    answers = Counter(json.dumps(outcome(r)) for r in simultaneously(fresh_stub.url, [req] * CLIENTS))
    tally["concurrency: turso removals"] += CLIENTS

    removed = json.dumps([200, {"member": TURSO_MEMBER}])
    gone = json.dumps([404, {"error": f"user {TURSO_MEMBER} is not a member of org {TURSO_ORG}"}])
    assert answers == {removed: 1, gone: CLIENTS - 1}
    expected = _without_turso_member(before, TURSO_ORG, TURSO_MEMBER)
    assert snapshot(fresh_stub.store) == expected


def test_simultaneous_turso_removals_of_several_members(fresh_stub: BackgroundStub, tally: Tally) -> None:
    """Ten clients per member, owner and admin tokens mixed: each member is removed exactly once."""
    members = ["alice", "bob", "demo-viewer"]
    tokens = [TURSO_TOKEN, TURSO_ADMIN_TOKEN]
    reqs = [
        request("DELETE", turso_path(TURSO_ORG, m), [("Authorization", f"Bearer {tokens[i % 2]}")])
        for m in members
        for i in range(10)
    ]
    results = [outcome(r) for r in simultaneously(fresh_stub.url, reqs)]
    tally["concurrency: turso removals"] += len(reqs)

    for m in members:
        statuses = Counter(s for s, body in results if body in ({"member": m}, {"error": _gone(m)}))
        assert statuses == {200: 1, 404: 9}, (m, statuses)
    org = fresh_stub.store.state.turso.organizations[TURSO_ORG]
    assert set(org.members) == {"demo-owner", "demo-admin"}


def test_fifty_concurrent_recoup_removals_of_one_member(fresh_stub: BackgroundStub, tally: Tally) -> None:
    """Recoup's removal is idempotent: every client gets 200, and the member is gone."""
    before = snapshot(fresh_stub.store)

    async def remove_all() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
        async with httpx.AsyncClient(base_url=fresh_stub.url, limits=limits, timeout=10) as client:
            start = asyncio.Event()

            async def one() -> httpx.Response:
                await start.wait()
                return await client.delete(recoup_query(RECOUP_ORG, RECOUP_MEMBER), headers={"x-api-key": RECOUP_KEY})

            tasks = [asyncio.create_task(one()) for _ in range(CLIENTS)]
            await asyncio.sleep(0)  # every task is now waiting on the event
            start.set()
            return await asyncio.gather(*tasks)

    responses = asyncio.run(remove_all())
    tally["concurrency: recoup removals"] += CLIENTS

    assert [(r.status_code, r.json()) for r in responses] == [(200, {"status": "success"})] * CLIENTS
    expected = json.loads(json.dumps(before))
    for org in expected["recoup"]["organizations"]:
        if org["id"] == RECOUP_ORG:
            org["members"].remove(RECOUP_MEMBER)
    assert snapshot(fresh_stub.store) == expected


def test_journal_stays_bounded(tally: Tally) -> None:
    """A journal of 100 after 1,200 requests (some of them 60 kB) keeps the newest 100, each small."""
    total = 1200
    big = "x" * 60_000
    with BackgroundStub(journal_size=100) as stub, RawConnection.to(stub.url) as conn:
        for i in range(total):
            path = turso_path(TURSO_ORG, f"user-{i}")
            query = f"?pad={big}" if i % 100 == 0 else ""
            resp = conn.exchange(request("DELETE", path + query, [("x-api-key", big)] if i % 7 == 0 else []))
            assert resp is not None and resp.status == 401, resp
        tally["concurrency: journal"] += total

        journal = conn.exchange(request("GET", "/__admin/journal"))
        assert journal is not None and journal.status == 200
        doc = journal.json()
        assert (doc["size"], doc["total"], len(doc["requests"])) == (100, total, 100)
        paths = [e["path"] for e in doc["requests"]]
        assert paths == [turso_path(TURSO_ORG, f"user-{i}") for i in reversed(range(total - 100, total))]
        longest = max(len(json.dumps(e)) for e in doc["requests"])
        assert longest < 2048, f"a journal entry holds {longest} bytes: long requests must be cut"
        assert len(journal.body) < 100 * 2048

        after = conn.exchange(request("GET", "/__admin/journal?limit=5"))
        assert after is not None
        doc = after.json()
        assert (doc["total"], len(doc["requests"])) == (total + 1, 5)
        assert doc["requests"][0]["path"] == "/__admin/journal"


def test_journal_counts_concurrent_requests(fresh_stub: BackgroundStub) -> None:
    before = _journal(fresh_stub.url)["total"]
    reqs = [request("DELETE", turso_path(TURSO_ORG, f"nobody-{i}"), []) for i in range(CLIENTS)]
    assert all(outcome(r)[0] == 401 for r in simultaneously(fresh_stub.url, reqs))
    doc = _journal(fresh_stub.url)
    assert doc["total"] == before + 1 + CLIENTS  # the first journal read counts too
    seen = {e["path"] for e in doc["requests"]}
    assert {turso_path(TURSO_ORG, f"nobody-{i}") for i in range(CLIENTS)} <= seen


def _journal(url: str) -> dict[str, Any]:
    with RawConnection.to(url) as conn:
        resp = conn.exchange(request("GET", "/__admin/journal"))
    assert resp is not None and resp.status == 200, resp
    doc: dict[str, Any] = resp.json()
    return doc


def _gone(member: str) -> str:
    return f"user {member} is not a member of org {TURSO_ORG}"


def _without_turso_member(doc: dict[str, Any], org_slug: str, username: str) -> dict[str, Any]:
    out = json.loads(json.dumps(doc))
    for org in out["turso"]["organizations"]:
        if org["slug"] == org_slug:
            org["members"] = [m for m in org["members"] if m["username"] != username]
    return out


def test_the_race_test_catches_a_check_then_act_stub() -> None:
    """Negative control: a stub that checks membership, yields, then removes, answers 200 many times."""
    from mock_server.web.http import ASGIApp, Receive, Scope, Send, send_json

    def racy(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope["path"] != turso_path(TURSO_ORG, TURSO_MEMBER):
                await app(scope, receive, send)
                return
            members = stub.store.state.turso.organizations[TURSO_ORG].members
            if TURSO_MEMBER not in members:
                await send_json(send, 404, json.dumps({"error": _gone(TURSO_MEMBER)}).encode())
                return
            await asyncio.sleep(0.01)  # the window a non-atomic implementation leaves open
            members.pop(TURSO_MEMBER, None)
            await send_json(send, 200, json.dumps({"member": TURSO_MEMBER}).encode())

        return wrapped

    req = request("DELETE", turso_path(TURSO_ORG, TURSO_MEMBER), [("Authorization", f"Bearer {TURSO_TOKEN}")])
    with BackgroundStub(wrap=racy) as stub:
        statuses = Counter(outcome(r)[0] for r in simultaneously(stub.url, [req] * CLIENTS))
    assert statuses[200] > 1, statuses
