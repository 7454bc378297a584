"""The soak: a fresh stub under wrk on the Recoup 200 path for SOAK_SECONDS, its RSS sampled as it goes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .load import LoadResult, finish_wrk, start_wrk
from .scenarios import Scenario
from .servers import ServerSpec, launch
from .settings import BenchSettings

WARM_REFERENCE_S = 60.0  # RSS growth is judged from the sample taken after this much load


@dataclass
class SoakResult:
    seconds: int
    first_answer_s: float
    rss_start_kib: int  # after the first answer, before any load
    samples: list[tuple[float, int]] = field(default_factory=list)  # (seconds under load, RSS KiB)
    rss_final_kib: int = 0
    load: LoadResult | None = None
    error: str = ""

    @property
    def warm_reference(self) -> tuple[float, int]:
        """The last sample taken within the warm-up (60 s, or a tenth of a shorter soak)."""
        limit = min(WARM_REFERENCE_S, self.seconds / 10)
        early = [s for s in self.samples if s[0] <= limit + 1.0]
        return early[-1] if early else (0.0, self.rss_start_kib)

    @property
    def growth_vs_warm_pct(self) -> float:
        base = self.warm_reference[1]
        return 100.0 * (self.rss_final_kib - base) / base if base else 0.0

    @property
    def growth_vs_start_pct(self) -> float:
        base = self.rss_start_kib
        return 100.0 * (self.rss_final_kib - base) / base if base else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "seconds": self.seconds,
            "first_answer_s": self.first_answer_s,
            "rss_start_kib": self.rss_start_kib,
            "rss_warm_reference": {"at_s": self.warm_reference[0], "kib": self.warm_reference[1]},
            "rss_final_kib": self.rss_final_kib,
            "growth_vs_warm_pct": round(self.growth_vs_warm_pct, 2),
            "growth_vs_start_pct": round(self.growth_vs_start_pct, 2),
            "samples": [{"at_s": t, "rss_kib": kib} for t, kib in self.samples],
            "load": self.load.to_json() if self.load else None,
            "error": self.error,
        }


def run_soak(
    settings: BenchSettings, wrk: str, spec: ServerSpec, scenario: Scenario, say: Callable[[str], None]
) -> SoakResult:
    seconds = settings.soak_seconds
    server = launch(spec, scenario)
    try:
        result = SoakResult(seconds, round(server.first_answer_s, 4), server.rss_kib())
        load_args = {"seconds": seconds, "threads": settings.threads, "connections": settings.connections}
        with start_wrk(wrk, server.url, scenario, **load_args) as proc:
            started = time.monotonic()
            tick = 1
            while proc.poll() is None:
                next_at = started + tick * settings.soak_sample_every
                time.sleep(max(0.0, min(next_at - time.monotonic(), 1.0)))
                if time.monotonic() >= next_at and proc.poll() is None:
                    at = round(time.monotonic() - started, 1)
                    result.samples.append((at, server.rss_kib()))
                    if tick * settings.soak_sample_every % 60 == 0:
                        rss_mb = result.samples[-1][1] * 1024 / 1e6
                        say(f"  soak {at / 60:.0f}/{seconds / 60:.0f} min  RSS {rss_mb:.1f} MB")
                    tick += 1
            result.load = finish_wrk(proc, seconds=seconds, expected=scenario.expected)
        result.rss_final_kib = server.rss_kib()
        if server.proc.poll() is not None:
            result.error = f"the stub exited during the soak (status {server.proc.returncode}):\n{server.output()}"
        return result
    finally:
        server.stop()
