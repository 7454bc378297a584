from __future__ import annotations

import json
import shlex
import time

import pytest

from contract_tests import probes
from contract_tests.http import Client, Policy, UnsafeRequest, as_curl
from mock_server.background import BackgroundStub

BASE = "http://127.0.0.1:9"  # nothing listens: a request that got through would fail to connect
ORG = "0b5e8d2c-6f1a-4b3c-9d7e-1a2b3c4d5e6f"
MEMBER = "7c9e2f4a-1b3d-4c5e-8f6a-2d4b6c8e0a12"
PROBE = probes.recoup_probe_id(42)
POLICY = Policy(BASE, recoup_disposable=(ORG, MEMBER), turso_disposable=("demo-org", "bob"))
RECOUP = f"{BASE}/api/organizations/members"
TURSO = f"{BASE}/v1/organizations"


@pytest.mark.parametrize(
    "url",
    [
        f"{RECOUP}?organization_id={ORG}&account_id={PROBE}",
        f"{RECOUP}?organization_id={ORG}&account_id={PROBE.upper()}",
        f"{RECOUP}?organization_id={ORG}&account_id=5afe7e57-x",
        f"{RECOUP}?organization_id=x&organization_id=y",
        f"{RECOUP}?organization_id={ORG}&account_id={MEMBER}",
        f"{RECOUP}?organization_id={ORG.upper()}&account_id={MEMBER.upper()}",
        f"{TURSO}/demo-org/members/probe__x",
        f"{TURSO}/acme/members/probe__%C3%A9",
        f"{TURSO}/demo-org/members/bob",
    ],
)
def test_probes_and_the_named_disposable_member_may_be_removed(url: str) -> None:
    assert POLICY.refusal("DELETE", url, None) is None


@pytest.mark.parametrize(
    ("method", "url", "why"),
    [
        ("DELETE", f"{RECOUP}?organization_id={ORG}&account_id=00000000-0000-0000-0000-000000000000", "probe"),
        ("DELETE", f"{RECOUP}?organization_id={ORG}&account_id=a", "probe"),
        ("DELETE", f"{RECOUP}?organization_id={ORG}&account_id=5afe7e57-0000-4000-8000-000000000000", "probe"),
        ("DELETE", f"{RECOUP}?organization_id=other&account_id={MEMBER}", "probe"),
        ("DELETE", f"{RECOUP}?organization_id={ORG}&account_id={MEMBER}&account_id={PROBE}", "probe"),
        ("DELETE", f"{RECOUP}?organization_id={ORG}&accountId={MEMBER}", "probe"),
        ("DELETE", f"{RECOUP}?organization_id={ORG};account_id={MEMBER}", "';'"),
        ("DELETE", f"{TURSO}/demo-org/members/alice", "probe"),
        ("DELETE", f"{TURSO}/acme/members/bob", "probe"),
        ("DELETE", f"{TURSO}/demo-org/members/probe__x%252F..", "probe"),
        ("DELETE", f"{TURSO}/demo-org/members/probe__a/../../bob", "probe"),
        ("DELETE", f"{TURSO}/demo-org/members", "not an operation of"),
        ("PUT", f"{TURSO}/demo-org/members/probe__x", "not an operation of"),
        ("PATCH", f"{TURSO}/demo-org/members/alice", "probe"),
        ("PATCH", f"{TURSO}/acme/members/bob", "probe"),
        ("DELETE", f"{TURSO}/demo-org/members/probe__a/b", "neither"),
        ("DELETE", "http://example.com/api/organizations/members", "outside the target"),
        ("POST", f"{BASE}/__admin/reset", "not this project's stub"),
        ("GET", f"{BASE}/other", "neither"),
    ],
)
def test_anything_else_is_refused(method: str, url: str, why: str) -> None:
    refusal = POLICY.refusal(method, url, None)
    assert refusal is not None and why in refusal


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/api/accounts/id",
        f"{BASE}/api/organizations?account_id={MEMBER}",
        f"{BASE}/api/organizations?account_id=2e4f6a8c-0b1d-4e3f-a5b7-c9d1e3f5a7b9",
        f"{BASE}/v1/auth/validate",
        f"{BASE}/v1/user",
        f"{TURSO}",
        f"{TURSO}/demo-org",
        f"{TURSO}/demo-org/members",
        f"{TURSO}/demo-org/members/alice",
    ],
)
def test_reads_are_always_allowed_without_a_body(url: str) -> None:
    assert POLICY.refusal("GET", url, None) is None
    assert "body" in (POLICY.refusal("GET", url, b"{}") or "")


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (RECOUP, {"organizationId": ORG, "accountId": MEMBER}),
        (RECOUP, {"organizationId": ORG.upper(), "accountId": MEMBER.upper()}),
        (RECOUP, {"organizationId": ORG, "accountId": PROBE}),
        (RECOUP, {"organizationId": "x", "accountId": [PROBE, 3]}),
        (RECOUP, {"organizationId": ORG}),
        (RECOUP, [MEMBER]),
        (f"{TURSO}/demo-org/members", {"username": "bob", "role": "member"}),
        (f"{TURSO}/acme/members", {"username": "probe__x"}),
        (f"{TURSO}/demo-org/members", {"role": "admin"}),
        (f"{TURSO}/demo-org/members/bob", {"role": "admin"}),
    ],
)
def test_adds_and_role_changes_of_probes_and_the_disposable_member_may_be_sent(url: str, body: object) -> None:
    method = "PATCH" if url.endswith("/bob") else "POST"
    assert POLICY.refusal(method, url, json.dumps(body).encode()) is None


