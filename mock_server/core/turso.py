"""Turso: DELETE /v1/organizations/{organizationSlug}/members/{username}.

Checks in order: a known bearer token (401), the caller is an owner or admin of the
organization (403, also for an organization that does not exist), the user is a member
(404). A removal persists: removing the same member again is a 404.
"""

from __future__ import annotations

from collections.abc import Sequence

from .credentials import bearer_token
from .errors import BadRequest, Forbidden, NotFound, Unauthorized
from .state import TURSO_ROLES
from .store import Store

MANAGERS = ("owner", "admin")
MISSING_TOKEN = "missing bearer token: send 'Authorization: Bearer <token>'"
INVALID_TOKEN = "invalid or expired token"
NOT_ALLOWED = "only organization owners or admins can remove members"


def not_a_member(username: str, organization: str) -> str:
    return f"user {username} is not a member of org {organization}"


def remove_member(store: Store, *, authorizations: Sequence[str], organization: str, username: str) -> str:
    """Remove `username` from `organization`; returns the removed username."""
    with store.lock:
        state = store.state.turso
        if not authorizations:
            raise Unauthorized(MISSING_TOKEN)
        token = bearer_token(authorizations[0]) if len(authorizations) == 1 else None
        caller = state.tokens.owner_of(token) if token is not None else None
        if caller is None:
            raise Unauthorized(INVALID_TOKEN)
        org = state.organizations.get(organization)
        if org is None or org.members.get(caller) not in MANAGERS:
            raise Forbidden(NOT_ALLOWED)
        if org.members.pop(username, None) is None:
            raise NotFound(not_a_member(username, organization))
        return username


def add_member(store: Store, organization: str, username: str, role: str) -> None:
    """Make `username` a member of an existing organization with `role` (control API)."""
    if role not in TURSO_ROLES:
        raise BadRequest(f"role {role!r} is not one of {', '.join(TURSO_ROLES)}")
    if not username or "/" in username:
        raise BadRequest("member must be a non-empty username without '/'")
    with store.lock:
        org = store.state.turso.organizations.get(organization)
        if org is None:
            raise NotFound(f"turso organization {organization} does not exist")
        org.members[username] = role
