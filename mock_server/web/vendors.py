"""Thin adapters from an HTTP request to the membership rules, one function per operation."""

from __future__ import annotations

from ..core import recoup, turso
from ..core.errors import RuleError
from ..core.store import Store
from .bodies import RECOUP_SUCCESS, recoup_error, turso_error, turso_removed
from .http import Scope, header_values, query_values


def recoup_remove_member(store: Store, scope: Scope) -> tuple[int, bytes]:
    """DELETE /api/organizations/members?organization_id=&account_id="""
    query = query_values(scope)
    try:
        recoup.remove_member(
            store,
            api_keys=header_values(scope, b"x-api-key"),
            authorizations=header_values(scope, b"authorization"),
            organization_ids=query.get("organization_id", ()),
            account_ids=query.get("account_id", ()),
        )
    except RuleError as exc:
        return exc.status, recoup_error(exc.message)
    return 200, RECOUP_SUCCESS


def turso_remove_member(store: Store, scope: Scope, organization: str, username: str) -> tuple[int, bytes]:
    """DELETE /v1/organizations/{organizationSlug}/members/{username}"""
    try:
        removed = turso.remove_member(
            store,
            authorizations=header_values(scope, b"authorization"),
            organization=organization,
            username=username,
        )
    except RuleError as exc:
        return exc.status, turso_error(exc.message)
    return 200, turso_removed(removed)
