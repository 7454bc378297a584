"""The Recoup operations around removal, over real HTTP; every body is checked against specs/recoup.yaml.

Removal itself: test_recoup_remove_http.py.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from mock_server.background import BackgroundStub
from mock_server.core import recoup
from tests.mock_server import demo

KEY = {"x-api-key": demo.API_KEY}
BEARER = {"authorization": f"Bearer {demo.BEARER}"}
OUTSIDER_KEY = {"x-api-key": demo.OUTSIDER_KEY}
MEMBERS = "/api/organizations/members"


def members(stub: BackgroundStub, org: str = demo.ORG) -> set[str]:
    return set(stub.store.state.recoup.organizations[org].members)


def add(client: httpx.Client, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(MEMBERS, content=content, headers=KEY if headers is None else headers)


def organizations(client: httpx.Client, account: str | None = None, headers: dict[str, str] | None = None) -> Any:
    params = {"account_id": account} if account else None
    return client.get("/api/organizations", params=params, headers=KEY if headers is None else headers)


def error(response: httpx.Response, status: int, key: str = "error") -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"status", key} and body["status"] == "error"
    return str(body[key])


def org_ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [o["organization_id"] for o in response.json()["organizations"]]


# --- who am I -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "account"), [(KEY, demo.CALLER), (BEARER, demo.CALLER), (OUTSIDER_KEY, demo.OUTSIDER)]
)
def test_the_account_id_is_the_callers(client: httpx.Client, headers: dict[str, str], account: str) -> None:
    response = client.get("/api/accounts/id", headers=headers)
    assert response.json() == {"status": "success", "accountId": account}


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, recoup.EXACTLY_ONE),
        ({**KEY, **BEARER}, recoup.EXACTLY_ONE),
        ({"x-api-key": "recoup_sk_nope"}, "Invalid API key"),
        ({"authorization": "Basic x"}, "Authorization must be 'Bearer <token>'"),
    ],
)
def test_the_account_id_401_has_message_not_error(client: httpx.Client, headers: dict[str, str], message: str) -> None:
    assert error(client.get("/api/accounts/id", headers=headers), 401, key="message") == message


# --- an account's organizations -----------------------------------------------------------------


def test_the_callers_organizations_with_membership_ids(client: httpx.Client) -> None:
    listed = organizations(client).json()["organizations"]
    assert len(listed) == 1
    entry = listed[0]
    assert (entry["organization_id"], entry["organization_name"], entry["organization_image"]) == (
        demo.ORG,
        "Demo Records",
        None,
    )
    assert uuid.UUID(entry["id"]) and entry["id"] != demo.ORG


@pytest.mark.parametrize("account", [demo.CALLER, demo.DISPOSABLE, demo.COLLEAGUE, demo.DISPOSABLE.upper()])
def test_an_account_sharing_an_organization_is_readable(client: httpx.Client, account: str) -> None:
    assert org_ids(organizations(client, account)) == [demo.ORG]


@pytest.mark.parametrize("account", [demo.OUTSIDER, demo.NEWCOMER, demo.STRANGER])
def test_an_account_sharing_no_organization_is_403(client: httpx.Client, account: str) -> None:
    assert error(organizations(client, account), 403) == "Access denied to specified account_id"


def test_the_query_is_validated_before_the_credentials(client: httpx.Client) -> None:
    assert error(organizations(client, "nope", headers={}), 400) == "account_id must be a valid UUID"
    assert error(client.get("/api/organizations?account_id=", headers={}), 400) == "account_id must be a valid UUID"
    repeated = f"/api/organizations?account_id={demo.CALLER}&account_id={demo.CALLER}"
    assert error(client.get(repeated, headers={}), 400) == "account_id must be given once, got 2 values"
    assert error(organizations(client, demo.CALLER, headers={}), 401) == recoup.EXACTLY_ONE


def test_after_removal_the_member_shares_no_organization_and_the_caller_keeps_its_own(client: httpx.Client) -> None:
    before = organizations(client).json()
    removal = client.delete(MEMBERS, params={"organization_id": demo.ORG, "account_id": demo.DISPOSABLE}, headers=KEY)
    assert removal.status_code == 200
    assert error(organizations(client, demo.DISPOSABLE), 403) == "Access denied to specified account_id"
    assert organizations(client).json() == before


# --- add ----------------------------------------------------------------------------------------


def test_adding_an_account_makes_it_a_member_and_its_organizations_show_it(
    client: httpx.Client, stub: BackgroundStub
) -> None:
    response = add(client, {"organizationId": demo.ORG, "accountId": demo.NEWCOMER})
    body = response.json()
    assert (body["status"], body["account_id"]) == ("success", demo.NEWCOMER)
    assert demo.NEWCOMER in members(stub)
    listed = organizations(client, demo.NEWCOMER).json()["organizations"]
    assert [(o["id"], o["organization_id"]) for o in listed] == [(body["id"], demo.ORG)]


def test_add_is_idempotent_and_returns_the_existing_membership_id(client: httpx.Client, stub: BackgroundStub) -> None:
    existing = organizations(client, demo.DISPOSABLE).json()["organizations"][0]["id"]
    for _ in range(2):
        response = add(client, {"organizationId": demo.ORG, "accountId": demo.DISPOSABLE}, BEARER)
        assert response.json() == {"status": "success", "id": existing, "account_id": demo.DISPOSABLE}
    assert members(stub) == {demo.CALLER, demo.DISPOSABLE, demo.COLLEAGUE}


def test_adding_by_a_known_email_adds_that_account(client: httpx.Client, stub: BackgroundStub) -> None:
    response = add(client, {"organizationId": demo.ORG.upper(), "email": demo.NEWCOMER_EMAIL})
    assert response.json()["account_id"] == demo.NEWCOMER
    assert demo.NEWCOMER in members(stub)


def test_adding_by_an_unknown_email_creates_one_account(client: httpx.Client, stub: BackgroundStub) -> None:
    accounts = len(stub.store.state.recoup.accounts)
    first = add(client, {"organizationId": demo.ORG, "email": "Someone.New@example.org"}).json()
    again = add(client, {"organizationId": demo.ORG, "email": "Someone.New@example.org"}).json()
    assert first == again
    created = first["account_id"]
    assert len(stub.store.state.recoup.accounts) == accounts + 1
    assert stub.store.state.recoup.accounts[created].email == "Someone.New@example.org"
    assert org_ids(organizations(client, created)) == [demo.ORG]
    state = client.get("/__admin/state").json()
    assert {"id": created, "name": "", "email": "Someone.New@example.org", "api_keys": [], "bearer_tokens": []} in (
        state["recoup"]["accounts"]
    )
    # emails match exactly: another case is another account
    assert add(client, {"organizationId": demo.ORG, "email": "someone.new@example.org"}).json()["account_id"] != created


def test_adding_an_account_id_that_is_no_account_is_404(client: httpx.Client, stub: BackgroundStub) -> None:
    message = error(add(client, {"organizationId": demo.ORG, "accountId": demo.STRANGER}), 404)
    assert message == f"accountId {demo.STRANGER} is not an existing account"
    assert demo.STRANGER not in members(stub)


def test_the_body_is_read_as_json_whatever_its_content_type(client: httpx.Client, stub: BackgroundStub) -> None:
    body = json.dumps({"organizationId": demo.ORG, "accountId": demo.NEWCOMER}).encode()
    response = client.post(MEMBERS, content=body, headers={**KEY, "content-type": "text/plain"})
    assert response.status_code == 200
    assert demo.NEWCOMER in members(stub)


ORG = demo.ORG
BAD_ADD_BODIES = [
    (b"", "Invalid input: expected object, received null"),
    (b"{", "Invalid input: expected object, received null"),
    (b"null", "Invalid input: expected object, received null"),
    (b"[]", "Invalid input: expected object, received array"),
    (b'"x"', "Invalid input: expected object, received string"),
    (b"5", "Invalid input: expected object, received number"),
    (b"true", "Invalid input: expected object, received boolean"),
    (b"[" * 50_000, "Invalid input: expected object, received null"),
    ({}, "organizationId is required"),
    ({"accountId": demo.NEWCOMER}, "organizationId is required"),
    ({"organizationId": 5}, "organizationId is required"),
    ({"organizationId": "x"}, "organizationId must be a valid UUID"),
    ({"organizationId": "x", "accountId": "y"}, "organizationId must be a valid UUID"),
    ({"organizationId": ORG}, recoup.EXACTLY_ONE_MEMBER),
    ({"organizationId": ORG, "accountId": demo.NEWCOMER, "email": demo.NEWCOMER_EMAIL}, recoup.EXACTLY_ONE_MEMBER),
    ({"organizationId": ORG, "accountId": "nope"}, "accountId must be a valid UUID"),
    ({"organizationId": ORG, "accountId": "", "email": demo.NEWCOMER_EMAIL}, "accountId must be a valid UUID"),
    ({"organizationId": ORG, "accountId": None}, "Invalid input: expected string, received null"),
    ({"organizationId": ORG, "accountId": 7}, "Invalid input: expected string, received number"),
    ({"organizationId": ORG, "email": "nope"}, "email must be a valid email address"),
    ({"organizationId": ORG, "email": ""}, "email must be a valid email address"),
    ({"organizationId": ORG, "email": ["a@b.co"]}, "Invalid input: expected string, received array"),
]


@pytest.mark.parametrize(("body", "message"), BAD_ADD_BODIES, ids=lambda v: repr(v)[:50])
def test_a_bad_add_body_is_400_with_the_first_problem_and_changes_nothing(
    client: httpx.Client, stub: BackgroundStub, body: Any, message: str
) -> None:
    accounts = len(stub.store.state.recoup.accounts)
    assert error(add(client, body), 400) == message
    assert members(stub) == {demo.CALLER, demo.DISPOSABLE, demo.COLLEAGUE}
    assert len(stub.store.state.recoup.accounts) == accounts


@pytest.mark.parametrize("org", [demo.FOREIGN_ORG, demo.UNKNOWN_ORG])
def test_adding_to_an_organization_the_caller_is_not_in_is_403(
    client: httpx.Client, stub: BackgroundStub, org: str
) -> None:
    accounts = len(stub.store.state.recoup.accounts)
    assert error(add(client, {"organizationId": org, "email": "x@example.com"}), 403) == recoup.NOT_A_MEMBER
    assert members(stub, demo.FOREIGN_ORG) == {demo.OUTSIDER}
    assert len(stub.store.state.recoup.accounts) == accounts  # no account created for a refused add


def test_add_checks_credentials_then_body_then_access_then_the_account(client: httpx.Client) -> None:
    assert error(add(client, b"junk", {}), 401) == recoup.EXACTLY_ONE
    assert error(add(client, b"junk", {"x-api-key": "nope"}), 401) == "Invalid API key"
    assert add(client, {"organizationId": demo.FOREIGN_ORG}).status_code == 400
    assert add(client, {"organizationId": demo.FOREIGN_ORG, "accountId": demo.STRANGER}).status_code == 403
    assert add(client, {"organizationId": demo.ORG, "accountId": demo.STRANGER}).status_code == 404


def test_remove_then_add_restores_the_same_membership(client: httpx.Client, stub: BackgroundStub) -> None:
    before = organizations(client, demo.DISPOSABLE).json()
    client.delete(MEMBERS, params={"organization_id": demo.ORG, "account_id": demo.DISPOSABLE}, headers=KEY)
    assert demo.DISPOSABLE not in members(stub)
    assert add(client, {"organizationId": demo.ORG, "accountId": demo.DISPOSABLE}).status_code == 200
    assert organizations(client, demo.DISPOSABLE).json() == before
