"""Every response body the stub sends, built here and only here, per vendor shape."""

from __future__ import annotations

import json
from typing import Any

RECOUP_SUCCESS = b'{"status":"success"}'


def recoup_error(message: str) -> bytes:
    """Recoup's error envelope: {"status": "error", "error": "..."}."""
    return _dump({"status": "error", "error": message})


def turso_error(message: str) -> bytes:
    """Turso's error body: {"error": "..."}."""
    return _dump({"error": message})


def control_error(message: str) -> dict[str, str]:
    """The control API's (and unknown paths') error body: {"error": "..."}."""
    return {"error": message}


def turso_removed(username: str) -> bytes:
    """Turso's 200 body: {"member": "<username>"}."""
    return _dump({"member": username})


def document(value: Any) -> bytes:
    """Any other JSON document (index, state, journal)."""
    return _dump(value)


def _dump(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
