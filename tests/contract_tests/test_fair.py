"""The suite passes a correct deployment that differs from the stub in every way this file can cheaply add.

Extra body properties everywhere, media-type parameters, gzip when asked, chunked bodies (no Content-Length),
`Connection: close` and a base path: the contracts allow all of them, so no check may fail or go unexercised.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from mock_server.background import BackgroundStub
from mock_server.web.http import ASGIApp, Message, Receive, Scope, Send

from .cli import run_suite

BASE = "/deep/base"


def different(app: ASGIApp) -> ASGIApp:
    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        if not scope["path"].startswith(BASE + "/"):
            body = b'{"error": "not found"}'
            await send(
                {"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"application/json")]}
            )
            await send({"type": "http.response.body", "body": body})
            return
        path = scope["path"][len(BASE) :]
        inner = {**scope, "path": path, "raw_path": scope["raw_path"][len(BASE) :]}
        zipped = b"gzip" in dict(scope["headers"]).get(b"accept-encoding", b"")
        start: dict[str, object] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await app(inner, receive, capture)
        body = b"".join(chunks)
        doc = json.loads(body) if body else None
        if isinstance(doc, dict) and not path.startswith("/__admin"):
            body = json.dumps({"request_id": "r-1", **doc, "meta": {"v": 2}}).encode()
        if zipped:
            body = gzip.compress(body)
        headers = [(b"Content-Type", b"application/json; charset=utf-8"), (b"Connection", b"close")]
        headers += [
            (k, v) for k, v in start.get("headers", []) if k.lower() not in (b"content-type", b"content-length")
        ]  # type: ignore[attr-defined]
        headers += [(b"Content-Encoding", b"gzip")] if zipped else []
        await send({"type": "http.response.start", "status": start["status"], "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return wrapped


def test_a_correct_but_different_deployment_passes_every_check(tmp_path: Path) -> None:
    with BackgroundStub(wrap=different) as stub:
        run = run_suite(tmp_path, "--url", stub.url + BASE, "--examples", "20", "--strict")
    assert run.code == 0, run.output
    assert set(run.outcomes().values()) == {"pass"}, run.output
