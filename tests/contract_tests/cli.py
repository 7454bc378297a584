"""Running `python -m contract_tests` as a user would, in a process of its own with a clean environment.

Each run is a child forked from a process that has imported the suite once (`warm.py`): the same CLI, argv,
environment, working directory and exit code as a fresh `python -m contract_tests`, without its import time.
"""

from __future__ import annotations

import atexit
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .warm import WarmSuite

ROOT = Path(__file__).resolve().parents[2]
WARM = WarmSuite()  # started on the first run, ended with the test process
atexit.register(WARM.close)
SETTINGS = ("API", "RATE", "EXAMPLES", "URL", "STRICT", "CI", "RATE_LIMIT_WAIT", "WORKERS", "STUB_ADMIN_TOKEN")


@dataclass(frozen=True)
class Run:
    code: int
    output: str
    reports: Path

    def summary(self) -> dict[str, Any]:
        return json.loads((self.reports / "summary.json").read_text())

    def outcomes(self) -> dict[str, str]:
        """check id -> outcome, from summary.json."""
        return {f"{r['vendor']}.{r['check']}": r["outcome"] for r in self.summary()["results"]}


def run_suite(reports: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 180) -> Run:
    """The suite's CLI with `args`; target variables and settings come only from `env` (else the defaults)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("RECOUP_", "TURSO_")) and k not in SETTINGS}
    clean["WORKERS"] = "1"  # one after another unless a test asks for workers: tests run many suites at once
    clean.update(env or {})
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "output"
        code = WARM.run(["--reports", str(reports), *args], clean, ROOT, out, timeout)
        return Run(code, out.read_text(errors="replace"), reports)
