"""A remote deployment: the contract suite, one after another and concurrently, and schemathesis' own CLI.

The deployment is the stub on loopback behind `latency.Latency` (REMOTE_LATENCY_MS per request, 30 by default).
In one run, against that one deployment, reset to its seed before each contender:

1. `python -m contract_tests --url URL --workers 1` (sequential),
2. `python -m contract_tests --url URL` (concurrent: the suite's default number of workers in live mode),
3. `st run specs/recoup.yaml` and `st run specs/turso.yaml` with `--workers` set to that same number,
   `--max-examples` to the suite's EXAMPLES, and the demo credentials as headers.

Requests are counted by the deployment, so all three are counted alike. The two suite runs must agree on the
outcome of every check.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contract_tests.concurrency import DEFAULT_LIVE_FRESH_WORKERS
from contract_tests.config import DEFAULT_EXAMPLES

from .latency import Latency
from .scenarios import read_demo
from .settings import BenchSettings

# The suite's own settings and target variables: cleared, so the suite runs with its live-mode defaults.
SUITE_ENV = ("API", "RATE", "EXAMPLES", "WORKERS", "URL", "STRICT", "CI")
RUN_TIMEOUT_S = 600.0
_WORKERS = re.compile(r"^  (\d+) concurrent workers", re.MULTILINE)


@dataclass(frozen=True)
class Contender:
    name: str  # "sequential", "concurrent", "schemathesis"
    label: str
    workers: int
    wall_s: float
    requests: int  # vendor operations, counted by the deployment
    control_requests: int  # the stub's control API (GET /__admin, reset, restore)
    exit_code: int
    outcomes: dict[str, str] = field(default_factory=dict)  # check id -> outcome, for the suite
    error: str = ""

    @property
    def rps(self) -> float:
        return self.requests / self.wall_s if self.wall_s > 0 else 0.0


@dataclass(frozen=True)
class RemoteResult:
    latency_ms: float
    examples: int
    contenders: list[Contender]
    error: str = ""

    def get(self, name: str) -> Contender | None:
        return next((c for c in self.contenders if c.name == name), None)

    def differences(self) -> list[str]:
        """Checks whose outcome differs between the sequential and the concurrent suite run."""
        return verdict_differences(self.get("sequential"), self.get("concurrent"))

    def to_json(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms,
            "examples": self.examples,
            "error": self.error,
            "verdicts_identical": not self.differences() if self.get("concurrent") else None,
            "differences": self.differences(),
            "contenders": [
                {
                    "name": c.name,
                    "label": c.label,
                    "workers": c.workers,
                    "wall_s": c.wall_s,
                    "requests": c.requests,
                    "control_requests": c.control_requests,
                    "requests_per_s": round(c.rps, 1),
                    "exit_code": c.exit_code,
                    "outcomes": c.outcomes,
                    "error": c.error,
                }
                for c in self.contenders
            ],
        }


def verdict_differences(a: Contender | None, b: Contender | None) -> list[str]:
    if a is None or b is None:
        return []
    if not a.outcomes or not b.outcomes:
        return ["no verdicts to compare: " + (a.error or b.error or "a suite run wrote no summary")]
    out = []
    for check in sorted(a.outcomes.keys() | b.outcomes.keys()):
        x, y = a.outcomes.get(check, "absent"), b.outcomes.get(check, "absent")
        if x != y:
            out.append(f"{check}: {x} sequentially, {y} concurrently")
    return out


def outcomes_of(summary: Mapping[str, Any]) -> dict[str, str]:
    """check id -> outcome, from a suite's summary.json."""
    return {f"{r['vendor']}.{r['check']}": str(r["outcome"]) for r in summary.get("results", [])}


def run_remote(
    settings: BenchSettings,
    say: Callable[[str], None],
    *,
    latency_ms: float = 30.0,
    examples: int = DEFAULT_EXAMPLES,
) -> RemoteResult:
    from mock_server.background import BackgroundStub

    demo = read_demo(settings.seed)
    latency = Latency(latency_ms / 1000)
    out = settings.out_dir / "remote"
    env = {k: v for k, v in os.environ.items() if k not in SUITE_ENV and not k.startswith(("RECOUP_", "TURSO_"))}
    env["EXAMPLES"] = str(examples)
    contenders: list[Contender] = []
    with BackgroundStub(seed=settings.seed, wrap=latency) as stub:
        # schemathesis sends malformed requests on purpose; the stub answers them, uvicorn need not log them
        logging.getLogger("uvicorn.error").setLevel(logging.ERROR)

        def run(name: str, label: str, workers: int, commands: list[list[str]], reports: Path | None) -> Contender:
            stub.store.reset()
            latency.take()
            say(f"  {label} ...")
            c = _run(settings.root, name, label, workers, commands, reports, env, latency)
            say(
                f"    {c.wall_s:.1f} s, {c.requests} requests ({c.rps:.0f}/s), exit {c.exit_code}"
                + (f": {c.error}" if c.error else "")
            )
            contenders.append(c)
            return c

        suite = [sys.executable, "-m", "contract_tests", "--url", stub.url]
        run("sequential", "contract suite, one test after another", 1, [[*suite, "--workers", "1"]], out / "seq")
        concurrent = run("concurrent", "contract suite, default workers", 0, [suite], out / "conc")
        workers = concurrent.workers or DEFAULT_LIVE_FRESH_WORKERS
        st = str(Path(sys.executable).with_name("st"))
        common = ["--url", stub.url, "--workers", str(workers), "--max-examples", str(examples)]
        run(
            "schemathesis",
            f"schemathesis CLI (st run, recoup then turso, --workers {workers})",
            workers,
            [
                [st, "run", "specs/recoup.yaml", *common, "-H", f"x-api-key: {demo.get('RECOUP_API_KEY', '')}"],
                [st, "run", "specs/turso.yaml", *common, "-H", f"Authorization: Bearer {demo.get('TURSO_TOKEN', '')}"],
            ],
            None,
        )
    return RemoteResult(latency_ms, examples, contenders)


def workers_used(output: str) -> int | None:
    """How many workers a suite run used, from its "N concurrent workers" line (None: one after another)."""
    found = _WORKERS.search(output)
    return int(found.group(1)) if found else None


def _run(
    root: Path,
    name: str,
    label: str,
    workers: int,
    commands: Sequence[list[str]],
    reports: Path | None,
    env: Mapping[str, str],
    latency: Latency,
) -> Contender:
    started = time.monotonic()
    codes, errors = [], []
    if reports is not None:
        (reports / "summary.json").unlink(missing_ok=True)
    for command in commands:
        args = [*command, "--reports", str(reports)] if reports is not None else command
        try:
            done = subprocess.run(
                args,
                cwd=root,
                env=dict(env),
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT_S,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            codes.append(-1)
            errors.append(str(exc).splitlines()[0])
            continue
        codes.append(done.returncode)
        if reports is not None and not workers:
            workers = workers_used(done.stdout) or 1
        if reports is None and done.returncode not in (0, 1):
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:]
            errors.append(f"{args[2]} exited {done.returncode}" + (f": {tail[0]}" if tail else ""))
    wall = round(time.monotonic() - started, 2)
    counts = latency.take()
    outcomes: dict[str, str] = {}
    if reports is not None:
        try:
            outcomes = outcomes_of(json.loads((reports / "summary.json").read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            errors.append(f"no summary.json: {exc}")
    return Contender(
        name,
        label,
        workers,
        wall,
        counts["api"],
        counts["control"],
        max(codes, key=abs) if codes else -1,
        outcomes,
        "; ".join(errors),
    )
