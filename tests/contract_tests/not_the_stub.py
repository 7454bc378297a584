"""The stub as another server would be: its control API hidden, so the suite cannot recognise it."""

from __future__ import annotations

from mock_server.web.http import ASGIApp, Receive, Scope, Send

from .broken import answer


class NotTheStub:
    """The stub behind a layer that hides its control API, like any other server; records what it is sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.seen: list[tuple[str, str]] = []
        self.sent: list[str] = []  # path, query and header values of every request, as text
        self.header_names: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.seen.append((scope["method"], scope["path"]))
            values = b" ".join(v for _, v in scope["headers"]).decode("latin-1")
            self.sent.append(f"{scope['path']}?{scope['query_string'].decode('latin-1')} {values}")
            self.header_names |= {k.decode("latin-1").lower() for k, _ in scope["headers"]}
            if scope["path"].startswith("/__admin"):
                await answer(send, 404, {"error": "no such page"})
                return
        await self.app(scope, receive, send)
