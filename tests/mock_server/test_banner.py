from __future__ import annotations

import re
from pathlib import Path

import pytest

from mock_server.banner import banner, base_url, shown_path
from mock_server.core.seed import build_state
from tests.mock_server import demo


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8080"),
        ("0.0.0.0", "http://127.0.0.1:8080"),
        ("::", "http://127.0.0.1:8080"),
        ("::1", "http://[::1]:8080"),
        ("localhost", "http://localhost:8080"),
    ],
)
def test_base_url_is_one_a_local_client_can_use(host: str, url: str) -> None:
    assert base_url(host, 8080) == url


def test_the_banner_shows_the_demo_variables_and_examples() -> None:
    text = banner("http://127.0.0.1:1", "demo.yaml", build_state(demo.demo_seed()), admin_token=False)
    lines = text.splitlines()
    for name, value in demo.DEMO_VARIABLES.items():
        assert f"export {name}={value}" in lines
    assert "  API docs (Recoup, Turso, control API): http://127.0.0.1:1/docs/" in lines
    assert f"-H 'x-api-key: {demo.API_KEY}'" in text
    assert f"-H 'Authorization: Bearer {demo.OWNER_TOKEN}'" in text
    assert f"curl -s -X POST http://127.0.0.1:1/v1/organizations/{demo.TURSO_ORG}/members" in text
    assert f"curl -s -X POST http://127.0.0.1:1/api/organizations/members -H 'x-api-key: {demo.API_KEY}'" in text
    assert "export TURSO_MEMBER_TOKEN=turso_demo_viewer_91b4e2c7" in lines
    assert "Demo configuration (paste into your shell, then: make contract URL=http://127.0.0.1:1):" in lines
    assert "(loopback callers only)" in text
    assert lines[-1] == "Press Ctrl-C to stop."


def test_without_demo_variables_there_are_no_vendor_examples() -> None:
    text = banner("http://127.0.0.1:1", "empty.yaml", build_state({}), admin_token=True)
    assert not [line for line in text.splitlines() if re.match(r"(export )?[A-Z_]+=", line)]
    assert "/api/organizations/members" not in text and "/v1/" not in text
    assert "(every caller sends Authorization: Bearer $ADMIN_TOKEN, loopback included)" in text
    assert 'curl -s -H "Authorization: Bearer $ADMIN_TOKEN" http://127.0.0.1:1/__admin/journal' in text


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_on_all_interfaces_the_banner_says_so(host: str) -> None:
    text = banner("http://127.0.0.1:1", "demo.yaml", build_state(demo.demo_seed()), admin_token=False, host=host)
    lines = text.splitlines()
    assert lines[0] == (
        f"Recoup + Turso stub listening on http://127.0.0.1:1 and on every interface (HOST={host}; other hosts use "
        "this machine's address)  (seed: demo.yaml)"
    )
    assert lines[3].endswith("(still loopback callers only: other hosts get 403 unless the stub has ADMIN_TOKEN)")


def test_a_demo_value_a_shell_would_split_is_quoted() -> None:
    state = build_state({"turso": {"organizations": [{"slug": "a$b"}]}, "demo": {"TURSO_ORG": "a$b"}})
    assert "export TURSO_ORG='a$b'" in banner("http://h:1", "s", state, admin_token=False).splitlines()


def test_the_seed_path_is_shown_relative_to_the_working_directory(tmp_path: Path) -> None:
    inside = tmp_path / "seeds" / "demo.yaml"
    assert shown_path(inside, tmp_path) == "seeds/demo.yaml"
    outside = Path("/etc/seed.yaml")
    assert shown_path(outside, tmp_path) == "/etc/seed.yaml"
