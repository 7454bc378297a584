from __future__ import annotations

import httpx
import pytest

from mock_server.background import BackgroundStub
from mock_server.core.seed import SeedError
from mock_server.settings import DEMO_SEED
from mock_server.web.http import ASGIApp, Receive, Scope, Send, send_json
from tests.mock_server import demo


def teapot(app: ASGIApp) -> ASGIApp:
    """A deliberately broken layer: every Turso answer becomes a 418."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1/"):
            await send_json(send, 418, b'{"error":"teapot"}')
            return
        await app(scope, receive, send)

    return wrapped


def test_wrap_puts_a_layer_around_the_app() -> None:
    with BackgroundStub(DEMO_SEED, wrap=teapot) as stub:
        assert httpx.delete(f"{stub.url}/v1/organizations/demo-org/members/bob").status_code == 418
        assert httpx.get(f"{stub.url}/").status_code == 200
        assert "bob" in stub.store.state.turso.organizations["demo-org"].members


def test_a_seed_dict_is_used_as_given_and_stop_closes_the_port() -> None:
    stub = BackgroundStub({"turso": {"organizations": [{"slug": "solo"}]}}).start()
    try:
        assert list(stub.store.state.turso.organizations) == ["solo"]
        assert httpx.get(f"{stub.url}/").status_code == 200
    finally:
        stub.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{stub.url}/", timeout=2)


def test_a_bad_seed_fails_before_anything_starts() -> None:
    with pytest.raises(SeedError, match="recoup must be a mapping"):
        BackgroundStub({"recoup": [demo.ORG]})
