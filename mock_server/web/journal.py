"""A bounded journal of recent requests. It never holds a credential, only which kind was sent."""

from __future__ import annotations

import time
from collections import deque
from typing import Any

# Long paths and query strings are cut so a flood of 64 kB requests cannot grow memory.
MAX_TEXT = 256
AUTH_HEADERS = {b"x-api-key": "x-api-key", b"authorization": "authorization"}


class Journal:
    __slots__ = ("_entries", "total")

    def __init__(self, size: int) -> None:
        self._entries: deque[tuple[float, str, str, str, int, tuple[str, ...]]] = deque(maxlen=size)
        self.total = 0

    @property
    def size(self) -> int:
        return self._entries.maxlen or 0

    def record(self, scope: Any, status: int) -> None:
        auth = tuple(AUTH_HEADERS[k] for k, _ in scope["headers"] if k in AUTH_HEADERS)
        query: bytes = scope["query_string"]
        self._entries.append(
            (time.time(), scope["method"], scope["path"][:MAX_TEXT], query[:MAX_TEXT].decode("latin-1"), status, auth)
        )
        self.total += 1

    def clear(self) -> None:
        self._entries.clear()

    def entries(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Newest first; credentials appear only as the header name with a masked value."""
        items = list(self._entries)[::-1][:limit]
        return [
            {
                "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1000):03d}Z",
                "method": method,
                "path": path,
                "query": query,
                "status": status,
                "credentials": [f"{name}: ***" for name in auth],
            }
            for t, method, path, query, status, auth in items
        ]
