"""The journal in Redis: one capped stream (XADD MAXLEN ~) that every replica writes and reads.

A request is recorded in this process first and sent in batches a few milliseconds later (one pipelined
round trip per batch, not one per request); `entries` sends what is waiting before it reads, so a replica
sees its own requests at once and the others' within milliseconds. A batch Redis cannot take is dropped
(and counted): the journal never holds up or fails a request.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from redis.exceptions import RedisError

from ..core.faults import Fault
from ..web.journal import AUTH_HEADERS, MAX_TEXT, entry_document
from .link import Link
from .wire import encode

_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)

FLUSH_AFTER_S = 0.005
FLUSH_AT = 256


class RedisJournal:
    def __init__(self, link: Link, prefix: str, size: int) -> None:
        self.link = link
        self._stream = prefix + "journal"
        self._total = prefix + "journal:total"
        self._size = size
        self._waiting: list[tuple[Any, ...]] = []
        self._wire = link.wire.clone() if link.wire is not None else None  # its own connection
        size_text = str(size).encode()
        key = self._stream.encode()
        # XADD <stream> MAXLEN ~ <size> * e <entry>: everything but the entry, encoded once
        self._xadd = b"*8\r\n" + b"".join(
            b"$%d\r\n%s\r\n" % (len(p), p) for p in (b"XADD", key, b"MAXLEN", b"~", size_text, b"*", b"e")
        )
        self._scheduled = False
        self.dropped = 0

    @property
    def size(self) -> int:
        return self._size

    @property
    def total(self) -> int:
        return int(self.link.command("GET", self._total) or 0)

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
        latency = time.perf_counter() - started if started else 0.0
        auth = [AUTH_HEADERS[k] for k, _ in scope["headers"] if k in AUTH_HEADERS]
        query: bytes = scope["query_string"]
        applied = (fault.rule, fault.describe()) if fault is not None else None
        self._waiting.append(
            (
                time.time(),
                scope["method"],
                scope["path"][:MAX_TEXT],
                query[:MAX_TEXT].decode("latin-1"),
                status,
                auth,
                latency,
                operation,
                applied,
                session,
                evicted,
            )
        )
        if len(self._waiting) >= FLUSH_AT:
            self.flush()
        elif not self._scheduled:
            try:
                asyncio.get_running_loop().call_later(FLUSH_AFTER_S, self.flush)
                self._scheduled = True
            except RuntimeError:  # no event loop: record at once
                self.flush()

    def flush(self, *, wait: bool = False) -> None:
        """Send what is waiting: one XADD per entry, all in one write; the replies are read at the next flush
        (they have arrived by then), so the event loop never waits on the journal. `wait`: read them now."""
        self._scheduled = False
        batch, self._waiting = self._waiting, []
        try:
            if self._wire is not None:
                self._wire.drain()
                if batch:
                    requests = [self._xadd]
                    for item in batch:
                        data = _ENCODER.encode(item).encode("utf-8", "surrogateescape")
                        requests.append(b"$%d\r\n%s\r\n" % (len(data), data))
                        requests.append(self._xadd)
                    requests[-1] = encode("INCRBY", self._total, len(batch))
                    self._wire.send(b"".join(requests), len(batch) + 1)
                if wait:
                    self._wire.drain()
            elif batch:
                pipe = self.link.client.pipeline(transaction=False)
                for item in batch:
                    pipe.xadd(self._stream, {"e": _ENCODER.encode(item)}, maxlen=self._size, approximate=True)
                pipe.incrby(self._total, len(batch))
                pipe.execute()
        except (RedisError, OSError):
            self.dropped += len(batch)

    def clear(self) -> None:
        self.flush(wait=True)
        self.link.command("DEL", self._stream, self._total)

    def entries(
        self, limit: int | None = None, *, operation: str | None = None, status: int | None = None
    ) -> list[dict[str, Any]]:
        self.flush(wait=True)  # Redis has taken this replica's entries before they are read
        rows = self.link.command("XREVRANGE", self._stream, "+", "-", "COUNT", self._size)
        out: list[dict[str, Any]] = []
        for _, fields in rows or []:
            raw = fields["e"] if isinstance(fields, dict) else dict(zip(fields[::2], fields[1::2], strict=True))["e"]
            t, method, path, query, code, auth, latency, op, applied, session, evicted = json.loads(raw)
            if (operation is not None and op != operation) or (status is not None and code != status):
                continue
            if limit is not None and len(out) >= limit:
                break
            fault = (applied[0], applied[1]) if applied else None
            out.append(entry_document(t, method, path, query, code, auth, latency, op, fault, session, evicted))
        return out
