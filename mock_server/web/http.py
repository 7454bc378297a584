"""The few raw-ASGI helpers the adapters share: reading a request, sending JSON."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote, unquote_plus

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

JSON = b"application/json"


def header_values(scope: Scope, name: bytes) -> list[str]:
    """All values of one (lower-case) header, in order; duplicates are kept."""
    return [v.decode("latin-1") for k, v in scope["headers"] if k == name]


def query_values(scope: Scope) -> dict[str, list[str]]:
    """The query string as name -> every value given (so duplicates can be refused)."""
    out: dict[str, list[str]] = {}
    raw: bytes = scope["query_string"]
    if not raw:
        return out
    for pair in raw.decode("latin-1").split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        key = unquote_plus(name, encoding="utf-8", errors="replace")
        out.setdefault(key, []).append(unquote_plus(value, encoding="utf-8", errors="replace"))
    return out


def path_segments(scope: Scope) -> list[str]:
    """The request path split on '/', each segment percent-decoded on its own.

    Splitting before decoding keeps an encoded slash (%2F) inside its segment.
    """
    raw = scope.get("raw_path") or scope["path"].encode("utf-8")
    raw = raw.split(b"?", 1)[0]
    return [unquote(s.decode("latin-1"), encoding="utf-8", errors="replace") for s in raw.split(b"/")]


async def send_json(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    out = [(b"content-type", JSON), (b"content-length", str(len(body)).encode())]
    if headers:
        out.extend(headers)
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": body})


async def send_bytes(send: Send, status: int, body: bytes, content_type: bytes) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def json_value(raw: bytes) -> Any:
    """A request body parsed as JSON whatever its Content-Type; None when empty or not JSON."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, nested too deep, an integer too long
        return None


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The request body, or None when it is longer than `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)  # the client went away
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)
