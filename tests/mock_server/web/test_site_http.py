"""GET / (the index) and /docs/ (Swagger UI over both vendor specs and the control API)."""

from __future__ import annotations

import httpx
import pytest

from mock_server.specs import SPECS_DIR, load_spec, operation_ids, spec_problems


def test_the_index_lists_what_the_stub_serves(client: httpx.Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    index = response.json()
    assert index["apis"]["recoup"]["operations"] == [
        "GET /api/accounts/id",
        "GET /api/organizations",
        "POST /api/organizations/members",
        "DELETE /api/organizations/members",
    ]
    assert index["apis"]["turso"]["operations"] == [
        "GET /v1/auth/validate",
        "GET /v1/user",
        "GET /v1/organizations",
        "GET /v1/organizations/{organizationSlug}",
        "GET /v1/organizations/{organizationSlug}/members",
        "POST /v1/organizations/{organizationSlug}/members",
        "GET /v1/organizations/{organizationSlug}/members/{username}",
        "PATCH /v1/organizations/{organizationSlug}/members/{username}",
        "DELETE /v1/organizations/{organizationSlug}/members/{username}",
    ]
    assert index["docs"] == "/docs/"
    assert index["control"]["base"] == "/__admin"


def test_head_on_the_index_has_no_body(client: httpx.Client) -> None:
    response = client.head("/")
    assert (response.status_code, response.content) == (200, b"")


@pytest.mark.parametrize("path", ["/docs/", "/docs"])
def test_the_docs_page_is_swagger_ui_over_both_vendor_specs(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "SwaggerUIBundle(" in page
    for name in ("recoup", "turso", "admin"):
        assert f'"url": "/docs/{name}.json"' in page


@pytest.mark.parametrize(
    ("name", "path", "version"),
    [
        ("recoup", "/api/organizations/members", "3.1.0"),
        ("turso", "/v1/organizations/{organizationSlug}/members/{username}", "3.0.1"),
        ("admin", "/__admin/state", "3.0.3"),
    ],
)
def test_each_spec_is_served_as_json_pointing_at_the_stub(
    client: httpx.Client, name: str, path: str, version: str
) -> None:
    response = client.get(f"/docs/{name}.json")
    assert response.headers["content-type"] == "application/json"
    spec = response.json()
    assert spec["openapi"] == version
    assert path in spec["paths"]
    assert spec["servers"] == [{"url": "/", "description": "this stub"}]


@pytest.mark.parametrize("name", ["recoup", "turso", "admin"])
def test_each_docs_spec_is_the_contract_as_it_is_but_for_its_server(client: httpx.Client, name: str) -> None:
    shown = client.get(f"/docs/{name}.json").json()
    contract = load_spec(SPECS_DIR / f"{name}.yaml")
    assert {k: v for k, v in shown.items() if k != "servers"} == {k: v for k, v in contract.items() if k != "servers"}
    assert spec_problems(shown) == []


@pytest.mark.parametrize(
    ("asset", "content_type"),
    [
        ("swagger-ui-bundle.js", "application/javascript"),
        ("swagger-ui-standalone-preset.js", "application/javascript"),
        ("swagger-ui.css", "text/css"),
        ("favicon-32x32.png", "image/png"),
    ],
)
def test_the_swagger_ui_assets_are_served(client: httpx.Client, asset: str, content_type: str) -> None:
    response = client.get(f"/docs/{asset}")
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert len(response.content) > 1000
    assert client.get(f"/docs/{asset}").content == response.content  # cached copy, same bytes


@pytest.mark.parametrize(
    "path",
    ["/docs/nope.js", "/docs/../mock_server/__init__.py", "/docs/%2e%2e/README.md", "/docs/swagger-editor-bundle.js"],
)
def test_unknown_docs_files_are_404_json(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert set(response.json()) == {"error"}


@pytest.mark.parametrize(("method", "path"), [("POST", "/"), ("DELETE", "/docs/"), ("PUT", "/docs/recoup.json")])
def test_the_site_answers_get_and_head_only(client: httpx.Client, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert method in response.json()["error"]


@pytest.mark.parametrize("name", ["recoup", "turso"])
def test_the_docs_show_every_operation_of_the_contract(client: httpx.Client, name: str) -> None:
    shown = client.get(f"/docs/{name}.json").json()
    contract = load_spec(SPECS_DIR / f"{name}.yaml")
    assert operation_ids(shown) == operation_ids(contract)
    assert len(operation_ids(shown)) == {"recoup": 4, "turso": 9}[name]


def test_the_bundled_swagger_ui_is_5x_which_renders_openapi_31(client: httpx.Client) -> None:
    bundle = client.get("/docs/swagger-ui-bundle.js").text
    assert 'PACKAGE_VERSION:"5.' in bundle
