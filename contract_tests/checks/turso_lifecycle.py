"""Turso lifecycle: the operations around removal (specs/turso.yaml), with reads as evidence.

Each check names its rule from the spec (or from the vendors' notes where the spec is silent). The only
member any of them adds, re-roles or removes is TURSO_DISPOSABLE_MEMBER; every other username is a probe.
"""

from __future__ import annotations

from typing import Any

from ..apis import TursoApi
from ..http import Exchange
from ..vendors import turso as op
from . import Inapplicable, NotApplicable, Violation, expect, expect_documented
from .plan import Plan

ROLES = ("owner", *op.ROLES)


def _status(ex: Exchange, wanted: int, what: str) -> None:
    expect(ex.status == wanted, f"{what}: expected HTTP {wanted}, got {ex.status}", ex)


def _disposable(api: TursoApi) -> tuple[str, str]:
    org, member = api.target.require_all("TURSO_ORG", "TURSO_DISPOSABLE_MEMBER")
    return org, member


def members(api: TursoApi, headers: dict[str, str] | None = None) -> tuple[dict[str, str], Exchange]:
    """TURSO_ORG's members as {username: role}, read with TURSO_TOKEN (or `headers`), and the exchange."""
    org = api.target.require("TURSO_ORG")
    ex = api.list(org, headers or api.token())
    body = expect_documented(ex, "turso", 200, f"listing the members of TURSO_ORG={org}", op.LIST)
    return {str(m["username"]): str(m["role"]) for m in body["members"]}, ex


def role_of(api: TursoApi) -> str:
    """The disposable member's role as listed; Inapplicable (saying how to add it back) when it is not a member."""
    org, member = _disposable(api)
    listed, _ = members(api)
    if member not in listed:
        raise Inapplicable(
            f"TURSO_DISPOSABLE_MEMBER={member} is not a member of {org} (an earlier run could not restore it?); "
            f'add it again (POST /v1/organizations/{org}/members {{"username": "{member}", "role": "member"}} '
            "or `turso org members add`) or name another member"
        )
    return listed[member]


def _unchanged(api: TursoApi, before: dict[str, str], what: str, *exchanges: Exchange) -> None:
    after, ex = members(api)
    expect(after == before, f"{what} changed the member list: {diff(before, after)}", *exchanges, ex)


def diff(before: dict[str, str], after: dict[str, str]) -> str:
    gone = sorted(set(before) - set(after))
    new = sorted(set(after) - set(before))
    moved = sorted(u for u in set(before) & set(after) if before[u] != after[u])
    parts = [f"gone {gone}" if gone else "", f"new {new}" if new else ""]
    parts.append(f"re-roled {[(u, before[u], after[u]) for u in moved]}" if moved else "")
    return ", ".join(p for p in parts if p) or "no difference"


def validates_token(api: TursoApi) -> None:
    """turso.yaml GET /v1/auth/validate: TURSO_TOKEN -> 200 {"exp": <integer>}; no token -> 401."""
    ex = api.validate(api.token())
    expect_documented(ex, "turso", 200, "validating TURSO_TOKEN", op.VALIDATE)
    _status(api.validate({}), 401, "validating without a token")


def lists_members(api: TursoApi) -> None:
    """turso.yaml List Members: 200 {"members": [...]} holding TURSO_DISPOSABLE_MEMBER with a documented role."""
    org, member = _disposable(api)
    listed, ex = members(api)
    if member not in listed:
        read = api.retrieve(org, member, api.token())
        if read.status == 404:
            role_of(api)  # gone, as retrieve agrees: Inapplicable, saying how to add it back
        raise Violation(f"the member list of {org} does not hold TURSO_DISPOSABLE_MEMBER={member}", ex, read)
    expect(listed[member] in ROLES, f"{member}'s role {listed[member]!r} is not one of {ROLES}", ex)


def retrieves_member(api: TursoApi) -> None:
    """turso.yaml Retrieve Member: 200 {"member": {username, role}}, the username and role as listed."""
    org, member = _disposable(api)
    role = role_of(api)
    ex = api.retrieve(org, member, api.token())
    body = expect_documented(ex, "turso", 200, f"retrieving TURSO_DISPOSABLE_MEMBER={member}", op.RETRIEVE)
    found = body["member"]
    expect(found.get("username") == member, f'"username" is {found.get("username")!r}, not {member!r}', ex)
    expect(found.get("role") == role, f'"role" is {found.get("role")!r}, but the list says {role!r}', ex)


def retrieve_non_member_not_found(api: TursoApi, username: str) -> None:
    """turso.yaml Retrieve Member 404: retrieving a username that is not a member of TURSO_ORG -> 404."""
    org = api.target.require("TURSO_ORG")
    _status(api.retrieve(org, username, api.token()), 404, f"retrieving non-member {username!r}")


def add_existing_member_conflicts(api: TursoApi, role: str) -> None:
    """turso.yaml Add Member 409 "user [username] is already a member of organization [organizationSlug]"."""
    org, member = _disposable(api)
    role_of(api)
    before, _ = members(api)
    ex = api.add(org, {"username": member, "role": role}, api.token())
    _status(ex, 409, f"adding TURSO_DISPOSABLE_MEMBER={member}, already a member, as {role}")
    _unchanged(api, before, "a refused add", ex)


def add_unknown_user_not_found(api: TursoApi, username: str) -> None:
    """turso.yaml Add Member 404 "could not find user [username]": adding a user that does not exist -> 404."""
    org = api.target.require("TURSO_ORG")
    before, _ = members(api)
    ex = api.add(org, {"username": username, "role": "member"}, api.token())
    _status(ex, 404, f"adding the unknown user {username!r}")
    _unchanged(api, before, "a refused add", ex)


