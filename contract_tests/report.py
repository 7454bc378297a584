"""What a run found: per-check tallies, the end-of-run table (checks x vendor), and reports/contract/summary.json."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checks import Check
from .config import VENDORS


@dataclass
class Tally:
    passed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (problem, full message)
    skipped: str | None = None
    blocked: str | None = None  # why it could not run


@dataclass(frozen=True)
class Outcome:
    check: Check
    outcome: str  # "pass", "fail", "skipped", "not run"
    reason: str  # the problem for a failure, why for a skip
    cases: int  # examples that passed
    message: str = ""  # a failure in full: rule, problem, curl, answer


class Results:
    """Outcomes of the selected checks, recorded as the tests run."""

    def __init__(self, checks: Sequence[Check]) -> None:
        self.checks = list(checks)
        self._tally = {c: Tally() for c in self.checks}
        self.generated_cases = 0
        self.other_failures: list[str] = []  # of checks outside the selection that a selected one needs

    def passed(self, check: Check) -> None:
        self._tally[check].passed += 1

    def failed(self, check: Check, problem: str, message: str) -> None:
        one_line = "; ".join(line.strip() for line in problem.splitlines() if line.strip())
        self._tally[check].failures.append((one_line, message))

    def skipped(self, check: Check, reason: str) -> None:
        self._tally[check].skipped = self._tally[check].skipped or reason

    def blocked(self, check: Check, reason: str) -> None:
        self._tally[check].blocked = reason

    def has_outcome(self, check: Check) -> bool:
        t = self._tally[check]
        return bool(t.passed or t.failures or t.skipped or t.blocked)

    def outcomes(self) -> list[Outcome]:
        out = []
        for check, t in self._tally.items():
            if t.failures:
                problem, message = t.failures[0]
                out.append(Outcome(check, "fail", problem, t.passed, message))
            elif t.skipped:
                out.append(Outcome(check, "skipped", t.skipped, t.passed))
            elif t.passed:
                out.append(Outcome(check, "pass", "", t.passed))
            else:
                out.append(Outcome(check, "not run", t.blocked or "its test stopped at an earlier failure", 0))
        return out


def table(outcomes: Sequence[Outcome], vendors: Sequence[str] = VENDORS) -> str:
    """Rows: checks by section; columns: vendors. Reasons for skips are numbered notes below, one per reason."""
    cells: dict[tuple[str, str], str] = {}
    reasons: dict[str, int] = {}
    for o in outcomes:
        if o.outcome == "pass":
            text = f"pass ({o.cases})"
        elif o.outcome == "fail":
            text = "FAIL"
        else:
            number = reasons.setdefault(o.reason, len(reasons) + 1)
            text = f"{o.outcome} [{number}]"
        cells[(o.check.name, o.check.vendor)] = text
    rows: list[tuple[str, str]] = []  # (section, name), in registry order
    for o in outcomes:
        if (o.check.section, o.check.name) not in rows:
            rows.append((o.check.section, o.check.name))
    width = max([len(name) + 4 for _, name in rows] + [12])
    cols = [max([len(v)] + [len(cells.get((n, v), "")) for _, n in rows]) for v in vendors]
    lines = ["check".ljust(width) + "  ".join(v.ljust(w) for v, w in zip(vendors, cols, strict=True))]
    section = None
    for sec, name in rows:
        if sec != section:
            lines.append(sec)
            section = sec
        row = [cells.get((name, v), "-").ljust(w) for v, w in zip(vendors, cols, strict=True)]
        lines.append((("  " + name).ljust(width) + "  ".join(row)).rstrip())
    lines += [f"[{n}] {reason}" for reason, n in reasons.items()]
    return "\n".join(lines)


def summary(outcomes: Sequence[Outcome], **facts: Any) -> dict[str, Any]:
    results = [
        {
            "check": o.check.name,
            "vendor": o.check.vendor,
            "section": o.check.section,
            "outcome": o.outcome,
            "reason": o.reason,
            "cases": o.cases,
        }
        for o in outcomes
    ]
    return {**facts, "results": results}


def write_summary(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
