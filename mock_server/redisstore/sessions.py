"""Sessions in Redis: each session's state under its own prefix, one list of sessions for every replica.

A session is created from the shared store's current seed on first use (on any replica), and each of its
operations is one script call like the shared state's. The list (a sorted set by last use) bounds their
number: past `limit` the least recently used are dropped. Last use is written at most once a second per
session and process, so a request to a session costs no extra round trip. A session dropped while a
replica still uses it starts again from the seed there. The record bound is checked after creating
requests, as in memory.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from ..core.errors import Unavailable
from ..core.sessions import Sessions
from .link import Link
from .store import RedisStore


class _Unreachable:
    """A session's store while Redis cannot be reached: each operation answers Unavailable (503)."""

    def __init__(self, error: Unavailable) -> None:
        self.error = error

    def run(self, op: str, *args: str | int) -> list[Any]:
        raise self.error


TOUCH_EVERY_S = 1.0


class RedisSessions:
    def __init__(
        self,
        link: Link,
        prefix: str,
        seed: Callable[[], dict[str, Any]],
        *,
        limit: int = 64,
        max_records: int = 1_000_000,
    ) -> None:
        self.link = link
        self.prefix = prefix
        self._seed = seed
        self.limit = limit
        self.max_records = max_records
        self._index = prefix + "sessions"
        self._sizes = prefix + "sessions:records"
        self._stores: dict[str, RedisStore] = {}
        self._touched: dict[str, float] = {}

    def _prefix(self, name: str) -> str:
        return f"{self.prefix}s:{hashlib.sha256(name.encode()).hexdigest()[:24]}:"

    def store(self, name: str) -> tuple[RedisStore, list[str]]:
        """The session's store (an unreachable Redis gives one whose operations answer 503)."""
        try:
            return self._store(name)
        except Unavailable as exc:
            return _Unreachable(exc), []  # type: ignore[return-value]

    def _store(self, name: str) -> tuple[RedisStore, list[str]]:
        found = self._stores.get(name)
        now = time.time()
        if found is not None:
            if now - self._touched.get(name, 0.0) > TOUCH_EVERY_S:
                self._touched[name] = now
                self.link.command("ZADD", self._index, now, name)
            return found, []
        Sessions.check_name(name)
        found = RedisStore(self.link, self._prefix(name), self._seed())
        self._stores[name] = found
        self._touched[name] = now
        self.link.command("ZADD", self._index, now, name)
        if found.outcome != "seeded":  # created meanwhile through another replica (or this one, before)
            return found, []
        self.link.command("HSET", self._sizes, name, found.run("records")[1])
        return found, self._evict(keep=name)

    def measure(self, name: str) -> list[str]:
        store = self._stores.get(name)
        if store is None:
            return []
        try:
            self.link.command("HSET", self._sizes, name, store.run("records")[1])
            return self._evict(keep=name)
        except Unavailable:  # measured again after the next creating request
            return []

    def reset(self, name: str) -> None:
        Sessions.check_name(name)
        self._stores[name] = RedisStore(self.link, self._prefix(name), self._seed(), reseed=True)
        self.link.command("ZADD", self._index, time.time(), name)

    def drop(self, name: str) -> bool:
        existed = bool(self.link.command("ZREM", self._index, name))
        self.link.run(self._prefix(name), "drop")
        self.link.command("HDEL", self._sizes, name)
        self._stores.pop(name, None)
        return existed

    def clear(self) -> int:
        names = self.link.command("ZRANGE", self._index, 0, -1) or []
        for name in names:
            self.drop(str(name))
        return len(names)

    def summary(self) -> list[dict[str, Any]]:
        rows = self.link.command("ZRANGE", self._index, 0, -1, "WITHSCORES") or []
        pairs = rows if rows and isinstance(rows[0], list | tuple) else list(zip(rows[::2], rows[1::2], strict=True))
        sizes = self.link.command("HGETALL", self._sizes) or {}
        now = time.time()
        out = []
        for name, used in pairs:
            records = int(sizes.get(name) or 0)
            out.append({"name": name, "records": records, "idle_s": round(max(0.0, now - float(used)), 3)})
        return out

    def _evict(self, keep: str) -> list[str]:
        names = [str(n) for n in self.link.command("ZRANGE", self._index, 0, -1) or []]
        sizes = self.link.command("HGETALL", self._sizes) or {}
        total = sum(int(v) for v in sizes.values())
        dropped: list[str] = []
        for name in names:
            if len(names) - len(dropped) <= self.limit and total <= self.max_records:
                break
            if name == keep:
                continue
            total -= int(sizes.get(name, 0))
            self.drop(name)
            dropped.append(name)
        if int(sizes.get(keep, 0)) > self.max_records:
            self.drop(keep)
            dropped.append(keep)
        return dropped
