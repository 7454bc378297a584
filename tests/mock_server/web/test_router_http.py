"""Routing: unknown paths are 404 and wrong methods 405 with Allow, each in the shape of whoever owns the path."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import httpx
import pytest

from mock_server.background import BackgroundStub
from tests.mock_server import demo
from tests.mock_server.web.conformance import check_response

TURSO_OPERATION = "/v1/organizations/demo-org/members/bob"
RECOUP_OPERATION = "/api/organizations/members"


@pytest.mark.parametrize(
    ("method", "path", "status", "shape", "allow"),
    [
        # Recoup's prefix: its error envelope
        ("DELETE", "/api", 404, "recoup", None),
        ("GET", "/api/", 404, "recoup", None),
        ("DELETE", "/api/organizations", 405, "recoup", "GET, HEAD"),
        ("GET", "/api/accounts", 404, "recoup", None),
        ("DELETE", "/api/organizations/members/", 404, "recoup", None),
        ("POST", "/api/organizations/members/x", 404, "recoup", None),
        ("GET", RECOUP_OPERATION, 405, "recoup", "DELETE, POST"),
        ("TRACE", RECOUP_OPERATION, 405, "recoup", "DELETE, POST"),
        ("POST", "/api/accounts/id", 405, "recoup", "GET, HEAD"),
        # Turso's prefix: {"error": ...}
        ("DELETE", "/v1", 404, "turso", None),
        ("GET", "/v1/organizations/demo-org/databases", 404, "turso", None),
        ("GET", "/v1/current-user", 404, "turso", None),
        ("PUT", TURSO_OPERATION, 405, "turso", "DELETE, GET, HEAD, PATCH"),
        ("TRACE", TURSO_OPERATION, 405, "turso", "DELETE, GET, HEAD, PATCH"),
        ("DELETE", "/v1/organizations/demo-org/members", 405, "turso", "GET, HEAD, POST"),
        ("POST", "/v1/organizations", 405, "turso", "GET, HEAD"),
        # everything else: the stub's own {"error": ...}
        ("GET", "/nope", 404, "stub", None),
        ("DELETE", "/organizations/members", 404, "stub", None),
        ("GET", "/v1x", 404, "stub", None),
        ("GET", "/apiary", 404, "stub", None),
        ("GET", "/__adminx", 404, "stub", None),
        ("PUT", "/", 405, "stub", "GET, HEAD"),
    ],
)
def test_unknown_paths_and_wrong_methods(
    client: httpx.Client, method: str, path: str, status: int, shape: str, allow: str | None
) -> None:
    response = client.request(method, path, headers=demo.bearer(demo.OWNER_TOKEN))
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.headers.get("allow") == allow
    body = response.json()
    if shape == "recoup":
        assert set(body) == {"status", "error"} and body["status"] == "error"
    else:
        assert set(body) == {"error"}
    assert path.split("?")[0] in body["error"] or method in body["error"]


def raw_request(
    stub: BackgroundStub, method: str, target: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    """Send `target` byte for byte (httpx would normalise it) and check the answer like any other."""
    address = urlsplit(stub.url)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=10)
    try:
        connection.request(method, target, headers=headers or {})
        answer = connection.getresponse()
        response = httpx.Response(
            answer.status,
            headers=answer.getheaders(),
            content=answer.read(),
            request=httpx.Request(method, target if target.startswith("http") else stub.url + target),
        )
    finally:
        connection.close()
    check_response(response)
    return response


@pytest.mark.parametrize(
    "target",
    [
        "/v1/organizations/%ZZ/members/%",
        "/v1/organizations/demo-org/members/%C3",
        "/v1/organizations/demo-org/members/bob%00",
        "/api/organizations/members?organization_id=%ZZ&account_id=%",
        "/api/organizations/members?&&=&==&organization_id",
        "/api/organizations/members?" + "organization_id=x&" * 500,
        "/%ZZ",
        "/v1/" + "a/" * 500,
    ],
)
def test_odd_targets_get_json_answers_not_server_errors(
    client: httpx.Client, stub: BackgroundStub, target: str
) -> None:
    response = raw_request(stub, "DELETE", target, demo.bearer(demo.OWNER_TOKEN))
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"] == "application/json"


def test_an_absolute_form_target_is_routed_by_its_path(client: httpx.Client, stub: BackgroundStub) -> None:
    response = raw_request(stub, "DELETE", f"{stub.url}{TURSO_OPERATION}", demo.bearer(demo.OWNER_TOKEN))
    assert response.json() == {"member": "bob"}


def test_every_answer_is_journaled_with_its_status(client: httpx.Client) -> None:
    client.get("/nope")
    client.get(RECOUP_OPERATION)
    client.delete("/v1/x")
    latest = client.get("/__admin/journal", params={"limit": 3}).json()["requests"]
    assert [(r["path"], r["status"]) for r in latest] == [("/v1/x", 404), (RECOUP_OPERATION, 405), ("/nope", 404)]
