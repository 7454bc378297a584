"""How one zoo member differs from a plain deployment: transport, wording, base path, rate limit, one fault."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    """A request quota per credential (per client address for requests without one).

    `quota` requests pass; the next ones get 429 with `Retry-After: retry_after`, and the quota is renewed
    `retry_after` seconds after the first refusal. A run is limited after every `quota` requests of one
    credential, however fast or slow the client is.
    """

    quota: int
    retry_after: int = 1


@dataclass(frozen=True)
class Variant:
    base_path: str = ""  # e.g. "/gateway/v2": the vendors are served below it, nothing else is
    extra_properties: bool = False  # every JSON object body carries properties the schemas do not name
    media_type: str = "application/json"  # the Content-Type of JSON answers
    header_case: str = "title"  # "title", "lower" or "upper": how response header names are written
    gzip: bool = False  # gzip the body when the request's Accept-Encoding allows it
    chunked: bool = False  # Transfer-Encoding: chunked instead of Content-Length
    close: bool = False  # Connection: close on every answer
    latency_ms: tuple[float, float] | None = None  # a random delay per answer, in this range
    rate_limit: RateLimit | None = None
    wording: str = "vendor"  # "vendor" or "alternate" error texts
    newest_first: bool = False  # member and organization lists in reverse joining order
    ids: str = "random"  # new membership ids: "random" (version 4) or "time-ordered" (version 7)
    side_org: bool = False  # the disposable Recoup account shares a second organization with the caller
    fault: str | None = None  # one named break from `faults.FAULTS`


class Quotas:
    """The state of a `RateLimit`, one quota per key; thread-safe."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.clock = clock
        self._used: dict[str, int] = {}
        self._blocked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> bool:
        """Whether a request of `key` may pass now (and count it)."""
        with self._lock:
            now = self.clock()
            until = self._blocked_until.get(key)
            if until is not None:
                if now < until:
                    return False
                del self._blocked_until[key]
                self._used[key] = 0
            used = self._used.get(key, 0)
            if used < self.limit.quota:
                self._used[key] = used + 1
                return True
            self._blocked_until[key] = now + self.limit.retry_after
            return False


def header_name(name: str, case: str) -> str:
    if case == "lower":
        return name.lower()
    if case == "upper":
        return name.upper()
    return "-".join(part.capitalize() for part in name.split("-"))
