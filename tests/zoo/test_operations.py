"""Every lifecycle operation of both contracts on the correct zoo members, by raw HTTP: the rules, the shared state,
and every answer's body valid against its spec schema (`contract.py`, jsonschema with formats)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest

from . import contract
from .client import BEARER, KEY, OWNER, PROBE, TURSO_PROBE, VIEWER, call, recoup_path, turso_members
from .members import CORRECT
from .run import serve
from .server import Served
from .world import (
    CALLER,
    COLLEAGUE,
    DISPOSABLE,
    FOREIGN_ORG,
    HOME_ORG,
    NEWCOMER,
    OUTSIDER,
    TURSO_DISPOSABLE,
    TURSO_ORG,
    TURSO_OTHER_ORG,
    TURSO_OUTSIDERS,
    TURSO_OWNER,
    TURSO_VIEWER,
)

WALKED = [name for name, member in CORRECT.items() if member.variant.rate_limit is None]
MEMBERS = "/api/organizations/members"
SLUG = "/v1/organizations/{organizationSlug}"
ONE = SLUG + "/members/{username}"


@dataclass
class Walk:
    """Sends requests to one served member, checking each answer's status and schema; keeps what came back."""

    served: Served
    problems: list[str] = field(default_factory=list)

    def send(
        self, vendor: str, template: str, method: str, path: str, headers: dict[str, str], body: Any = None
    ) -> Any:
        status, doc = call(self.served, method, path, headers, body)
        for problem in contract.problems(vendor, template, method, status, doc):
            self.problems.append(f"{method} {path} -> {status}: {problem}")
        return status, doc

    def expect(
        self, status: int, vendor: str, template: str, method: str, path: str, headers: dict[str, str], body: Any = None
    ) -> Any:
        got, doc = self.send(vendor, template, method, path, headers, body)
        assert got == status, f"{method} {path} {body!r}: expected {status}, got {got} {doc}"
        return doc


@pytest.fixture(params=WALKED)
def walk(request: pytest.FixtureRequest) -> Iterator[Walk]:
    with serve(CORRECT[request.param]) as served:
        yield Walk(served)


def _organizations_of(walk: Walk, account: str, headers: dict[str, str] = KEY) -> list[str]:
    doc = walk.expect(200, "recoup", "/api/organizations", "GET", f"/api/organizations?account_id={account}", headers)
    return sorted(row["organization_id"] for row in doc["organizations"])


