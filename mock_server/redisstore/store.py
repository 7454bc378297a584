"""The store kept in Redis: the same document methods as `core.store.Store`, each replacement one script call.

Everything lives under `prefix`: the state's records, the seed (as a document and in the script's form, so
`reset` is one call), the snapshots. `reset`, `load`, `replace_seed` and `restore_snapshot` replace the
whole state inside one script run, so no request on any replica sees half of it. A prefix that already
holds a state keeps it when a stub starts (Redis persistence keeps it across restarts) unless `reseed`.
"""

from __future__ import annotations

import json
import time
from typing import Any

from ..core.documents import keep_masked_secrets
from ..core.errors import BadRequest, Conflict, NotFound, Unavailable
from ..core.seed import build_state
from ..core.store import (
    MAX_SNAPSHOTS,
    SNAPSHOT_NAME,
    Snapshot,
    bad_snapshot_name,
    no_snapshot,
    too_many_snapshots,
)
from .layout import dumps, flat, unflat
from .link import Link


class RedisStore:
    def __init__(
        self, link: Link, prefix: str, seed: dict[str, Any], *, max_snapshots: int = MAX_SNAPSHOTS, reseed: bool = False
    ) -> None:
        """Seeds the prefix from `seed` unless it holds a state already (or always, with `reseed`).

        Raises SeedError for an invalid seed and Unavailable when Redis cannot be reached.
        """
        self.link = link
        self.prefix = prefix
        self.max_snapshots = max_snapshots
        self._start_seed = seed
        self.outcome = self._init(seed, reseed=reseed)

    def _init(self, seed: dict[str, Any], *, reseed: bool) -> str:
        fresh = flat(build_state(seed))
        if reseed:
            self.link.run(self.prefix, "load", fresh, dumps(seed), fresh)
            return "seeded"
        return str(self.link.run(self.prefix, "init", fresh, dumps(seed), fresh)[1])

    def run(self, op: str, *args: str | int) -> list[Any]:
        """One step of the state script; a prefix that lost its state (Redis restarted empty) is seeded again."""
        answer = self.link.run(self.prefix, op, *args)
        if answer[0] == 503:
            self._init(self._start_seed, reseed=False)
            answer = self.link.run(self.prefix, op, *args)
            if answer[0] == 503:
                raise Unavailable(f"the state under {self.prefix!r} is missing and could not be seeded again")
        return answer

    @property
    def seed(self) -> dict[str, Any]:
        """The seed `reset` returns to, as stored with the state."""
        raw = self.link.command("GET", self.prefix + "seed")
        return dict(json.loads(raw)) if raw else self._start_seed

    def demo(self) -> dict[str, str]:
        return dict(json.loads(self.run("dump")[2]) or {})

    def _state_document(self) -> dict[str, Any]:
        answer = self.run("dump")
        return unflat(answer[1], answer[2]).to_document(mask_secrets=False)

    def document(self, *, secrets: bool = False) -> dict[str, Any]:
        answer = self.run("dump")
        return unflat(answer[1], answer[2]).to_document(mask_secrets=not secrets)

    def seed_document(self, *, secrets: bool = False) -> dict[str, Any]:
        return build_state(self.seed).to_document(mask_secrets=not secrets)

    def reset(self) -> None:
        self.run("reset")

    def load(self, doc: dict[str, Any]) -> None:
        """Replace the state (masked secrets keep the current ones); raises SeedError and keeps it if invalid."""
        resolved = keep_masked_secrets(doc, self._state_document())
        self.run("load", flat(build_state(resolved, strict=False)))

    def replace_seed(self, doc: dict[str, Any]) -> None:
        resolved = keep_masked_secrets(doc, self.seed_document(secrets=True))
        fresh = flat(build_state(resolved))
        self.run("load", fresh, dumps(resolved), fresh)

    def save_snapshot(self, name: str) -> bool:
        if not SNAPSHOT_NAME.fullmatch(name):
            raise BadRequest(bad_snapshot_name(name))
        document = self._state_document()
        state = flat(build_state(document, strict=False))
        answer = self.run("snapshot_save", name, dumps(document), repr(time.time()), self.max_snapshots, state)
        if answer[0] == 409:
            raise Conflict(too_many_snapshots(self.max_snapshots, answer[1:]))
        return bool(answer[1])

    def snapshots(self) -> list[Snapshot]:
        names = self.link.command("ZRANGE", self.prefix + "snaps", 0, -1, "WITHSCORES")
        return [Snapshot(str(n), float(t), {}) for n, t in _pairs(names)]

    def restore_snapshot(self, name: str) -> None:
        if self.run("snapshot_restore", name)[0] == 404:
            raise NotFound(self._no_snapshot(name))

    def delete_snapshot(self, name: str) -> None:
        if self.run("snapshot_delete", name)[0] == 404:
            raise NotFound(self._no_snapshot(name))

    def _no_snapshot(self, name: str) -> str:
        return no_snapshot(name, [s.name for s in self.snapshots()])


def _pairs(flat_list: Any) -> list[tuple[Any, Any]]:
    """ZRANGE WITHSCORES answers [name, score, ...] (RESP2) or [[name, score], ...] (RESP3)."""
    items = list(flat_list or [])
    if items and isinstance(items[0], list | tuple):
        return [(a, b) for a, b in items]
    return list(zip(items[::2], items[1::2], strict=True))
