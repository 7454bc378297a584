"""mock_server.specs: the published Turso text is refused, our corrected specs pass."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from mock_server.core.recoup import EXACTLY_ONE
from mock_server.specs import SPECS_DIR, VENDOR_SPECS, json_path, load_spec, main, operation_ids, spec_problems
from tests.mock_server.web.conformance import inline

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MEMBER = (
    "$.paths['/v1/organizations/{organizationSlug}/members/{username}'].delete"
    ".responses['200'].content['application/json'].schema.properties.member"
)


def published_turso_yaml() -> str:
    """The ````yaml block of the Turso docs page, kept byte for byte in tests/fixtures/turso_published.txt."""
    lines = (FIXTURES / "turso_published.txt").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("````yaml"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i] == "````")
    return "\n".join(lines[start + 1 : end]) + "\n"


def test_the_fixture_is_the_published_page() -> None:
    text = (FIXTURES / "turso_published.txt").read_text(encoding="utf-8")
    assert text.startswith("# Source: https://docs.turso.tech/api-reference/organizations/members/remove.md\n")
    assert "member: f7e1a190-3daf-4f9d-a74e-c843e6c24598" in published_turso_yaml()


def test_the_published_turso_spec_is_refused_at_properties_member() -> None:
    problems = spec_problems(yaml.safe_load(published_turso_yaml()))
    assert problems, "the published Turso text passed the spec check"
    assert any(p.startswith(f"{MEMBER}: ") for p in problems), problems
    assert all(".properties.member" in p for p in problems), problems


def test_the_check_names_the_location_of_a_problem_in_a_31_document() -> None:
    doc = load_spec(VENDOR_SPECS["recoup"])
    doc["paths"]["/api/organizations/members"]["delete"]["parameters"][0]["in"] = "body"
    problems = spec_problems(doc)
    assert any(p.startswith("$.paths['/api/organizations/members'].delete.parameters[0]") for p in problems), problems


@pytest.mark.parametrize("doc", [None, [], "openapi: 3.0.0", {"swagger": "2.0"}, {"openapi": 3.0}])
def test_something_that_is_not_openapi_3_is_one_problem(doc: Any) -> None:
    assert spec_problems(doc) == ["(root): not an OpenAPI 3 document (no 'openapi' version string)"]


@pytest.mark.parametrize("path", sorted(SPECS_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_our_specs_are_valid(path: Path) -> None:
    assert spec_problems(load_spec(path)) == []


def test_the_specs_we_check_include_both_vendors_and_the_control_api() -> None:
    assert {p.name for p in SPECS_DIR.glob("*.yaml")} >= {"recoup.yaml", "turso.yaml", "admin.yaml"}


def test_operation_ids_are_unique_across_both_vendors() -> None:
    ids = operation_ids(load_spec(VENDOR_SPECS["recoup"]), load_spec(VENDOR_SPECS["turso"]))
    assert sorted(ids) == [
        "recoupAddOrganizationMember",
        "recoupGetAccountId",
        "recoupListOrganizations",
        "recoupRemoveOrganizationMember",
        "tursoAddOrganizationMember",
        "tursoGetCurrentUser",
        "tursoGetOrganization",
        "tursoGetOrganizationMember",
        "tursoListOrganizationMembers",
        "tursoListOrganizations",
        "tursoRemoveOrganizationMember",
        "tursoUpdateMemberRole",
        "tursoValidateAPIToken",
    ]
    everything = operation_ids(*(load_spec(p) for p in SPECS_DIR.glob("*.yaml")))
    assert len(everything) == len(set(everything))


def test_json_path_quotes_what_is_not_an_identifier() -> None:
    assert json_path(["paths", "/v1/x", "delete", "responses", "200", "x-y", 0]) == (
        "$.paths['/v1/x'].delete.responses['200']['x-y'][0]"
    )


def test_the_command_passes_our_specs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert capsys.readouterr().out.startswith("specs ok: ")


def test_the_command_fails_on_the_published_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    published = tmp_path / "turso_published.yaml"
    published.write_text(published_turso_yaml(), encoding="utf-8")
    assert main([str(published)]) == 1
    assert f"{published}: {MEMBER}: " in capsys.readouterr().out


def test_the_command_fails_on_a_duplicate_operation_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "copy.yaml"
    copy.write_text(VENDOR_SPECS["turso"].read_text(encoding="utf-8"), encoding="utf-8")
    assert main([str(VENDOR_SPECS["turso"]), str(copy)]) == 1
    assert "operationId 'tursoRemoveOrganizationMember' is used more than once" in capsys.readouterr().out


# The member-lifecycle operations as each vendor publishes them (tests/fixtures/*_lifecycle_published.md).
_WHERE = re.compile(r'`paths\["([^"]+)"\]\.(\w+)`')


def published(vendor: str) -> dict[str, Any]:
    """The published fragments of one vendor assembled into one OpenAPI document, each block as published."""
    text = (FIXTURES / f"{vendor}_lifecycle_published.md").read_text(encoding="utf-8")
    doc: dict[str, Any] = {"openapi": "3.0.1" if vendor == "turso" else "3.1.0", "info": {}, "paths": {}}
    doc["info"] = {"title": f"{vendor} (published)", "version": "published"}
    components: dict[str, Any] = {}
    for heading, block in re.findall(r"^(\S[^\n]*)\n\n```json\n(.*?)\n```$", text, flags=re.M | re.S):
        fragment = json.loads(block)
        found = _WHERE.search(heading)
        if found:
            doc["paths"].setdefault(found[1], {})[found[2]] = fragment
        elif "servers" in fragment:
            doc["servers"] = fragment["servers"]
            components["securitySchemes"] = fragment["components.securitySchemes"]
        elif "organizationSlug" in fragment:
            components["parameters"] = fragment
        else:
            components.setdefault("schemas", {}).update(fragment)
    doc["components"] = components
    return doc


def schema_at(doc: dict[str, Any], *parts: str) -> dict[str, Any]:
    node: Any = doc
    for part in parts:
        node = node[part]
    return inline(node, doc)  # type: ignore[no-any-return]


def accepts(doc: dict[str, Any], schema: dict[str, Any], value: Any) -> bool:
    cls = jsonschema.Draft202012Validator if doc["openapi"].startswith("3.1") else jsonschema.Draft4Validator
    return cls(schema).is_valid(value)


TURSO_OPERATIONS = [
    ("/v1/auth/validate", "get"),
    ("/v1/user", "get"),
    ("/v1/organizations", "get"),
    ("/v1/organizations/{organizationSlug}", "get"),
    ("/v1/organizations/{organizationSlug}/members", "get"),
    ("/v1/organizations/{organizationSlug}/members", "post"),
    ("/v1/organizations/{organizationSlug}/members/{username}", "get"),
    ("/v1/organizations/{organizationSlug}/members/{username}", "patch"),
    ("/v1/organizations/{organizationSlug}/members/{username}", "delete"),
]
RECOUP_OPERATIONS = [
    ("/api/accounts/id", "get"),
    ("/api/organizations", "get"),
    ("/api/organizations/members", "post"),
    ("/api/organizations/members", "delete"),
]
ADD_BODY = ("requestBody", "content", "application/json", "schema")


def test_the_fixtures_hold_every_published_operation_we_serve() -> None:
    for vendor, operations in (("turso", TURSO_OPERATIONS), ("recoup", RECOUP_OPERATIONS)):
        doc = published(vendor)
        assert sorted((p, m) for p, item in doc["paths"].items() for m in item) == sorted(operations)
        ours = load_spec(VENDOR_SPECS[vendor])
        assert sorted((p, m) for p, item in ours["paths"].items() for m in item) == sorted(operations)


def test_the_published_turso_operations_are_refused_for_no_security_and_add_requiring_email() -> None:
    problems = spec_problems(published("turso"))
    for path, method in TURSO_OPERATIONS:
        where = json_path(["paths", path, method])
        assert any(p.startswith(f"{where}: no security requirement") for p in problems), (where, problems)
    add = json_path(["paths", "/v1/organizations/{organizationSlug}/members", "post", *ADD_BODY, "required"])
    assert f"{add}: 'email' is required but is not one of the properties (username, role)" in problems
    assert len(problems) == len(TURSO_OPERATIONS) + 1, problems


def test_the_published_turso_add_body_refuses_what_clients_send_and_ours_does_not() -> None:
    theirs, ours = published("turso"), load_spec(VENDOR_SPECS["turso"])
    path = ("paths", "/v1/organizations/{organizationSlug}/members", "post", *ADD_BODY)
    for doc, sent, missing_username in ((theirs, False, True), (ours, True, False)):
        schema = schema_at(doc, *path)
        assert accepts(doc, schema, {"username": "iku", "role": "member"}) is sent
        assert accepts(doc, schema, {"email": "x"}) is missing_username
        assert not accepts(doc, schema, {"username": "iku", "role": "owner"})


def test_the_published_recoup_operations_are_refused_for_no_operation_id_and_nullable() -> None:
    problems = spec_problems(published("recoup"))
    for path, method in RECOUP_OPERATIONS:
        where = json_path(["paths", path, method])
        assert f"{where}: no operationId (tools and reports cannot name the operation)" in problems
    image = "$.components.schemas.Organization.properties.organization_image.nullable"
    assert any(p.startswith(f"{image}: `nullable` is OpenAPI 3.0") for p in problems), problems
    assert len(problems) == len(RECOUP_OPERATIONS) + 1, problems


# Bodies the real Recoup server sends (recoupable/api, quoted in the research notes), by operation and status.
MEMBERSHIP = {
    "id": "11111111-1111-4111-8111-111111111111",
    "organization_id": "22222222-2222-4222-8222-222222222222",
    "organization_name": None,
    "organization_image": None,
}
RECOUP_SERVER_BODIES = [
    ("/api/organizations", "get", "200", {"status": "success", "organizations": [MEMBERSHIP]}),
    ("/api/organizations", "get", "400", {"status": "error", "error": "account_id must be a valid UUID"}),
    ("/api/organizations", "get", "401", {"status": "error", "error": EXACTLY_ONE}),
    ("/api/organizations", "get", "403", {"status": "error", "error": "Access denied to specified account_id"}),
]


@pytest.mark.parametrize(("path", "method", "status", "body"), RECOUP_SERVER_BODIES, ids=lambda v: str(v)[:20])
def test_recoup_envelopes_the_server_sends_break_the_published_schema_and_fit_ours(
    path: str, method: str, status: str, body: dict[str, Any]
) -> None:
    where = ("paths", path, method, "responses", status, "content", "application/json", "schema")
    theirs, ours = published("recoup"), load_spec(VENDOR_SPECS["recoup"])
    assert not accepts(theirs, schema_at(theirs, *where), body)
    assert accepts(ours, schema_at(ours, *where), body)


def test_the_published_recoup_add_body_does_not_say_exactly_one_of_account_id_or_email_and_ours_does() -> None:
    org, account = "22222222-2222-4222-8222-222222222222", "11111111-1111-4111-8111-111111111111"
    theirs, ours = published("recoup"), load_spec(VENDOR_SPECS["recoup"])
    path = ("paths", "/api/organizations/members", "post", *ADD_BODY)
    for body in ({"organizationId": org}, {"organizationId": org, "accountId": account, "email": "a@b.co"}):
        assert accepts(theirs, schema_at(theirs, *path), body)
        assert not accepts(ours, schema_at(ours, *path), body)
    for body in ({"organizationId": org, "accountId": account}, {"organizationId": org, "email": "a@b.co"}):
        assert accepts(ours, schema_at(ours, *path), body)


def test_the_account_id_401_keeps_message_as_published_and_the_server_sends() -> None:
    ours = load_spec(VENDOR_SPECS["recoup"])
    where = ("paths", "/api/accounts/id", "get", "responses", "401", "content", "application/json", "schema")
    assert accepts(ours, schema_at(ours, *where), {"status": "error", "message": EXACTLY_ONE})


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["paths"]["/v1/user"]["get"].pop("operationId"), "$.paths['/v1/user'].get: no operationId"),
        (lambda d: d.pop("security"), "$.paths['/v1/user'].get: no security requirement"),
        (lambda d: d["paths"]["/v1/user"]["get"].update(security=[]), "$.paths['/v1/user'].get: no security"),
        (
            lambda d: d["paths"]["/v1/user"]["get"]["responses"].pop("401"),
            "$.paths['/v1/user'].get.responses: no 401 although the operation requires credentials",
        ),
        (
            lambda d: d["components"]["schemas"]["Member"]["required"].append("mail"),
            "$.components.schemas.Member.required: 'mail' is required but is not one of the properties",
        ),
    ],
)
def test_each_contract_rule_catches_its_defect_in_our_turso_spec(change: Any, expected: str) -> None:
    doc = load_spec(VENDOR_SPECS["turso"])
    change(doc)
    assert any(p.startswith(expected) for p in spec_problems(doc)), spec_problems(doc)


def test_nullable_is_refused_in_31_only_and_a_property_named_nullable_is_not() -> None:
    doc = load_spec(VENDOR_SPECS["recoup"])
    schema = doc["components"]["schemas"]["Organization"]
    schema["properties"]["nullable"] = {"type": "string"}
    assert spec_problems(doc) == []
    schema["properties"]["organization_name"] = {"type": "string", "nullable": True}
    assert [p.split(":")[0] for p in spec_problems(doc)] == [
        "$.components.schemas.Organization.properties.organization_name.nullable"
    ]
    doc["openapi"] = "3.0.3"
    schema["properties"]["organization_name"]["type"] = "string"
    schema["properties"]["organization_image"] = {"type": "string", "nullable": True}
    assert spec_problems(doc) == []


def test_with_security_added_the_published_turso_operations_are_refused_for_no_401() -> None:
    doc = published("turso")
    doc["security"] = [{"bearerAuth": []}]
    problems = spec_problems(doc)
    for path, method in TURSO_OPERATIONS:
        where = json_path(["paths", path, method, "responses"])
        assert f"{where}: no 401 although the operation requires credentials" in problems


def test_the_published_turso_add_answer_allows_owner_and_ours_does_not() -> None:
    where = ("paths", "/v1/organizations/{organizationSlug}/members", "post", "responses", "200", "content")
    where += ("application/json", "schema")
    theirs, ours = published("turso"), load_spec(VENDOR_SPECS["turso"])
    assert accepts(theirs, schema_at(theirs, *where), {"member": "iku", "role": "owner"})
    assert not accepts(ours, schema_at(ours, *where), {"member": "iku", "role": "owner"})
    assert accepts(ours, schema_at(ours, *where), {"member": "iku", "role": "viewer"})
