"""A remote deployment on loopback: the stub behind an ASGI layer that waits before every answer.

The wait stands for the network between the suite and a deployment elsewhere (30 ms: a deployment in another
region). The layer also counts the requests it answers, vendor operations and control API apart, so every
client measured against it is counted the same way.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CONTROL_PATH = "/__admin"


class Latency:
    """`Latency(0.03)` is a `BackgroundStub(wrap=...)` layer: +30 ms on every HTTP request, counted."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, app: ASGIApp) -> ASGIApp:
        async def delayed(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http":
                kind = "control" if str(scope.get("path", "")).startswith(CONTROL_PATH) else "api"
                with self._lock:
                    self.counts[kind] += 1
                await asyncio.sleep(self.seconds)
            await app(scope, receive, send)

        return delayed

    def take(self) -> Counter[str]:
        """The counts so far, starting the next count from zero."""
        with self._lock:
            counts, self.counts = self.counts, Counter()
        return counts
