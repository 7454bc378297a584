"""mock_server.specs: the published Turso text is refused, our corrected specs pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mock_server.specs import SPECS_DIR, VENDOR_SPECS, json_path, load_spec, main, operation_ids, spec_problems

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
