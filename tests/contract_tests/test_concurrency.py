"""`contract_tests.concurrency`: the WORKERS setting, the default per mode, and RATE shared by lanes."""

from __future__ import annotations

import itertools
import threading

import pytest
import requests

from contract_tests import concurrency
from contract_tests.concurrency import (
    DEFAULT_LIVE_FRESH_WORKERS,
    DEFAULT_LIVE_WORKERS,
    MAX_WORKERS,
    Lane,
    LanePacer,
    PacedAdapter,
    WorkersError,
    pace,
    parse_workers,
    worker_count,
)
from contract_tests.config import ConfigError, parse_config


@pytest.mark.parametrize(("text", "value"), [("", None), ("  ", None), ("1", 1), (" 8 ", 8), ("32", 32)])
def test_workers_setting(text: str, value: int | None) -> None:
    assert parse_workers(text) == value


@pytest.mark.parametrize("text", ["0", "-2", "two", "1.5", str(MAX_WORKERS + 1)])
def test_unusable_workers_setting_names_it(text: str) -> None:
    with pytest.raises(WorkersError, match=f"WORKERS='{text}': give a whole number"):
        parse_workers(text)


def test_workers_from_environment_and_flag() -> None:
    assert parse_config(["--url", "http://h:1"], {}).workers is None
    assert parse_config(["--url", "http://h:1"], {"WORKERS": "3"}).workers == 3
    assert parse_config(["--url", "http://h:1", "--workers", "5"], {"WORKERS": "3"}).workers == 5
    with pytest.raises(ConfigError, match="WORKERS='none'"):
        parse_config([], {"WORKERS": "none"})


def test_default_workers_per_mode_and_never_more_than_the_checks() -> None:
    assert worker_count(None, "live", 40, forked=True) == DEFAULT_LIVE_WORKERS == 16
    assert worker_count(None, "live", 40, forked=False) == DEFAULT_LIVE_FRESH_WORKERS == 8
    assert worker_count(None, "stub", 40, forked=True) == 1  # the local stub: CPU-bound, one after another
    assert worker_count(3, "stub", 40) == 3
    assert worker_count(12, "live", 40, forked=False) == 12
    assert worker_count(None, "live", 2, forked=True) == 2  # --only: no idle workers
    assert worker_count(4, "live", 0) == 1


def test_lanes_never_share_a_slot_and_keep_one_interval_apart() -> None:
    """Whatever moments four workers ask at, the slots they get are all 1/RATE apart."""
    rate, lanes = 20.0, 4
    taken: list[float] = []
    for index in range(lanes):
        lane = Lane(rate, index, lanes, epoch=100.0)
        last = 0.0
        for asked in (99.0, 100.0, 100.01, 100.3, 100.31, 103.7, 103.7001):
            slot = lane.slot(max(asked, last))
            assert slot >= asked
            assert slot < max(asked, last, 100.0) + lanes / rate  # at most one turn of the lanes later
            taken.append(slot)
            last = slot + lanes / rate
    taken.sort()
    gaps = [b - a for a, b in itertools.pairwise(taken)]
    assert min(gaps) >= 1 / rate - 1e-9


def test_a_lane_starts_at_its_own_offset() -> None:
    lane = Lane(10.0, 2, 3, epoch=50.0)
    assert lane.slot(0.0) == pytest.approx(50.2)
    assert lane.slot(50.2) == pytest.approx(50.2)
    assert lane.slot(50.21) == pytest.approx(50.5)


class FakeClock:
    def __init__(self) -> None:
        self.now = 10.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_pacer_waits_for_each_next_slot_of_its_lane(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr(concurrency, "time", clock)
    pacer = LanePacer(Lane(rate=4.0, index=1, lanes=2, epoch=10.0))
    sent = []
    for _ in range(4):
        pacer.wait()
        sent.append(clock.now)
    # lane 1 of 2 at 4/s: slots 10.25, 10.75, 11.25, ...: one request per half second, as RATE/2 allows
    assert sent == pytest.approx([10.25, 10.75, 11.25, 11.75])


def test_concurrent_requests_of_one_worker_take_distinct_slots(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    lock = threading.Lock()
    starts: list[float] = []

    class Recording(LanePacer):
        def wait(self) -> None:
            with lock:
                super().wait()
                starts.append(clock.now)

    monkeypatch.setattr(concurrency, "time", clock)
    pacer = Recording(Lane(rate=100.0, index=0, lanes=1, epoch=10.0))
    threads = [threading.Thread(target=pacer.wait) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(round(s, 6) for s in starts)) == 8


def test_pace_mounts_the_paced_transport_for_both_schemes() -> None:
    session = requests.Session()
    pace(session, Lane(5.0, 0, 2, 0.0))
    adapters = {prefix: session.get_adapter(prefix + "example.com/") for prefix in ("http://", "https://")}
    assert all(isinstance(a, PacedAdapter) for a in adapters.values())
    assert adapters["http://"] is adapters["https://"]  # one pacer for the worker's every request
