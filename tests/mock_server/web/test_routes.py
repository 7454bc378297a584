"""The route table compiled from specs/: operations bound by name, a missing handler stops the start."""

from __future__ import annotations

import shutil
import types
from pathlib import Path

import httpx
import pytest
import yaml

from mock_server.core.store import Store
from mock_server.specs import SPECS_DIR, load_spec
from mock_server.web.app import create_app
from mock_server.web.routes import HTTP_METHODS, Call, RouteError, compile_routes, handler_name
from mock_server.web.vendors import turso
from tests.mock_server import demo

EXAMPLE_VALUES = {"organizationSlug": "demo-org", "username": "bob"}


@pytest.mark.parametrize(
    ("operation_id", "name"),
    [
        ("tursoValidateAPIToken", "validate_api_token"),
        ("tursoUpdateMemberRole", "update_member_role"),
        ("recoupGetAccountId", "get_account_id"),
        ("tursoListOrganizationMembers", "list_organization_members"),
    ],
)
def test_handler_names_follow_the_operation_id(operation_id: str, name: str) -> None:
    assert handler_name(operation_id, operation_id[:5] if operation_id.startswith("turso") else "recoup") == name


def write_spec(tmp_path: Path, paths: dict[str, object]) -> Path:
    spec = tmp_path / "x.yaml"
    spec.write_text(
        yaml.safe_dump({"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": paths}, sort_keys=False)
    )
    return spec


def answer(name: str) -> object:
    def handler(store: Store, call: Call) -> tuple[int, bytes]:
        return 200, f"{name} {dict(call.params)}".encode()

    return handler


def test_a_spec_operation_without_a_handler_is_refused_naming_it(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, {"/a/{id}": {"get": {"operationId": "xGetA", "responses": {}}}})
    with pytest.raises(RouteError) as caught:
        compile_routes(spec, types.ModuleType("descriptor"), "x")
    assert str(caught.value) == "x.yaml: GET /a/{id} (xGetA) has no handler: define get_a(store, call) in descriptor"


def test_an_operation_without_an_operation_id_is_refused(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, {"/a": {"post": {"responses": {}}}})
    with pytest.raises(RouteError, match=r"^x.yaml: POST /a has no operationId"):
        compile_routes(spec, types.ModuleType("descriptor"), "x")


def test_a_literal_path_wins_over_a_template_and_parameters_are_never_empty(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path,
        {
            "/a/{id}": {"get": {"operationId": "xGetA", "responses": {}}},
            "/a/b": {
                "get": {"operationId": "xGetB", "responses": {}},
                "put": {"operationId": "xPutB", "responses": {}},
            },
        },
    )
    descriptor = types.ModuleType("descriptor")
    for name in ("get_a", "get_b", "put_b"):
        setattr(descriptor, name, answer(name))
    routes = compile_routes(spec, descriptor, "x")

    def match(path: str) -> tuple[str, dict[str, str]] | None:
        found = routes.match(path.encode(), lambda: path.split("/"))
        return (found[0].template, found[1]) if found else None

    assert match("/a/b") == ("/a/b", {})
    assert match("/a/c") == ("/a/{id}", {"id": "c"})
    assert match("/a/") is None
    assert match("/a/b/c") is None
    assert routes.literal[b"/a/b"].allow == b"GET, HEAD, PUT"
    assert [f"{op.method} {op.template}" for op in routes.operations] == ["GET /a/{id}", "GET /a/b", "PUT /a/b"]


def test_the_stub_does_not_start_when_a_vendor_operation_has_no_handler(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(SPECS_DIR, specs)
    doc = load_spec(specs / "turso.yaml")
    doc["paths"]["/v1/organizations/{organizationSlug}/invites"] = {
        "get": {"operationId": "tursoListOrganizationInvites", "responses": {"200": {"description": "ok"}}}
    }
    (specs / "turso.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    with pytest.raises(RouteError) as caught:
        create_app(Store(demo.demo_seed()), specs_dir=specs)
    message = str(caught.value)
    assert "\n" not in message
    assert message == (
        "turso.yaml: GET /v1/organizations/{organizationSlug}/invites (tursoListOrganizationInvites) has no handler: "
        f"define list_organization_invites(store, call) in {turso.__name__}"
    )


def concrete(template: str) -> str:
    for name, value in EXAMPLE_VALUES.items():
        template = template.replace("{" + name + "}", value)
    return template


SPEC_PATHS = [
    (vendor, template)
    for vendor in ("recoup", "turso")
    for template in load_spec(SPECS_DIR / f"{vendor}.yaml")["paths"]
]


@pytest.mark.parametrize(("vendor", "template"), SPEC_PATHS, ids=lambda v: str(v))
def test_a_method_is_served_exactly_when_the_contract_has_it(client: httpx.Client, vendor: str, template: str) -> None:
    documented = {m.upper() for m in load_spec(SPECS_DIR / f"{vendor}.yaml")["paths"][template] if m in HTTP_METHODS}
    if "GET" in documented:
        documented.add("HEAD")
    path = concrete(template)
    for method in sorted({m.upper() for m in HTTP_METHODS}):
        response = client.request(method, path)  # no credentials: nothing changes
        if method in documented:
            assert response.status_code not in (404, 405), (method, path, response.text)
        else:
            assert response.status_code == 405, (method, path)
            assert response.headers["allow"] == ", ".join(sorted(documented))
