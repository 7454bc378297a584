"""Recoup: who am I, an account's organizations, add and remove organization members.

Checks run in the real server's order. Every operation authenticates first (401) except the
organizations list, whose query is validated before the credentials (400 first), as the real server
does. Then the parameters or body (400, the first problem only), then access (403: the caller is a
member or the organization account itself; an organization the state does not hold is a 403 for
every caller). Add and remove are idempotent.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, NamedTuple

from .credentials import bearer_token
from .errors import BadRequest, Forbidden, NotFound, Unauthorized, listed
from .seed import is_email, is_uuid
from .state import RecoupAccount, RecoupState, membership_id
from .store import Store

EXACTLY_ONE = "Exactly one of x-api-key or Authorization must be provided"
NOT_A_MEMBER = "Caller is not a member of the organization"
ACCESS_DENIED = "Access denied to specified account_id"
EXACTLY_ONE_MEMBER = "Provide exactly one of accountId or email"
INVALID_KEY = "Invalid API key"
INVALID_BEARER = "Invalid or expired bearer token"
NOT_BEARER = "Authorization must be 'Bearer <token>'"
PARAMETERS = ("organization_id", "account_id")


class Membership(NamedTuple):
    """One organization an account belongs to, as GET /api/organizations lists it."""

    id: str  # the membership's id
    organization_id: str
    organization_name: str | None


def authenticate(state: RecoupState, api_keys: Sequence[str], authorizations: Sequence[str]) -> str:
    """The caller's account id; exactly one credential, and it must be known."""
    if len(api_keys) + len(authorizations) != 1:
        raise Unauthorized(EXACTLY_ONE)
    if api_keys:
        account = state.api_keys.owner_of(api_keys[0])
        if account is None:
            raise Unauthorized(INVALID_KEY)
        return account
    token = bearer_token(authorizations[0])
    if token is None:
        raise Unauthorized(NOT_BEARER)
    account = state.bearer_tokens.owner_of(token)
    if account is None:
        raise Unauthorized(INVALID_BEARER)
    return account


def unknown_account(account_id: str) -> str:
    return f"accountId {account_id} is not an existing account"


def parameter(name: str, values: Sequence[str]) -> str:
    """The one valid UUID given for `name`, lower-cased."""
    if not values or not any(values):
        raise BadRequest(f"{name} is required")
    if len(values) > 1:
        raise BadRequest(f"{name} must be given once, got {len(values)} values")
    if not is_uuid(values[0]):
        raise BadRequest(f"{name} must be a valid UUID")
    return values[0].lower()


def get_account_id(store: Store, *, api_keys: Sequence[str], authorizations: Sequence[str]) -> str:
    """GET /api/accounts/id: the caller's account id."""
    with store.lock:
        return authenticate(store.state.recoup, api_keys, authorizations)


def queried_account(account_ids: Sequence[str]) -> str | None:
    """The `account_id` of GET /api/organizations (lower case), or None; validated before the credentials, as the
    real server does."""
    if not account_ids:
        return None
    if len(account_ids) > 1:
        raise BadRequest(f"account_id must be given once, got {len(account_ids)} values")
    if not is_uuid(account_ids[0]):
        raise BadRequest("account_id must be a valid UUID")
    return account_ids[0].lower()


def list_organizations(
    store: Store, *, api_keys: Sequence[str], authorizations: Sequence[str], account_ids: Sequence[str]
) -> list[Membership]:
    """GET /api/organizations[?account_id=]: the organizations of the caller, or of an account sharing one."""
    account = queried_account(account_ids)
    with store.lock:
        state = store.state.recoup
        caller = authenticate(state, api_keys, authorizations)
        target = caller if account is None else account
        orgs = state.organizations.values()
        if target != caller and not any(caller in o.members and target in o.members for o in orgs):
            raise Forbidden(ACCESS_DENIED)
        return [Membership(membership_id(o.id, target), o.id, o.name or None) for o in orgs if target in o.members]


