"""Recoup: DELETE /api/organizations/members — who may call it and what it does.

The checks run in the real server's order: credentials (401), then parameters (400),
then access (403: the caller is a member or the organization account itself; an organization
the state does not hold is a 403 for every caller), then the removal, which is idempotent
(200 whether or not the account was a member).
"""

from __future__ import annotations

from collections.abc import Sequence

from .credentials import bearer_token
from .errors import BadRequest, Forbidden, NotFound, Unauthorized
from .seed import is_uuid
from .state import RecoupState
from .store import Store

EXACTLY_ONE = "Exactly one of x-api-key or Authorization must be provided"
NOT_A_MEMBER = "Caller is not a member of the organization"
PARAMETERS = ("organization_id", "account_id")


def authenticate(state: RecoupState, api_keys: Sequence[str], authorizations: Sequence[str]) -> str:
    """The caller's account id; exactly one credential, and it must be known."""
    if len(api_keys) + len(authorizations) != 1:
        raise Unauthorized(EXACTLY_ONE)
    if api_keys:
        account = state.api_keys.owner_of(api_keys[0])
        if account is None:
            raise Unauthorized("Invalid API key")
        return account
    token = bearer_token(authorizations[0])
    if token is None:
        raise Unauthorized("Authorization must be 'Bearer <token>'")
    account = state.bearer_tokens.owner_of(token)
    if account is None:
        raise Unauthorized("Invalid or expired bearer token")
    return account


def parameter(name: str, values: Sequence[str]) -> str:
    """The one valid UUID given for `name`, lower-cased."""
    if not values or not any(values):
        raise BadRequest(f"{name} is required")
    if len(values) > 1:
        raise BadRequest(f"{name} must be given once, got {len(values)} values")
    if not is_uuid(values[0]):
        raise BadRequest(f"{name} must be a valid UUID")
    return values[0].lower()


def remove_member(
    store: Store,
    *,
    api_keys: Sequence[str],
    authorizations: Sequence[str],
    organization_ids: Sequence[str],
    account_ids: Sequence[str],
) -> None:
    """Remove `account_id` from `organization_id` on behalf of the authenticated caller."""
    with store.lock:
        state = store.state.recoup
        caller = authenticate(state, api_keys, authorizations)
        organization_id = parameter("organization_id", organization_ids)
        account_id = parameter("account_id", account_ids)
        org = state.organizations.get(organization_id)
        if org is None or (caller != organization_id and caller not in org.members):
            raise Forbidden(NOT_A_MEMBER)
        org.members.discard(account_id)


def add_member(store: Store, organization_id: str, account_id: str) -> None:
    """Make `account_id` a member of an existing organization (control API)."""
    org_id = parameter("organization", [organization_id])
    member = parameter("member", [account_id])
    with store.lock:
        org = store.state.recoup.organizations.get(org_id)
        if org is None:
            raise NotFound(f"recoup organization {org_id} does not exist")
        org.members.add(member)
