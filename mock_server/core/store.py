"""The store: the current state, the seed reset returns to, named snapshots, and the lock that guards them.

Everything that replaces the state goes through documents (the seed-file form, `State.to_document`):
the seed, a state sent back by a client, a snapshot. That is the store's whole contract with the control
API, so a store kept elsewhere than in this process's memory can offer the same methods.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

from .documents import keep_masked_secrets
from .errors import BadRequest, Conflict, NotFound
from .seed import build_state
from .state import State

MAX_SNAPSHOTS = 20
SNAPSHOT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class Snapshot:
    name: str
    saved: float  # seconds since the epoch
    document: dict[str, Any]  # unmasked


class StateStore(Protocol):
    """What the control API needs of a store, wherever it keeps the state (`Store`: in this process)."""

    max_snapshots: int

    @property
    def seed(self) -> dict[str, Any]: ...
    def demo(self) -> dict[str, str]: ...
    def document(self, *, secrets: bool = False) -> dict[str, Any]: ...
    def seed_document(self, *, secrets: bool = False) -> dict[str, Any]: ...
    def reset(self) -> None: ...
    def load(self, doc: dict[str, Any]) -> None: ...
    def replace_seed(self, doc: dict[str, Any]) -> None: ...
    def save_snapshot(self, name: str) -> bool: ...
    def snapshots(self) -> list[Snapshot]: ...
    def restore_snapshot(self, name: str) -> None: ...
    def delete_snapshot(self, name: str) -> None: ...


class Store:
    """Holds the current state, the seed it started from, and up to `max_snapshots` named snapshots.

    Every read-modify-write of the state happens under `lock`, so concurrent requests see
    each removal exactly once whether they run on the event loop or in worker threads.
    """

    def __init__(self, seed: dict[str, Any], *, max_snapshots: int = MAX_SNAPSHOTS) -> None:
        self._seed = seed
        self.lock = threading.Lock()
        self.state: State = build_state(seed)
        self.max_snapshots = max_snapshots
        self._snapshots: dict[str, Snapshot] = {}

    @property
    def seed(self) -> dict[str, Any]:
        """The seed `reset` returns to: the one the store started with, until `replace_seed`."""
        return self._seed

    def demo(self) -> dict[str, str]:
        """The current state's demo block, in clear."""
        with self.lock:
            return dict(self.state.demo)

    def document(self, *, secrets: bool = False) -> dict[str, Any]:
        """The current state in seed-file form; credentials masked unless `secrets`."""
        with self.lock:
            return self.state.to_document(mask_secrets=not secrets)

    def seed_document(self, *, secrets: bool = False) -> dict[str, Any]:
        """The seed reset returns to, in the same form as `document`."""
        return build_state(self._seed).to_document(mask_secrets=not secrets)

    def reset(self) -> None:
        """Go back to the seed."""
        fresh = build_state(self._seed)
        with self.lock:
            self.state = fresh

    def load(self, doc: dict[str, Any]) -> None:
        """Replace the state with a state document (masked secrets keep the current ones); the seed stays.

        Raises SeedError and keeps the state if the document is invalid.
        """
        with self.lock:
            resolved = keep_masked_secrets(doc, self.state.to_document(mask_secrets=False))
            self.state = build_state(resolved, strict=False)

    def replace_seed(self, doc: dict[str, Any]) -> None:
        """Make `doc` the seed reset returns to, and reset to it (masked secrets keep the current seed's).

        Raises SeedError and keeps state and seed if the seed is invalid.
        """
        resolved = keep_masked_secrets(doc, self.seed_document(secrets=True))
        fresh = build_state(resolved)
        with self.lock:
            self._seed = resolved
            self.state = fresh

    def save_snapshot(self, name: str) -> bool:
        """Save the current state as `name`; True when it replaced a snapshot of that name."""
        if not SNAPSHOT_NAME.fullmatch(name):
            raise BadRequest(bad_snapshot_name(name))
        with self.lock:
            replaced = name in self._snapshots
            if not replaced and len(self._snapshots) >= self.max_snapshots:
                raise Conflict(too_many_snapshots(self.max_snapshots, list(self._snapshots)))
            document = self.state.to_document(mask_secrets=False)
            self._snapshots.pop(name, None)
            self._snapshots[name] = Snapshot(name, time.time(), document)
        return replaced

    def snapshots(self) -> list[Snapshot]:
        """The snapshots, oldest first."""
        with self.lock:
            return list(self._snapshots.values())

    def restore_snapshot(self, name: str) -> None:
        with self.lock:
            snapshot = self._snapshot(name)
            self.state = build_state(snapshot.document, strict=False)

    def delete_snapshot(self, name: str) -> None:
        with self.lock:
            self._snapshot(name)
            del self._snapshots[name]

    def _snapshot(self, name: str) -> Snapshot:
        found = self._snapshots.get(name)
        if found is None:
            raise NotFound(no_snapshot(name, list(self._snapshots)))
        return found


def no_snapshot(name: str, saved: list[str]) -> str:
    return (
        f"no snapshot named {name[:80]!r}; saved snapshots: {', '.join(saved) or 'none yet'} "
        '(save one with POST /__admin/snapshots {"name": ...})'
    )


def too_many_snapshots(most: int, names: list[str]) -> str:
    return (
        f"there are already {most} snapshots ({', '.join(names)}), the most the stub keeps; delete one "
        "(DELETE /__admin/snapshots/{name}) or save under an existing name"
    )


def bad_snapshot_name(name: str) -> str:
    return f"snapshot name {name[:80]!r}: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
