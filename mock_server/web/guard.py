"""Who may use the control API: without an admin token, loopback callers; with one, its bearers only.

With `ADMIN_TOKEN` set, every caller must send it, loopback callers too: behind a reverse proxy on the
same host every caller looks like loopback, so a token that loopback callers could skip would guard
nothing there.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import NamedTuple

from ..core.credentials import bearer_token
from .http import Scope, header_values

LOOPBACK_ONLY = "the control API answers loopback callers only; start the stub with ADMIN_TOKEN to open it"
NEEDS_TOKEN = "the control API needs 'Authorization: Bearer <admin token>'"


class Refusal(NamedTuple):
    status: int  # 401: the admin token is missing or wrong; 403: not on loopback, and no token is set
    message: str
    headers: tuple[tuple[bytes, bytes], ...] = ()


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8 and ::1, also as an IPv4-mapped address (a dual-stack `::` socket's view)."""
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return (mapped or address).is_loopback


class AdminGuard:
    """Without a token only loopback callers pass; with one, every caller must present it."""

    def __init__(self, admin_token: str | None) -> None:
        self._token = admin_token.encode() if admin_token else None

    @property
    def needs_token(self) -> bool:
        return self._token is not None

    def refusal(self, scope: Scope) -> Refusal | None:
        """Why this request may not use the control API, or None when it may."""
        if self._token is None:
            client = scope.get("client")
            if is_loopback(client[0] if client else None):
                return None
            return Refusal(403, LOOPBACK_ONLY)
        values = header_values(scope, b"authorization")
        token = bearer_token(values[0]) if len(values) == 1 else None
        if token is not None and hmac.compare_digest(token.encode("latin-1"), self._token):
            return None
        return Refusal(401, NEEDS_TOKEN, ((b"www-authenticate", b'Bearer realm="stub control API"'),))
