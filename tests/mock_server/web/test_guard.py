"""Who may use the control API: the rule itself on hand-made ASGI scopes, and through the app."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from mock_server.core.store import Store
from mock_server.web.app import create_app
from mock_server.web.guard import AdminGuard, Refusal, is_loopback
from mock_server.web.http import Message, Scope
from tests.mock_server import demo

LOOPBACK_ONLY = Refusal(
    403, "the control API answers loopback callers only; start the stub with ADMIN_TOKEN to open it"
)
NEEDS_TOKEN = Refusal(
    401,
    "the control API needs 'Authorization: Bearer <admin token>'",
    ((b"www-authenticate", b'Bearer realm="stub control API"'),),
)


def scope(client: str | None, *headers: tuple[bytes, bytes], path: str = "/__admin") -> Scope:
    return {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": list(headers),
        "client": None if client is None else (client, 50000),
    }


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.5", "127.255.255.254", "::1", "::ffff:127.0.0.1", "::1%lo"])
def test_loopback_addresses(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host",
    [
        "10.1.2.3",
        "192.168.0.1",
        "0.0.0.0",
        "::",
        "::ffff:10.1.2.3",
        "2001:db8::1",
        "fe80::1%eth0",
        "localhost",
        "",
        None,
    ],
)
def test_other_addresses(host: str | None) -> None:
    assert not is_loopback(host)


@pytest.mark.parametrize("client", ["127.0.0.1", "127.0.0.5", "::1", "::ffff:127.0.0.1"])
def test_without_a_token_loopback_callers_pass(client: str) -> None:
    assert AdminGuard(None).refusal(scope(client)) is None


@pytest.mark.parametrize("client", ["10.1.2.3", "2001:db8::1", None])
def test_without_a_token_other_callers_are_refused(client: str | None) -> None:
    assert AdminGuard(None).refusal(scope(client)) == LOOPBACK_ONLY


def test_without_a_token_a_bearer_does_not_open_the_api() -> None:
    assert AdminGuard(None).refusal(scope("10.1.2.3", (b"authorization", b"Bearer anything"))) == LOOPBACK_ONLY


@pytest.mark.parametrize("client", ["10.1.2.3", "127.0.0.1", "::1", None])
@pytest.mark.parametrize("value", [b"Bearer s3cret", b"bearer s3cret", b"Bearer   s3cret "])
def test_with_a_token_every_caller_holding_it_passes(client: str | None, value: bytes) -> None:
    assert AdminGuard("s3cret").refusal(scope(client, (b"authorization", value))) is None


@pytest.mark.parametrize(
    "headers",
    [
        (),
        ((b"authorization", b"Bearer wrong"),),
        ((b"authorization", b"Bearer s3cre"),),
        ((b"authorization", b"Bearer s3cretx"),),
        ((b"authorization", b"Basic s3cret"),),
        ((b"authorization", b"s3cret"),),
        ((b"x-api-key", b"s3cret"),),
        ((b"authorization", b"Bearer s3cret"), (b"authorization", b"Bearer s3cret")),
    ],
)
@pytest.mark.parametrize("client", ["127.0.0.1", "10.1.2.3"])
def test_with_a_token_everyone_else_is_refused_even_on_loopback(
    client: str, headers: tuple[tuple[bytes, bytes], ...]
) -> None:
    assert AdminGuard("s3cret").refusal(scope(client, *headers)) == NEEDS_TOKEN


def test_a_non_ascii_admin_token_matches_its_utf8_bytes() -> None:
    guard = AdminGuard("clé")
    assert guard.refusal(scope("10.1.2.3", (b"authorization", "Bearer clé".encode()))) is None


def call(app: Any, request: Scope) -> tuple[int, dict[bytes, bytes], bytes]:
    """Drive the ASGI app with one request, without a server."""
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(request, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), body


@pytest.mark.parametrize("path", ["/__admin", "/__admin/state", "/__admin/reset", "/__admin/nope"])
def test_the_app_refuses_a_remote_caller_before_the_control_api(path: str) -> None:
    store = Store(demo.demo_seed())
    status, headers, body = call(create_app(store), scope("10.1.2.3", path=path))
    assert status == 403
    assert headers[b"content-type"] == b"application/json"
    assert json.loads(body) == {"error": LOOPBACK_ONLY.message}


def test_the_vendor_apis_are_open_to_remote_callers() -> None:
    store = Store(demo.demo_seed())
    request = scope(
        "10.1.2.3",
        (b"authorization", f"Bearer {demo.OWNER_TOKEN}".encode()),
        path="/v1/organizations/demo-org/members/bob",
    )
    request["method"] = "DELETE"
    status, _, body = call(create_app(store), request)
    assert (status, json.loads(body)) == (200, {"member": "bob"})
