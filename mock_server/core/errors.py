"""Domain errors raised by the membership rules; the web layer renders them per vendor."""

from __future__ import annotations


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
