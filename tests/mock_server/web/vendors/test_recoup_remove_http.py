"""DELETE /api/organizations/members over real HTTP; every body is checked against specs/recoup.yaml."""

from __future__ import annotations

import httpx
import pytest

from mock_server.background import BackgroundStub
from tests.mock_server import demo

PATH = "/api/organizations/members"
KEY = {"x-api-key": demo.API_KEY}


def delete(
    client: httpx.Client, headers: dict[str, str] | None = None, org: str = demo.ORG, account: str = demo.DISPOSABLE
) -> httpx.Response:
    return client.delete(PATH, params={"organization_id": org, "account_id": account}, headers=headers)


def raw(client: httpx.Client, query: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """A DELETE with the query string exactly as given."""
    return client.delete(f"{PATH}?{query}", headers=headers)


def members(stub: BackgroundStub, org: str = demo.ORG) -> set[str]:
    return set(stub.store.state.recoup.organizations[org].members)


def assert_error(response: httpx.Response, status: int, message: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "error", "error": message}


@pytest.mark.parametrize("headers", [KEY, {"authorization": f"Bearer {demo.BEARER}"}])
def test_a_member_removes_a_member(client: httpx.Client, stub: BackgroundStub, headers: dict[str, str]) -> None:
    response = delete(client, headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "success"}
    assert members(stub) == {demo.CALLER, demo.COLLEAGUE}


def test_the_removal_shows_in_the_control_api_state(client: httpx.Client) -> None:
    delete(client, KEY)
    state = client.get("/__admin/state").json()
    org = next(o for o in state["recoup"]["organizations"] if o["id"] == demo.ORG)
    assert demo.DISPOSABLE not in org["members"]


def test_removal_is_idempotent(client: httpx.Client, stub: BackgroundStub) -> None:
    first, second = delete(client, KEY), delete(client, KEY)
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json() == {"status": "success"}
    assert members(stub) == {demo.CALLER, demo.COLLEAGUE}


def test_removing_a_non_member_is_200_and_changes_nothing(client: httpx.Client, stub: BackgroundStub) -> None:
    assert delete(client, KEY, account=demo.STRANGER).json() == {"status": "success"}
    assert members(stub) == {demo.CALLER, demo.DISPOSABLE, demo.COLLEAGUE}


def test_self_removal_is_allowed_and_the_next_call_is_403(client: httpx.Client, stub: BackgroundStub) -> None:
    assert delete(client, KEY, account=demo.CALLER).status_code == 200
    assert demo.CALLER not in members(stub)
    assert_error(delete(client, KEY), 403, "Caller is not a member of the organization")
    assert demo.DISPOSABLE in members(stub)


def test_upper_case_uuids_are_accepted(client: httpx.Client, stub: BackgroundStub) -> None:
    assert delete(client, KEY, org=demo.ORG.upper(), account=demo.DISPOSABLE.upper()).status_code == 200
    assert demo.DISPOSABLE not in members(stub)


def test_percent_encoded_parameters_are_decoded(client: httpx.Client, stub: BackgroundStub) -> None:
    encoded = "".join(f"%{ord(c):02X}" for c in demo.DISPOSABLE)
    response = raw(client, f"organization%5Fid={demo.ORG}&account_id={encoded}", KEY)
    assert response.status_code == 200
    assert demo.DISPOSABLE not in members(stub)


def test_unknown_extra_parameters_are_ignored(client: httpx.Client) -> None:
    assert raw(client, f"organization_id={demo.ORG}&account_id={demo.DISPOSABLE}&dry_run=1", KEY).status_code == 200


UNAUTHORIZED: list[tuple[list[tuple[str, str]], str]] = [
    ([], "Exactly one of x-api-key or Authorization must be provided"),
    ([("x-api-key", demo.API_KEY), ("authorization", f"Bearer {demo.BEARER}")], "Exactly one of"),
    ([("x-api-key", "nope"), ("authorization", f"Bearer {demo.BEARER}")], "Exactly one of"),
    ([("x-api-key", demo.API_KEY), ("authorization", "Bearer nope")], "Exactly one of"),
    ([("x-api-key", demo.API_KEY), ("x-api-key", demo.API_KEY)], "Exactly one of"),
    ([("x-api-key", "nope")], "Invalid API key"),
    ([("x-api-key", "")], "Invalid API key"),
    ([("authorization", "Bearer nope")], "Invalid or expired bearer token"),
    ([("authorization", f"Basic {demo.BEARER}")], "Authorization must be 'Bearer <token>'"),
    ([("authorization", demo.BEARER)], "Authorization must be 'Bearer <token>'"),
    ([("x-api-key", demo.BEARER)], "Invalid API key"),  # a bearer token is not an API key
    ([("authorization", f"Bearer {demo.API_KEY}")], "Invalid or expired bearer token"),
]


@pytest.mark.parametrize(("headers", "message"), UNAUTHORIZED)
def test_anything_but_exactly_one_known_credential_is_401(
    client: httpx.Client, stub: BackgroundStub, headers: list[tuple[str, str]], message: str
) -> None:
    response = client.delete(PATH, params={"organization_id": demo.ORG, "account_id": demo.DISPOSABLE}, headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body["status"] == "error" and body["error"].startswith(message)
    assert demo.DISPOSABLE in members(stub)


def test_credentials_come_before_parameters(client: httpx.Client) -> None:
    assert_error(raw(client, "organization_id=bad"), 401, "Exactly one of x-api-key or Authorization must be provided")
    assert raw(client, "account_id=bad", {"x-api-key": "nope"}).status_code == 401


BAD_QUERIES: list[tuple[str, str]] = [
    ("", "organization_id is required"),
    (f"account_id={demo.DISPOSABLE}", "organization_id is required"),
    (f"organization_id=&account_id={demo.DISPOSABLE}", "organization_id is required"),
    (f"organization_id&account_id={demo.DISPOSABLE}", "organization_id is required"),
    (f"organization_id=xx&account_id={demo.DISPOSABLE}", "organization_id must be a valid UUID"),
    (f"organization_id=%7B{demo.ORG}%7D&account_id={demo.DISPOSABLE}", "organization_id must be a valid UUID"),
    (f"organization_id=+{demo.ORG}&account_id={demo.DISPOSABLE}", "organization_id must be a valid UUID"),
    (f"organization_id=%FF%FE&account_id={demo.DISPOSABLE}", "organization_id must be a valid UUID"),
    (f"organization_id=%&account_id={demo.DISPOSABLE}", "organization_id must be a valid UUID"),
    (
        f"organization_id={demo.ORG}&organization_id={demo.ORG}&account_id={demo.DISPOSABLE}",
        "organization_id must be given once, got 2 values",
    ),
    (
        f"organization_id={demo.FOREIGN_ORG}&organization_id={demo.ORG}&account_id={demo.DISPOSABLE}",
        "organization_id must be given once, got 2 values",
    ),
    (f"organization_id={demo.ORG}", "account_id is required"),
    (f"organization_id={demo.ORG}&account_id=", "account_id is required"),
    (f"organization_id={demo.ORG}&account_id=42", "account_id must be a valid UUID"),
    (f"organization_id={demo.ORG}&account_id={demo.DISPOSABLE.replace('-', '')}", "account_id must be a valid UUID"),
    (
        f"organization_id={demo.ORG}&account_id={demo.DISPOSABLE}&account_id={demo.COLLEAGUE}",
        "account_id must be given once, got 2 values",
    ),
    ("organization_id=bad&account_id=bad", "organization_id must be a valid UUID"),
]


@pytest.mark.parametrize(("query", "message"), BAD_QUERIES)
def test_bad_parameters_are_400_naming_the_parameter(
    client: httpx.Client, stub: BackgroundStub, query: str, message: str
) -> None:
    assert_error(raw(client, query, KEY), 400, message)
    assert members(stub) == {demo.CALLER, demo.DISPOSABLE, demo.COLLEAGUE}


def test_duplicate_parameters_are_not_last_wins(client: httpx.Client, stub: BackgroundStub) -> None:
    # last-wins would remove the disposable member of the caller's organization here
    response = raw(
        client, f"organization_id={demo.FOREIGN_ORG}&organization_id={demo.ORG}&account_id={demo.DISPOSABLE}", KEY
    )
    assert response.status_code == 400
    assert demo.DISPOSABLE in members(stub)


def test_parameters_come_before_access(client: httpx.Client) -> None:
    assert_error(
        raw(client, f"organization_id={demo.FOREIGN_ORG}&account_id=bad", KEY), 400, "account_id must be a valid UUID"
    )


@pytest.mark.parametrize("org", [demo.FOREIGN_ORG, demo.UNKNOWN_ORG, demo.CALLER])
def test_a_caller_outside_the_organization_is_403(client: httpx.Client, stub: BackgroundStub, org: str) -> None:
    assert_error(delete(client, KEY, org=org, account=demo.OUTSIDER), 403, "Caller is not a member of the organization")
    assert members(stub, demo.FOREIGN_ORG) == {demo.OUTSIDER}


def test_the_outsider_cannot_touch_the_demo_organization(client: httpx.Client, stub: BackgroundStub) -> None:
    assert delete(client, {"x-api-key": demo.OUTSIDER_KEY}).status_code == 403
    assert demo.DISPOSABLE in members(stub)


def test_a_request_body_is_ignored(client: httpx.Client, stub: BackgroundStub) -> None:
    response = client.request(
        "DELETE",
        PATH,
        params={"organization_id": demo.ORG, "account_id": demo.DISPOSABLE},
        headers=KEY,
        json={"account_id": demo.COLLEAGUE},
    )
    assert response.status_code == 200
    assert members(stub) == {demo.CALLER, demo.COLLEAGUE}


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "OPTIONS"])
def test_other_methods_are_405_with_allow(client: httpx.Client, stub: BackgroundStub, method: str) -> None:
    response = client.request(
        method, PATH, params={"organization_id": demo.ORG, "account_id": demo.DISPOSABLE}, headers=KEY
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, POST"
    body = response.json()
    assert body["status"] == "error" and method in body["error"]
    assert demo.DISPOSABLE in members(stub)


def test_head_is_405_without_a_body(client: httpx.Client) -> None:
    response = client.head(PATH)
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, POST"
    assert response.content == b""
