"""The interleaved rounds: each round launches every server in turn (order rotated), warms it, loads it, stops it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .load import LoadResult, run_wrk
from .scenarios import Scenario
from .servers import ServerSpec, control, launch, request
from .settings import BenchError, BenchSettings


@dataclass
class Slot:
    """One server launch within one round, and what was measured on it."""

    server: str
    round: int
    first_answer_s: float | None = None
    rss_after_kib: int | None = None
    processes: int | None = None
    loads: dict[str, LoadResult] = field(default_factory=dict)
    spot_checks: dict[str, list[int]] = field(default_factory=dict)  # status before and after the load
    error: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "server": self.server,
            "round": self.round,
            "first_answer_s": self.first_answer_s,
            "rss_after_load_kib": self.rss_after_kib,
            "processes": self.processes,
            "spot_checks": self.spot_checks,
            "loads": {key: load.to_json() for key, load in self.loads.items()},
            "error": self.error,
        }


@dataclass(frozen=True)
class Contender:
    spec: ServerSpec
    scenarios: tuple[Scenario, ...]  # the first one is also the start-up probe and the warm-up


def rotated(items: Sequence[Contender], by: int) -> list[Contender]:
    k = by % len(items) if items else 0
    return [*items[k:], *items[:k]]


def run_rounds(
    settings: BenchSettings, wrk: str, contenders: Sequence[Contender], say: Callable[[str], None]
) -> list[Slot]:
    slots: list[Slot] = []
    for r in range(settings.rounds):
        for contender in rotated(contenders, r):
            slot = run_slot(settings, wrk, contender, r + 1)
            say(_progress(slot, settings.rounds))
            slots.append(slot)
    return slots


def run_slot(settings: BenchSettings, wrk: str, contender: Contender, round_no: int) -> Slot:
    spec = contender.spec
    slot = Slot(spec.name, round_no)
    probe = contender.scenarios[0]
    try:
        server = launch(spec, probe)
    except BenchError as exc:
        slot.error = str(exc)
        return slot
    try:
        slot.first_answer_s = round(server.first_answer_s, 4)
        expected = {s.key: spec.expected_200 if s.key == probe.key else s.expected for s in contender.scenarios}
        load_args = {"threads": settings.threads, "connections": settings.connections}
        if settings.warmup:
            run_wrk(wrk, server.url, probe, seconds=settings.warmup, expected=expected[probe.key], **load_args)
        for s in contender.scenarios:
            for call in s.setup:
                control(server.port, *call)
            slot.spot_checks[s.key] = [request(server.port, s)[0]]
            slot.loads[s.key] = run_wrk(
                wrk, server.url, s, seconds=settings.seconds, expected=expected[s.key], **load_args
            )
            slot.spot_checks[s.key].append(request(server.port, s)[0])
            for call in s.teardown:
                control(server.port, *call)
        slot.rss_after_kib = server.rss_kib()
        slot.processes = len(server.pids())
        if server.proc.poll() is not None:
            slot.error = f"{spec.name} exited during the load (status {server.proc.returncode}):\n{server.output()}"
    except (BenchError, OSError) as exc:
        slot.error = f"{spec.name}: {exc}"
    finally:
        server.stop()
    return slot


def _progress(slot: Slot, rounds: int) -> str:
    head = f"  round {slot.round}/{rounds}  {slot.server:<10}"
    if slot.error:
        return f"{head} ERROR: {slot.error.splitlines()[0] if slot.error else ''}"
    parts = [f"first answer {slot.first_answer_s:.3f} s"]
    for key, load in slot.loads.items():
        parts.append(f"{key} {load.rps:,.0f} req/s p99 {load.p99_ms:.1f} ms {load.errors} err")
    parts.append(f"RSS {(slot.rss_after_kib or 0) * 1024 / 1e6:.1f} MB")
    return f"{head} " + "; ".join(parts)
