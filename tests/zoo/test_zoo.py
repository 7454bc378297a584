"""The contract suite against every zoo member, as a user would run it: fair to the correct, blind to no broken one.

Every member gets a fresh server on a free loopback port and one full run of the suite for its vendors, four runs
at a time. The zoo's wall time and each member's verdict are written to reports/zoo/summary.json.
"""

from __future__ import annotations

import json
import re
import resource
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from contract_tests import schemas
from contract_tests.checks import REGISTRY

from ..contract_tests.cli import ROOT, WARM, Run, run_suite
from .members import BROKEN, CORRECT, Member
from .run import serve

WORKERS = 4
EXAMPLES = {"correct": "20", "transport": "10", "broken": "15"}
# Correct members that differ from `plain` only in how the bytes travel (encoding, framing, headers, timing,
# order, a base path): every request of a run meets the difference, so a shorter run proves as much.
TRANSPORT = frozenset(
    {"gzip", "chunked", "connection-close", "latency", "media-type-and-header-case", "member-order", "base-path"}
)
SUMMARY = ROOT / "reports" / "zoo" / "summary.json"


REGISTERED = {c.id for c in REGISTRY}
# The operations the suite's conformance generates cases for, per vendor (from the suite's own schemas).
CONFORMANCE = {
    vendor: {r.ok().definition.raw.get("operationId") for r in schemas.load(vendor).get_all_operations()}
    for vendor in ("recoup", "turso")
}


def reachable(member: Member) -> bool:
    """Whether this suite can meet the member's break: its checks are registered, and its operations covered."""
    covered = set().union(*(CONFORMANCE[v] for v in member.vendors))
    return set(member.catches) <= REGISTERED and set(member.needs) <= covered


RUN_BROKEN = dict(BROKEN)
MEMBERS = {**CORRECT, **RUN_BROKEN}


@dataclass(frozen=True)
class ZooRun:
    member: Member
    run: Run
    seconds: float
    statuses: Counter[int]  # what the deployment answered during the run, by HTTP status


def run_member(name: str, member: Member, reports: Path) -> ZooRun:
    """A fresh instance of `member`, and one run of the suite for its vendors, with the zoo's own values."""
    kind = "broken" if member.broken else "transport" if name in TRANSPORT else "correct"
    with serve(member) as served:
        args = ["--url", served.url, "--examples", EXAMPLES[kind]]
        if len(member.vendors) == 1:
            args += ["--api", member.vendors[0]]
        if member.broken:  # the checks it must be caught by: each broken run costs a second, not a full suite
            args += ["--only", ",".join(member.catches)]
        started = time.monotonic()
        run = run_suite(reports, *args, env=served.environment)
        seconds = time.monotonic() - started
        statuses = Counter(served.deployment.statuses) if served.deployment else Counter()
    return ZooRun(member, run, seconds, statuses)


def selected_members(session: pytest.Session) -> list[str]:
    """The members the selected tests need: all of them unless only per-member tests were picked (`-k`)."""
    names: set[str] = set()
    for item in session.items:
        if not isinstance(item, pytest.Function) or item.module is None or item.module.__name__ != __name__:
            continue
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "name" in callspec.params:
            names.add(callspec.params["name"])
        elif "zoo" in item.fixturenames:
            return list(MEMBERS)
    return [name for name in MEMBERS if name in names]


