"""Recoup behaviour: specs/recoup.yaml, DELETE /api/organizations/members.

Each check takes the API object and the (generated) inputs of one example. Member ids are always probes
(see `probes`) or RECOUP_DISPOSABLE_MEMBER_ID; the client refuses anything else.
"""

from __future__ import annotations

from ..apis import Headers, Query, RecoupApi
from ..http import Exchange
from . import Violation, expect, expect_documented

ORG_HINT = " (RECOUP_ORG_ID must be an organization the caller of RECOUP_API_KEY / RECOUP_BEARER_TOKEN is in)"


def _status(ex: Exchange, wanted: int, problem: str) -> None:
    hint = ORG_HINT if ex.status == 403 and wanted == 200 else ""
    expect(ex.status == wanted, f"{problem}: expected HTTP {wanted}, got {ex.status}{hint}", ex)


def _success(ex: Exchange, what: str) -> None:
    """The documented success: HTTP 200 with a body valid against RemoveOrganizationMemberResponse."""
    _status(ex, 200, what)
    expect_documented(ex, "recoup", 200, what)


def rejects_missing_credentials(api: RecoupApi, query: Query) -> None:
    """recoup.yaml 401 "Unauthorized - missing or invalid authentication": no credentials -> 401, any parameters."""
    _status(api.remove(query, {}), 401, "a request without x-api-key or Authorization")


def rejects_unknown_credentials(api: RecoupApi, query: Query, headers: Headers) -> None:
    """recoup.yaml 401 "Unauthorized - missing or invalid authentication": unknown credentials -> 401, any params."""
    _status(api.remove(query, headers), 401, "a request with an unknown x-api-key or bearer token")


def accepts_api_key(api: RecoupApi, account_id: str) -> None:
    """recoup.yaml security apiKeyAuth: a valid `x-api-key` alone is accepted (200 on the caller's organization)."""
    org, _ = api.target.require_all("RECOUP_ORG_ID", "RECOUP_API_KEY")
    _success(api.remove_member(org, account_id, api.api_key()), "a removal authenticated with x-api-key only")


def accepts_bearer_token(api: RecoupApi, account_id: str) -> None:
    """recoup.yaml security bearerAuth: a valid `Authorization: Bearer` alone is accepted (200 on the caller's org)."""
    org, _ = api.target.require_all("RECOUP_ORG_ID", "RECOUP_BEARER_TOKEN")
    _success(api.remove_member(org, account_id, api.bearer()), "a removal authenticated with a bearer token only")


def rejects_missing_parameters(api: RecoupApi, query: Query, headers: Headers) -> None:
    """recoup.yaml 400 "Bad request - invalid or missing parameters": organization_id or account_id missing -> 400."""
    names = {name for name, _ in query}
    missing = " and ".join(n for n in ("organization_id", "account_id") if n not in names)
    _status(api.remove(query, headers), 400, f"a removal without {missing}")


def rejects_malformed_parameters(api: RecoupApi, query: Query, headers: Headers) -> None:
    """recoup.yaml 400 "Bad request - invalid or missing parameters": a non-UUID organization_id/account_id -> 400."""
    _status(api.remove(query, headers), 400, "a removal whose organization_id or account_id is not a UUID")


def rejects_repeated_parameters(api: RecoupApi, query: Query, headers: Headers) -> None:
    """recoup.yaml: organization_id and account_id are single `type: string` values; one given twice -> 400."""
    names = [name for name, _ in query]
    twice = " and ".join(sorted({n for n in names if names.count(n) > 1}))
    _status(api.remove(query, headers), 400, f"a removal giving {twice} more than once")


def forbids_outside_organizations(api: RecoupApi, organization_id: str, account_id: str, headers: Headers) -> None:
    """recoup.yaml 403 "Forbidden - caller is not a member of the organization": any other organization -> 403."""
    ex = api.remove_member(organization_id, account_id, headers)
    _status(ex, 403, f"a removal from organization {organization_id}, which the caller is not a member of")


def forbids_foreign_organization(api: RecoupApi, account_id: str, headers: Headers) -> None:
    """recoup.yaml 403 "Forbidden - caller is not a member of the organization": RECOUP_FOREIGN_ORG_ID -> 403."""
    org = api.target.require("RECOUP_FOREIGN_ORG_ID")
    ex = api.remove_member(org, account_id, headers)
    _status(ex, 403, f"a removal from RECOUP_FOREIGN_ORG_ID={org}")


def removes_non_member(api: RecoupApi, account_id: str, headers: Headers) -> None:
    """recoup.yaml: "Removing an account that is not a member succeeds without error" -> 200 {"status": "success"}."""
    org = api.target.require("RECOUP_ORG_ID")
    _success(api.remove_member(org, account_id, headers), f"removing a non-member from RECOUP_ORG_ID={org}")


def removal_is_idempotent(api: RecoupApi, account_id: str, headers: Headers) -> None:
    """recoup.yaml: "This endpoint is idempotent": removing the same non-member twice -> 200 success both times."""
    org = api.target.require("RECOUP_ORG_ID")
    first = api.remove_member(org, account_id, headers)
    second = api.remove_member(org, account_id, headers)
    for ex, which in ((first, "first"), (second, "second")):
        try:
            _success(ex, f"the {which} of two identical removals from RECOUP_ORG_ID={org}")
        except Violation as v:
            raise Violation(v.problem, first, second) from None


def removes_disposable_member(api: RecoupApi, headers: Headers) -> None:
    """recoup.yaml 200 "Member removed from organization": removing RECOUP_DISPOSABLE_MEMBER_ID -> 200 success."""
    org, member = api.target.require_all("RECOUP_ORG_ID", "RECOUP_DISPOSABLE_MEMBER_ID")
    _success(api.remove_member(org, member, headers), f"removing RECOUP_DISPOSABLE_MEMBER_ID={member}")


def disposable_removal_is_idempotent(api: RecoupApi, headers: Headers) -> None:
    """recoup.yaml: "This endpoint is idempotent": removing RECOUP_DISPOSABLE_MEMBER_ID again -> 200 success."""
    org, member = api.target.require_all("RECOUP_ORG_ID", "RECOUP_DISPOSABLE_MEMBER_ID")
    _success(api.remove_member(org, member, headers), f"removing RECOUP_DISPOSABLE_MEMBER_ID={member} a second time")


CHECKS = (
    rejects_missing_credentials,
    rejects_unknown_credentials,
    accepts_api_key,
    accepts_bearer_token,
    rejects_missing_parameters,
    rejects_malformed_parameters,
    rejects_repeated_parameters,
    forbids_outside_organizations,
    forbids_foreign_organization,
    removes_non_member,
    removal_is_idempotent,
    removes_disposable_member,
    disposable_removal_is_idempotent,
)

__all__ = ["CHECKS", "Violation"]
