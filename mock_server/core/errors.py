"""Domain errors raised by the membership rules; the web layer renders them per vendor."""

from __future__ import annotations

from collections.abc import Collection


class RuleError(Exception):
    """A request broke one of the vendor's rules; `message` is what the caller is told."""

    status: int = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthorized(RuleError):
    status = 401


class BadRequest(RuleError):
    status = 400


class Forbidden(RuleError):
    status = 403


class NotFound(RuleError):
    status = 404


class Conflict(RuleError):
    status = 409


class Unavailable(RuleError):
    """The state store cannot be reached; nothing was read or changed."""

    status = 503


def listed(names: Collection[str], most: int = 10, total: int | None = None) -> str:
    """Names for an error message that says what exists: at most `most`, then how many more (of `total`)."""
    shown = list(names)[:most]
    more = (len(names) if total is None else total) - len(shown)
    return (", ".join(shown) or "none") + (f" and {more} more" if more > 0 else "")
