"""CORS over real HTTP: preflights from any origin, Access-Control-Allow-Origin on answers, and turning it off."""

from __future__ import annotations

import httpx
import pytest

from mock_server.background import BackgroundStub
from tests.mock_server import demo
from tests.mock_server.web import conformance
from tests.mock_server.web.remote import from_afar

TURSO_BOB = "/v1/organizations/demo-org/members/bob"
RECOUP_MEMBERS = "/api/organizations/members"
VENDOR_HEADERS = {"x-api-key", "authorization", "content-type", "x-stub-session"}
CONTROL_HEADERS = {"authorization", "content-type", "x-stub-session"}  # authorization carries the admin token


def preflight(client: httpx.Client, path: str, method: str, origin: str = "https://app.example.org") -> httpx.Response:
    headers = {
        "origin": origin,
        "access-control-request-method": method,
        "access-control-request-headers": "authorization, content-type",
    }
    return client.options(path, headers=headers)


@pytest.mark.parametrize(
    ("path", "method", "allowed"),
    [
        (TURSO_BOB, "DELETE", "DELETE, GET, HEAD, PATCH"),
        ("/v1/organizations/demo-org/members", "POST", "GET, HEAD, POST"),
        (RECOUP_MEMBERS, "DELETE", "DELETE, POST"),
        ("/api/organizations", "GET", "GET, HEAD"),
    ],
)
def test_a_preflight_from_any_origin_is_204_with_the_routes_methods(
    client: httpx.Client, path: str, method: str, allowed: str
) -> None:
    for origin in ("https://app.example.org", "http://localhost:3000", "null"):
        response = preflight(client, path, method, origin)
        assert response.status_code == 204 and response.content == b""
        assert response.headers["access-control-allow-origin"] == "*"
        assert response.headers["access-control-allow-methods"] == allowed
        sent = {h.strip() for h in response.headers["access-control-allow-headers"].split(",")}
        assert sent == VENDOR_HEADERS


def test_a_preflight_changes_nothing_and_reaches_no_rule(client: httpx.Client) -> None:
    assert preflight(client, TURSO_BOB, "DELETE").status_code == 204
    assert client.delete(TURSO_BOB, headers=demo.bearer(demo.OWNER_TOKEN)).status_code == 200


def test_a_plain_options_is_still_a_405(client: httpx.Client) -> None:
    response = client.options(TURSO_BOB)
    assert response.status_code == 405 and response.headers["allow"] == "DELETE, GET, HEAD, PATCH"


def test_every_vendor_and_site_answer_allows_any_origin(client: httpx.Client) -> None:
    answers = [
        client.delete(TURSO_BOB, headers=demo.bearer(demo.OWNER_TOKEN)),  # 200
        client.delete(TURSO_BOB, headers=demo.bearer(demo.OWNER_TOKEN)),  # 404
        client.delete(TURSO_BOB),  # 401
        client.put(TURSO_BOB),  # 405
        client.get("/v1/nothing"),  # 404
        client.get("/api/organizations", headers={"x-api-key": demo.API_KEY}),  # 200
        client.get("/"),
        client.get("/docs/turso.json"),
        client.get("/nowhere"),
    ]
    assert [r.headers.get("access-control-allow-origin") for r in answers] == ["*"] * len(answers)


@pytest.mark.parametrize(
    ("path", "method"), [("/__admin/state", "PUT"), ("/__admin/faults", "POST"), ("/__admin/sessions/w1", "DELETE")]
)
def test_a_control_api_preflight_from_any_origin_is_204(client: httpx.Client, path: str, method: str) -> None:
    for origin in ("https://app.example.org", "http://localhost:5173", "null"):
        response = preflight(client, path, method, origin)
        assert response.status_code == 204 and response.content == b""
        assert response.headers["access-control-allow-origin"] == "*"
        assert method in {m.strip() for m in response.headers["access-control-allow-methods"].split(",")}
        sent = {h.strip() for h in response.headers["access-control-allow-headers"].split(",")}
        assert sent == CONTROL_HEADERS


def test_every_control_api_answer_allows_any_origin(client: httpx.Client) -> None:
    answers = [
        client.get("/__admin/state"),  # 200
        client.post("/__admin/reset", params={"session": "w1"}),  # 200
        client.get("/__admin/state", params={"secrets": "all"}),  # 400
        client.delete("/__admin/snapshots/none"),  # 404
        client.get("/__admin/nothing"),  # 404 from the control app's own routing
    ]
    assert [r.status_code for r in answers] == [200, 200, 400, 404, 404]
    assert [r.headers.get("access-control-allow-origin") for r in answers] == ["*"] * len(answers)


def test_a_control_api_preflight_needs_no_admin_token_but_the_request_does() -> None:
    token = "cors-adm1n-token"
    with BackgroundStub(demo.demo_seed(), admin_token=token) as stub, conformance.client(stub.url) as client:
        response = preflight(client, "/__admin/faults", "POST")
        assert response.status_code == 204 and response.headers["access-control-allow-origin"] == "*"
        refused = client.post("/__admin/faults", json={"operation": "tursoRemoveOrganizationMember", "status": 503})
        assert refused.status_code == 401 and refused.headers["access-control-allow-origin"] == "*"
        allowed = client.get("/__admin/faults", headers={"authorization": f"Bearer {token}"})
        assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == "*"
        assert allowed.json() == {"faults": []}  # the refused request added nothing


def test_a_caller_off_loopback_gets_the_preflight_and_a_403_it_can_read() -> None:
    with BackgroundStub(demo.demo_seed(), wrap=from_afar) as stub, conformance.client(stub.url) as client:
        assert preflight(client, "/__admin/reset", "POST").status_code == 204
        refused = client.post("/__admin/reset")
        assert refused.status_code == 403 and refused.headers["access-control-allow-origin"] == "*"


def test_cors_can_be_turned_off() -> None:
    with BackgroundStub(demo.demo_seed(), cors=False) as stub, conformance.client(stub.url) as client:
        response = preflight(client, TURSO_BOB, "DELETE")
        assert response.status_code == 405
        assert "access-control-allow-origin" not in response.headers
        assert (
            "access-control-allow-origin" not in client.get("/v1/user", headers=demo.bearer(demo.OWNER_TOKEN)).headers
        )
        assert "access-control-allow-origin" not in client.get("/").headers
        assert preflight(client, "/__admin/state", "PUT").status_code != 204
        assert "access-control-allow-origin" not in client.get("/__admin/state").headers
