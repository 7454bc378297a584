"""Recoup's operations on the state in Redis: the functions of `core/recoup.py`, one script call each.

The checks that need no state (the credential count and scheme, the query, the body) are the same
functions as in memory; their outcome goes to the script, which authenticates (401), then reports that
400, then checks access (403) and makes the change, so the vendor's order holds.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from ..core.credentials import bearer_token, hex_digest
from ..core.errors import BadRequest, Forbidden, NotFound, RuleError, Unauthorized, listed
from ..core.recoup import (
    ACCESS_DENIED,
    EXACTLY_ONE,
    INVALID_BEARER,
    INVALID_KEY,
    NOT_A_MEMBER,
    NOT_BEARER,
    Membership,
    member_request,
    no_account,
    no_organization,
    parameter,
    queried_account,
    unknown_account,
)
from ..core.state import membership_id
from .layout import account_blob
from .store import RedisStore


def _credential(api_keys: Sequence[str], authorizations: Sequence[str]) -> tuple[str, str]:
    """("k" or "b", the credential's digest): the part of authentication that needs no state."""
    if len(api_keys) + len(authorizations) != 1:
        raise Unauthorized(EXACTLY_ONE)
    if api_keys:
        return "k", hex_digest(api_keys[0])
    token = bearer_token(authorizations[0])
    if token is None:
        raise Unauthorized(NOT_BEARER)
    return "b", hex_digest(token)


def _refused(answer: list[Any]) -> RuleError:
    status, reason = answer[0], answer[1] if len(answer) > 1 else ""
    if status == 401:
        return Unauthorized(INVALID_KEY if reason == "key" else INVALID_BEARER)
    if status == 400:
        return BadRequest(reason)
    if status == 403:
        return Forbidden(ACCESS_DENIED if reason == "access" else NOT_A_MEMBER)
    return RuleError(str(reason))


def _bad(check: Any, *args: Any) -> tuple[str, Any]:
    """("", the check's result), or (its BadRequest message, None)."""
    try:
        return "", check(*args)
    except BadRequest as exc:
        return exc.message, None


def get_account_id(store: RedisStore, *, api_keys: Sequence[str], authorizations: Sequence[str]) -> str:
    answer = store.run("r_whoami", *_credential(api_keys, authorizations))
    if answer[0] != 200:
        raise _refused(answer)
    return str(answer[1])


def list_organizations(
    store: RedisStore, *, api_keys: Sequence[str], authorizations: Sequence[str], account_ids: Sequence[str]
) -> list[Membership]:
    account = queried_account(account_ids) or ""
    answer = store.run("r_orgs", *_credential(api_keys, authorizations), account)
    if answer[0] != 200:
        raise _refused(answer)
    target, rest = answer[1], answer[2:]
    return [
        Membership(membership_id(org, target), org, name or None)
        for org, name in zip(rest[::2], rest[1::2], strict=True)
    ]


def add_member(
    store: RedisStore, *, api_keys: Sequence[str], authorizations: Sequence[str], body: Any
) -> tuple[str, str]:
    kind, digest = _credential(api_keys, authorizations)
    bad, request = _bad(member_request, body)
    organization_id, account_id, email = request if request else ("", "", None)
    new_id, blob = "", ""
    if email is not None:  # the account an unknown email creates, ready in case the script needs it
        new_id = str(uuid.uuid4())
        blob = account_blob("", email, [], [])
    answer = store.run("r_add", kind, digest, bad, organization_id, account_id or "", email or "", new_id, blob)
    if answer[0] == 404:
        raise NotFound(unknown_account(account_id or ""))
    if answer[0] != 200:
        raise _refused(answer)
    return membership_id(organization_id, answer[1]), str(answer[1])


def remove_member(
    store: RedisStore,
    *,
    api_keys: Sequence[str],
    authorizations: Sequence[str],
    organization_ids: Sequence[str],
    account_ids: Sequence[str],
) -> None:
    kind, digest = _credential(api_keys, authorizations)
    bad, organization_id = _bad(parameter, "organization_id", organization_ids)
    if not bad:
        bad, account_id = _bad(parameter, "account_id", account_ids)
    answer = store.run("r_remove", kind, digest, bad, organization_id or "", account_id if not bad else "")
    if answer[0] != 200:
        raise _refused(answer)


def put_member(store: RedisStore, organization_id: str, account_id: str) -> bool:
    org_id = parameter("organization", [organization_id])
    member = parameter("member", [account_id])
    answer = store.run("r_put", org_id, member)
    if answer[0] == 404:
        total, names = int(answer[2]), answer[3:]
        if answer[1] == "organization":
            raise NotFound(no_organization(org_id, listed(names, total=total)))
        raise NotFound(no_account(member, listed(names, total=total)))
    return bool(answer[1])
