"""The Redis the bench's Redis-store rows run on: redis-server on a free loopback port, no persistence,
and the round trips each vendor operation costs, counted from Redis's own `INFO commandstats`."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from typing import Any

import redis

from .scenarios import Scenario
from .servers import HOST, free_port, request

COUNTED = ("evalsha", "xadd")  # a vendor operation's script call; the journal's entries (pipelined in batches)


class RedisServer:
    def __init__(self) -> None:
        self.binary = shutil.which("redis-server") or ""
        self.port = 0
        self.dir = ""
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> str:
        """'' when it answers, else why it could not be started."""
        if not self.binary:
            return "redis-server is not installed (apt-get install redis-server)"
        self.port, self.dir = free_port(), tempfile.mkdtemp(prefix="bench-redis-")
        args = [
            self.binary,
            "--port",
            str(self.port),
            "--bind",
            HOST,
            "--dir",
            self.dir,
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        self._proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(host=HOST, port=self.port, socket_timeout=0.5)
        for _ in range(500):
            try:
                if client.ping():
                    return ""
            except redis.RedisError:
                time.sleep(0.01)
        self.stop()
        return "redis-server did not answer within 5 s"

    def version(self) -> str:
        info: dict[str, Any] = redis.Redis(host=HOST, port=self.port).info("server")
        return str(info.get("redis_version", ""))

    def calls(self) -> dict[str, int]:
        """Calls of each counted command so far, and `evalsha_usec`: Redis's time in EVALSHA, in microseconds."""
        stats: dict[str, Any] = redis.Redis(host=HOST, port=self.port).info("commandstats")
        out = {name: int(stats.get(f"cmdstat_{name}", {}).get("calls", 0)) for name in COUNTED}
        out["evalsha_usec"] = int(stats.get("cmdstat_evalsha", {}).get("usec", 0))
        return out

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
            self._proc = None
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)


@dataclass(frozen=True)
class RoundTrips:
    scenario: str
    requests: int
    per_request: dict[str, float]  # command -> calls per request
    script_us: float  # Redis's own time per EVALSHA


def count_round_trips(server: RedisServer, port: int, scenarios: list[Scenario], n: int = 200) -> list[RoundTrips]:
    """`n` requests of each scenario one after another on the stub at `port`; Redis's calls per request."""
    out = []
    for s in scenarios:
        time.sleep(0.05)  # let the journal's last batch go out
        before = server.calls()
        for _ in range(n):
            request(port, s)
        time.sleep(0.05)
        after = server.calls()
        calls = after["evalsha"] - before["evalsha"]
        script_us = (after["evalsha_usec"] - before["evalsha_usec"]) / calls if calls else 0.0
        out.append(
            RoundTrips(s.key, n, {k: round((after[k] - before[k]) / n, 3) for k in COUNTED}, round(script_us, 1))
        )
    return out