@pytest.mark.parametrize(
    ("url", "body", "why"),
    [
        (RECOUP, {"organizationId": ORG, "accountId": "2e4f6a8c-0b1d-4e3f-a5b7-c9d1e3f5a7b9"}, "probe"),
        (RECOUP, {"organizationId": "other", "accountId": MEMBER}, "probe"),
        (RECOUP, {"organizationId": ORG, "accountId": [PROBE, "a"]}, "probe"),
        (RECOUP, {"organizationId": ORG, "AccountId": "a"}, "probe"),
        (RECOUP, {"organizationId": ORG, "email": "probe@probe.invalid"}, "by email"),
        (RECOUP, {"organizationId": ORG, "Email": 3}, "by email"),
        (f"{TURSO}/demo-org/members", {"username": "alice"}, "probe"),
        (f"{TURSO}/acme/members", {"username": "bob"}, "probe"),
        (f"{TURSO}/demo-org/members", {"username": 0}, "not a string"),
        (f"{TURSO}/demo-org/members", {"username": ["alice"]}, "not a string"),
    ],
)
def test_adds_of_anyone_else_and_adds_by_email_are_refused(url: str, body: object, why: str) -> None:
    refusal = POLICY.refusal("POST", url, json.dumps(body).encode())
    assert refusal is not None and why in refusal


def test_a_form_body_is_judged_as_a_json_one() -> None:
    assert POLICY.refusal("POST", f"{TURSO}/demo-org/members", b"username=alice") is not None
    assert POLICY.refusal("POST", RECOUP, f"organizationId={ORG}&accountId=a".encode()) is not None
    assert POLICY.refusal("POST", f"{TURSO}/demo-org/members", b"not json") is None


def test_stub_mode_allows_emails_and_the_seed_pool() -> None:
    policy = Policy(BASE, emails=True, pool=frozenset({("turso", "demo-org", "carol"), ("recoup", ORG, PROBE)}))
    assert policy.refusal("POST", RECOUP, json.dumps({"organizationId": ORG, "email": "x@probe.invalid"})) is None
    assert policy.refusal("POST", f"{TURSO}/demo-org/members", b'{"username": "carol"}') is None
    assert policy.refusal("PATCH", f"{TURSO}/demo-org/members/carol", b'{"role": "admin"}') is None
    assert policy.refusal("DELETE", f"{TURSO}/acme/members/carol", None) is not None


