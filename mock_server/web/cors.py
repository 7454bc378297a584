"""CORS for browser apps: preflight answers and the header every answer carries.

The vendor paths answer preflights from any origin with the methods their route has and the headers
the vendors use. The control API answers them too, allowing its methods, the admin token's header and
`x-stub-session`, so a browser test suite can set faults and sessions from the page; a preflight is
never refused for want of the admin token (browsers send no credentials with it), the real request
still is.
"""

from __future__ import annotations

from .http import Scope, Send

ALLOW_ORIGIN = (b"access-control-allow-origin", b"*")
# Retry-After (429s) and Allow (405s) are not CORS-safelisted: a browser app reads them only when exposed.
EXPOSE = (b"access-control-expose-headers", b"retry-after, allow")
ALLOWED_HEADERS = b"authorization, content-type, x-api-key, x-stub-session"
CONTROL_METHODS = b"DELETE, GET, HEAD, POST, PUT"
CONTROL_HEADERS = b"authorization, content-type, x-stub-session"  # authorization: the admin token (guard.py)
MAX_AGE = b"600"


def is_preflight(scope: Scope) -> bool:
    return scope["method"] == "OPTIONS" and any(k == b"access-control-request-method" for k, _ in scope["headers"])


async def send_preflight(send: Send, allow: bytes, allow_headers: bytes = ALLOWED_HEADERS) -> None:
    """204 with what the route allows; no body."""
    headers = [
        ALLOW_ORIGIN,
        (b"access-control-allow-methods", allow),
        (b"access-control-allow-headers", allow_headers),
        (b"access-control-max-age", MAX_AGE),
        (b"content-length", b"0"),
    ]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
