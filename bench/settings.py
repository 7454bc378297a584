"""Benchmark settings, read from the environment at the entry point only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRISM_VERSION = "5.14.2"  # newest Prism 5 whose declared engines accept Node 18/20 (5.15+ asks for Node 24)


class BenchError(Exception):
    """A problem the user can fix (missing tool, bad setting); printed without a traceback."""


@dataclass(frozen=True)
class BenchSettings:
    seconds: int = 10  # one measured wrk run
    rounds: int = 3  # how many times the interleaved set is repeated
    warmup: int = 2  # wrk run before measuring, per server launch
    threads: int = 2  # wrk -t
    connections: int = 50  # wrk -c
    soak_seconds: int = 600  # 0 skips the soak
    soak_sample_every: int = 10  # seconds between RSS samples during the soak
    remote_latency_ms: int = 30  # added to every answer of the remote-deployment comparison
    prism_version: str = PRISM_VERSION
    root: Path = ROOT
    out_dir: Path = ROOT / "reports" / "bench"

    @property
    def seed(self) -> Path:
        return self.root / "mock_server" / "seeds" / "demo.yaml"

    @property
    def spec(self) -> Path:
        return self.root / "specs" / "recoup.yaml"


_INTS = {
    "BENCH_SECONDS": ("seconds", 1),
    "BENCH_ROUNDS": ("rounds", 1),
    "BENCH_WARMUP": ("warmup", 0),
    "BENCH_THREADS": ("threads", 1),
    "BENCH_CONNECTIONS": ("connections", 1),
    "SOAK_SECONDS": ("soak_seconds", 0),
    "REMOTE_LATENCY_MS": ("remote_latency_ms", 0),
}


def parse_settings(env: Mapping[str, str]) -> BenchSettings:
    """BENCH_SECONDS, BENCH_ROUNDS, BENCH_WARMUP, BENCH_THREADS, BENCH_CONNECTIONS, SOAK_SECONDS,
    REMOTE_LATENCY_MS, PRISM_VERSION."""
    values: dict[str, int | str] = {}
    for name, (field, least) in _INTS.items():
        text = env.get(name, "").strip()
        if not text:
            continue
        try:
            value = int(text)
        except ValueError:
            value = least - 1
        if value < least:
            raise BenchError(f"{name} must be a whole number of at least {least}, not {text!r}")
        values[field] = value
    if env.get("PRISM_VERSION", "").strip():
        values["prism_version"] = env["PRISM_VERSION"].strip()
    settings = BenchSettings(**values)  # type: ignore[arg-type]
    if settings.connections < settings.threads:
        raise BenchError("BENCH_CONNECTIONS must be at least BENCH_THREADS (wrk gives each thread a connection)")
    return settings
