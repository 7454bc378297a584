"""The stub as a caller on another host reaches it: an ASGI layer that makes the peer address non-loopback."""

from __future__ import annotations

from mock_server.web.http import ASGIApp, Receive, Scope, Send

ADDRESS = "192.0.2.10"  # TEST-NET-1: documentation only, never routed; nothing is sent there


def from_afar(app: ASGIApp) -> ASGIApp:
    """`app` seeing every HTTP request as coming from ADDRESS (the request itself still arrives over loopback)."""

    async def call(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = {**scope, "client": (ADDRESS, 40000)}
        await app(scope, receive, send)

    return call