@pytest.fixture(scope="module")
def zoo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ZooRun]]:
    started, cpu = time.monotonic(), _cpu()
    wanted = selected_members(request.session)
    # Slowest first (latency, rate limit), so the pool finishes together.
    order = sorted(wanted, key=lambda n: (MEMBERS[n].broken, MEMBERS[n].variant.latency_ms is None))
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {name: pool.submit(run_member, name, MEMBERS[name], tmp_path_factory.mktemp("zoo")) for name in order}
        runs = {name: future.result() for name, future in futures.items()}
    servers_s, suites_s = (now - before for now, before in zip(_cpu(), cpu, strict=True))
    _write_summary(runs, time.monotonic() - started, servers_s, suites_s)
    yield runs


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process (the zoo servers' threads) and of the suite runs that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime, WARM.cpu_s


def _write_summary(runs: dict[str, ZooRun], wall_s: float, servers_s: float, suites_s: float) -> None:
    doc = {
        "wall_s": round(wall_s, 1),
        "cpu_s": {"servers": round(servers_s, 1), "suite_runs": round(suites_s, 1)},
        "workers": WORKERS,
        "examples": EXAMPLES,
        "members": {
            name: {
                "kind": "broken" if r.member.broken else "correct",
                "exit_code": r.run.code,
                "seconds": round(r.seconds, 2),
                "not_pass": {k: v for k, v in r.run.outcomes().items() if v != "pass"},
                "statuses": dict(sorted(r.statuses.items())),
            }
            for name, r in runs.items()
        },
    }
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(json.dumps(doc, indent=2) + "\n")


def _failures(run: Run) -> str:
    """The failure part of the output, for assertion messages."""
    text = run.output
    return text[text.find("Failures:") :] if "Failures:" in text else text


@pytest.mark.parametrize("name", list(CORRECT))
def test_correct_member_passes_every_check(zoo: dict[str, ZooRun], name: str) -> None:
    run = zoo[name].run
    expected = {c.id for c in REGISTRY if c.vendor in zoo[name].member.vendors}
    outcomes = run.outcomes()
    not_passed = {check: outcome for check, outcome in outcomes.items() if outcome != "pass"}
    assert not not_passed, f"{name}: {not_passed}\n{_failures(run)}"
    assert set(outcomes) == expected, f"{name}: checks missing from the report: {sorted(expected - set(outcomes))}"
    assert run.code == 0, f"{name}: exit code {run.code}\n{run.output}"


@pytest.mark.parametrize("name", list(RUN_BROKEN))
def test_broken_member_is_caught_and_named(zoo: dict[str, ZooRun], name: str) -> None:
    run, member = zoo[name].run, zoo[name].member
    if member.refused and run.code == 2:
        # Stopped before testing, on a credential the server refuses outright: it must say which.
        unnamed = [v for v in member.refused if not re.search(rf"{v}\b[^\n]*refused", run.output)]
        assert not unnamed, f"{name}: exit 2 without naming {unnamed} as refused\n{run.output}"
        return
    outcomes = run.outcomes()
    missed = [c for c in zoo[name].member.catches if outcomes.get(c) != "fail" or f"{c} FAILED" not in run.output]
    assert not missed, f"{name}: the suite did not name {missed}: {outcomes}\n{_failures(run)}"
    assert run.code == 1, f"{name}: exit code {run.code}\n{run.output}"


def test_every_registered_check_is_caught_by_a_broken_member(zoo: dict[str, ZooRun]) -> None:
    caught = {
        check
        for r in zoo.values()
        if r.member.broken
        for check in r.member.catches
        if r.run.outcomes().get(check) == "fail"
    }
    uncovered = [c.id for c in REGISTRY if c.id not in caught]
    assert not uncovered, f"checks no broken zoo member is caught by: {uncovered}"


def test_every_registered_check_has_a_broken_member() -> None:
    claimed = {check for member in BROKEN.values() for check in member.catches}
    unclaimed = [c.id for c in REGISTRY if c.id not in claimed]
    assert not unclaimed, f"checks without a broken zoo member: {unclaimed}"
    unknown = sorted(claimed - REGISTERED)
    assert not unknown, f"broken members name checks that are not registered: {unknown}"


def test_every_broken_member_is_within_the_suites_reach() -> None:
    """Each broken member names registered checks and operations the suite's conformance covers, so its run means
    something (its break is also proven by raw HTTP in test_breaks.py)."""
    unreachable = [name for name, m in BROKEN.items() if not reachable(m)]
    assert not unreachable, f"broken members the suite cannot meet: {unreachable}"


def test_the_rate_limited_members_really_answered_429(zoo: dict[str, ZooRun]) -> None:
    limited = {n: r.statuses[429] for n, r in zoo.items() if r.member.variant.rate_limit is not None}
    assert limited and all(limited.values()), f"429 answers served during each run: {limited}"
