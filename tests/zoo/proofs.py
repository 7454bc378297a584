"""Raw-HTTP proofs that each lifecycle broken member breaks its rule (and that correct members keep it).

A proof sends the requests its check's rule is about to a freshly served member and returns what it saw
when the rule was broken, or None when the rule held. `test_breaks.py` runs each on its broken member (it
must return a violation) and on correct members (it must return None), so a proof cannot pass vacuously.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import contract
from .client import BEARER, KEY, OWNER, PROBE, TURSO_PROBE, VIEWER, call, recoup_path, turso_members
from .server import Served
from .world import CALLER, DISPOSABLE, FOREIGN_ORG, HOME_ORG, TURSO_DISPOSABLE, TURSO_ORG

Proof = Callable[[Served], str | None]
ADD = "/api/organizations/members"
ORGS = "/api/organizations"
ORIGINAL_ROLE = "member"  # the disposable Turso member's role in the zoo's world


def _roles(served: Served) -> dict[str, str]:
    status, doc = call(served, "GET", turso_members(TURSO_ORG), OWNER)
    assert status == 200, (status, doc)
    return {row["username"]: row["role"] for row in doc["members"] if "username" in row}


def _retrieve(served: Served, name: str) -> tuple[int, Any]:
    return call(served, "GET", turso_members(TURSO_ORG, name), OWNER)


def _add(served: Served, body: Any, headers: dict[str, str] = OWNER) -> tuple[int, Any]:
    return call(served, "POST", turso_members(TURSO_ORG), headers, body)


def _remove(served: Served, name: str = TURSO_DISPOSABLE, headers: dict[str, str] = OWNER) -> tuple[int, Any]:
    return call(served, "DELETE", turso_members(TURSO_ORG, name), headers)


def _unchanged(served: Served, before: dict[str, str], what: str) -> str | None:
    after = _roles(served)
    return None if after == before else f"{what} changed the members: {before} -> {after}"


# Turso


def turso_validates_token(served: Served) -> str | None:
    with_token = call(served, "GET", "/v1/auth/validate", OWNER)
    without = call(served, "GET", "/v1/auth/validate", {})
    if with_token[0] != 200 or not isinstance(with_token[1].get("exp"), int):
        return f"with TURSO_TOKEN: {with_token}"
    return None if without[0] == 401 else f"without a token: {without}"


def turso_lists_members(served: Served) -> str | None:
    roles = _roles(served)
    ok = roles.get(TURSO_DISPOSABLE) in ("owner", "admin", "member", "viewer")
    return None if ok else f"{TURSO_DISPOSABLE} not listed with a role: {roles}"


def turso_retrieves_member(served: Served) -> str | None:
    listed = _roles(served).get(TURSO_DISPOSABLE)
    status, doc = _retrieve(served, TURSO_DISPOSABLE)
    got = (doc or {}).get("member", {}) if status == 200 else {}
    ok = status == 200 and got.get("username") == TURSO_DISPOSABLE and got.get("role") == listed
    return None if ok else f"listed as {listed}, retrieved: {status} {doc}"


def turso_retrieve_non_member_not_found(served: Served) -> str | None:
    status, doc = _retrieve(served, TURSO_PROBE)
    return None if status == 404 else f"retrieve {TURSO_PROBE}: {status} {doc}"


def turso_add_existing_member_conflicts(served: Served) -> str | None:
    before = _roles(served)
    status, doc = _add(served, {"username": TURSO_DISPOSABLE, "role": "admin"})
    return _unchanged(served, before, "the add") if status == 409 else f"add existing member: {status} {doc}"


def turso_add_unknown_user_not_found(served: Served) -> str | None:
    before = _roles(served)
    status, doc = _add(served, {"username": TURSO_PROBE, "role": "member"})
    return _unchanged(served, before, "the add") if status == 404 else f"add {TURSO_PROBE}: {status} {doc}"


def turso_add_rejects_bad_input(served: Served) -> str | None:
    before = _roles(served)
    for body in ({"username": TURSO_PROBE, "role": "superuser"}, {"username": TURSO_DISPOSABLE, "role": "owner"}):
        status, doc = _add(served, body)
        if status != 400:
            return f"add {body}: {status} {doc}"
    status, doc = _add(served, {"role": "member"})
    return _unchanged(served, before, "the adds") if status == 400 else f"add without username: {status} {doc}"


def turso_update_role_persists(served: Served) -> str | None:
    path = turso_members(TURSO_ORG, TURSO_DISPOSABLE)
    status, doc = call(served, "PATCH", path, OWNER, {"role": "admin"})
    after = _retrieve(served, TURSO_DISPOSABLE)
    call(served, "PATCH", path, OWNER, {"role": ORIGINAL_ROLE})
    if status != 200:
        return f"PATCH: {status} {doc}"
    return None if after[1]["member"]["role"] == "admin" else f"PATCH answered 200; retrieve then: {after}"


def turso_update_non_member_not_found(served: Served) -> str | None:
    status, doc = call(served, "PATCH", turso_members(TURSO_ORG, TURSO_PROBE), OWNER, {"role": "member"})
    return None if status == 404 else f"PATCH {TURSO_PROBE}: {status} {doc}"


def turso_removal_is_observed(served: Served) -> str | None:
    removed = _remove(served)
    retrieved, listed = _retrieve(served, TURSO_DISPOSABLE), _roles(served)
    if removed[0] != 200:
        return f"removal: {removed}"
    if retrieved[0] != 404:
        return f"retrieve after removal: {retrieved}"
    return None if TURSO_DISPOSABLE not in listed else f"still listed after removal: {listed}"


def turso_removal_spares_others(served: Served) -> str | None:
    before = _roles(served)
    _remove(served)
    after = _roles(served)
    expected = {k: v for k, v in before.items() if k != TURSO_DISPOSABLE}
    return None if after == expected else f"before {before}, after {after}"


def turso_restores_disposable_member(served: Served) -> str | None:
    _remove(served)
    status, doc = _add(served, {"username": TURSO_DISPOSABLE, "role": ORIGINAL_ROLE})
    got = _retrieve(served, TURSO_DISPOSABLE)
    ok = status == 200 and got[0] == 200 and got[1]["member"]["role"] == ORIGINAL_ROLE
    return None if ok else f"re-add: {status} {doc}; retrieve: {got}"


def turso_non_manager_forbidden(served: Served) -> str | None:
    before = _roles(served)
    path = turso_members(TURSO_ORG, TURSO_DISPOSABLE)
    for method, target, body in (
        ("DELETE", path, None),
        ("POST", turso_members(TURSO_ORG), {"username": TURSO_PROBE, "role": "member"}),
        ("PATCH", path, {"role": "admin"}),
    ):
        status, doc = call(served, method, target, VIEWER, body)
        if status != 403:
            return f"{method} with TURSO_MEMBER_TOKEN: {status} {doc}"
    return _unchanged(served, before, "a viewer")


def turso_lifecycle_model(served: Served) -> str | None:
    """remove, add with another role, retrieve: the model says the new role."""
    _remove(served)
    _add(served, {"username": TURSO_DISPOSABLE, "role": "viewer"})
    got = _retrieve(served, TURSO_DISPOSABLE)
    _remove(served)
    _add(served, {"username": TURSO_DISPOSABLE, "role": ORIGINAL_ROLE})
    return None if got[0] == 200 and got[1]["member"]["role"] == "viewer" else f"re-added as viewer, then: {got}"


def turso_list_schema(served: Served) -> str | None:
    status, doc = call(served, "GET", turso_members(TURSO_ORG), OWNER)
    found = contract.problems("turso", "/v1/organizations/{organizationSlug}/members", "GET", status, doc)
    return "; ".join(found) or None


def turso_add_statuses(served: Served) -> str | None:
    status, doc = _add(served, {"username": 5})
    documented = contract.statuses("turso", "/v1/organizations/{organizationSlug}/members", "POST")
    return None if status in documented else f"bad add body: {status} {doc}, documented {sorted(documented)}"


def turso_bad_bodies_rejected(served: Served) -> str | None:
    """Bodies outside the schema, for a user who is not a member: no 2xx (the add or the update did not happen)."""
    sent = [
        ("POST", turso_members(TURSO_ORG), {"username": TURSO_PROBE, "role": "superuser"}),
        ("PATCH", turso_members(TURSO_ORG, TURSO_PROBE), {"role": 5}),
    ]
    for method, path, body in sent:
        status, doc = call(served, method, path, OWNER, body)
        if 200 <= status < 300:
            return f"{method} {path} {body}: {status} {doc}"
    return None


# Recoup


def _organizations(served: Served, account: str) -> tuple[int, Any]:
    return call(served, "GET", f"{ORGS}?account_id={account}", KEY)


def _org_ids(doc: Any) -> list[str]:
    return sorted(row["organization_id"] for row in doc["organizations"])


def recoup_identifies_caller(served: Served) -> str | None:
    for headers in (KEY, BEARER):
        status, doc = call(served, "GET", "/api/accounts/id", headers)
        if status != 200 or (doc or {}).get("accountId") != CALLER:
            return f"GET /api/accounts/id with {sorted(headers)}: {status} {doc}"
    return None


def recoup_add_is_idempotent(served: Served) -> str | None:
    body = {"organizationId": HOME_ORG, "accountId": DISPOSABLE}
    first, second = call(served, "POST", ADD, KEY, body), call(served, "POST", ADD, KEY, body)
    ok = first[0] == second[0] == 200 and first[1]["id"] == second[1]["id"]
    return None if ok else f"two adds: {first}, {second}"


def recoup_add_rejects_malformed_body(served: Served) -> str | None:
    for body in (
        [],
        {"accountId": DISPOSABLE},
        {"organizationId": "x", "accountId": DISPOSABLE},
        {"organizationId": HOME_ORG},
        {"organizationId": HOME_ORG, "accountId": DISPOSABLE, "email": "temp@zoo.example"},
        {"organizationId": HOME_ORG, "accountId": "nope"},
        {"organizationId": HOME_ORG, "email": "nope"},
    ):
        status, doc = call(served, "POST", ADD, KEY, body)
        if status != 400:
            return f"add {body}: {status} {doc}"
    return None


def recoup_add_requires_credentials(served: Served) -> str | None:
    body = {"organizationId": HOME_ORG, "accountId": DISPOSABLE}
    for headers in ({}, {"x-api-key": "zoo_rk_unknown_000"}, {"Authorization": "Bearer nope"}):
        status, doc = call(served, "POST", ADD, headers, body)
        if status != 401:
            return f"add with {headers}: {status} {doc}"
    return None


def recoup_add_forbids_outside_organizations(served: Served) -> str | None:
    for org in (FOREIGN_ORG, PROBE):
        status, doc = call(served, "POST", ADD, KEY, {"organizationId": org, "accountId": PROBE})
        if status != 403:
            return f"add to {org}: {status} {doc}"
    return None


def recoup_removal_is_observed(served: Served) -> str | None:
    removed = call(served, "DELETE", recoup_path(HOME_ORG, DISPOSABLE), KEY)
    status, doc = _organizations(served, DISPOSABLE)
    if removed[0] != 200:
        return f"removal: {removed}"
    observed = status == 403 or (status == 200 and HOME_ORG not in _org_ids(doc))
    return None if observed else f"organizations of the removed account: {status} {doc}"


def recoup_removal_spares_others(served: Served) -> str | None:
    before = _organizations(served, CALLER)
    call(served, "DELETE", recoup_path(HOME_ORG, DISPOSABLE), KEY)
    after = _organizations(served, CALLER)
    same = before[0] == after[0] == 200 and _org_ids(before[1]) == _org_ids(after[1])
    return None if same else f"the caller's organizations: {before} -> {after}"


def recoup_restores_disposable_member(served: Served) -> str | None:
    call(served, "DELETE", recoup_path(HOME_ORG, DISPOSABLE), KEY)
    added = call(served, "POST", ADD, KEY, {"organizationId": HOME_ORG, "accountId": DISPOSABLE})
    status, doc = _organizations(served, DISPOSABLE)
    ok = added[0] == 200 and status == 200 and HOME_ORG in _org_ids(doc)
    return None if ok else f"re-add: {added}; organizations then: {status} {doc}"


def recoup_lifecycle_model(served: Served) -> str | None:
    """remove, add, remove, read: the model says not a member."""
    body = {"organizationId": HOME_ORG, "accountId": DISPOSABLE}
    call(served, "DELETE", recoup_path(HOME_ORG, DISPOSABLE), KEY)
    call(served, "POST", ADD, KEY, body)
    call(served, "DELETE", recoup_path(HOME_ORG, DISPOSABLE), KEY)
    status, doc = _organizations(served, DISPOSABLE)
    call(served, "POST", ADD, KEY, body)
    gone = status == 403 or (status == 200 and HOME_ORG not in _org_ids(doc))
    return None if gone else f"after remove, add, remove: {status} {doc}"


def recoup_organizations_schema(served: Served) -> str | None:
    status, doc = call(served, "GET", ORGS, KEY)
    return "; ".join(contract.problems("recoup", ORGS, "GET", status, doc)) or None


def recoup_add_statuses(served: Served) -> str | None:
    status, doc = call(served, "POST", ADD, KEY, {"organizationId": "x"})
    documented = contract.statuses("recoup", ADD, "POST")
    return None if status in documented else f"bad add body: {status} {doc}, documented {sorted(documented)}"


# broken member -> the proof of its rule
PROOFS: dict[str, Proof] = {
    "turso-validate-anonymous": turso_validates_token,
    "turso-list-hides-members": turso_lists_members,
    "turso-retrieve-says-viewer": turso_retrieves_member,
    "turso-retrieve-phantom": turso_retrieve_non_member_not_found,
    "turso-add-existing-200": turso_add_existing_member_conflicts,
    "turso-add-unknown-200": turso_add_unknown_user_not_found,
    "turso-add-any-role": turso_add_rejects_bad_input,
    "turso-bad-body-200": turso_bad_bodies_rejected,
    "turso-update-not-persisted": turso_update_role_persists,
    "turso-update-phantom": turso_update_non_member_not_found,
    "turso-list-stale": turso_removal_is_observed,
    "turso-removal-takes-neighbour": turso_removal_spares_others,
    "turso-add-stores-viewer": turso_restores_disposable_member,
    "turso-any-member-may-remove": turso_non_manager_forbidden,
    "turso-readd-keeps-old-role": turso_lifecycle_model,
    "turso-members-without-username": turso_list_schema,
    "turso-add-422": turso_add_statuses,
    "recoup-whoami-refuses-bearer": recoup_identifies_caller,
    "recoup-add-new-id-each-time": recoup_add_is_idempotent,
    "recoup-add-guesses-organization": recoup_add_rejects_malformed_body,
    "recoup-add-anonymous": recoup_add_requires_credentials,
    "recoup-add-anywhere": recoup_add_forbids_outside_organizations,
    "recoup-organizations-stale": recoup_removal_is_observed,
    "recoup-removal-takes-caller": recoup_removal_spares_others,
    "recoup-readd-not-persisted": recoup_restores_disposable_member,
    "recoup-readd-two-rows": recoup_lifecycle_model,
    "recoup-organizations-without-id": recoup_organizations_schema,
    "recoup-add-422": recoup_add_statuses,
}
