"""Simultaneous requests over real HTTP: each removal happens exactly once."""

from __future__ import annotations

import asyncio
import json
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
    state = client.get("/__admin/state").json()  # masked secrets are kept when the document is sent back
    state["turso"]["users"] += [{"username": n} for n in usernames]
    org = next(o for o in state["turso"]["organizations"] if o["slug"] == "demo-org")
    org["members"] += [{"username": n, "role": "member"} for n in usernames]
    assert client.put("/__admin/state", json=state).status_code == 200
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


def post(path: str, body: dict[str, str], headers: dict[str, str]) -> tuple[str, str, dict[str, str], bytes]:
    return ("POST", path, headers, json.dumps(body).encode())


async def simultaneous_with_bodies(
    url: str, requests: list[tuple[str, str, dict[str, str], bytes]]
) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=len(requests))
    async with async_client(url, limits=limits) as client:
        return await asyncio.gather(*(client.request(m, p, headers=h, content=b) for m, p, h, b in requests))


def test_simultaneous_turso_adds_of_one_user_give_one_200_and_the_rest_409(
    client: httpx.Client, stub: BackgroundStub
) -> None:
    request = post(
        "/v1/organizations/demo-org/members", {"username": "carol", "role": "viewer"}, demo.bearer(demo.OWNER_TOKEN)
    )
    responses = asyncio.run(simultaneous_with_bodies(stub.url, [request] * CALLERS))
    assert Counter(r.status_code for r in responses) == {200: 1, 409: CALLERS - 1}
    listed = client.get("/v1/organizations/demo-org/members", headers=demo.bearer(demo.OWNER_TOKEN)).json()["members"]
    assert [m for m in listed if m["username"] == "carol"] == [
        {"username": "carol", "role": "viewer", "email": "carol@example.com"}
    ]


def test_simultaneous_turso_adds_and_removals_of_one_user_leave_a_consistent_list(
    client: httpx.Client, stub: BackgroundStub
) -> None:
    owner = demo.bearer(demo.OWNER_TOKEN)
    adding = post("/v1/organizations/demo-org/members", {"username": "carol"}, owner)
    removing = ("DELETE", "/v1/organizations/demo-org/members/carol", owner, b"")
    responses = asyncio.run(simultaneous_with_bodies(stub.url, [adding, removing] * (CALLERS // 2)))
    adds = Counter(r.status_code for r in responses if r.request.method == "POST")
    removals = Counter(r.status_code for r in responses if r.request.method == "DELETE")
    assert set(adds) <= {200, 409} and set(removals) <= {200, 404}
    # every successful removal undid one successful add; what is left is what the list shows
    still_there = adds[200] - removals[200]
    assert still_there in (0, 1)
    listed = client.get("/v1/organizations/demo-org/members", headers=owner).json()["members"]
    assert [m["username"] for m in listed].count("carol") == still_there


def test_simultaneous_recoup_adds_of_one_account_all_return_the_same_membership(
    client: httpx.Client, stub: BackgroundStub
) -> None:
    request = post(
        "/api/organizations/members",
        {"organizationId": demo.ORG, "accountId": demo.NEWCOMER},
        {"x-api-key": demo.API_KEY},
    )
    responses = asyncio.run(simultaneous_with_bodies(stub.url, [request] * CALLERS))
    assert Counter(r.status_code for r in responses) == {200: CALLERS}
    assert len({r.json()["id"] for r in responses}) == 1
    assert demo.NEWCOMER in stub.store.state.recoup.organizations[demo.ORG].members


def test_simultaneous_recoup_adds_by_one_new_email_create_one_account(
    client: httpx.Client, stub: BackgroundStub
) -> None:
    accounts = len(stub.store.state.recoup.accounts)
    request = post(
        "/api/organizations/members",
        {"organizationId": demo.ORG, "email": "race@example.com"},
        {"x-api-key": demo.API_KEY},
    )
    responses = asyncio.run(simultaneous_with_bodies(stub.url, [request] * CALLERS))
    assert len({r.json()["account_id"] for r in responses}) == 1
    assert len(stub.store.state.recoup.accounts) == accounts + 1
