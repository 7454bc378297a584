"""Turso: token validation, the current user, organizations, and the members of an organization.

Every operation checks the bearer token first (401). Listing, adding, re-roling and removing members
needs an owner or admin of the organization (403, also for an organization that does not exist, so
the answer does not reveal which exist); reading one organization or one member needs any membership.
Then the body (400), then the user and the membership (404, 409). Changes persist.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from .credentials import bearer_token
from .errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized, listed
from .state import TURSO_ROLES, TursoOrganization, TursoState
from .store import Store

MANAGERS = ("owner", "admin")
ASSIGNABLE = ("admin", "member", "viewer")
NO_EXPIRY = -1
MISSING_TOKEN = "missing bearer token: send 'Authorization: Bearer <token>'"
INVALID_TOKEN = "invalid or expired token"
# The Turso CLI's wording for a 403 on each operation (and the published example for a role update).
CANNOT_LIST = "only organization admins or owners can list members"
CANNOT_ADD = "only organization admins or owners can add members"
CANNOT_REMOVE = "only organization admins or owners can remove members"
CANNOT_UPDATE = "updating member roles is only allowed for admin or owner"
CANNOT_VIEW = "only members of the organization can view its members"
ORGANIZATION_NOT_FOUND = "organization not found"
USERNAME_REQUIRED = "username is required"
NOT_AN_OBJECT = "the body must be a JSON object"


class Member(NamedTuple):
    username: str
    role: str
    email: str  # "" when the user has none on record


class Organization(NamedTuple):
    slug: str
    name: str


def not_a_member(username: str, organization: str) -> str:
    return f"user {username} is not a member of org {organization}"


def unknown_user(username: str) -> str:
    return f"could not find user {username}"


def already_a_member(username: str, organization: str) -> str:
    return f"user {username} is already a member of organization {organization}"


def add_request(body: Any) -> tuple[str, str]:
    """The add body's (username, role); BadRequest with the first problem."""
    if not isinstance(body, dict):
        raise BadRequest(f'{NOT_AN_OBJECT}: {{"username": "<username>", "role": "member"}}')
    username = body.get("username")
    if not isinstance(username, str) or not username:
        raise BadRequest(USERNAME_REQUIRED)
    return username, _role(body, default="member")


def update_request(body: Any) -> str:
    """The role update body's role; BadRequest with the first problem."""
    if not isinstance(body, dict):
        raise BadRequest(f'{NOT_AN_OBJECT}: {{"role": "admin" | "member" | "viewer"}}')
    if "role" not in body:
        raise BadRequest("role is required")
    return _role(body, default="")


def authenticate(state: TursoState, authorizations: Sequence[str]) -> str:
    """The caller's username: one `Authorization: Bearer <token>` header with a known token."""
    if not authorizations:
        raise Unauthorized(MISSING_TOKEN)
    token = bearer_token(authorizations[0]) if len(authorizations) == 1 else None
    caller = state.tokens.owner_of(token) if token is not None else None
    if caller is None:
        raise Unauthorized(INVALID_TOKEN)
    return caller


def validate_token(store: Store, *, authorizations: Sequence[str]) -> int:
    """GET /v1/auth/validate: the token's expiry; the stub's tokens never expire (-1)."""
    with store.lock:
        authenticate(store.state.turso, authorizations)
    return NO_EXPIRY


def current_user(store: Store, *, authorizations: Sequence[str]) -> tuple[str, str, str]:
    """GET /v1/user: (username, name, email) of the caller."""
    with store.lock:
        state = store.state.turso
        caller = authenticate(state, authorizations)
        user = state.users.get(caller)
        return caller, user.name if user else "", user.email if user else ""


def list_organizations(store: Store, *, authorizations: Sequence[str]) -> list[Organization]:
    """GET /v1/organizations: the organizations the caller is a member of, in any role."""
    with store.lock:
        state = store.state.turso
        caller = authenticate(state, authorizations)
        return [Organization(o.slug, o.name) for o in state.organizations.values() if caller in o.members]


def get_organization(store: Store, *, authorizations: Sequence[str], organization: str) -> Organization:
    """GET /v1/organizations/{organizationSlug}: 404 unless the caller is a member of it."""
    with store.lock:
        state = store.state.turso
        caller = authenticate(state, authorizations)
        org = state.organizations.get(organization)
        if org is None or caller not in org.members:
            raise NotFound(ORGANIZATION_NOT_FOUND)
        return Organization(org.slug, org.name)


