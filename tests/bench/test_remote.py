"""`bench.remote` and `bench.latency`: the remote-deployment comparison, its verdicts, and how it is reported."""

from __future__ import annotations

import asyncio
import json
from collections.abc import MutableMapping
from typing import Any

import pytest

from bench import latency as latency_module
from bench import report
from bench.latency import Latency
from bench.remote import Contender, RemoteResult, outcomes_of, verdict_differences, workers_used
from bench.report import Results
from bench.scenarios import build_scenarios
from bench.settings import BenchError, parse_settings

from .test_report import DEMO, context

OUTCOMES = {"recoup.no_server_errors": "pass", "turso.removal_persists": "pass", "recoup.error_body": "skipped"}


def contender(name: str, wall: float, workers: int = 1, **fields: Any) -> Contender:
    values: dict[str, Any] = {
        "requests": 2024,
        "control_requests": 7,
        "exit_code": 0,
        "outcomes": dict(OUTCOMES) if name != "schemathesis" else {},
    } | fields
    return Contender(name, f"{name} run", workers, wall, **values)


def remote(*contenders: Contender) -> RemoteResult:
    return RemoteResult(30.0, 100, list(contenders))


def results(r: RemoteResult | None) -> Results:
    return Results(context(), build_scenarios(DEMO), [], None, None, frozenset({"remote"}), r)


def verdicts(res: Results) -> dict[str, report.Target]:
    return {t.name: t for t in report.targets(res)}


WALL = "remote deployment: concurrent suite, default run <= 20 s"
SAME = "remote deployment: concurrent verdicts identical to sequential (outcome of every check)"


def test_verdicts_compared_check_by_check() -> None:
    seq = contender("sequential", 75.0)
    assert verdict_differences(seq, contender("concurrent", 12.0, 8)) == []
    other = contender("concurrent", 12.0, 8, outcomes=OUTCOMES | {"turso.removal_persists": "fail"})
    assert verdict_differences(seq, other) == ["turso.removal_persists: pass sequentially, fail concurrently"]
    fewer = contender("concurrent", 12.0, 8, outcomes={"recoup.no_server_errors": "pass"})
    assert len(verdict_differences(seq, fewer)) == 2
    empty = contender("concurrent", 12.0, 8, outcomes={}, error="no summary.json")
    assert verdict_differences(seq, empty) == ["no verdicts to compare: no summary.json"]
    assert verdict_differences(None, seq) == []


def test_outcomes_from_a_summary() -> None:
    doc = {"results": [{"check": "error_body", "vendor": "turso", "outcome": "pass", "cases": 3}]}
    assert outcomes_of(doc) == {"turso.error_body": "pass"}
    assert outcomes_of({}) == {}


def test_targets_pass_when_fast_and_alike() -> None:
    found = verdicts(results(remote(contender("sequential", 74.0), contender("concurrent", 12.3, 8))))
    assert found[WALL].verdict == "PASS" and found[WALL].measured == (
        "12.3 s with 8 workers at 30 ms per request, 6.0x the sequential run"
    )
    assert found[SAME].verdict == "PASS" and found[SAME].measured == "3 checks, all alike"


def test_targets_fail_when_slow_or_different() -> None:
    slow = contender("concurrent", 20.5, 8, outcomes=OUTCOMES | {"recoup.error_body": "pass"})
    found = verdicts(results(remote(contender("sequential", 74.0), slow)))
    assert found[WALL].verdict == "FAIL"
    assert found[SAME].verdict == "FAIL" and "recoup.error_body: skipped sequentially, pass concurrently" in (
        found[SAME].measured
    )
    broken = contender("concurrent", 9.0, 8, error="exited 3")
    assert verdicts(results(remote(contender("sequential", 74.0), broken)))[WALL].verdict == "FAIL"


def test_targets_not_applicable_when_not_run() -> None:
    found = verdicts(results(None))
    assert found[WALL].verdict == "N/A" and found[SAME].verdict == "N/A"
    assert verdicts(results(remote(contender("concurrent", 9.0, 8))))[SAME].verdict == "N/A"


def test_rendered_side_by_side_and_in_json() -> None:
    r = remote(
        contender("sequential", 74.0),
        contender("concurrent", 12.5, 8),
        contender("schemathesis", 17.8, 8, requests=239, control_requests=0),
    )
    res = results(r)
    text = report.render(res, report.targets(res))
    assert "## Against a remote deployment" in text
    assert "The stub on loopback with 30 ms added to every answer; EXAMPLES=100." in text
    section = text.split("## Against a remote deployment", 1)[1].split("## Targets", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][1:]
    assert [row.split("|")[1].strip() for row in rows] == ["sequential run", "concurrent run", "schemathesis run"]
    assert "| 74.0 " in rows[0] and "| 27 " in rows[0]  # 2024 requests in 74 s
    assert "Verdicts, sequential vs concurrent: identical (3 checks)." in text
    assert "## Recoup DELETE, 200 path" not in text and "## Soak" not in text and "wrk -t" not in text
    back = json.loads(json.dumps(report.to_json(res, report.targets(res))))
    assert back["remote"]["verdicts_identical"] is True
    assert [c["requests_per_s"] for c in back["remote"]["contenders"]] == [27.4, 161.9, 13.4]


def test_remote_latency_setting() -> None:
    assert parse_settings({}).remote_latency_ms == 30
    assert parse_settings({"REMOTE_LATENCY_MS": "0"}).remote_latency_ms == 0
    with pytest.raises(BenchError, match="REMOTE_LATENCY_MS"):
        parse_settings({"REMOTE_LATENCY_MS": "-1"})


def test_latency_waits_before_each_request_and_counts_it(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(latency_module.asyncio, "sleep", sleep)
    answered: list[str] = []

    async def app(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        answered.append(scope.get("path", scope["type"]))

    layer = Latency(0.03)
    wrapped = layer(app)

    async def run() -> None:
        for path in ("/api/organizations/members", "/v1/organizations/o/members/u", "/__admin/reset"):
            await wrapped({"type": "http", "path": path}, None, None)
        await wrapped({"type": "lifespan"}, None, None)

    asyncio.run(run())
    assert waits == [0.03, 0.03, 0.03]  # HTTP requests only, not the lifespan
    assert len(answered) == 4
    assert layer.take() == {"api": 2, "control": 1}
    assert layer.take() == {}


def test_workers_read_from_the_suite_output() -> None:
    out = "contract suite: live mode, ...\n  16 concurrent workers, forked from one preloaded process (WORKERS=1 ...)\n"
    assert workers_used(out) == 16
    assert workers_used("contract suite: live mode, ...\n....\n") is None