def add_rejects_bad_input(api: TursoApi, body: Any) -> None:
    """turso.yaml Add Member 400 / notes T-3: a role outside admin/member/viewer or no username -> 400."""
    org = api.target.require("TURSO_ORG")
    before, _ = members(api)
    ex = api.add(org, body, api.token())
    _status(ex, 400, f"adding with the body {body!r}")
    _unchanged(api, before, "a refused add", ex)


def update_role_persists(api: TursoApi, new_role: str) -> None:
    """turso.yaml Update Member Role 200: the new role is what retrieve shows; then the old role is set back."""
    org, member = _disposable(api)
    old = role_of(api)
    if old not in op.ROLES:
        raise NotApplicable(f"TURSO_DISPOSABLE_MEMBER={member} is {old}, a role that cannot be assigned back")
    if new_role == old:
        new_role = next(r for r in op.ROLES if r != old)
    try:
        for role in (new_role, old):
            ex = api.update(org, member, {"role": role}, api.token())
            body = expect_documented(ex, "turso", 200, f"giving {member} the role {role}", op.UPDATE)
            got = body["member"].get("role")
            expect(got == role, f'the answer to giving {member} the role {role} says "role": {got!r}', ex)
            read = api.retrieve(org, member, api.token())
            shown = expect_documented(read, "turso", 200, f"retrieving {member}", op.RETRIEVE)["member"].get("role")
            expect(shown == role, f"after giving {member} the role {role}, retrieve shows {shown!r}", ex, read)
    except Violation:
        api.update(org, member, {"role": old}, api.token())  # best effort: leave the member as found
        raise


def update_non_member_not_found(api: TursoApi, username: str) -> None:
    """turso.yaml Update Member Role 404: updating a username that is not a member of TURSO_ORG -> 404."""
    org = api.target.require("TURSO_ORG")
    _status(api.update(org, username, {"role": "member"}, api.token()), 404, f"updating non-member {username!r}")


def removal_is_observed(api: TursoApi) -> None:
    """turso.yaml Retrieve Member 404 / List Members: after the removal, retrieve -> 404 and the list omits it."""
    org, member = _disposable(api)
    read = api.retrieve(org, member, api.token())
    _status(read, 404, f"retrieving TURSO_DISPOSABLE_MEMBER={member} after its removal")
    listed, ex = members(api)
    expect(member not in listed, f"the member list still holds {member} after its removal", read, ex)


def removal_spares_others(api: TursoApi, before: dict[str, str]) -> None:
    """turso.yaml Remove Member removes that member only: the list before and after differs by exactly it."""
    _, member = _disposable(api)
    after, ex = members(api)
    wanted = {u: r for u, r in before.items() if u != member}
    expect(after == wanted, f"the removal of {member} changed more than that member: {diff(wanted, after)}", ex)


def restores_disposable_member(api: TursoApi, role: str) -> str:
    """turso.yaml Add Member 200: the suite adds TURSO_DISPOSABLE_MEMBER back with its role; retrieve confirms."""
    org, member = _disposable(api)
    if role not in op.ROLES:
        raise Violation(f"{member} was {role}, which cannot be assigned: re-add {member} to {org} as {role} by hand")
    again = f'; re-add it by hand: POST /v1/organizations/{org}/members {{"username": "{member}", "role": "{role}"}}'
    current = api.retrieve(org, member, api.token())
    if current.status == 200:
        raise NotApplicable(f"{member} is still a member of {org}: nothing to restore")
    ex = api.add(org, {"username": member, "role": role}, api.token())
    if ex.status != 200:
        raise Violation(f"restoring {member} in {org} as {role}: expected HTTP 200, got {ex.status}{again}", ex)
    read = api.retrieve(org, member, api.token())
    shown = read.json() if read.status == 200 else None
    got = shown.get("member", {}).get("role") if isinstance(shown, dict) else None
    expect(got == role, f"after restoring {member}, retrieve shows role {got!r} (HTTP {read.status}){again}", ex, read)
    return f"restored {member} in {org} as {role} (POST .../members, verified with GET .../members/{member})"


def non_manager_forbidden(api: TursoApi, probe: str) -> None:
    """turso.yaml 403 / notes Part 3: with TURSO_MEMBER_TOKEN, remove, add and update-role -> 403, nothing changed."""
    org, member = _disposable(api)
    headers = api.member_token()
    role = role_of(api)
    before, _ = members(api)
    other = next(r for r in op.ROLES if r != role)
    for ex, what in (
        (api.remove(org, member, headers), f"removing {member}"),
        (api.add(org, {"username": probe, "role": "member"}, headers), f"adding {probe!r}"),
        (api.update(org, member, {"role": other}, headers), f"giving {member} the role {other}"),
    ):
        _status(ex, 403, f"{what} with TURSO_MEMBER_TOKEN (a member or viewer)")
        _unchanged(api, before, f"{what} with TURSO_MEMBER_TOKEN", ex)


def lifecycle_model(api: TursoApi, plan: Plan) -> None:
    """turso.yaml members family: random add/retrieve/list/update/remove sequences agree with a model at every step."""
    from .models import turso_lifecycle_model

    turso_lifecycle_model(api, plan)


CHECKS = (
    validates_token,
    lists_members,
    retrieves_member,
    retrieve_non_member_not_found,
    add_existing_member_conflicts,
    add_unknown_user_not_found,
    add_rejects_bad_input,
    update_role_persists,
    update_non_member_not_found,
    removal_is_observed,
    removal_spares_others,
    restores_disposable_member,
    non_manager_forbidden,
    lifecycle_model,
)
