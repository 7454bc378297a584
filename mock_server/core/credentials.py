"""Credential lookup that does not leak secrets through timing, and masking for display.

Secrets are indexed by their SHA-256 digest, so the dictionary lookup only ever compares
digests; the stored secret is then confirmed with a constant-time comparison.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("utf-8", "surrogateescape")).digest()


def hex_digest(secret: str) -> str:
    """The SHA-256 digest of a secret, as a shared store indexes credentials by (never the secret itself)."""
    return _digest(secret).hex()


class CredentialIndex:
    """Maps secrets (API keys, tokens) to the principal that owns them."""

    __slots__ = ("_by_digest",)

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._by_digest: dict[bytes, tuple[str, str]] = {}
        for secret, owner in pairs:
            self.add(secret, owner)

    def add(self, secret: str, owner: str) -> None:
        self._by_digest[_digest(secret)] = (secret, owner)

    def owner_of(self, secret: str) -> str | None:
        """The principal owning `secret`, or None; compares in constant time."""
        found = self._by_digest.get(_digest(secret))
        if found is None:
            return None
        stored, owner = found
        if not hmac.compare_digest(
            stored.encode("utf-8", "surrogateescape"), secret.encode("utf-8", "surrogateescape")
        ):
            return None
        return owner

    def secrets(self) -> list[tuple[str, str]]:
        return list(self._by_digest.values())


MASKED = "***"


def mask(secret: str) -> str:
    """A display form of a secret that reveals nothing but that one was given."""
    return MASKED if secret else ""


def bearer_token(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` value, or None for any other scheme."""
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        return None
    return token
