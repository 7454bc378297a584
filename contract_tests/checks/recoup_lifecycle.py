"""Recoup lifecycle: who am I, add, and the organizations read as evidence of a removal (specs/recoup.yaml).

The only member any of them adds or removes is RECOUP_DISPOSABLE_MEMBER_ID; every other account id is a
probe. On a live target no add is ever sent by email: the real server creates an account for an unknown one.
"""

from __future__ import annotations

from typing import Any

from .. import probes
from ..apis import Headers, RecoupApi
from ..http import Exchange
from ..vendors import recoup as op
from . import Inapplicable, NotApplicable, Violation, expect, expect_documented
from .plan import Plan

ORG_HINT = " (RECOUP_ORG_ID must be an organization the caller of RECOUP_API_KEY / RECOUP_BEARER_TOKEN is in)"


def _status(ex: Exchange, wanted: int, what: str) -> None:
    hint = ORG_HINT if ex.status == 403 and wanted == 200 else ""
    expect(ex.status == wanted, f"{what}: expected HTTP {wanted}, got {ex.status}{hint}", ex)


def _disposable(api: RecoupApi) -> tuple[str, str]:
    org, member = api.target.require_all("RECOUP_ORG_ID", "RECOUP_DISPOSABLE_MEMBER_ID")
    return org, member


def organizations_of(api: RecoupApi, account: str | None, headers: Headers) -> tuple[set[str] | None, Exchange]:
    """The organization ids `account` (the caller when None) belongs to; None on a 403 (no shared organization)."""
    ex = api.organizations(account, headers)
    if ex.status == 403 and account is not None:
        return None, ex
    who = "the caller" if account is None else f"account {account}"
    body = expect_documented(ex, "recoup", 200, f"reading the organizations of {who}", op.ORGANIZATIONS)
    return {str(o["organization_id"]).lower() for o in body["organizations"]}, ex


def is_member(api: RecoupApi, headers: Headers) -> bool:
    """Whether RECOUP_DISPOSABLE_MEMBER_ID is in RECOUP_ORG_ID, as the organizations read shows."""
    org, member = _disposable(api)
    return is_member_of(api, org, member, headers)


def is_member_of(api: RecoupApi, organization: str, account: str, headers: Headers) -> bool:
    """Whether `account` is in `organization`, as the organizations read shows (a 403: it shares none)."""
    orgs, _ = organizations_of(api, account, headers)
    return orgs is not None and organization.lower() in orgs


def require_member(api: RecoupApi, headers: Headers) -> None:
    """Inapplicable, saying how to add it back, when the disposable member is not in RECOUP_ORG_ID."""
    org, member = _disposable(api)
    if not is_member(api, headers):
        raise Inapplicable(
            f"RECOUP_DISPOSABLE_MEMBER_ID={member} is not a member of {org} (an earlier run could not restore it?); "
            f'add it again (POST /api/organizations/members {{"organizationId": "{org}", "accountId": "{member}"}}) '
            "or name another member"
        )


def identifies_caller(api: RecoupApi) -> None:
    """recoup.yaml GET /api/accounts/id: each configured credential -> 200 with the caller's accountId (a UUID)."""
    for headers in api.credentials():
        ex = api.account_id(headers)
        body = expect_documented(ex, "recoup", 200, "asking who the caller is", op.WHO_AM_I)
        expect(probes.is_uuid(str(body["accountId"])), f'"accountId" {body["accountId"]!r} is not a UUID', ex)


def add_is_idempotent(api: RecoupApi, headers: Headers) -> None:
    """recoup.yaml Add Member: "Adding an existing member returns the existing membership": twice -> same id."""
    org, member = _disposable(api)
    require_member(api, headers)
    first = api.add_member(org, member, headers)
    second = api.add_member(org, member, headers)
    ids = []
    for ex, which in ((first, "first"), (second, "second")):
        try:
            body = expect_documented(ex, "recoup", 200, f"the {which} add of the disposable member", op.ADD)
        except Violation as v:
            raise Violation(v.problem, first, second) from None
        expect(
            str(body["account_id"]).lower() == member.lower(),
            f'"account_id" is {body["account_id"]!r}, not {member}',
            ex,
        )
        ids.append(str(body["id"]).lower())
    expect(ids[0] == ids[1], f"two adds of an existing member gave two membership ids: {ids}", first, second)


def add_rejects_malformed_body(api: RecoupApi, body: Any, headers: Headers) -> None:
    """recoup.yaml AddOrganizationMemberRequest / notes' zod table: each malformed body -> 400."""
    _status(api.add(body, headers), 400, f"adding with the malformed body {body!r}")


def add_requires_credentials(api: RecoupApi, headers: Headers, account: str) -> None:
    """recoup.yaml Add Member 401: without credentials, or with unknown ones -> 401."""
    org = api.target.get("RECOUP_ORG_ID") or probes.recoup_probe_id(0x0F1168)
    _status(api.add_member(org, account, headers), 401, "an add without valid credentials")


def add_forbids_outside_organizations(api: RecoupApi, organization: str, account: str, headers: Headers) -> None:
    """recoup.yaml Add Member 403: adding to an organization the caller is not a member of -> 403."""
    ex = api.add_member(organization, account, headers)
    _status(ex, 403, f"an add to organization {organization}, which the caller is not a member of")


def removal_is_observed(api: RecoupApi, headers: Headers) -> None:
    """recoup.yaml GET /api/organizations?account_id=: after the removal it omits RECOUP_ORG_ID, or answers 403."""
    org, member = _disposable(api)
    orgs, ex = organizations_of(api, member, headers)
    expect(orgs is None or org.lower() not in orgs, f"after its removal, {member} is still listed in {org}", ex)


def removal_spares_others(api: RecoupApi, before: set[str], headers: Headers) -> None:
    """recoup.yaml Remove Member removes that member only: the caller's organizations are unchanged by it."""
    after, ex = organizations_of(api, None, headers)
    expect(after == before, f"the caller's organizations changed with the removal: {sorted(before)} -> {after}", ex)


def restores_disposable_member(api: RecoupApi, headers: Headers) -> str:
    """recoup.yaml Add Member 200: the suite adds RECOUP_DISPOSABLE_MEMBER_ID back; the organizations read confirms."""
    org, member = _disposable(api)
    if is_member(api, headers):
        raise NotApplicable(f"{member} is still a member of {org}: nothing to restore")
    again = (
        f'; re-add it by hand: POST /api/organizations/members {{"organizationId": "{org}", "accountId": "{member}"}}'
    )
    ex = api.add_member(org, member, headers)
    if ex.status != 200:
        raise Violation(f"restoring {member} in {org}: expected HTTP 200, got {ex.status}{again}", ex)
    orgs, read = organizations_of(api, member, headers)
    expect(
        orgs is not None and org.lower() in orgs,
        f"after restoring {member}, it is not listed in {org}{again}",
        ex,
        read,
    )
    return f"restored {member} in {org} (POST /api/organizations/members, verified with GET /api/organizations)"


def lifecycle_model(api: RecoupApi, plan: Plan, headers: Headers) -> None:
    """recoup.yaml add/remove: random sequences agree with the organizations read at every step; add keeps its id."""
    from .models import recoup_lifecycle_model

    recoup_lifecycle_model(api, plan, headers)


CHECKS = (
    identifies_caller,
    add_is_idempotent,
    add_rejects_malformed_body,
    add_requires_credentials,
    add_forbids_outside_organizations,
    removal_is_observed,
    removal_spares_others,
    restores_disposable_member,
    lifecycle_model,
)
