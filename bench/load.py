"""Drive a server with wrk; a Lua hook counts every response status so unexpected ones become errors."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .scenarios import Scenario
from .settings import BenchError

WRK_INSTALL = (
    "wrk (the HTTP load generator) is not installed. Install it, then run `make bench` again:\n"
    "  Debian/Ubuntu:  sudo apt-get install wrk\n"
    "  Fedora:         sudo dnf install wrk\n"
    "  macOS:          brew install wrk"
)

_LUA = """\
wrk.method = {method}
{headers}
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {{}} end
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  local all = {{}}
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("counts")) do all[s] = (all[s] or 0) + n end
  end
  for s, n in pairs(all) do io.write(string.format("bench-status %d %d\\n", s, n)) end
end
"""

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    socket_errors: int
    statuses: dict[int, int]
    expected: int

    @property
    def unexpected(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != self.expected)

    @property
    def errors(self) -> int:
        return self.socket_errors + self.unexpected

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["statuses"] = {str(k): v for k, v in sorted(self.statuses.items())}
        data["errors"] = self.errors
        return data


def find_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise BenchError(WRK_INSTALL)
    return path


def lua_script(scenario: Scenario) -> str:
    headers = "\n".join(f"wrk.headers[{_lua(k)}] = {_lua(v)}" for k, v in scenario.headers)
    if scenario.body:
        headers += f"\nwrk.body = {_lua(scenario.body)}"
    return _LUA.format(method=_lua(scenario.method), headers=headers)


@contextmanager
def start_wrk(
    wrk: str, base_url: str, scenario: Scenario, *, seconds: int, threads: int, connections: int
) -> Iterator[subprocess.Popen[str]]:
    """wrk running in the background for `seconds`; read its output with `finish_wrk`."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="bench-", delete=False) as f:
        f.write(lua_script(scenario))
        script = Path(f.name)
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script)]
    proc = subprocess.Popen(
        [*command, base_url + scenario.target], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        script.unlink(missing_ok=True)


def finish_wrk(proc: subprocess.Popen[str], *, seconds: int, expected: int) -> LoadResult:
    try:
        out, err = proc.communicate(timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        raise BenchError(f"wrk did not finish within {seconds + 60} s") from None
    if proc.returncode != 0:
        raise BenchError(f"wrk failed (exit {proc.returncode}): {err.strip() or out.strip()}")
    return parse_wrk(out, expected)


def run_wrk(
    wrk: str, base_url: str, scenario: Scenario, *, seconds: int, threads: int, connections: int, expected: int
) -> LoadResult:
    with start_wrk(wrk, base_url, scenario, seconds=seconds, threads=threads, connections=connections) as proc:
        return finish_wrk(proc, seconds=seconds, expected=expected)


def parse_wrk(text: str, expected: int) -> LoadResult:
    """Read wrk's --latency summary and the script's `bench-status` lines."""
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h)", text)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if total is None or rps is None:
        raise BenchError(f"cannot read wrk's output:\n{text}")
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return LoadResult(
        requests=int(total.group(1)),
        seconds=round(float(total.group(2)) * _UNIT_MS[total.group(3)] / 1000.0, 3),
        rps=float(rps.group(1)),
        p50_ms=_percentile(text, "50"),
        p99_ms=_percentile(text, "99"),
        socket_errors=sum(int(n) for n in sock.groups()) if sock else 0,
        statuses={int(s): int(n) for s, n in re.findall(r"^bench-status (\d+) (\d+)$", text, re.MULTILINE)},
        expected=expected,
    )


def _percentile(text: str, pct: str) -> float:
    found = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m|h)\s*$", text, re.MULTILINE)
    if found is None:
        raise BenchError(f"wrk's output has no {pct}% latency line (was --latency lost?):\n{text}")
    return round(float(found.group(1)) * _UNIT_MS[found.group(2)], 3)


def _lua(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
