"""Recoup (specs/recoup.yaml): the path prefix it owns, its error body, one thin handler per operation."""

from __future__ import annotations

from collections.abc import Mapping

from ...core import recoup
from ...core.errors import Unauthorized
from ...core.store import Store
from .. import bodies
from ..http import header_values, json_value, query_values
from ..routes import Call

NAME = "recoup"
TITLE = "Recoup"
PREFIX = "/api"
error = bodies.recoup_error


def examples(url: str, demo: Mapping[str, str]) -> list[str]:
    """curl commands for `make mock`'s banner, from the seed's demo block (none when it lacks the names)."""
    if not {"RECOUP_API_KEY", "RECOUP_ORG_ID", "RECOUP_DISPOSABLE_MEMBER_ID"} <= demo.keys():
        return []
    key = f"-H 'x-api-key: {demo['RECOUP_API_KEY']}'"
    org, member = demo["RECOUP_ORG_ID"], demo["RECOUP_DISPOSABLE_MEMBER_ID"]
    return [
        f"curl -s '{url}/api/organizations?account_id={member}' {key}",
        f"curl -s -X DELETE '{url}/api/organizations/members?organization_id={org}&account_id={member}' {key}",
        f"curl -s -X POST {url}/api/organizations/members {key} "
        f'-d \'{{"organizationId": "{org}", "accountId": "{member}"}}\'',
    ]


def _keys(call: Call) -> list[str]:
    return header_values(call.scope, b"x-api-key")


def _auth(call: Call) -> list[str]:
    return header_values(call.scope, b"authorization")


def get_account_id(store: Store, call: Call) -> tuple[int, bytes]:
    try:
        account = recoup.get_account_id(store, api_keys=_keys(call), authorizations=_auth(call))
    except Unauthorized as exc:  # this operation's 401 is documented with `message`, not `error`
        return exc.status, bodies.recoup_account_error(exc.message)
    return 200, bodies.recoup_account_id(account)


def list_organizations(store: Store, call: Call) -> tuple[int, bytes]:
    query = query_values(call.scope)
    memberships = recoup.list_organizations(
        store, api_keys=_keys(call), authorizations=_auth(call), account_ids=query.get("account_id", ())
    )
    return 200, bodies.recoup_organizations(memberships)


def add_organization_member(store: Store, call: Call) -> tuple[int, bytes]:
    membership, account = recoup.add_member(
        store, api_keys=_keys(call), authorizations=_auth(call), body=json_value(call.body)
    )
    return 200, bodies.recoup_added(membership, account)


def remove_organization_member(store: Store, call: Call) -> tuple[int, bytes]:
    query = query_values(call.scope)
    recoup.remove_member(
        store,
        api_keys=_keys(call),
        authorizations=_auth(call),
        organization_ids=query.get("organization_id", ()),
        account_ids=query.get("account_id", ()),
    )
    return 200, bodies.RECOUP_SUCCESS
