"""The store: the current state, the seed it came from, and the lock that guards both."""

from __future__ import annotations

import threading
from typing import Any

from .seed import build_state
from .state import State


class Store:
    """Holds the current state and the seed it started from.

    Every read-modify-write of the state happens under `lock`, so concurrent requests see
    each removal exactly once whether they run on the event loop or in worker threads.
    """

    def __init__(self, seed: dict[str, Any]) -> None:
        self._seed = seed
        self.lock = threading.Lock()
        self.state: State = build_state(seed)

    @property
    def seed(self) -> dict[str, Any]:
        return self._seed

    def reset(self) -> None:
        """Go back to the seed the store was started (or last loaded) with."""
        fresh = build_state(self._seed)
        with self.lock:
            self.state = fresh

    def load(self, seed: dict[str, Any]) -> None:
        """Replace the state with a new seed; raises SeedError and keeps the state if invalid."""
        fresh = build_state(seed)
        with self.lock:
            self._seed = seed
            self.state = fresh
