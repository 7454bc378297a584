"""Error bodies: each vendor's documented error shape, checked on any error response."""

from __future__ import annotations

from ..http import Exchange
from . import NotApplicable, expect, expect_json

NOT_AN_ERROR = "no error answer (HTTP 400 or above) was seen"


def _json_error(ex: Exchange) -> dict[str, object]:
    if ex.status < 400:
        raise NotApplicable(NOT_AN_ERROR)
    media = ex.media_type
    expect(media == "application/json", f"content-type {ex.content_type!r} is not application/json", ex)
    body = expect_json(ex)
    expect(isinstance(body, dict), f"the body is {type(body).__name__}, not an object", ex)
    assert isinstance(body, dict)
    return body


def recoup_error_body(ex: Exchange) -> None:
    """recoup.yaml ErrorEnvelope: a Recoup error is JSON {"status": "error", "error": "<message>"}."""
    body = _json_error(ex)
    expect(body.get("status") == "error", f'"status" is {body.get("status")!r}, not "error"', ex)
    expect(isinstance(body.get("error"), str), f'"error" is {body.get("error")!r}, not a message string', ex)


def turso_error_body(ex: Exchange) -> None:
    """turso.yaml Error: a Turso error is JSON {"error": "<message>"}."""
    body = _json_error(ex)
    expect(isinstance(body.get("error"), str), f'"error" is {body.get("error")!r}, not a message string', ex)
