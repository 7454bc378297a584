"""CORS over real HTTP: preflights from any origin, Access-Control-Allow-Origin on answers, and turning it off."""

from __future__ import annotations

import httpx
import pytest

from mock_server.background import BackgroundStub
from tests.mock_server import demo
from tests.mock_server.web import conformance

TURSO_BOB = "/v1/organizations/demo-org/members/bob"
RECOUP_MEMBERS = "/api/organizations/members"
VENDOR_HEADERS = {"x-api-key", "authorization", "content-type", "x-stub-session"}


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


def test_the_control_api_gets_no_cors(client: httpx.Client) -> None:
    assert "access-control-allow-origin" not in client.get("/__admin/state").headers
    assert preflight(client, "/__admin/state", "PUT").status_code == 405


def test_cors_can_be_turned_off() -> None:
    with BackgroundStub(demo.demo_seed(), cors=False) as stub, conformance.client(stub.url) as client:
        response = preflight(client, TURSO_BOB, "DELETE")
        assert response.status_code == 405
        assert "access-control-allow-origin" not in response.headers
        assert (
            "access-control-allow-origin" not in client.get("/v1/user", headers=demo.bearer(demo.OWNER_TOKEN)).headers
        )
        assert "access-control-allow-origin" not in client.get("/").headers
