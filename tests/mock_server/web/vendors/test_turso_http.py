"""The Turso operations around removal, over real HTTP; every body is checked against specs/turso.yaml.

Removal itself: test_turso_remove_http.py.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from mock_server.background import BackgroundStub
from mock_server.core import turso
from tests.mock_server import demo

OWNER = demo.bearer(demo.OWNER_TOKEN)
ADMIN = demo.bearer(demo.ADMIN_TOKEN)
VIEWER = demo.bearer(demo.VIEWER_TOKEN)
OUTSIDER = demo.bearer(demo.OUTSIDER_TOKEN)
MEMBERS = "/v1/organizations/demo-org/members"
SEED_MEMBERS = [
    {"username": "demo-owner", "role": "owner", "email": "owner@demo-org.example"},
    {"username": "demo-admin", "role": "admin", "email": "admin@demo-org.example"},
    {"username": "demo-viewer", "role": "viewer", "email": "viewer@demo-org.example"},
    {"username": "alice", "role": "member", "email": "alice@demo-org.example"},
    {"username": "bob", "role": "member", "email": "bob@demo-org.example"},
]
NO_TOKEN = [({}, turso.MISSING_TOKEN), (demo.bearer("nope"), turso.INVALID_TOKEN)]


def roster(stub: BackgroundStub, org: str = "demo-org") -> dict[str, str]:
    return dict(stub.store.state.turso.organizations[org].members)


def add(
    client: httpx.Client, body: Any, headers: dict[str, str] | None = None, org: str = "demo-org"
) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(f"/v1/organizations/{org}/members", content=content, headers=headers or OWNER)


def patch(client: httpx.Client, username: str, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.patch(f"{MEMBERS}/{username}", content=content, headers=headers or OWNER)


def error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    return str(body["error"])


# --- who am I -----------------------------------------------------------------------------------


def test_validate_answers_a_known_token_with_no_expiry(client: httpx.Client) -> None:
    response = client.get("/v1/auth/validate", headers=VIEWER)
    assert (response.status_code, response.json()) == (200, {"exp": -1})


def test_the_current_user_is_the_token_owner(client: httpx.Client) -> None:
    response = client.get("/v1/user", headers=OWNER)
    assert response.json() == {
        "user": {
            "username": "demo-owner",
            "name": "Demo Owner",
            "email": "owner@demo-org.example",
            "mfa": False,
            "has_pending_invites": False,
        }
    }


@pytest.mark.parametrize("path", ["/v1/auth/validate", "/v1/user", "/v1/organizations", "/v1/organizations/demo-org"])
@pytest.mark.parametrize(("headers", "message"), NO_TOKEN)
def test_reads_without_a_known_token_are_401(
    client: httpx.Client, path: str, headers: dict[str, str], message: str
) -> None:
    assert error(client.get(path, headers=headers), 401) == message


# --- organizations ------------------------------------------------------------------------------


@pytest.mark.parametrize(("headers", "slugs"), [(OWNER, ["demo-org"]), (VIEWER, ["demo-org"]), (OUTSIDER, ["acme"])])
def test_organizations_lists_those_the_caller_is_a_member_of(
    client: httpx.Client, headers: dict[str, str], slugs: list[str]
) -> None:
    response = client.get("/v1/organizations", headers=headers)
    assert isinstance(response.json(), list)  # a bare array, as documented
    assert [o["slug"] for o in response.json()] == slugs


def test_an_organization_is_shown_to_any_member(client: httpx.Client) -> None:
    response = client.get("/v1/organizations/demo-org", headers=VIEWER)
    organization = response.json()["organization"]
    assert (organization["slug"], organization["name"], organization["type"]) == ("demo-org", "Demo Org", "team")


@pytest.mark.parametrize("org", ["acme", "no-such-org"])
def test_an_organization_the_caller_is_not_in_is_404(client: httpx.Client, org: str) -> None:
    assert error(client.get(f"/v1/organizations/{org}", headers=OWNER), 404) == "organization not found"


def test_removing_yourself_drops_the_organization_from_your_list(client: httpx.Client) -> None:
    assert client.delete(f"{MEMBERS}/demo-admin", headers=ADMIN).status_code == 200
    assert client.get("/v1/organizations", headers=ADMIN).json() == []
    assert error(client.get("/v1/organizations/demo-org", headers=ADMIN), 404) == "organization not found"


# --- list members -------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [OWNER, ADMIN])
def test_an_owner_or_admin_lists_the_members_in_joining_order(client: httpx.Client, headers: dict[str, str]) -> None:
    assert client.get(MEMBERS, headers=headers).json() == {"members": SEED_MEMBERS}


@pytest.mark.parametrize(
    ("headers", "org"), [(VIEWER, "demo-org"), (OUTSIDER, "demo-org"), (OWNER, "acme"), (OWNER, "nope")]
)
def test_anyone_else_listing_members_is_403(client: httpx.Client, headers: dict[str, str], org: str) -> None:
    response = client.get(f"/v1/organizations/{org}/members", headers=headers)
    assert error(response, 403) == "only organization admins or owners can list members"


@pytest.mark.parametrize(("headers", "message"), NO_TOKEN)
def test_listing_members_without_a_known_token_is_401(
    client: httpx.Client, headers: dict[str, str], message: str
) -> None:
    assert error(client.get(MEMBERS, headers=headers), 401) == message


def test_head_on_the_member_list_has_no_body(client: httpx.Client) -> None:
    response = client.head(MEMBERS, headers=OWNER)
    assert (response.status_code, response.content) == (200, b"")


# --- add ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "role"), [({"username": "carol"}, "member"), ({"username": "carol", "role": "viewer"}, "viewer")]
)
def test_an_owner_adds_a_user_and_every_read_shows_it(
    client: httpx.Client, stub: BackgroundStub, body: dict[str, str], role: str
) -> None:
    response = add(client, body)
    assert response.json() == {"member": "carol", "role": role}
    carol = {"username": "carol", "role": role, "email": "carol@example.com"}
    assert client.get(MEMBERS, headers=OWNER).json() == {"members": [*SEED_MEMBERS, carol]}
    assert client.get(f"{MEMBERS}/carol", headers=OWNER).json() == {"member": carol}
    assert roster(stub)["carol"] == role


def test_an_admin_adds_an_admin(client: httpx.Client, stub: BackgroundStub) -> None:
    assert add(client, {"username": "dave", "role": "admin"}, ADMIN).json() == {"member": "dave", "role": "admin"}
    assert roster(stub)["dave"] == "admin"


@pytest.mark.parametrize("content_type", [None, "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"])
def test_the_body_is_read_as_json_whatever_its_content_type(
    client: httpx.Client, stub: BackgroundStub, content_type: str | None
) -> None:
    headers = {**OWNER, **({"content-type": content_type} if content_type else {})}
    response = client.post(MEMBERS, content=b'{"username": "carol", "role": "member"}', headers=headers)
    assert response.json() == {"member": "carol", "role": "member"}
    assert "carol" in roster(stub)


def test_adding_an_existing_member_is_409_and_keeps_its_role(client: httpx.Client, stub: BackgroundStub) -> None:
    message = error(add(client, {"username": "demo-viewer", "role": "admin"}), 409)
    assert message == "user demo-viewer is already a member of organization demo-org"
    assert roster(stub)["demo-viewer"] == "viewer"


def test_adding_an_unknown_user_is_404(client: httpx.Client, stub: BackgroundStub) -> None:
    assert error(add(client, {"username": "nobody"}), 404) == "could not find user nobody"
    assert "nobody" not in roster(stub)


def test_a_user_of_another_organization_can_be_added(client: httpx.Client, stub: BackgroundStub) -> None:
    assert add(client, {"username": "outsider"}).status_code == 200
    assert roster(stub)["outsider"] == "member"
    assert roster(stub, "acme") == {"outsider": "owner"}


BAD_ADD_BODIES = [
    (b"", turso.NOT_AN_OBJECT),
    (b"not json", turso.NOT_AN_OBJECT),
    (b"[]", turso.NOT_AN_OBJECT),
    (b"null", turso.NOT_AN_OBJECT),
    (b'"carol"', turso.NOT_AN_OBJECT),
    (b"[" * 50_000, turso.NOT_AN_OBJECT),  # nested too deep to parse
    (b'{"username": 1' + b"0" * 5000 + b"}", turso.NOT_AN_OBJECT),  # an integer too long to convert
    (b"\xff\xfe{", turso.NOT_AN_OBJECT),
    (b"{}", "username is required"),
    (b'{"username": ""}', "username is required"),
    (b'{"username": 5}', "username is required"),
    (b'{"username": null}', "username is required"),
    (b'{"member": "carol", "role": "member"}', "username is required"),  # the npm client's body
    (b'{"username": "carol", "role": "owner"}', "invalid role 'owner'"),
    (b'{"username": "carol", "role": "Admin"}', "invalid role 'Admin'"),
    (b'{"username": "carol", "role": ""}', "invalid role ''"),
    (b'{"username": "carol", "role": null}', "invalid role None"),
    (b'{"username": "carol", "role": ["admin"]}', "invalid role ['admin']"),
]


@pytest.mark.parametrize(("body", "message"), BAD_ADD_BODIES, ids=lambda v: repr(v)[:40])
def test_a_bad_add_body_is_400_and_changes_nothing(
    client: httpx.Client, stub: BackgroundStub, body: bytes, message: str
) -> None:
    assert error(add(client, body), 400).startswith(message)
    assert roster(stub) == {m["username"]: m["role"] for m in SEED_MEMBERS}


def test_an_oversized_body_is_413_in_turso_shape(client: httpx.Client, stub: BackgroundStub) -> None:
    body = json.dumps({"username": "carol", "pad": "x" * 70_000}).encode()
    assert "longer than" in error(add(client, body), 413)
    assert "carol" not in roster(stub)


@pytest.mark.parametrize("headers", [VIEWER, OUTSIDER])
def test_a_non_manager_adding_is_403_and_changes_nothing(
    client: httpx.Client, stub: BackgroundStub, headers: dict[str, str]
) -> None:
    assert (
        error(add(client, {"username": "carol"}, headers), 403) == "only organization admins or owners can add members"
    )
    assert "carol" not in roster(stub)


def test_add_checks_token_then_permission_then_body_then_user_then_membership(client: httpx.Client) -> None:
    assert add(client, b"junk", demo.bearer("nope")).status_code == 401
    assert add(client, b"junk", VIEWER).status_code == 403
    assert add(client, {"username": "nobody", "role": "owner"}).status_code == 400
    assert add(client, {"username": "nobody"}).status_code == 404
    assert add(client, {"username": "alice"}).status_code == 409


def test_add_then_remove_then_add_again(client: httpx.Client, stub: BackgroundStub) -> None:
    assert add(client, {"username": "carol", "role": "admin"}).status_code == 200
    assert client.delete(f"{MEMBERS}/carol", headers=OWNER).json() == {"member": "carol"}
    assert error(client.get(f"{MEMBERS}/carol", headers=OWNER), 404) == "user carol is not a member of org demo-org"
    assert add(client, {"username": "carol"}).json() == {"member": "carol", "role": "member"}
    assert roster(stub)["carol"] == "member"


# --- retrieve -----------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [OWNER, VIEWER])
def test_any_member_retrieves_a_member(client: httpx.Client, headers: dict[str, str]) -> None:
    response = client.get(f"{MEMBERS}/bob", headers=headers)
    assert response.json() == {"member": {"username": "bob", "role": "member", "email": "bob@demo-org.example"}}


@pytest.mark.parametrize(("headers", "org"), [(OUTSIDER, "demo-org"), (OWNER, "acme"), (OWNER, "no-such-org")])
def test_a_non_member_retrieving_is_403(client: httpx.Client, headers: dict[str, str], org: str) -> None:
    response = client.get(f"/v1/organizations/{org}/members/outsider", headers=headers)
    assert error(response, 403) == turso.CANNOT_VIEW


@pytest.mark.parametrize("username", ["carol", "nobody", "a%2Fb"])
def test_retrieving_a_non_member_is_404(client: httpx.Client, username: str) -> None:
    message = error(client.get(f"{MEMBERS}/{username}", headers=OWNER), 404)
    assert message == f"user {username.replace('%2F', '/')} is not a member of org demo-org"


def test_retrieving_after_a_removal_is_404(client: httpx.Client) -> None:
    assert client.delete(f"{MEMBERS}/bob", headers=OWNER).status_code == 200
    assert error(client.get(f"{MEMBERS}/bob", headers=OWNER), 404) == "user bob is not a member of org demo-org"


# --- update role --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "viewer", "member"])
def test_an_owner_changes_a_role_and_every_read_shows_it(client: httpx.Client, stub: BackgroundStub, role: str) -> None:
    response = patch(client, "bob", {"role": role})
    bob = {"username": "bob", "role": role, "email": "bob@demo-org.example"}
    assert response.json() == {"member": bob}
    assert client.get(f"{MEMBERS}/bob", headers=OWNER).json() == {"member": bob}
    assert bob in client.get(MEMBERS, headers=OWNER).json()["members"]
    assert roster(stub)["bob"] == role


def test_a_demoted_admin_can_no_longer_manage(client: httpx.Client) -> None:
    assert patch(client, "demo-admin", {"role": "member"}, ADMIN).status_code == 200
    assert error(client.get(MEMBERS, headers=ADMIN), 403) == "only organization admins or owners can list members"
    assert patch(client, "demo-admin", {"role": "admin"}, OWNER).status_code == 200
    assert client.get(MEMBERS, headers=ADMIN).status_code == 200


def test_an_owner_can_be_demoted_by_an_admin(client: httpx.Client, stub: BackgroundStub) -> None:
    assert patch(client, "demo-owner", {"role": "viewer"}, ADMIN).status_code == 200
    assert roster(stub)["demo-owner"] == "viewer"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"role": "owner"}, "invalid role 'owner'"),
        ({"role": "superuser"}, "invalid role 'superuser'"),
        ({"role": 3}, "invalid role 3"),
        ({}, "role is required"),
        ({"username": "bob"}, "role is required"),
        (b"", turso.NOT_AN_OBJECT),
        (b"{", turso.NOT_AN_OBJECT),
        (b"[]", turso.NOT_AN_OBJECT),
    ],
    ids=repr,
)
def test_a_bad_role_update_is_400_and_changes_nothing(
    client: httpx.Client, stub: BackgroundStub, body: Any, message: str
) -> None:
    assert error(patch(client, "bob", body), 400).startswith(message)
    assert roster(stub)["bob"] == "member"


def test_updating_a_non_member_is_404(client: httpx.Client, stub: BackgroundStub) -> None:
    assert error(patch(client, "carol", {"role": "admin"}), 404) == "user carol is not a member of org demo-org"
    assert "carol" not in roster(stub)


@pytest.mark.parametrize("headers", [VIEWER, OUTSIDER])
def test_a_non_manager_updating_is_403(client: httpx.Client, stub: BackgroundStub, headers: dict[str, str]) -> None:
    assert error(patch(client, "bob", {"role": "admin"}, headers), 403) == turso.CANNOT_UPDATE
    assert roster(stub)["bob"] == "member"


def test_update_checks_token_then_permission_then_body_then_membership(client: httpx.Client) -> None:
    assert patch(client, "nobody", b"junk", demo.bearer("nope")).status_code == 401
    assert patch(client, "nobody", b"junk", VIEWER).status_code == 403
    assert patch(client, "nobody", {"role": "owner"}).status_code == 400
    assert patch(client, "nobody", {"role": "admin"}).status_code == 404


# --- the official npm client's add call ---------------------------------------------------------


def test_the_npm_clients_add_call_is_405_naming_the_documented_methods(
    client: httpx.Client, stub: BackgroundStub
) -> None:
    response = client.post(
        f"{MEMBERS}/carol",
        content=b'{"member":"carol","role":"member"}',
        headers={**OWNER, "content-type": "text/plain;charset=UTF-8"},
    )
    assert response.headers["allow"] == "DELETE, GET, HEAD, PATCH"
    assert error(response, 405).startswith("method POST is not allowed on /v1/organizations/demo-org/members/carol")
    assert "carol" not in roster(stub)
