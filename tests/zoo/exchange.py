"""One request as the zoo's vendor logic sees it, and the answer it gives, independent of any HTTP library."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # below the base path, still percent-encoded
    query: tuple[tuple[str, str], ...] = ()
    headers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # lower-case names, every value
    client: str = "127.0.0.1"

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
    effect: str = ""  # what the logic did: "removed", "not a member", or empty

    def but(self, **changes: Any) -> Answer:
        return replace(self, **changes)