def test_recoup_lifecycle(walk: Walk) -> None:
    org = "/api/organizations"
    who = walk.expect(200, "recoup", "/api/accounts/id", "GET", "/api/accounts/id", KEY)
    assert who["accountId"] == CALLER
    assert walk.expect(200, "recoup", "/api/accounts/id", "GET", "/api/accounts/id", BEARER)["accountId"] == CALLER
    assert walk.expect(401, "recoup", "/api/accounts/id", "GET", "/api/accounts/id", {})["status"] == "error"
    walk.expect(401, "recoup", "/api/accounts/id", "GET", "/api/accounts/id", {"x-api-key": "nope"})
    # The organizations read: the query before the credentials.
    walk.expect(400, "recoup", org, "GET", f"{org}?account_id=nope", {})
    walk.expect(400, "recoup", org, "GET", f"{org}?account_id=", KEY)
    walk.expect(401, "recoup", org, "GET", org, {})
    mine = walk.expect(200, "recoup", org, "GET", org, KEY)["organizations"]
    assert HOME_ORG in {row["organization_id"] for row in mine}
    assert HOME_ORG in _organizations_of(walk, DISPOSABLE)
    walk.expect(403, "recoup", org, "GET", f"{org}?account_id={OUTSIDER}", KEY)
    walk.expect(403, "recoup", org, "GET", f"{org}?account_id={PROBE}", KEY)
    # Add: idempotent, then the state shows it.
    add = {"organizationId": HOME_ORG, "accountId": DISPOSABLE}
    first = walk.expect(200, "recoup", MEMBERS, "POST", MEMBERS, KEY, add)
    again = walk.expect(200, "recoup", MEMBERS, "POST", MEMBERS, BEARER, add)
    assert first["id"] == again["id"] and first["account_id"] == DISPOSABLE
    for bad in (
        None,
        [],
        {},
        {"organizationId": "x", "accountId": DISPOSABLE},
        {"organizationId": HOME_ORG},
        {**add, "email": "a@b.example"},
        {"organizationId": HOME_ORG, "accountId": "nope"},
        {"organizationId": HOME_ORG, "email": "nope"},
        {"organizationId": HOME_ORG, "accountId": 5},
    ):
        walk.expect(400, "recoup", MEMBERS, "POST", MEMBERS, KEY, bad)
    walk.expect(400, "recoup", MEMBERS, "POST", MEMBERS, KEY, b"{not json")
    walk.expect(401, "recoup", MEMBERS, "POST", MEMBERS, {}, add)
    walk.expect(401, "recoup", MEMBERS, "POST", MEMBERS, {"x-api-key": "nope"}, b"{")
    walk.expect(403, "recoup", MEMBERS, "POST", MEMBERS, KEY, {"organizationId": FOREIGN_ORG, "accountId": PROBE})
    walk.expect(403, "recoup", MEMBERS, "POST", MEMBERS, KEY, {"organizationId": PROBE, "accountId": PROBE})
    walk.expect(404, "recoup", MEMBERS, "POST", MEMBERS, KEY, {"organizationId": HOME_ORG, "accountId": PROBE})
    # Remove, observed through the organizations read; nobody else touched.
    mine_before = _organizations_of(walk, CALLER)
    walk.expect(200, "recoup", MEMBERS, "DELETE", recoup_path(HOME_ORG, DISPOSABLE), KEY)
    status, doc = walk.send("recoup", org, "GET", f"{org}?account_id={DISPOSABLE}", KEY)
    assert status == 403 or (status == 200 and HOME_ORG not in {r["organization_id"] for r in doc["organizations"]})
    assert _organizations_of(walk, CALLER) == mine_before and HOME_ORG in _organizations_of(walk, COLLEAGUE)
    # Restore: a new membership, visible again; an add by email finds or creates the account.
    back = walk.expect(200, "recoup", MEMBERS, "POST", MEMBERS, KEY, add)
    assert back["account_id"] == DISPOSABLE and HOME_ORG in _organizations_of(walk, DISPOSABLE)
    by_email = walk.expect(
        200, "recoup", MEMBERS, "POST", MEMBERS, KEY, {"organizationId": HOME_ORG, "email": "new@zoo.example"}
    )
    assert by_email["account_id"] == NEWCOMER
    created = walk.expect(
        200, "recoup", MEMBERS, "POST", MEMBERS, KEY, {"organizationId": HOME_ORG, "email": "x@y.example"}
    )
    assert created["account_id"] not in (NEWCOMER, DISPOSABLE) and HOME_ORG in _organizations_of(
        walk, created["account_id"]
    )
    assert not walk.problems, "\n".join(walk.problems)


def _members(walk: Walk, headers: dict[str, str] = OWNER) -> dict[str, str]:
    doc = walk.expect(200, "turso", SLUG + "/members", "GET", turso_members(TURSO_ORG), headers)
    return {row["username"]: row["role"] for row in doc["members"]}


