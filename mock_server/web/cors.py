"""CORS for browser apps calling the vendor operations: preflight answers and the headers every answer carries.

The vendor paths answer preflights from any origin with the methods their route has and the headers
the vendors use. The control API gets no CORS headers: a web page open in the user's browser must not
be able to read or change the stub's state through it.
"""

from __future__ import annotations

from .http import Scope, Send

ALLOW_ORIGIN = (b"access-control-allow-origin", b"*")
# Retry-After (429s) and Allow (405s) are not CORS-safelisted: a browser app reads them only when exposed.
EXPOSE = (b"access-control-expose-headers", b"retry-after, allow")
ALLOWED_HEADERS = b"authorization, content-type, x-api-key, x-stub-session"
MAX_AGE = b"600"


def is_preflight(scope: Scope) -> bool:
    return scope["method"] == "OPTIONS" and any(k == b"access-control-request-method" for k, _ in scope["headers"])


async def send_preflight(send: Send, allow: bytes) -> None:
    """204 with what the route allows; no body."""
    headers = [
        ALLOW_ORIGIN,
        (b"access-control-allow-methods", allow),
        (b"access-control-allow-headers", ALLOWED_HEADERS),
        (b"access-control-max-age", MAX_AGE),
        (b"content-length", b"0"),
    ]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
