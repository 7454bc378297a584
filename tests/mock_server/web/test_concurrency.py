"""Simultaneous requests over real HTTP: each removal happens exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from mock_server.background import BackgroundStub
from tests.mock_server import demo
from tests.mock_server.web.conformance import async_client

CALLERS = 50


async def simultaneous(url: str, requests: list[tuple[str, str, dict[str, str]]]) -> list[httpx.Response]:
    """Send every request at once, each on its own connection."""
    limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=len(requests))
    async with async_client(url, limits=limits) as client:
        return await asyncio.gather(*(client.request(m, path, headers=h) for m, path, h in requests))


def test_simultaneous_turso_removals_of_one_member_give_exactly_one_200(
    client: httpx.Client, stub: BackgroundStub
) -> None:
    request = ("DELETE", "/v1/organizations/demo-org/members/bob", demo.bearer(demo.OWNER_TOKEN))
    responses = asyncio.run(simultaneous(stub.url, [request] * CALLERS))
    assert Counter(r.status_code for r in responses) == {200: 1, 404: CALLERS - 1}
    assert [r.json() for r in responses if r.status_code == 200] == [{"member": "bob"}]
    assert "bob" not in stub.store.state.turso.organizations["demo-org"].members


def test_simultaneous_turso_removals_of_different_members_all_succeed(
    client: httpx.Client, stub: BackgroundStub
) -> None:
    usernames = [f"user{i}" for i in range(CALLERS)]
    for name in usernames:
        client.post("/__admin/memberships", json={"vendor": "turso", "organization": "demo-org", "member": name})
    requests = [("DELETE", f"/v1/organizations/demo-org/members/{n}", demo.bearer(demo.OWNER_TOKEN)) for n in usernames]
    responses = asyncio.run(simultaneous(stub.url, requests))
    assert sorted(r.json()["member"] for r in responses) == sorted(usernames)
    assert set(usernames).isdisjoint(stub.store.state.turso.organizations["demo-org"].members)


def test_simultaneous_recoup_removals_are_all_200(client: httpx.Client, stub: BackgroundStub) -> None:
    path = f"/api/organizations/members?organization_id={demo.ORG}&account_id={demo.DISPOSABLE}"
    responses = asyncio.run(simultaneous(stub.url, [("DELETE", path, {"x-api-key": demo.API_KEY})] * CALLERS))
    assert Counter(r.status_code for r in responses) == {200: CALLERS}
    assert stub.store.state.recoup.organizations[demo.ORG].members == {demo.CALLER, demo.COLLEAGUE}


def test_removals_racing_resets_never_fail(client: httpx.Client, stub: BackgroundStub) -> None:
    removal = ("DELETE", "/v1/organizations/demo-org/members/bob", demo.bearer(demo.OWNER_TOKEN))
    reset = ("POST", "/__admin/reset", {})
    responses = asyncio.run(simultaneous(stub.url, [removal, reset] * (CALLERS // 2)))
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {200, 404}
    assert statuses[200] >= CALLERS // 2 + 1  # every reset, and at least one removal