def test_turso_lifecycle(walk: Walk) -> None:
    assert isinstance(walk.expect(200, "turso", "/v1/auth/validate", "GET", "/v1/auth/validate", OWNER)["exp"], int)
    walk.expect(401, "turso", "/v1/auth/validate", "GET", "/v1/auth/validate", {})
    walk.expect(401, "turso", "/v1/auth/validate", "GET", "/v1/auth/validate", {"Authorization": "Bearer nope"})
    assert walk.expect(200, "turso", "/v1/user", "GET", "/v1/user", OWNER)["user"]["username"] == TURSO_OWNER
    walk.expect(401, "turso", "/v1/user", "GET", "/v1/user", {})
    orgs = walk.expect(200, "turso", "/v1/organizations", "GET", "/v1/organizations", OWNER)
    assert [o["slug"] for o in orgs] == [TURSO_ORG]
    walk.expect(401, "turso", "/v1/organizations", "GET", "/v1/organizations", {})
    assert (
        walk.expect(200, "turso", SLUG, "GET", f"/v1/organizations/{TURSO_ORG}", VIEWER)["organization"]["slug"]
        == TURSO_ORG
    )
    walk.expect(404, "turso", SLUG, "GET", f"/v1/organizations/{TURSO_OTHER_ORG}", OWNER)
    walk.expect(404, "turso", SLUG, "GET", "/v1/organizations/probe__org", OWNER)
    # List and retrieve.
    before = _members(walk)
    assert before == {TURSO_OWNER: "owner", TURSO_VIEWER: "viewer", "mira": "member", TURSO_DISPOSABLE: "member"}
    walk.expect(401, "turso", SLUG + "/members", "GET", turso_members(TURSO_ORG), {})
    one = walk.expect(200, "turso", ONE, "GET", turso_members(TURSO_ORG, TURSO_DISPOSABLE), OWNER)["member"]
    assert (one["username"], one["role"]) == (TURSO_DISPOSABLE, "member")
    walk.expect(404, "turso", ONE, "GET", turso_members(TURSO_ORG, TURSO_PROBE), OWNER)
    walk.expect(403, "turso", ONE, "GET", turso_members(TURSO_OTHER_ORG, "stranger"), OWNER)
    # Add: 409 existing, 404 unknown, 400 bad, 403 for a viewer; nothing changed by any of them.
    add = SLUG + "/members"
    walk.expect(
        409, "turso", add, "POST", turso_members(TURSO_ORG), OWNER, {"username": TURSO_DISPOSABLE, "role": "admin"}
    )
    walk.expect(404, "turso", add, "POST", turso_members(TURSO_ORG), OWNER, {"username": TURSO_PROBE, "role": "member"})
    for bad in (
        {"username": TURSO_OUTSIDERS[0], "role": "owner"},
        {"username": TURSO_OUTSIDERS[0], "role": "boss"},
        {"role": "member"},
        {"username": ""},
        {"username": 5},
        [],
        None,
    ):
        walk.expect(400, "turso", add, "POST", turso_members(TURSO_ORG), OWNER, bad)
    walk.expect(400, "turso", add, "POST", turso_members(TURSO_ORG), OWNER, b"{oops")
    walk.expect(403, "turso", add, "POST", turso_members(TURSO_ORG), VIEWER, {"username": TURSO_OUTSIDERS[0]})
    walk.expect(403, "turso", ONE, "PATCH", turso_members(TURSO_ORG, TURSO_DISPOSABLE), VIEWER, {"role": "admin"})
    walk.expect(403, "turso", ONE, "DELETE", turso_members(TURSO_ORG, TURSO_DISPOSABLE), VIEWER)
    assert _members(walk) == before
    # Update role, persisted; bad roles and non-members refused.
    updated = walk.expect(
        200, "turso", ONE, "PATCH", turso_members(TURSO_ORG, TURSO_DISPOSABLE), OWNER, {"role": "admin"}
    )
    assert updated["member"]["role"] == "admin"
    assert (
        walk.expect(200, "turso", ONE, "GET", turso_members(TURSO_ORG, TURSO_DISPOSABLE), OWNER)["member"]["role"]
        == "admin"
    )
    for bad in ({"role": "owner"}, {}, {"role": None}, []):
        walk.expect(400, "turso", ONE, "PATCH", turso_members(TURSO_ORG, TURSO_DISPOSABLE), OWNER, bad)
    walk.expect(404, "turso", ONE, "PATCH", turso_members(TURSO_ORG, TURSO_PROBE), OWNER, {"role": "member"})
    walk.expect(200, "turso", ONE, "PATCH", turso_members(TURSO_ORG, TURSO_DISPOSABLE), OWNER, {"role": "member"})
    # Remove: observed by retrieve and list, only that member gone; restored by an add with its role.
    walk.expect(200, "turso", ONE, "DELETE", turso_members(TURSO_ORG, TURSO_DISPOSABLE), OWNER)
    walk.expect(404, "turso", ONE, "GET", turso_members(TURSO_ORG, TURSO_DISPOSABLE), OWNER)
    assert _members(walk) == {k: v for k, v in before.items() if k != TURSO_DISPOSABLE}
    restored = walk.expect(
        200, "turso", add, "POST", turso_members(TURSO_ORG), OWNER, {"username": TURSO_DISPOSABLE, "role": "member"}
    )
    assert restored == {"member": TURSO_DISPOSABLE, "role": "member"} or restored["role"] == "member"
    assert _members(walk) == before
    # A JSON body is read whatever its Content-Type; role defaults to member.
    text = {**OWNER, "Content-Type": "text/plain;charset=UTF-8"}
    assert (
        walk.expect(200, "turso", add, "POST", turso_members(TURSO_ORG), text, {"username": TURSO_OUTSIDERS[1]})["role"]
        == "member"
    )
    assert not walk.problems, "\n".join(walk.problems)


@pytest.mark.parametrize("name", ["plain", "starlette"])
def test_simultaneous_adds_of_one_user(name: str) -> None:
    """One state under concurrency: N adds of one user at once give one 200 (Turso) and N-1 409s; N Recoup adds
    of one account give one membership id."""
    with serve(CORRECT[name]) as served, ThreadPoolExecutor(max_workers=8) as pool:
        body = {"username": TURSO_OUTSIDERS[0], "role": "viewer"}
        turso_statuses = sorted(
            pool.map(lambda _: call(served, "POST", turso_members(TURSO_ORG), OWNER, body)[0], range(8))
        )
        add = {"organizationId": HOME_ORG, "accountId": NEWCOMER}
        ids = set(pool.map(lambda _: call(served, "POST", MEMBERS, KEY, add)[1]["id"], range(8)))
    assert turso_statuses == [200] + [409] * 7
    assert len(ids) == 1