def test_a_body_is_refused_and_the_control_api_needs_the_stub() -> None:
    url = f"{TURSO}/demo-org/members/probe__x"
    assert "body" in (POLICY.refusal("DELETE", url, b"{}") or "")
    assert POLICY.refusal("GET", f"{BASE}/__admin", None) is None
    stub = Policy(BASE, control=True)
    assert stub.refusal("POST", f"{BASE}/__admin/memberships", b"{}") is None


def test_a_base_path_is_respected() -> None:
    policy = Policy("http://h/turso")
    assert policy.refusal("DELETE", "http://h/turso/v1/organizations/o/members/probe__x", None) is None
    assert policy.refusal("DELETE", "http://h/v1/organizations/o/members/probe__x", None) is not None


def test_the_client_refuses_before_sending() -> None:
    client = Client(POLICY)
    with pytest.raises(UnsafeRequest, match="not a probe account id"):
        client.delete(RECOUP, params={"organization_id": ORG, "account_id": "00000000-0000-0000-0000-000000000000"})
    with pytest.raises(UnsafeRequest, match="not a probe username"):
        client.delete(f"{TURSO}/demo-org/members/alice")
    assert client.sent["api"] == 0


def test_rate_and_counting() -> None:
    with BackgroundStub() as stub:
        client = Client(Policy(stub.url), rate=40)
        started = time.monotonic()
        for _ in range(9):
            client.get(stub.url + "/__admin")
        assert time.monotonic() - started >= 8 / 40
        assert client.sent["control"] == 9 and client.sent["api"] == 0


def test_curl_commands_run_and_hide_secrets() -> None:
    with BackgroundStub() as stub:
        client = Client(Policy(stub.url), secrets={"turso_demo_owner_3c7e19b5": "TURSO_TOKEN"})
        url = f"{stub.url}/v1/organizations/demo-org/members/probe__it's"
        ex = client.exchange(client.delete(url, headers={"Authorization": "Bearer turso_demo_owner_3c7e19b5"}))
    command = ex.curl()
    assert "turso_demo_owner" not in command
    assert '-H "Authorization: Bearer ${TURSO_TOKEN}"' in command
    words = shlex.split(command.replace("${TURSO_TOKEN}", "TOKEN"))
    assert words[:5] == ["curl", "-sS", "-i", "-X", "DELETE"] and words[5].endswith("/members/probe__it's")
    assert ex.describe().startswith("HTTP 404 (content-type: application/json) {")


def test_curl_quotes_bodies_and_odd_headers() -> None:
    import requests

    request = requests.Request("POST", "http://h/x", headers={"X-Odd": "a'b $c"}, data="{'k': 1}").prepare()
    command = as_curl(request, {})
    assert shlex.split(command)[-3:] == ["X-Odd: a'b $c", "--data-binary", "{'k': 1}"]


def test_the_origin_is_compared_as_a_server_sees_it() -> None:
    policy = Policy("HTTP://LocalHost:80/Base")
    assert policy.refusal("DELETE", "http://localhost/Base/v1/organizations/o/members/probe__x", None) is None
    assert policy.refusal("DELETE", "http://localhost:8080/Base/v1/organizations/o/members/probe__x", None)
    assert Policy("https://h").refusal("GET", "https://H:443/__admin", None) is None


def test_redirects_are_not_followed() -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(301)
            self.send_header("Location", "https://example.com/login")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        response = Client(Policy(base)).get(base + "/__admin")
        assert response.status_code == 301  # answered, not followed (example.com would be refused)
    finally:
        server.shutdown()
        server.server_close()


def test_the_admin_token_goes_to_the_control_api_only() -> None:
    token = "adm-only-for-control"
    with BackgroundStub(admin_token=token) as stub:
        client = Client(Policy(stub.url, control=True), admin_token=token)
        info = client.get(stub.url + "/__admin")
        vendor = client.delete(f"{stub.url}/v1/organizations/demo-org/members/probe__x")
        bare = Client(Policy(stub.url, control=True)).get(stub.url + "/__admin")
    assert info.status_code == 200 and info.request.headers["Authorization"] == f"Bearer {token}"
    assert "Authorization" not in vendor.request.headers and vendor.status_code == 401
    assert bare.status_code == 401
