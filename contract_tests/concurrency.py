"""How many pytest-xdist workers a run uses, and how they share RATE without ever exceeding it together.

Against a remote deployment the suite waits on the network, not on the CPU, so independent tests run in
several worker processes at once: 16 where they can be forked from a preloaded process, else 8 (a fresh
interpreter costs about a second of CPU to start). Against the stub it starts itself the suite is CPU-bound
on the same machine, so stub mode stays sequential unless WORKERS asks otherwise (each worker then starts a
stub of its own).

RATE is shared by lanes: with N workers and an interval of 1/RATE seconds, worker i may only send in the time
slots epoch + (i + k*N)/RATE. Slots of different workers never coincide, and each request takes a slot of its
own, so the run as a whole keeps to one schedule of RATE requests per second, as a sequential run does.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from . import zygote

DEFAULT_LIVE_WORKERS = 16  # workers forked from a preloaded process (zygote.py): cheap to start
DEFAULT_LIVE_FRESH_WORKERS = 8  # workers started as fresh interpreters, about a second of CPU each
DEFAULT_STUB_WORKERS = 1
MAX_WORKERS = 32


class WorkersError(ValueError):
    """WORKERS is unusable; the message says what to give."""


def parse_workers(text: str) -> int | None:
    """WORKERS / --workers: a whole number from 1 to MAX_WORKERS, or empty for the default of the mode."""
    if not text.strip():
        return None
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_WORKERS:
        raise WorkersError(
            f"WORKERS={text!r}: give a whole number of concurrent workers from 1 to {MAX_WORKERS} "
            f"(1 runs the tests one after another)"
        )
    return value


def worker_count(requested: int | None, mode: str, checks: int, *, forked: bool | None = None) -> int:
    """The workers a run uses: the request or the mode's default, never more than the selected checks.

    `forked`: whether workers can be forked from a preloaded process (None: find out, see `zygote.usable`).
    """
    if requested is None and mode == "live":
        cheap = zygote.usable() if forked is None else forked
        requested = DEFAULT_LIVE_WORKERS if cheap else DEFAULT_LIVE_FRESH_WORKERS
    wanted = requested if requested is not None else DEFAULT_STUB_WORKERS
    return max(1, min(wanted, checks))


@dataclass(frozen=True)
class Lane:
    """Worker `index` of `lanes` sends only in its own slots of a shared schedule that starts at `epoch`.

    `epoch` is a time.monotonic() reading, which is one clock for every process of the machine.
    """

    rate: float
    index: int
    lanes: int
    epoch: float

    @property
    def interval(self) -> float:
        return 1.0 / self.rate

    def slot(self, earliest: float) -> float:
        """The first slot of this lane at or after `earliest`."""
        step = self.lanes * self.interval
        first = self.epoch + self.index * self.interval
        k = max(0, math.ceil((earliest - first) / step - 1e-9))
        return max(first + k * step, earliest)  # the max only absorbs rounding (under 1e-9 of a turn)


class LanePacer:
    """Waits for this worker's next slot; thread-safe, one slot per request."""

    def __init__(self, lane: Lane) -> None:
        self.lane = lane
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            start = self.lane.slot(max(now, self._next))
            self._next = start + self.lane.lanes * self.lane.interval
        if start > now:
            time.sleep(start - now)


class PacedAdapter(HTTPAdapter):
    """requests' transport, sending each request in the worker's next RATE slot."""

    def __init__(self, pacer: LanePacer) -> None:
        super().__init__()
        self.pacer = pacer

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        self.pacer.wait()
        return super().send(request, *args, **kwargs)


def pace(session: requests.Session, lane: Lane) -> None:
    """Make every request of `session` wait for its lane's slot."""
    adapter = PacedAdapter(LanePacer(lane))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