def add_member(store: Store, *, api_keys: Sequence[str], authorizations: Sequence[str], body: Any) -> tuple[str, str]:
    """POST /api/organizations/members: (membership id, member account id); an existing member keeps its id.

    `body` is the parsed JSON body, None when there was none or it was not JSON. An email that no account
    has creates an account; an accountId that no account has is a 404.
    """
    with store.lock:
        state = store.state.recoup
        caller = authenticate(state, api_keys, authorizations)
        organization_id, account_id, email = member_request(body)
        org = state.organizations.get(organization_id)
        if org is None or (caller != organization_id and caller not in org.members):
            raise Forbidden(NOT_A_MEMBER)
        if email is not None:
            account_id = state.emails.get(email) or _create_account(state, email)
        elif account_id not in state.accounts:
            raise NotFound(unknown_account(str(account_id)))
        assert account_id is not None
        org.members.add(account_id)
        return membership_id(organization_id, account_id), account_id


def remove_member(
    store: Store,
    *,
    api_keys: Sequence[str],
    authorizations: Sequence[str],
    organization_ids: Sequence[str],
    account_ids: Sequence[str],
) -> None:
    """DELETE /api/organizations/members: remove `account_id` from `organization_id` for the caller."""
    with store.lock:
        state = store.state.recoup
        caller = authenticate(state, api_keys, authorizations)
        organization_id = parameter("organization_id", organization_ids)
        account_id = parameter("account_id", account_ids)
        org = state.organizations.get(organization_id)
        if org is None or (caller != organization_id and caller not in org.members):
            raise Forbidden(NOT_A_MEMBER)
        org.members.discard(account_id)


def put_member(store: Store, organization_id: str, account_id: str) -> bool:
    """Make an existing account a member of an existing organization (control API); True when that changed it."""
    org_id = parameter("organization", [organization_id])
    member = parameter("member", [account_id])
    with store.lock:
        state = store.state.recoup
        org = state.organizations.get(org_id)
        if org is None:
            raise NotFound(no_organization(org_id, listed(state.organizations)))
        if member not in state.accounts:
            raise NotFound(no_account(member, listed(state.accounts)))
        if member in org.members:
            return False
        org.members.add(member)
        return True


def member_request(body: Any) -> tuple[str, str | None, str | None]:
    """The add body's organizationId, accountId and email; BadRequest with the first problem, in schema order."""
    if not isinstance(body, dict):
        raise BadRequest(f"Invalid input: expected object, received {_kind(body)}")
    organization_id = body.get("organizationId")
    if not isinstance(organization_id, str):
        raise BadRequest("organizationId is required")
    if not is_uuid(organization_id):
        raise BadRequest("organizationId must be a valid UUID")
    account_id = _optional_string(body, "accountId")
    if account_id is not None and not is_uuid(account_id):
        raise BadRequest("accountId must be a valid UUID")
    email = _optional_string(body, "email")
    if email is not None and not is_email(email):
        raise BadRequest("email must be a valid email address")
    if (account_id is None) == (email is None):
        raise BadRequest(EXACTLY_ONE_MEMBER)
    return organization_id.lower(), account_id.lower() if account_id else None, email


def no_organization(organization_id: str, organizations: str) -> str:
    return f"recoup organization {organization_id} does not exist; organizations: {organizations}"


def no_account(account_id: str, accounts: str) -> str:
    return (
        f"recoup account {account_id} does not exist; accounts: {accounts} (an add by email, "
        "POST /api/organizations/members {organizationId, email}, creates one; PUT /__admin/state adds any)"
    )


def _optional_string(body: dict[str, Any], name: str) -> str | None:
    if name not in body:
        return None
    value = body[name]
    if not isinstance(value, str):
        raise BadRequest(f"Invalid input: expected string, received {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    """The JSON type name of a parsed value, as the server's validator reports it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    return "object"


def _create_account(state: RecoupState, email: str) -> str:
    account = RecoupAccount(id=str(uuid.uuid4()), email=email)
    state.accounts[account.id] = account
    state.emails[email] = account.id
    return account.id
