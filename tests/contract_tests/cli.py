"""Running `python -m contract_tests` as a user would, in a subprocess with a clean environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
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
    done = subprocess.run(
        [sys.executable, "-m", "contract_tests", "--reports", str(reports), *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Run(done.returncode, done.stdout + done.stderr, reports)
