"""DELETE /v1/organizations/{organizationSlug}/members/{username} over real HTTP, checked against specs/turso.yaml."""

from __future__ import annotations

import httpx
import pytest

from mock_server.background import BackgroundStub
from tests.mock_server import demo
from tests.mock_server.web.conformance import check_response

OWNER = demo.bearer(demo.OWNER_TOKEN)


def delete(client: httpx.Client, username: str = "bob", org: str = "demo-org", **headers: str) -> httpx.Response:
    return client.delete(f"/v1/organizations/{org}/members/{username}", headers=headers or OWNER)


def roster(stub: BackgroundStub, org: str = "demo-org") -> dict[str, str]:
    return dict(stub.store.state.turso.organizations[org].members)


@pytest.mark.parametrize("token", [demo.OWNER_TOKEN, demo.ADMIN_TOKEN])
def test_an_owner_or_admin_removes_a_member(client: httpx.Client, stub: BackgroundStub, token: str) -> None:
    response = delete(client, **demo.bearer(token))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"member": "bob"}
    assert "bob" not in roster(stub)


def test_a_removal_persists_and_the_second_is_404(client: httpx.Client) -> None:
    assert delete(client).status_code == 200
    second = delete(client)
    assert second.status_code == 404
    assert second.json() == {"error": "user bob is not a member of org demo-org"}


def test_the_removal_shows_in_the_control_api_state(client: httpx.Client) -> None:
    delete(client)
    state = client.get("/__admin/state").json()
    org = next(o for o in state["turso"]["organizations"] if o["slug"] == "demo-org")
    assert "bob" not in [m["username"] for m in org["members"]]


def test_a_non_member_is_404_naming_user_and_org(client: httpx.Client) -> None:
    response = delete(client, "outsider")
    assert response.status_code == 404
    assert response.json() == {"error": "user outsider is not a member of org demo-org"}


def test_percent_encoded_names_are_decoded(client: httpx.Client, stub: BackgroundStub) -> None:
    response = client.delete("/v1/organizations/demo%2Dorg/members/%62ob", headers=OWNER)
    assert response.json() == {"member": "bob"}
    assert "bob" not in roster(stub)


def test_an_encoded_slash_stays_inside_the_username(client: httpx.Client) -> None:
    response = client.delete("/v1/organizations/demo-org/members/a%2Fb", headers=OWNER)
    assert response.status_code == 404
    assert response.json() == {"error": "user a/b is not a member of org demo-org"}


def test_a_non_ascii_username_comes_back_as_utf8_json(client: httpx.Client) -> None:
    response = client.delete("/v1/organizations/demo-org/members/j%C3%BCrgen", headers=OWNER)
    assert response.status_code == 404
    assert response.json() == {"error": "user jürgen is not a member of org demo-org"}