def list_members(store: Store, *, authorizations: Sequence[str], organization: str) -> list[Member]:
    """GET /v1/organizations/{organizationSlug}/members, in the order they joined."""
    with store.lock:
        state = store.state.turso
        org = _managed(state, authorizations, organization, CANNOT_LIST)
        users = state.users
        return [
            Member(name, role, user.email if (user := users.get(name)) else "") for name, role in org.members.items()
        ]


def add_member(store: Store, *, authorizations: Sequence[str], organization: str, body: Any) -> tuple[str, str]:
    """POST /v1/organizations/{organizationSlug}/members {username, role}: (username, role).

    `body` is the parsed JSON body, None when there was none or it was not JSON.
    """
    with store.lock:
        state = store.state.turso
        org = _managed(state, authorizations, organization, CANNOT_ADD)
        username, role = add_request(body)
        if username not in state.users:
            raise NotFound(unknown_user(username))
        if username in org.members:
            raise Conflict(already_a_member(username, organization))
        org.members[username] = role
        return username, role


def get_member(store: Store, *, authorizations: Sequence[str], organization: str, username: str) -> Member:
    """GET /v1/organizations/{organizationSlug}/members/{username}: any member of the organization may read."""
    with store.lock:
        state = store.state.turso
        caller = authenticate(state, authorizations)
        org = state.organizations.get(organization)
        if org is None or caller not in org.members:
            raise Forbidden(CANNOT_VIEW)
        role = org.members.get(username)
        if role is None:
            raise NotFound(not_a_member(username, organization))
        return _member(state, username, role)


def update_member_role(
    store: Store, *, authorizations: Sequence[str], organization: str, username: str, body: Any
) -> Member:
    """PATCH /v1/organizations/{organizationSlug}/members/{username} {role}: the member with its new role."""
    with store.lock:
        state = store.state.turso
        org = _managed(state, authorizations, organization, CANNOT_UPDATE)
        role = update_request(body)
        if username not in org.members:
            raise NotFound(not_a_member(username, organization))
        org.members[username] = role
        return _member(state, username, role)


def remove_member(store: Store, *, authorizations: Sequence[str], organization: str, username: str) -> str:
    """DELETE /v1/organizations/{organizationSlug}/members/{username}: the removed username."""
    with store.lock:
        org = _managed(store.state.turso, authorizations, organization, CANNOT_REMOVE)
        if org.members.pop(username, None) is None:
            raise NotFound(not_a_member(username, organization))
        return username


def put_member(store: Store, organization: str, username: str, role: str) -> str:
    """Make an existing user a member of an existing organization with `role` (control API).

    What changed: "added", "role changed" or "unchanged".
    """
    put_request(username, role)
    with store.lock:
        state = store.state.turso
        org = state.organizations.get(organization)
        if org is None:
            raise NotFound(no_organization(organization, listed(state.organizations)))
        if username not in state.users:
            raise NotFound(no_user(username, listed(state.users)))
        before = org.members.get(username)
        org.members[username] = role
        return "added" if before is None else "unchanged" if before == role else "role changed"


def put_request(username: str, role: str) -> None:
    """The control API's membership checks that need no state; BadRequest with the first problem."""
    if role not in TURSO_ROLES:
        raise BadRequest(f"role {role!r} is not one of {', '.join(TURSO_ROLES)}")
    if not username or "/" in username:
        raise BadRequest("member must be a non-empty username without '/'")


def no_organization(organization: str, organizations: str) -> str:
    return f"turso organization {organization} does not exist; organizations: {organizations}"


def no_user(username: str, users: str) -> str:
    return (
        f"turso user {username} does not exist; users: {users} "
        "(users come from the seed: add one with PUT /__admin/state)"
    )


def _managed(state: TursoState, authorizations: Sequence[str], organization: str, refusal: str) -> TursoOrganization:
    """The organization, if the caller is one of its owners or admins; else Forbidden(refusal)."""
    caller = authenticate(state, authorizations)
    org = state.organizations.get(organization)
    if org is None or org.members.get(caller) not in MANAGERS:
        raise Forbidden(refusal)
    return org


def _role(body: dict[str, Any], *, default: str) -> str:
    role = body.get("role", default)
    if role not in ASSIGNABLE:
        raise BadRequest(f"invalid role {_shown(role)}: use admin, member or viewer (owner cannot be assigned)")
    assert isinstance(role, str)
    return role


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text[:60]


def _member(state: TursoState, username: str, role: str) -> Member:
    user = state.users.get(username)
    return Member(username, role, user.email if user else "")
