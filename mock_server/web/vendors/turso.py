"""Turso (specs/turso.yaml): the path prefix it owns, its error body, one thin handler per operation."""

from __future__ import annotations

from collections.abc import Mapping

from ...core import turso
from ...core.store import Store
from .. import bodies
from ..http import header_values, json_value
from ..routes import Call

NAME = "turso"
TITLE = "Turso"
PREFIX = "/v1"
error = bodies.turso_error


def examples(url: str, demo: Mapping[str, str]) -> list[str]:
    """curl commands for `make mock`'s banner, from the seed's demo block (none when it lacks the names)."""
    if not {"TURSO_TOKEN", "TURSO_ORG", "TURSO_DISPOSABLE_MEMBER"} <= demo.keys():
        return []
    members = f"{url}/v1/organizations/{demo['TURSO_ORG']}/members"
    auth = f"-H 'Authorization: Bearer {demo['TURSO_TOKEN']}'"
    return [
        f"curl -s {members} {auth}",
        f'curl -s -X POST {members} {auth} -d \'{{"username": "carol", "role": "viewer"}}\'',
        f"curl -s -X DELETE {members}/{demo['TURSO_DISPOSABLE_MEMBER']} {auth}",
    ]


def _auth(call: Call) -> list[str]:
    return header_values(call.scope, b"authorization")


def validate_api_token(store: Store, call: Call) -> tuple[int, bytes]:
    return 200, bodies.turso_token(turso.validate_token(store, authorizations=_auth(call)))


def get_current_user(store: Store, call: Call) -> tuple[int, bytes]:
    return 200, bodies.turso_user(*turso.current_user(store, authorizations=_auth(call)))


def list_organizations(store: Store, call: Call) -> tuple[int, bytes]:
    return 200, bodies.turso_organizations(turso.list_organizations(store, authorizations=_auth(call)))


def get_organization(store: Store, call: Call) -> tuple[int, bytes]:
    org = turso.get_organization(store, authorizations=_auth(call), organization=call.params["organizationSlug"])
    return 200, bodies.turso_organization(org)


def list_organization_members(store: Store, call: Call) -> tuple[int, bytes]:
    members = turso.list_members(store, authorizations=_auth(call), organization=call.params["organizationSlug"])
    return 200, bodies.turso_members(members)


def add_organization_member(store: Store, call: Call) -> tuple[int, bytes]:
    username, role = turso.add_member(
        store, authorizations=_auth(call), organization=call.params["organizationSlug"], body=json_value(call.body)
    )
    return 200, bodies.turso_added(username, role)


def get_organization_member(store: Store, call: Call) -> tuple[int, bytes]:
    member = turso.get_member(
        store,
        authorizations=_auth(call),
        organization=call.params["organizationSlug"],
        username=call.params["username"],
    )
    return 200, bodies.turso_member(member)


def update_member_role(store: Store, call: Call) -> tuple[int, bytes]:
    member = turso.update_member_role(
        store,
        authorizations=_auth(call),
        organization=call.params["organizationSlug"],
        username=call.params["username"],
        body=json_value(call.body),
    )
    return 200, bodies.turso_member(member)


def remove_organization_member(store: Store, call: Call) -> tuple[int, bytes]:
    removed = turso.remove_member(
        store,
        authorizations=_auth(call),
        organization=call.params["organizationSlug"],
        username=call.params["username"],
    )
    return 200, bodies.turso_removed(removed)