def test_invalid_utf8_in_the_path_is_a_plain_404(client: httpx.Client) -> None:
    response = client.delete("/v1/organizations/demo-org/members/%FF%FE", headers=OWNER)
    assert response.status_code == 404
    assert response.json()["error"].startswith("user ")


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "missing bearer token: send 'Authorization: Bearer <token>'"),
        (demo.bearer("nope"), "invalid or expired token"),
        ({"authorization": f"Basic {demo.OWNER_TOKEN}"}, "invalid or expired token"),
        ({"authorization": demo.OWNER_TOKEN}, "invalid or expired token"),
        ({"x-api-key": demo.OWNER_TOKEN}, "missing bearer token: send 'Authorization: Bearer <token>'"),
    ],
)
def test_a_missing_or_unknown_token_is_401(
    client: httpx.Client, stub: BackgroundStub, headers: dict[str, str], message: str
) -> None:
    response = client.delete("/v1/organizations/demo-org/members/bob", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": message}
    assert "bob" in roster(stub)


def test_two_authorization_headers_are_401(client: httpx.Client) -> None:
    headers = [("authorization", f"Bearer {demo.OWNER_TOKEN}"), ("authorization", f"Bearer {demo.OWNER_TOKEN}")]
    assert client.delete("/v1/organizations/demo-org/members/bob", headers=headers).status_code == 401


@pytest.mark.parametrize(
    ("token", "org"),
    [
        (demo.VIEWER_TOKEN, "demo-org"),
        (demo.OUTSIDER_TOKEN, "demo-org"),
        (demo.OWNER_TOKEN, "acme"),
        (demo.OWNER_TOKEN, "no-such-org"),
    ],
)
def test_a_caller_who_is_not_owner_or_admin_is_403(
    client: httpx.Client, stub: BackgroundStub, token: str, org: str
) -> None:
    response = delete(client, "outsider", org, **demo.bearer(token))
    assert response.status_code == 403
    assert response.json() == {"error": "only organization admins or owners can remove members"}
    assert roster(stub, "acme") == {"outsider": "owner"}


def test_order_is_401_then_403_then_404(client: httpx.Client) -> None:
    assert delete(client, "nobody", "no-such-org", **demo.bearer("nope")).status_code == 401
    assert delete(client, "nobody", **demo.bearer(demo.VIEWER_TOKEN)).status_code == 403
    assert delete(client, "nobody").status_code == 404


def test_self_removal_then_403(client: httpx.Client) -> None:
    assert delete(client, "demo-owner").json() == {"member": "demo-owner"}
    assert delete(client).status_code == 403


@pytest.mark.parametrize("method", ["POST", "PUT", "OPTIONS", "TRACE"])
def test_other_methods_are_405_with_allow(client: httpx.Client, stub: BackgroundStub, method: str) -> None:
    response = client.request(method, "/v1/organizations/demo-org/members/bob", headers=OWNER)
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET, HEAD, PATCH"
    assert set(response.json()) == {"error"}
    assert "bob" in roster(stub)


@pytest.mark.parametrize(
    "path",
    [
        "/v1",
        "/v1/",
        "/v1/organizations/",
        "/v1/organizations/demo-org/members/",
        "/v1/organizations//members/bob",
        "/v1/organizations/demo-org/members/bob/",
        "/v1/organizations/demo-org/members/bob/extra",
        "/v1/organisations/demo-org/members/bob",
        "/v2/organizations/demo-org/members/bob",
    ],
)
def test_paths_that_are_not_the_operation_are_404(client: httpx.Client, stub: BackgroundStub, path: str) -> None:
    response = client.delete(path, headers=OWNER)
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"error"} and "no route for" in body["error"]
    assert "bob" in roster(stub)


def test_unknown_path_with_a_wrong_method_is_404_not_405(client: httpx.Client) -> None:
    assert client.patch("/v1/organizations/demo-org/memberz").status_code == 404


def _response(status: int, body: bytes, path: str = "/v1/organizations/o/members/u") -> httpx.Response:
    request = httpx.Request("DELETE", f"http://127.0.0.1{path}")
    return httpx.Response(status, content=body, headers={"content-type": "application/json"}, request=request)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, b'{"member": 123}\n'),
        (200, b"{}\n"),
        (200, b'{"status": "success"}\n'),
        (404, b'{"message": "not found"}\n'),
        (405, b'{"error": "x"}\n'),  # no Allow header
        (500, b'{"error": "boom"}\n'),
        (401, b"not json\n"),
        (200, b'{"member": "u"}'),  # no newline at the end
    ],
)
def test_the_conformance_check_catches_what_the_spec_forbids(status: int, body: bytes) -> None:
    with pytest.raises(AssertionError):
        check_response(_response(status, body))


def test_the_conformance_check_passes_the_real_shapes() -> None:
    check_response(_response(200, b'{"member": "u"}\n'))
    check_response(_response(404, b'{"error": "user u is not a member of org o"}\n'))
    with pytest.raises(AssertionError, match="problem"):
        response = _response(401, b'{"error": "x"}')
        response.headers["content-type"] = "application/problem+json"
        check_response(response)
