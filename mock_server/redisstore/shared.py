"""Everything a stub on a Redis store needs besides the store: rules, fault book, sessions, journal."""

from __future__ import annotations

from collections.abc import Sequence

from ..core.faults import parse_rules
from ..web.app import SharedParts
from . import recoup, turso
from .faults import RedisFaultBook
from .journal import RedisJournal
from .sessions import RedisSessions
from .store import RedisStore


def shared_parts(store: RedisStore, *, journal_size: int, max_sessions: int, session_records: int) -> SharedParts:
    link, prefix = store.link, store.prefix
    return SharedParts(
        rules={"recoup": recoup, "turso": turso},
        faults=lambda operations: _faults(store, operations),
        sessions=RedisSessions(link, prefix, lambda: store.seed, limit=max_sessions, max_records=session_records),
        journal=RedisJournal(link, prefix, journal_size),
        health=link.health,
    )


def _faults(store: RedisStore, operations: Sequence[str]) -> RedisFaultBook:
    """The shared book; a prefix seeded just now gets the seed's `faults:` rules (raises FaultError if invalid)."""
    book = RedisFaultBook(store.link, store.prefix, operations)
    if store.outcome == "seeded" and not book.ids():
        for rule in parse_rules(store.seed.get("faults"), "faults", operations):
            book.add(rule)
    return book
