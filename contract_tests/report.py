"""What a run found: per-check tallies, the end-of-run table (checks x vendor), and reports/contract/summary.json.

`Results` and `Outcome` are plain data keyed by check id ("recoup.removes_non_member"): `Results.to_dict()`
gives JSON, `Results.from_dict()` reads it back, and `merge` adds another run's tallies (e.g. of a worker).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .checks import REGISTRY, Check
from .config import VENDORS

OUTCOMES = ("pass", "fail", "skipped", "not exercised", "not run")


@dataclass
class Tally:
    """What one check saw over a run."""

    passed: int = 0  # cases the check applied to and passed
    failures: list[tuple[str, str]] = field(default_factory=list)  # (problem, full message), one per failed case
    skipped: str | None = None  # why its test could not run against this target
    blocked: str | None = None  # why its test stopped before it ran
    not_applicable: int = 0  # cases seen that the check does not apply to
    why_not: str | None = None  # why they did not apply, first seen

    def merge(self, other: Tally) -> None:
        self.passed += other.passed
        self.failures += other.failures
        self.skipped = self.skipped or other.skipped
        self.blocked = self.blocked or other.blocked
        self.not_applicable += other.not_applicable
        self.why_not = self.why_not or other.why_not

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Tally:
        return cls(
            passed=int(doc.get("passed", 0)),
            failures=[(str(p), str(m)) for p, m in doc.get("failures", [])],
            skipped=doc.get("skipped"),
            blocked=doc.get("blocked"),
            not_applicable=int(doc.get("not_applicable", 0)),
            why_not=doc.get("why_not"),
        )


@dataclass(frozen=True)
class Outcome:
    """One row of the verdict: a check on a vendor."""

    check: str  # check id, e.g. "recoup.removes_non_member"
    vendor: str
    name: str
    section: str
    outcome: str  # one of OUTCOMES
    reason: str  # the problem for a failure; why for a skip, a check not exercised or not run
    cases: int  # cases the check applied to (passed and failed)
    message: str = ""  # the first failure in full: rule, problem, curl, answer

    def row(self) -> dict[str, Any]:
        """The summary.json row."""
        keys = ("check", "vendor", "section", "outcome", "reason", "cases")
        doc = {k: v for k, v in asdict(self).items() if k in keys}
        doc["check"] = self.name
        return doc


class Results:
    """Tallies of the selected checks, recorded as the tests run. Plain data: see `to_dict` and `merge`."""

    def __init__(self, checks: Sequence[Check]) -> None:
        self.checks = [c.id for c in checks]
        self.tallies: dict[str, Tally] = {c: Tally() for c in self.checks}
        self.generated_cases = 0
        self.other_failures: list[str] = []  # of checks outside the selection that a selected one needs

    def passed(self, check: Check) -> None:
        self.tallies[check.id].passed += 1

    def failed(self, check: Check, problem: str, message: str) -> None:
        one_line = "; ".join(line.strip() for line in problem.splitlines() if line.strip())
        self.tallies[check.id].failures.append((one_line, message))

    def not_applicable(self, check: Check, why: str) -> None:
        t = self.tallies[check.id]
        t.not_applicable += 1
        t.why_not = t.why_not or why

    def skipped(self, check: Check, reason: str) -> None:
        self.tallies[check.id].skipped = self.tallies[check.id].skipped or reason

    def blocked(self, check: Check, reason: str) -> None:
        self.tallies[check.id].blocked = reason

    def has_outcome(self, check: Check) -> bool:
        t = self.tallies[check.id]
        return bool(t.passed or t.failures or t.skipped or t.blocked)

    def block_unfinished(self, reason: str) -> None:
        """Mark every check that has no verdict yet as not run, for `reason` (e.g. the run was stopped)."""
        for t in self.tallies.values():
            if not (t.passed or t.failures or t.skipped or t.blocked):
                t.blocked = reason

    def to_dict(self) -> dict[str, Any]:
        return {
            "checks": list(self.checks),
            "tallies": {c: asdict(t) for c, t in self.tallies.items()},
            "generated_cases": self.generated_cases,
            "other_failures": list(self.other_failures),
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Results:
        by_id = {c.id: c for c in REGISTRY}
        results = cls([by_id[c] for c in doc["checks"]])
        results.merge(doc)
        return results

    def merge(self, doc: Mapping[str, Any]) -> None:
        """Add the tallies of another `to_dict()` (of the same or a smaller selection)."""
        for check, tally in doc.get("tallies", {}).items():
            self.tallies.setdefault(check, Tally()).merge(Tally.from_dict(tally))
            if check not in self.checks:
                self.checks.append(check)
        self.generated_cases += int(doc.get("generated_cases", 0))
        self.other_failures += list(doc.get("other_failures", []))

    def outcomes(self) -> list[Outcome]:
        by_id = {c.id: c for c in REGISTRY}
        return [_outcome(by_id[c], self.tallies[c]) for c in self.checks]


def _outcome(check: Check, t: Tally) -> Outcome:
    def out(outcome: str, reason: str, message: str = "") -> Outcome:
        cases = t.passed + len(t.failures)
        return Outcome(check.id, check.vendor, check.name, check.section, outcome, reason, cases, message)

    if t.failures:
        problem, message = t.failures[0]
        return out("fail", problem, message)
    if t.skipped:
        return out("skipped", t.skipped)
    if t.passed:
        return out("pass", "")
    if t.blocked:
        return out("not run", t.blocked)
    return out("not exercised", t.why_not or "no case reached it")


def exit_code(outcomes: Sequence[Outcome], *, strict: bool) -> int:
    """0 every check passed; 1 a check failed (or stopped at a failure); 2 nothing (or, strict, not all) tested."""
    if any(o.outcome in ("fail", "not run") for o in outcomes):
        return 1
    if not any(o.outcome == "pass" for o in outcomes):
        return 2
    if strict and any(o.outcome in ("skipped", "not exercised") for o in outcomes):
        return 2
    return 0


def table(outcomes: Sequence[Outcome], vendors: Sequence[str] = VENDORS) -> str:
    """Rows: checks by section; columns: vendors. Reasons (skips, not exercised, not run) are numbered notes."""
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
        cells[(o.name, o.vendor)] = text
    rows: list[tuple[str, str]] = []  # (section, name), in registry order
    for o in outcomes:
        if (o.section, o.name) not in rows:
            rows.append((o.section, o.name))
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
    return {**facts, "results": [o.row() for o in outcomes]}


def write_summary(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
