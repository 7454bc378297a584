"""A bounded journal of recent requests. It never holds a credential, only which kind was sent.

Each entry says what was asked, the answer's status (0: the connection was dropped), how long the
answer took, the vendor operation it reached, the fault rule that touched it, the session it used,
and any sessions dropped to make room for that one.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence
from typing import Any

from ..core.faults import Fault

# Long paths and query strings are cut so a flood of 64 kB requests cannot grow memory.
MAX_TEXT = 256
AUTH_HEADERS = {b"x-api-key": "x-api-key", b"authorization": "authorization"}

_Entry = tuple[float, str, str, str, int, tuple[str, ...], float, str | None, Fault | None, str | None, tuple[str, ...]]


class Journal:
    __slots__ = ("_entries", "total")

    def __init__(self, size: int) -> None:
        self._entries: deque[_Entry] = deque(maxlen=size)
        self.total = 0

    @property
    def size(self) -> int:
        return self._entries.maxlen or 0

    def record(
        self,
        scope: Any,
        status: int,
        started: float = 0.0,
        operation: str | None = None,
        fault: Fault | None = None,
        session: str | None = None,
        evicted: tuple[str, ...] = (),
    ) -> None:
        """One request; `started` is its time.perf_counter() on arrival (0: latency unknown)."""
        latency = time.perf_counter() - started if started else 0.0
        auth = tuple(AUTH_HEADERS[k] for k, _ in scope["headers"] if k in AUTH_HEADERS)
        query: bytes = scope["query_string"]
        self._entries.append(
            (
                time.time(),
                scope["method"],
                scope["path"][:MAX_TEXT],
                query[:MAX_TEXT].decode("latin-1"),
                status,
                auth,
                latency,
                operation,
                fault,
                session,
                evicted,
            )
        )
        self.total += 1

    def clear(self) -> None:
        """Empty the journal and start counting again."""
        self._entries.clear()
        self.total = 0

    def entries(
        self, limit: int | None = None, *, operation: str | None = None, status: int | None = None
    ) -> list[dict[str, Any]]:
        """Newest first, optionally only one operation's or one status's; credentials appear only masked."""
        out: list[dict[str, Any]] = []
        for t, method, path, query, code, auth, latency, op, fault, session, evicted in reversed(self._entries):
            if (operation is not None and op != operation) or (status is not None and code != status):
                continue
            if limit is not None and len(out) >= limit:
                break
            applied = (fault.rule, fault.describe()) if fault is not None else None
            out.append(entry_document(t, method, path, query, code, auth, latency, op, applied, session, evicted))
        return out


def entry_document(
    t: float,
    method: str,
    path: str,
    query: str,
    code: int,
    auth: tuple[str, ...],
    latency: float,
    op: str | None,
    fault: tuple[str, str] | None,
    session: str | None,
    evicted: Sequence[str],
) -> dict[str, Any]:
    """One journal entry as `GET /__admin/journal` shows it; `fault` is (rule id, what it did)."""
    entry: dict[str, Any] = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1000):03d}Z",
        "method": method,
        "path": path,
        "query": query,
        "status": code,
        "credentials": [f"{name}: ***" for name in auth],
        "latency_ms": round(latency * 1000, 3),
    }
    if op is not None:
        entry["operation"] = op
    if fault is not None:
        entry["fault"] = {"rule": fault[0], "applied": fault[1]}
    if session is not None:
        entry["session"] = session
    if evicted:
        entry["evicted_sessions"] = list(evicted)
    return entry
