"""Isolated sessions: named copies of the state, each created from the seed on first use.

A request that names a session works on that session's own store; one that names none works on the
shared store. Sessions are bounded in number and in size (records: accounts, users, organizations and
memberships, summed over every session): past either bound the least recently used session is
dropped, and the caller is told which (the journal records it). Nothing here knows HTTP.

`Sessions` keeps them in memory; the web layer uses it only through `SessionStores`, so sessions kept
in a shared store can take its place.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

from .state import State
from .store import StateStore, Store

NAME = re.compile(r"[A-Za-z0-9._:-]{1,64}")
NAME_RULE = "a session name is 1 to 64 letters, digits, '.', '_', ':' or '-'"


class SessionError(ValueError):
    """A session name that cannot be used; the message says what a name may hold."""


def records(state: State) -> int:
    """How big a state is, in records: accounts, users, organizations and memberships."""
    r, t = state.recoup, state.turso
    memberships = sum([len(o.members) for o in r.organizations.values()])
    memberships += sum([len(o.members) for o in t.organizations.values()])
    return len(r.accounts) + len(r.organizations) + len(t.users) + len(t.organizations) + memberships


class SessionStores(Protocol):
    """What the stub needs of its sessions."""

    limit: int
    max_records: int

    def store(self, name: str) -> tuple[StateStore, list[str]]: ...
    def measure(self, name: str) -> list[str]: ...
    def reset(self, name: str) -> None: ...
    def drop(self, name: str) -> bool: ...
    def clear(self) -> int: ...
    def summary(self) -> list[dict[str, Any]]: ...


class Sessions:
    """The sessions of one stub: name -> Store, least recently used first."""

    def __init__(self, seed: Callable[[], dict[str, Any]], *, limit: int = 64, max_records: int = 1_000_000) -> None:
        """`seed` gives the seed document a new session starts from (the shared store's current seed)."""
        self._seed = seed
        self.limit = limit
        self.max_records = max_records
        self._stores: OrderedDict[str, Store] = OrderedDict()
        self._sizes: dict[str, int] = {}
        self._used: dict[str, float] = {}
        self._total = 0  # the sum of _sizes
        self._lock = threading.Lock()

    @staticmethod
    def check_name(name: str) -> str:
        if not NAME.fullmatch(name):
            raise SessionError(f"{NAME_RULE}, not {name[:80]!r}")
        return name

    def store(self, name: str) -> tuple[Store, list[str]]:
        """The session's store (created from the seed on first use) and the sessions dropped to make room."""
        with self._lock:
            found = self._stores.get(name)
            if found is not None:
                self._stores.move_to_end(name)
                self._used[name] = time.monotonic()
                return found, []
        self.check_name(name)
        fresh = Store(self._seed())
        with self._lock:
            found = self._stores.get(name)  # created meanwhile by a concurrent first request
            if found is not None:
                self._stores.move_to_end(name)
                return found, []
            self._stores[name] = fresh
            self._resize(name, records(fresh.state))
            self._used[name] = time.monotonic()
            return fresh, self._evict(keep=name)

    def measure(self, name: str) -> list[str]:
        """Re-count a session after a change; returns the sessions dropped to stay within the bounds."""
        with self._lock:
            store = self._stores.get(name)
            if store is None:
                return []
            with store.lock:
                self._resize(name, records(store.state))
            return self._evict(keep=name)

    def reset(self, name: str) -> None:
        """Put one session back to the seed (creating it if it does not exist yet)."""
        self.check_name(name)
        fresh = Store(self._seed())
        with self._lock:
            existed = name in self._stores
            self._stores[name] = fresh
            self._stores.move_to_end(name)
            self._resize(name, records(fresh.state))
            self._used[name] = time.monotonic()
            if not existed:
                self._evict(keep=name)

    def drop(self, name: str) -> bool:
        with self._lock:
            return self._forget(name)

    def clear(self) -> int:
        with self._lock:
            count = len(self._stores)
            self._stores.clear()
            self._sizes.clear()
            self._used.clear()
            self._total = 0
            return count

    def summary(self) -> list[dict[str, Any]]:
        """Every session, least recently used first: name, records, idle seconds."""
        now = time.monotonic()
        with self._lock:
            return [
                {"name": n, "records": self._sizes[n], "idle_s": round(now - self._used[n], 3)} for n in self._stores
            ]

    @property
    def total_records(self) -> int:
        return self._total

    def _resize(self, name: str, size: int) -> None:
        self._total += size - self._sizes.get(name, 0)
        self._sizes[name] = size

    def _evict(self, keep: str) -> list[str]:
        """Drop least recently used sessions (never `keep`, unless it alone is over the size bound)."""
        if len(self._stores) <= self.limit and self._total <= self.max_records:
            return []
        dropped: list[str] = []
        for name in list(self._stores):
            if len(self._stores) <= self.limit and self._total <= self.max_records:
                break
            if name == keep:
                continue
            self._forget(name)
            dropped.append(name)
        if self._sizes.get(keep, 0) > self.max_records:
            self._forget(keep)
            dropped.append(keep)
        return dropped

    def _forget(self, name: str) -> bool:
        if self._stores.pop(name, None) is None:
            return False
        self._total -= self._sizes.pop(name)
        del self._used[name]
        return True
