"""Generated contract cases per second: run `python -m contract_tests` (it starts its own stub) and read its summary.

The suite writes into a folder of the bench's own (`--reports`), so a contract run started elsewhere at the same
time cannot be mistaken for this one; its settings variables are cleared so it runs with its defaults.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUITE_ENV = ("API", "RATE", "EXAMPLES", "WORKERS")  # the suite's own settings variables


@dataclass(frozen=True)
class ContractResult:
    available: bool
    reason: str = ""
    cases_per_s: float | None = None
    generated_cases: int | None = None
    requests: int | None = None
    duration_s: float | None = None
    exit_code: int | None = None
    wall_s: float | None = None


def run_contract_suite(root: Path, reports: Path, timeout: float = 900.0) -> ContractResult:
    if not (root / "contract_tests" / "__main__.py").exists():
        return ContractResult(False, "not available: contract_tests/__main__.py does not exist yet")
    summary = reports / "summary.json"
    started = time.time()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "contract_tests", "--reports", str(reports)],
            cwd=root,
            env={k: v for k, v in os.environ.items() if k not in SUITE_ENV},
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return ContractResult(False, f"not available: `python -m contract_tests` ran over {timeout:.0f} s")
    wall = round(time.time() - started, 2)
    try:
        fresh = summary.stat().st_mtime >= started
        data: dict[str, Any] = json.loads(summary.read_text(encoding="utf-8")) if fresh else {}
    except (OSError, ValueError):
        fresh, data = False, {}
    if not fresh or "cases_per_s" not in data:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
        why = f"`python -m contract_tests` exited {done.returncode} without writing {summary}"
        return ContractResult(False, f"not available: {why}" + (f"\n{tail}" if tail else ""), exit_code=done.returncode)
    return ContractResult(
        True,
        cases_per_s=float(data["cases_per_s"]),
        generated_cases=_int(data.get("generated_cases")),
        requests=_int(data.get("requests")),
        duration_s=float(data["duration_s"]) if data.get("duration_s") is not None else None,
        exit_code=done.returncode,
        wall_s=wall,
    )


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) else None
