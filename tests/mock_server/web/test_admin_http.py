"""The control API (specs/admin.yaml) over real HTTP; every body is checked against that spec."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mock_server.background import BackgroundStub
from tests.mock_server import demo
from tests.mock_server.web import conformance

RECOUP = "/api/organizations/members"
ADMIN_SECRET = "admin-secret-5a1f"
SMALL_SEED: dict[str, Any] = {
    "recoup": {
        "accounts": [{"id": demo.STRANGER, "api_keys": ["small-key"]}, {"id": demo.DISPOSABLE}],
        "organizations": [{"id": demo.UNKNOWN_ORG, "members": [demo.STRANGER, demo.DISPOSABLE]}],
    },
    "turso": {
        "users": [{"username": "solo", "tokens": ["solo-token"]}, {"username": "x"}],
        "organizations": [
            {"slug": "tiny", "members": [{"username": "solo", "role": "owner"}, {"username": "x", "role": "member"}]}
        ],
    },
    "demo": {"TURSO_ORG": "tiny"},
}


def recoup_delete(client: httpx.Client, key: str = demo.API_KEY, org: str = demo.ORG) -> httpx.Response:
    return client.delete(
        RECOUP, params={"organization_id": org, "account_id": demo.DISPOSABLE}, headers={"x-api-key": key}
    )


def turso_delete(client: httpx.Client, username: str = "bob") -> httpx.Response:
    return client.delete(f"/v1/organizations/demo-org/members/{username}", headers=demo.bearer(demo.OWNER_TOKEN))


def test_info_describes_the_stub(client: httpx.Client) -> None:
    assert client.get("/__admin").json() == {
        "service": "recoup-turso-stub",
        "apis": ["recoup", "turso"],
        "journal_size": 1000,
        "store": {"kind": "memory", "healthy": True},
    }


def test_reset_brings_back_removed_members(client: httpx.Client, stub: BackgroundStub) -> None:
    assert recoup_delete(client).status_code == 200
    assert turso_delete(client).status_code == 200
    response = client.post("/__admin/reset")
    assert response.json() == {"status": "reset"}
    assert demo.DISPOSABLE in stub.store.state.recoup.organizations[demo.ORG].members
    assert turso_delete(client).status_code == 200  # bob is back, so this is not a 404


def test_state_is_the_seed_with_credentials_masked(client: httpx.Client) -> None:
    response = client.get("/__admin/state")
    assert response.status_code == 200
    for secret in demo.SECRETS:
        assert secret not in response.text
    state = response.json()
    caller = next(a for a in state["recoup"]["accounts"] if a["id"] == demo.CALLER)
    assert caller["api_keys"] == ["***"] and caller["bearer_tokens"] == ["***"]
    assert state["demo"]["TURSO_TOKEN"] == "***"
    assert state["demo"]["RECOUP_ORG_ID"] == demo.ORG


def test_demo_is_the_seeds_demo_block_in_clear(client: httpx.Client) -> None:
    assert client.get("/__admin/demo").json() == demo.DEMO_VARIABLES
    client.put("/__admin/state", json=SMALL_SEED)
    assert client.get("/__admin/demo").json() == {"TURSO_ORG": "tiny"}
    client.put("/__admin/state", json={"recoup": {}})
    assert client.get("/__admin/demo").json() == {}


def test_loading_a_seed_replaces_the_state(client: httpx.Client) -> None:
    response = client.put("/__admin/state", json=SMALL_SEED)
    assert response.json() == {"status": "loaded"}
    assert recoup_delete(client).status_code == 401  # the demo key is gone
    assert recoup_delete(client, "small-key", demo.UNKNOWN_ORG).status_code == 200
    state = client.get("/__admin/state").json()
    assert [o["slug"] for o in state["turso"]["organizations"]] == ["tiny"]
    assert state["recoup"]["organizations"] == [{"id": demo.UNKNOWN_ORG, "name": "", "members": [demo.STRANGER]}]


def test_reset_after_a_state_load_goes_back_to_the_seed_the_stub_started_with(client: httpx.Client) -> None:
    client.put("/__admin/state", json=SMALL_SEED)
    assert client.post("/__admin/reset").json() == {"status": "reset"}
    assert client.get("/__admin/demo").json() == demo.DEMO_VARIABLES
    assert turso_delete(client).status_code == 200


def test_reset_after_a_seed_load_goes_back_to_that_seed(client: httpx.Client) -> None:
    assert client.put("/__admin/seed", json=SMALL_SEED).json() == {"status": "seed replaced; state reset to it"}
    assert client.get("/__admin/demo").json() == {"TURSO_ORG": "tiny"}  # the state is the new seed at once
    x = client.delete("/v1/organizations/tiny/members/x", headers=demo.bearer("solo-token"))
    assert x.status_code == 200
    client.post("/__admin/reset")
    again = client.delete("/v1/organizations/tiny/members/x", headers=demo.bearer("solo-token"))
    assert again.status_code == 200


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ({"recoup": {"accounts": [{"id": "nope"}]}}, "recoup.accounts[0].id: 'nope' is not a hyphenated UUID"),
        ({"turso": {"organizations": [{"slug": "o", "members": [{"username": "a", "role": "boss"}]}]}}, "role"),
        ({"demo": {"NOT_A_NAME": "x"}}, "demo: unknown field 'NOT_A_NAME'"),
        ({"recoup": {}, "extra": 1}, "the seed: unknown field 'extra'"),
    ],
)
def test_an_invalid_seed_is_400_and_the_state_is_unchanged(
    client: httpx.Client, seed: dict[str, Any], message: str
) -> None:
    turso_delete(client)  # a change the failed load must not undo
    before = client.get("/__admin/state").json()
    response = client.put("/__admin/state", json=seed)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error.startswith("invalid state, state unchanged: ") and message in error
    assert client.get("/__admin/state").json() == before
    client.post("/__admin/reset")
    assert turso_delete(client).status_code == 200  # the reset target is still the demo seed


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"[]", "application/json", 400),
        (b'"seed"', "application/json", 400),
        (b"null", "application/json", 400),
        (b"{not json", "application/json", 400),
        (b"", "application/json", 400),
        (b'{"recoup": []}', "application/json", 400),
        (b"{}", "text/plain", 415),
        (b"recoup: {}", "application/yaml", 415),
    ],
)
def test_a_body_that_is_not_a_seed_object_is_refused(
    client: httpx.Client, content: bytes, content_type: str, status: int
) -> None:
    before = client.get("/__admin/state").json()
    response = client.put("/__admin/state", content=content, headers={"content-type": content_type})
    assert response.status_code == status
    assert set(response.json()) == {"error"}
    assert client.get("/__admin/state").json() == before


def test_adding_a_recoup_membership_restores_a_member(client: httpx.Client, stub: BackgroundStub) -> None:
    recoup_delete(client)
    body = {"vendor": "recoup", "organization": demo.ORG, "member": demo.DISPOSABLE}
    assert client.post("/__admin/memberships", json=body).json() == {"status": "added", "changed": True}
    assert demo.DISPOSABLE in stub.store.state.recoup.organizations[demo.ORG].members


def test_adding_a_recoup_membership_grants_access(client: httpx.Client) -> None:
    assert recoup_delete(client, org=demo.FOREIGN_ORG).status_code == 403
    body = {"vendor": "recoup", "organization": demo.FOREIGN_ORG, "member": demo.CALLER}
    client.post("/__admin/memberships", json=body)
    assert recoup_delete(client, org=demo.FOREIGN_ORG).status_code == 200


def test_adding_a_turso_membership_defaults_to_member(client: httpx.Client, stub: BackgroundStub) -> None:
    body = {"vendor": "turso", "organization": "demo-org", "member": "carol"}
    assert client.post("/__admin/memberships", json=body).status_code == 200
    assert stub.store.state.turso.organizations["demo-org"].members["carol"] == "member"
    assert turso_delete(client, "carol").json() == {"member": "carol"}


def test_adding_a_turso_membership_with_a_role_grants_it(client: httpx.Client) -> None:
    viewer = {"authorization": f"Bearer {demo.VIEWER_TOKEN}"}
    assert client.delete("/v1/organizations/demo-org/members/bob", headers=viewer).status_code == 403
    body = {"vendor": "turso", "organization": "demo-org", "member": "demo-viewer", "role": "admin"}
    client.post("/__admin/memberships", json=body)
    assert client.delete("/v1/organizations/demo-org/members/bob", headers=viewer).status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"vendor": "recoup", "organization": demo.UNKNOWN_ORG, "member": demo.CALLER}, 404, "does not exist"),
        ({"vendor": "turso", "organization": "no-such-org", "member": "bob"}, 404, "does not exist"),
        ({"vendor": "recoup", "organization": "org", "member": demo.CALLER}, 400, "organization must be a valid UUID"),
        ({"vendor": "recoup", "organization": demo.ORG, "member": "m"}, 400, "member must be a valid UUID"),
        ({"vendor": "turso", "organization": "demo-org", "member": "a/b"}, 400, "without '/'"),
        ({"vendor": "turso", "organization": "demo-org", "member": "b", "role": "boss"}, 400, "boss"),
        ({"vendor": "github", "organization": "o", "member": "m"}, 400, "github"),
        ({"vendor": "turso", "organization": "demo-org"}, 400, "member"),
        ({"vendor": "turso", "organization": "demo-org", "member": "b", "extra": 1}, 400, "extra"),
        ({"vendor": "turso", "organization": 5, "member": "b"}, 400, "5"),
    ],
)
def test_bad_memberships_are_refused(
    client: httpx.Client, stub: BackgroundStub, body: dict[str, Any], status: int, message: str
) -> None:
    before = stub.store.state.to_document()
    response = client.post("/__admin/memberships", json=body)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert stub.store.state.to_document() == before


def test_the_journal_lists_requests_newest_first_with_credentials_masked(client: httpx.Client) -> None:
    recoup_delete(client)
    turso_delete(client)
    client.get("/nowhere")
    journal = client.get("/__admin/journal").json()
    assert journal["size"] == 1000
    requests = journal["requests"]
    assert [(r["method"], r["path"], r["status"]) for r in requests[:3]] == [
        ("GET", "/nowhere", 404),
        ("DELETE", "/v1/organizations/demo-org/members/bob", 200),
        ("DELETE", RECOUP, 200),
    ]
    assert requests[2]["query"] == f"organization_id={demo.ORG}&account_id={demo.DISPOSABLE}"
    assert requests[2]["credentials"] == ["x-api-key: ***"]
    assert requests[1]["credentials"] == ["authorization: ***"]
    assert requests[0]["credentials"] == []
    text = json.dumps(journal)
    for secret in demo.SECRETS:
        assert secret not in text


def test_the_journal_counts_and_limits(client: httpx.Client) -> None:
    before = client.get("/__admin/journal").json()["total"]
    for _ in range(4):
        recoup_delete(client)
    journal = client.get("/__admin/journal", params={"limit": 2}).json()
    assert journal["total"] == before + 5  # the first journal read and the four deletes
    assert len(journal["requests"]) == 2
    assert all(r["path"] == RECOUP for r in journal["requests"])


def test_clearing_the_journal_empties_it(client: httpx.Client) -> None:
    recoup_delete(client)
    assert client.delete("/__admin/journal").json() == {"status": "cleared"}
    requests = client.get("/__admin/journal").json()["requests"]
    assert [(r["method"], r["path"]) for r in requests] == [("DELETE", "/__admin/journal")]


@pytest.mark.parametrize("limit", ["0", "-1", "x", "10001"])
def test_a_bad_journal_limit_is_400(client: httpx.Client, limit: str) -> None:
    response = client.get("/__admin/journal", params={"limit": limit})
    assert response.status_code == 400
    assert set(response.json()) == {"error"}


def test_the_journal_is_bounded() -> None:
    with BackgroundStub(demo.demo_seed(), journal_size=3) as small, conformance.client(small.url) as client:
        for _ in range(5):
            client.get("/")
        journal = client.get("/__admin/journal").json()
    assert journal["size"] == 3
    assert journal["total"] == 5
    assert [r["path"] for r in journal["requests"]] == ["/", "/", "/"]


def test_unknown_control_paths_are_404_naming_every_operation(client: httpx.Client) -> None:
    response = client.get("/__admin/nope")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error.startswith(
        "no control operation at /__admin/nope; the control API has: GET /__admin, GET /__admin/demo"
    )
    spec = conformance.SPECS["admin"]["paths"]
    for path, item in spec.items():
        for method in item:
            assert f"{method.upper()} {path}" in error


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("abc", "query parameter limit: 'abc' is not of type 'integer'"),
        ("0", "query parameter limit: 0 is less than the minimum of 1"),
        ("10001", "query parameter limit: 10001 is greater than the maximum of 10000"),
    ],
)
def test_a_bad_journal_limit_is_one_line_naming_the_parameter(client: httpx.Client, limit: str, message: str) -> None:
    response = client.get("/__admin/journal", params={"limit": limit})
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert response.content.count(b"\n") == 1  # the newline that ends the body


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", "/__admin/reset", "POST"),
        ("HEAD", "/__admin/memberships", "POST"),
        ("POST", "/__admin", "GET, HEAD"),
        ("POST", "/__admin/state", "GET, HEAD, PUT"),
        ("OPTIONS", "/__admin/state", "GET, HEAD, PUT"),
        ("PUT", "/__admin/journal", "DELETE, GET, HEAD"),
        ("DELETE", "/__admin/memberships", "POST"),
    ],
)
def test_wrong_methods_on_control_paths_are_405_allowing_every_documented_method(
    client: httpx.Client, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    if method != "HEAD":
        assert set(response.json()) == {"error"}


@pytest.fixture(scope="module")
def guarded() -> Iterator[BackgroundStub]:
    with BackgroundStub(demo.demo_seed(), admin_token=ADMIN_SECRET) as running:
        yield running


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"authorization": "Bearer wrong"},
        {"authorization": f"Basic {ADMIN_SECRET}"},
        {"authorization": ADMIN_SECRET},
        {"x-api-key": ADMIN_SECRET},
        {"authorization": f"Bearer {ADMIN_SECRET}x"},
    ],
)
def test_with_an_admin_token_loopback_callers_need_it_too(guarded: BackgroundStub, headers: dict[str, str]) -> None:
    with conformance.client(guarded.url) as client:
        for response in (client.post("/__admin/reset", headers=headers), client.get("/__admin/demo", headers=headers)):
            assert response.status_code == 401
            assert response.headers["www-authenticate"] == 'Bearer realm="stub control API"'
            assert response.json() == {"error": "the control API needs 'Authorization: Bearer <admin token>'"}


def test_with_an_admin_token_its_bearer_is_served(guarded: BackgroundStub) -> None:
    with conformance.client(guarded.url, headers=demo.bearer(ADMIN_SECRET)) as client:
        assert client.get("/__admin").status_code == 200
        assert client.get("/__admin/demo").status_code == 200
        assert client.post("/__admin/reset").json() == {"status": "reset"}
        assert client.get("/__admin/journal").status_code == 200


def test_with_an_admin_token_the_vendor_apis_and_docs_need_no_admin_token(guarded: BackgroundStub) -> None:
    with conformance.client(guarded.url) as client:
        assert client.get("/").status_code == 200
        assert turso_delete(client, "outsider").status_code == 404
        assert recoup_delete(client, org=demo.FOREIGN_ORG).status_code == 403
