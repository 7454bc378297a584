"""One request as the zoo's vendor logic sees it, and the answer it gives, independent of any HTTP library."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # below the base path, still percent-encoded
    query: tuple[tuple[str, str], ...] = ()
    headers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # lower-case names, every value
    client: str = "127.0.0.1"
    body: bytes = b""  # as received (any Content-Type: both vendors read JSON whatever it says)

    def values(self, name: str) -> tuple[str, ...]:
        return self.headers.get(name.lower(), ())

    def params(self, name: str) -> list[str]:
        return [v for k, v in self.query if k == name]

    def with_headers(self, **values: str | None) -> Request:
        """A copy with these headers (x_api_key -> x-api-key) replaced; None removes one."""
        headers = dict(self.headers)
        for key, value in values.items():
            name = key.replace("_", "-")
            headers.pop(name, None)
            if value is not None:
                headers[name] = (value,)
        return replace(self, headers=headers)

    def with_query(self, pairs: list[tuple[str, str]]) -> Request:
        return replace(self, query=tuple(pairs))


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # a JSON document, or bytes sent as they are
    content_type: str | None = None  # None: the deployment's JSON media type
    headers: tuple[tuple[str, str], ...] = ()
    effect: str = ""  # what the logic did: "removed", "not a member", "added", "updated", ... or empty

    def but(self, **changes: Any) -> Answer:
        return replace(self, **changes)


@dataclass(frozen=True)
class Style:
    """How a deployment words and orders what the contracts leave open."""

    wording: str = "vendor"  # "vendor" or "alternate" error texts
    mint: Callable[[], str] = field(default=lambda: "00000000-0000-4000-8000-000000000000")  # new membership ids
    newest_first: bool = False  # lists in reverse joining order


def json_body(request: Request) -> tuple[bool, Any]:
    """(True, document) when the body is JSON (UTF-8), else (False, None); never raises."""
    try:
        return True, json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False, None


def json_type(value: Any) -> str:
    """The JSON type name of a parsed value, as validators word it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"
