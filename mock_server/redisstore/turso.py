"""Turso's operations on the state in Redis: the functions of `core/turso.py`, one script call each.

The token's presence and scheme (401) and the body's shape (400) are checked with the same functions as
in memory; the script then authenticates (401), checks the caller's role (403), reports the body's 400,
then the user and the membership (404, 409) and makes the change, so the vendor's order holds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..core.credentials import bearer_token, hex_digest
from ..core.errors import BadRequest, Conflict, Forbidden, NotFound, RuleError, Unauthorized, listed
from ..core.turso import (
    CANNOT_ADD,
    CANNOT_LIST,
    CANNOT_REMOVE,
    CANNOT_UPDATE,
    CANNOT_VIEW,
    INVALID_TOKEN,
    MISSING_TOKEN,
    NO_EXPIRY,
    ORGANIZATION_NOT_FOUND,
    Member,
    Organization,
    add_request,
    already_a_member,
    no_organization,
    no_user,
    not_a_member,
    put_request,
    unknown_user,
    update_request,
)
from .store import RedisStore


def _token(authorizations: Sequence[str]) -> str:
    """The digest of the one bearer token sent: the part of authentication that needs no state."""
    if not authorizations:
        raise Unauthorized(MISSING_TOKEN)
    token = bearer_token(authorizations[0]) if len(authorizations) == 1 else None
    if token is None:
        raise Unauthorized(INVALID_TOKEN)
    return hex_digest(token)


def _refused(answer: list[Any], refusal: str = CANNOT_VIEW) -> RuleError:
    status = answer[0]
    if status == 401:
        return Unauthorized(INVALID_TOKEN)
    if status == 403:
        return Forbidden(refusal)
    if status == 400:
        return BadRequest(answer[1])
    return RuleError(str(answer[1:]))


def validate_token(store: RedisStore, *, authorizations: Sequence[str]) -> int:
    answer = store.run("t_validate", _token(authorizations))
    if answer[0] != 200:
        raise _refused(answer)
    return NO_EXPIRY


def current_user(store: RedisStore, *, authorizations: Sequence[str]) -> tuple[str, str, str]:
    answer = store.run("t_user", _token(authorizations))
    if answer[0] != 200:
        raise _refused(answer)
    user = json.loads(answer[2]) if answer[2] else {}
    return str(answer[1]), user.get("name", ""), user.get("email", "")


def list_organizations(store: RedisStore, *, authorizations: Sequence[str]) -> list[Organization]:
    answer = store.run("t_orgs", _token(authorizations))
    if answer[0] != 200:
        raise _refused(answer)
    rest = answer[1:]
    return [Organization(slug, name) for slug, name in zip(rest[::2], rest[1::2], strict=True)]


def get_organization(store: RedisStore, *, authorizations: Sequence[str], organization: str) -> Organization:
    answer = store.run("t_org", _token(authorizations), organization)
    if answer[0] == 404:
        raise NotFound(ORGANIZATION_NOT_FOUND)
    if answer[0] != 200:
        raise _refused(answer)
    return Organization(answer[1], answer[2])


def list_members(store: RedisStore, *, authorizations: Sequence[str], organization: str) -> list[Member]:
    answer = store.run("t_members", _token(authorizations), organization)
    if answer[0] != 200:
        raise _refused(answer, CANNOT_LIST)
    rest = answer[1:]
    return [Member(*rest[i : i + 3]) for i in range(0, len(rest), 3)]


def add_member(store: RedisStore, *, authorizations: Sequence[str], organization: str, body: Any) -> tuple[str, str]:
    digest = _token(authorizations)
    bad, username, role = "", "", ""
    try:
        username, role = add_request(body)
    except BadRequest as exc:
        bad = exc.message
    answer = store.run("t_add", digest, organization, bad, username, role)
    if answer[0] == 404:
        raise NotFound(unknown_user(username))
    if answer[0] == 409:
        raise Conflict(already_a_member(username, organization))
    if answer[0] != 200:
        raise _refused(answer, CANNOT_ADD)
    return username, role


def get_member(store: RedisStore, *, authorizations: Sequence[str], organization: str, username: str) -> Member:
    answer = store.run("t_member", _token(authorizations), organization, username)
    if answer[0] == 404:
        raise NotFound(not_a_member(username, organization))
    if answer[0] != 200:
        raise _refused(answer, CANNOT_VIEW)
    return Member(username, answer[1], answer[2])


def update_member_role(
    store: RedisStore, *, authorizations: Sequence[str], organization: str, username: str, body: Any
) -> Member:
    digest = _token(authorizations)
    bad, role = "", ""
    try:
        role = update_request(body)
    except BadRequest as exc:
        bad = exc.message
    answer = store.run("t_update", digest, organization, username, bad, role)
    if answer[0] == 404:
        raise NotFound(not_a_member(username, organization))
    if answer[0] != 200:
        raise _refused(answer, CANNOT_UPDATE)
    return Member(username, role, answer[1])


def remove_member(store: RedisStore, *, authorizations: Sequence[str], organization: str, username: str) -> str:
    answer = store.run("t_remove", _token(authorizations), organization, username)
    if answer[0] == 404:
        raise NotFound(not_a_member(username, organization))
    if answer[0] != 200:
        raise _refused(answer, CANNOT_REMOVE)
    return username


def put_member(store: RedisStore, organization: str, username: str, role: str) -> str:
    put_request(username, role)
    answer = store.run("t_put", organization, username, role)
    if answer[0] == 404:
        total, names = int(answer[2]), answer[3:]
        if answer[1] == "organization":
            raise NotFound(no_organization(organization, listed(names, total=total)))
        raise NotFound(no_user(username, listed(names, total=total)))
    return str(answer[1])
