"""`bench.report`: medians and ratios over the rounds, target verdicts, the markdown and the JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bench import report
from bench.contract import ContractResult
from bench.load import LoadResult
from bench.report import Results, Stats, Target
from bench.rounds import Slot
from bench.scenarios import build_scenarios
from bench.soak import SoakResult

DEMO = {
    "RECOUP_API_KEY": "recoup_sk_demo",
    "RECOUP_ORG_ID": "org-own",
    "RECOUP_FOREIGN_ORG_ID": "org-foreign",
    "RECOUP_DISPOSABLE_MEMBER_ID": "member-1",
    "TURSO_TOKEN": "turso_demo",
    "TURSO_ORG": "demo-org",
    "TURSO_DISPOSABLE_MEMBER": "bob",
}
SCENARIOS = build_scenarios(DEMO)

STUB_RPS = (12_000.0, 10_000.0, 11_000.0)  # median 11,000
PRISM_RPS = (5_000.0, 4_000.0, 5_500.0)  # median 5,000: stub/Prism 2.20x
BARE_RPS = (20_000.0, 22_000.0, 21_000.0)  # median 21,000: stub/bare Starlette 0.52x
REQUESTS = 100_000
LABELS = {"stub": "stub", "prism": "Prism 5.14.2 (-v error)", "starlette": "bare Starlette (uvicorn httptools+uvloop)"}

ALL_TARGETS = [
    "stub Recoup 200: >= 8,000 req/s (median)",
    "stub Recoup 200: p99 <= 25 ms (every round)",
    "stub Recoup 200: 0 errors (all rounds)",
    "stub: every launch answered and ran clean (spot checks before and after each load)",
    "stub: one server process",
    "stub recoup_403: 0 errors (every response 403)",
    "stub turso_404: 0 errors (every response 404)",
    "stub/Prism req/s >= 2.0x",
    "stub/bare Starlette req/s >= 0.45x",
    "stub first answer <= 0.5 s after launch (every launch)",
    "stub RSS <= 100 MB after load (every launch)",
    "contract suite >= 300 generated cases/s",
    "soak 600 s: RSS growth <= 10 % (after warm-up -> end)",
    "soak 600 s: 0 errors",
]


CLEAN = "stub: every launch answered and ran clean (spot checks before and after each load)"


def load(
    rps: float, *, p50: float = 1.5, p99: float = 6.0, socket_errors: int = 0, wrong: int = 0, expected: int = 200
) -> LoadResult:
    """`wrong` responses come back 500 instead of `expected`."""
    statuses = {expected: REQUESTS - wrong, **({500: wrong} if wrong else {})}
    return LoadResult(REQUESTS, 10.0, rps, p50, p99, socket_errors, statuses, expected)


def slot(server: str, round_no: int, loads: dict[str, LoadResult], **fields: Any) -> Slot:
    values: dict[str, Any] = {"first_answer_s": 0.2, "rss_after_kib": 60_000, "processes": 1} | fields
    checks = {key: [load.expected, load.expected] for key, load in loads.items()}
    return Slot(server, round_no, loads=loads, spot_checks=checks, **values)


def stub_slot(round_no: int, rps: float, **fields: Any) -> Slot:
    loads = {
        "recoup_200": load(rps),
        "recoup_403": load(rps * 1.1, expected=403),
        "turso_404": load(rps * 1.2, expected=404),
    }
    return slot("stub", round_no, loads, **fields)


def soak(**fields: Any) -> SoakResult:
    values: dict[str, Any] = {
        "samples": [(10.0, 45_000), (60.2, 48_000), (120.0, 49_000)],
        "rss_final_kib": 50_000,  # +4.2 % on the 60 s sample
        "load": load(10_500.0),
    } | fields
    return SoakResult(600, 0.21, 40_000, **values)


def context(**fields: Any) -> dict[str, Any]:
    return {
        "when": "2025-01-02 03:04 UTC",
        "machine": {
            "cpus": 4,
            "kernel": "6.1.0",
            "python": "3.11.9",
            "wrk": "wrk debian/4.1.0-3+b2",
            "node": "v20.11.0",
            "load_average_at_start": 0.4,
        },
        "settings": {"seconds": 10, "rounds": 3, "warmup": 2, "threads": 2, "connections": 50, "root": "/repo"},
        "labels": dict(LABELS),
        "prism_missing": "",
    } | fields


def passing() -> Results:
    """Three rounds in which the stub meets every target, the contract suite and a soak that do too."""
    slots = []
    for r in range(3):
        slots.append(stub_slot(r + 1, STUB_RPS[r]))
        slots.append(slot("prism", r + 1, {"recoup_200": load(PRISM_RPS[r], p99=40.0)}, first_answer_s=2.5))
        slots.append(slot("starlette", r + 1, {"recoup_200": load(BARE_RPS[r])}, rss_after_kib=30_000))
    contract = ContractResult(
        True, cases_per_s=512.0, generated_cases=2048, requests=4100, duration_s=4.0, exit_code=0, wall_s=7.5
    )
    return Results(context(), SCENARIOS, slots, contract, soak())


def verdicts(res: Results) -> dict[str, Target]:
    out = {t.name: t for t in report.targets(res)}
    assert len(out) == len(report.targets(res)), "target names must be unique"
    return out


def failing(res: Results) -> list[str]:
    return [t.name for t in report.targets(res) if t.verdict == "FAIL"]


def find(res: Results, server: str, round_no: int) -> Slot:
    return next(s for s in res.slots if s.server == server and s.round == round_no)


def set_rps(res: Results, server: str, values: tuple[float, ...]) -> None:
    for r, rps in enumerate(values, 1):
        s = find(res, server, r)
        s.loads["recoup_200"] = replace(s.loads["recoup_200"], rps=rps)


# stats and ratio


def test_stats_over_the_rounds() -> None:
    res = passing()
    find(res, "stub", 2).loads["recoup_200"] = load(10_000.0, p50=2.0, p99=9.0, socket_errors=2, wrong=3)
    find(res, "stub", 3).loads["recoup_200"] = load(11_000.0, p50=1.0, p99=4.0)
    assert report.stats(res.slots, "stub", "recoup_200") == Stats(
        rounds=3,
        rps=11_000.0,
        rps_min=10_000.0,
        rps_max=12_000.0,
        p50_ms=1.5,
        p99_ms=6.0,
        p99_max_ms=9.0,
        errors=5,
        requests=3 * REQUESTS,
    )


def test_stats_median_of_an_even_count() -> None:
    slots = [
        slot("prism", r, {"recoup_200": load(rps, p99=p99)}) for r, (rps, p99) in enumerate([(3.0, 10.0), (5.0, 20.0)])
    ]
    x = report.stats(slots, "prism", "recoup_200")
    assert x is not None
    assert (x.rounds, x.rps, x.p99_ms, x.p99_max_ms) == (2, 4.0, 15.0, 20.0)


def test_stats_keep_to_one_server_and_one_path() -> None:
    res = passing()
    bare = report.stats(res.slots, "starlette", "recoup_200")
    assert bare is not None and (bare.rounds, bare.rps) == (3, 21_000.0)
    other = report.stats(res.slots, "stub", "turso_404")
    assert other is not None and other.rps == pytest.approx(13_200.0)
    assert report.stats(res.slots, "starlette", "turso_404") is None
    assert report.stats(res.slots, "nobody", "recoup_200") is None


def test_stats_skip_failed_launches() -> None:
    slots = [slot("prism", 1, {}, error="prism exited with status 1"), slot("prism", 2, {"recoup_200": load(900.0)})]
    x = report.stats(slots, "prism", "recoup_200")
    assert x is not None and (x.rounds, x.rps) == (1, 900.0)
    assert report.stats(slots[:1], "prism", "recoup_200") is None


def test_ratio() -> None:
    res = passing()
    stub = report.stats(res.slots, "stub", "recoup_200")
    prism = report.stats(res.slots, "prism", "recoup_200")
    assert report.ratio(stub, prism) == pytest.approx(2.2)
    assert report.ratio(prism, stub) == pytest.approx(5_000 / 11_000)
    assert report.ratio(stub, None) is None
    assert report.ratio(None, prism) is None
    assert prism is not None
    assert report.ratio(stub, replace(prism, rps=0.0)) is None


# targets


def test_every_target_met() -> None:
    res = passing()
    found = verdicts(res)
    assert list(found) == ALL_TARGETS
    assert {t.verdict for t in found.values()} == {"PASS"}
    assert found["stub Recoup 200: >= 8,000 req/s (median)"].measured == "11,000 req/s"
    assert found["stub Recoup 200: p99 <= 25 ms (every round)"].measured == "worst round 6.00 ms, median 6.00 ms"
    assert found["stub Recoup 200: 0 errors (all rounds)"].measured == "0 of 300,000"
    assert found["stub/Prism req/s >= 2.0x"].measured == "2.20x"
    assert found["stub/bare Starlette req/s >= 0.45x"].measured == "0.52x"
    assert found["stub first answer <= 0.5 s after launch (every launch)"].measured == "max 0.210 s, median 0.200 s"
    assert found["stub RSS <= 100 MB after load (every launch)"].measured == "max 61.4 MB"
    assert found["contract suite >= 300 generated cases/s"].measured == "512 cases/s"
    assert found["soak 600 s: RSS growth <= 10 % (after warm-up -> end)"].measured == "+4.2 % (49.2 -> 51.2 MB)"
    assert found["soak 600 s: 0 errors"].measured == "0 of 100,000"


def test_targets_met_exactly_on_the_limits() -> None:
    res = passing()
    set_rps(res, "stub", (8_000.0, 8_000.0, 9_000.0))
    set_rps(res, "prism", (4_000.0, 4_000.0, 4_000.0))
    set_rps(res, "starlette", (16_000.0, 16_000.0, 16_000.0))
    find(res, "stub", 1).loads["recoup_200"] = replace(find(res, "stub", 1).loads["recoup_200"], p99_ms=25.0)
    find(res, "stub", 2).first_answer_s = 0.5
    contract = replace(res.contract, cases_per_s=300.0) if res.contract else None
    res = replace(res, contract=contract, soak=soak(rss_final_kib=48_000 + 4_800))
    assert failing(res) == []
    assert verdicts(res)["soak 600 s: RSS growth <= 10 % (after warm-up -> end)"].measured.startswith("+10.0 %")


def test_bare_starlette_ratio_exactly_on_the_limit() -> None:
    res = passing()
    set_rps(res, "stub", (9_000.0, 9_000.0, 9_000.0))
    set_rps(res, "starlette", (20_000.0, 20_000.0, 20_000.0))
    set_rps(res, "prism", (4_000.0, 4_000.0, 4_000.0))
    assert failing(res) == []
    assert verdicts(res)["stub/bare Starlette req/s >= 0.45x"].measured == "0.45x"


def _slow_stub(res: Results) -> Results:
    set_rps(res, "stub", (7_000.0, 7_999.0, 9_000.0))
    set_rps(res, "prism", (3_000.0, 3_000.0, 3_000.0))
    set_rps(res, "starlette", (15_000.0, 15_000.0, 15_000.0))
    return res


def _one_slow_round(res: Results) -> Results:
    s = find(res, "stub", 2)
    s.loads["recoup_200"] = replace(s.loads["recoup_200"], p99_ms=25.01)
    return res


def _socket_errors(res: Results) -> Results:
    find(res, "stub", 3).loads["recoup_200"] = load(11_000.0, socket_errors=2)
    return res


def _wrong_status(res: Results) -> Results:
    find(res, "stub", 1).loads["recoup_200"] = load(12_000.0, wrong=1)
    return res


def _two_processes(res: Results) -> Results:
    find(res, "stub", 2).processes = 2
    return res


def _wrong_403(res: Results) -> Results:
    find(res, "stub", 1).loads["recoup_403"] = load(13_000.0, expected=403, wrong=4)
    return res


def _404_socket_error(res: Results) -> Results:
    find(res, "stub", 3).loads["turso_404"] = load(13_000.0, expected=404, socket_errors=1)
    return res


def _fast_prism(res: Results) -> Results:
    set_rps(res, "prism", (6_000.0, 6_000.0, 6_000.0))
    return res


def _fast_starlette(res: Results) -> Results:
    set_rps(res, "starlette", (30_000.0, 30_000.0, 30_000.0))
    return res


def _slow_start(res: Results) -> Results:
    find(res, "stub", 3).first_answer_s = 0.6
    return res


def _stub_crashed_in_one_round(res: Results) -> Results:
    find(res, "stub", 2).error = "stub exited during the load (status -9):\nKilled"
    return res


def _spot_check_went_wrong(res: Results) -> Results:
    find(res, "stub", 3).spot_checks["turso_404"] = [404, 500]
    return res


def _slow_soak_start(res: Results) -> Results:
    assert res.soak is not None
    res.soak.first_answer_s = 0.75
    return res


def _big_rss(res: Results) -> Results:
    find(res, "stub", 1).rss_after_kib = 120_000
    return res


def _slow_contract(res: Results) -> Results:
    return replace(res, contract=replace(res.contract, cases_per_s=299.9) if res.contract else None)


def _soak_growth(res: Results) -> Results:
    return replace(res, soak=soak(rss_final_kib=60_000))


def _soak_errors(res: Results) -> Results:
    return replace(res, soak=soak(load=load(10_500.0, socket_errors=1, wrong=2)))


def _soak_stub_exited(res: Results) -> Results:
    return replace(res, soak=soak(error="the stub exited during the soak (status -9):\nKilled"))


def _soak_unfinished(res: Results) -> Results:
    return replace(res, soak=soak(load=None, error="wrk failed (exit 1): unable to connect\nmore"))


@pytest.mark.parametrize(
    ("miss", "failed", "measured"),
    [
        (_slow_stub, "stub Recoup 200: >= 8,000 req/s (median)", "7,999 req/s"),
        (_one_slow_round, "stub Recoup 200: p99 <= 25 ms (every round)", "worst round 25.01 ms, median 6.00 ms"),
        (_socket_errors, "stub Recoup 200: 0 errors (all rounds)", "2 of 300,000"),
        (_wrong_status, "stub Recoup 200: 0 errors (all rounds)", "1 of 300,000"),
        (_two_processes, "stub: one server process", "2 process(es)"),
        (_stub_crashed_in_one_round, CLEAN, "round 2: stub exited during the load (status -9):"),
        (_spot_check_went_wrong, CLEAN, "round 3: turso_404 answered [404, 500], expected 404"),
        (_wrong_403, "stub recoup_403: 0 errors (every response 403)", "4"),
        (_404_socket_error, "stub turso_404: 0 errors (every response 404)", "1"),
        (_fast_prism, "stub/Prism req/s >= 2.0x", "1.83x"),
        (_fast_starlette, "stub/bare Starlette req/s >= 0.45x", "0.37x"),
        (_slow_start, "stub first answer <= 0.5 s after launch (every launch)", "max 0.600 s, median 0.205 s"),
        (_slow_soak_start, "stub first answer <= 0.5 s after launch (every launch)", "max 0.750 s, median 0.200 s"),
        (_big_rss, "stub RSS <= 100 MB after load (every launch)", "max 122.9 MB"),
        (_slow_contract, "contract suite >= 300 generated cases/s", "300 cases/s"),
        (_soak_growth, "soak 600 s: RSS growth <= 10 % (after warm-up -> end)", "+25.0 % (49.2 -> 61.4 MB)"),
        (_soak_errors, "soak 600 s: 0 errors", "3 of 100,000"),
        (_soak_stub_exited, "soak 600 s: 0 errors", "0 of 100,000 (stub exited)"),
    ],
)
def test_each_missed_target_fails_alone(miss: Callable[[Results], Results], failed: str, measured: str) -> None:
    found = verdicts(miss(passing()))
    assert [name for name, t in found.items() if t.verdict != "PASS"] == [failed]
    assert found[failed] == Target("FAIL", failed, measured)


def test_an_unfinished_soak_fails() -> None:
    found = verdicts(_soak_unfinished(passing()))
    assert found["soak ran to the end"] == Target(
        "FAIL", "soak ran to the end", "wrk failed (exit 1): unable to connect"
    )
    assert [t.name for t in found.values() if t.verdict != "PASS"] == ["soak ran to the end"]
    assert not any(name.startswith("soak 600 s") for name in found)


def test_soak_growth_is_judged_from_the_warm_sample_not_the_start() -> None:
    s = soak(rss_final_kib=50_000)
    assert s.growth_vs_start_pct == pytest.approx(25.0)
    res = replace(passing(), soak=s)
    assert verdicts(res)["soak 600 s: RSS growth <= 10 % (after warm-up -> end)"].verdict == "PASS"


def test_missing_prism_is_not_applicable() -> None:
    res = passing()
    why = "Node.js is not installed (Debian/Ubuntu: apt-get install nodejs npm)"
    res = replace(res, slots=[s for s in res.slots if s.server != "prism"], context=context(prism_missing=why))
    found = verdicts(res)
    assert found["stub/Prism req/s >= 2.0x"] == Target("N/A", "stub/Prism req/s >= 2.0x", why)
    assert failing(res) == []


def test_prism_that_never_answered_is_not_applicable() -> None:
    res = passing()
    slots = [s for s in res.slots if s.server != "prism"]
    slots.append(slot("prism", 1, {}, first_answer_s=None, error="prism exited with status 1 before answering:\nboom"))
    found = verdicts(replace(res, slots=slots))
    assert found["stub/Prism req/s >= 2.0x"].verdict == "N/A"
    assert found["stub/Prism req/s >= 2.0x"].measured == "prism exited with status 1 before answering:"


def test_missing_bare_starlette_fails() -> None:
    res = passing()
    slots = [s for s in res.slots if s.server != "starlette"]
    slots.append(slot("starlette", 1, {}, first_answer_s=None, error="starlette did not answer within 60 s\nlog"))
    res = replace(res, slots=slots)
    assert failing(res) == ["stub/bare Starlette req/s >= 0.45x"]
    assert verdicts(res)["stub/bare Starlette req/s >= 0.45x"].measured == "starlette did not answer within 60 s"


def test_unmeasured_stub_fails() -> None:
    res = passing()
    slots = [s for s in res.slots if s.server != "stub"]
    slots.append(slot("stub", 1, {}, first_answer_s=None, rss_after_kib=None, error="stub exited with status 2\nusage"))
    res = replace(res, slots=slots)
    found = verdicts(res)
    assert found[CLEAN] == Target("FAIL", CLEAN, "round 1: stub exited with status 2")
    assert found["stub, Recoup 200 path measured"] == Target(
        "FAIL", "stub, Recoup 200 path measured", "stub exited with status 2"
    )
    assert found["stub/bare Starlette req/s >= 0.45x"] == Target(
        "FAIL", "stub/bare Starlette req/s >= 0.45x", "the stub was not measured"
    )
    assert found["stub/Prism req/s >= 2.0x"] == Target("N/A", "stub/Prism req/s >= 2.0x", "the stub was not measured")
    assert not any(name.startswith("stub Recoup 200:") for name in found)
    # The soak's launch still counts.
    assert found["stub first answer <= 0.5 s after launch (every launch)"].measured == "max 0.210 s, median 0.210 s"


def test_contract_not_available_or_not_run() -> None:
    reason = "not available: `python -m contract_tests` exited 2 without writing summary.json\nTraceback"
    res = replace(passing(), contract=ContractResult(False, reason, exit_code=2))
    name = "contract suite >= 300 generated cases/s"
    assert verdicts(res)[name] == Target("N/A", name, reason.splitlines()[0])
    assert verdicts(replace(res, contract=None))[name] == Target("N/A", name, "not run")


def test_skipped_soak_is_not_applicable() -> None:
    found = verdicts(replace(passing(), soak=None))
    name = "soak: RSS growth <= 10 %, 0 errors"
    assert found[name] == Target("N/A", name, "skipped (SOAK_SECONDS=0)")
    assert found["stub first answer <= 0.5 s after launch (every launch)"].measured == "max 0.200 s, median 0.200 s"


def test_soak_alone() -> None:
    res = Results(context(), SCENARIOS, [], None, soak(), frozenset({"soak"}))
    assert list(verdicts(res)) == [
        "stub first answer <= 0.5 s after launch (every launch)",
        "stub RSS <= 100 MB after load (every launch)",
        "soak 600 s: RSS growth <= 10 % (after warm-up -> end)",
        "soak 600 s: 0 errors",
    ]
    assert failing(res) == []


# render


def test_render_has_the_tables_and_ratios() -> None:
    res = passing()
    found = report.targets(res)
    text = report.render(res, found)
    assert text.startswith("# Benchmark: Recoup + Turso stub\n")
    assert text.endswith("\n")
    assert "2025-01-02 03:04 UTC on 4 CPUs, Linux 6.1.0, Python 3.11.9, wrk debian/4.1.0-3+b2, Node v20.11.0." in text
    assert "Load: `wrk -t2 -c50 -d10s --latency` on loopback, 2 s warm-up after each launch, 3 round(s)" in text
    assert "**stub/Prism = 2.20x**, **stub/bare Starlette = 0.52x** (ratios of the median req/s, same run)." in text
    lines = text.splitlines()
    for heading in ("## Recoup DELETE, 200 path", "## Stub, each path", "## Contract suite", "## Soak", "## Targets"):
        assert heading in lines
    head = ["server", "req/s", "req/s range", "p50 ms", "p99 ms", "errors", "first answer s", "RSS after load MB"]
    servers = report.table(
        head,
        [
            ["stub", "11,000", "10,000-12,000", "1.50", "6.00", "0", "0.200", "61.4"],
            [LABELS["prism"], "5,000", "4,000-5,500", "1.50", "40.00", "0", "2.500", "61.4"],
            [LABELS["starlette"], "21,000", "20,000-22,000", "1.50", "6.00", "0", "0.200", "30.7"],
        ],
    )
    assert "\n".join(servers) in text
    paths = report.table(
        ["path", "expected", "req/s", "p50 ms", "p99 ms", "errors", "bare Starlette req/s (stub/it)"],
        [
            ["Recoup 200 (removal)", "200", "11,000", "1.50", "6.00", "0", "21,000 (0.52x)"],
            ["Recoup 403 (foreign org)", "403", "12,100", "1.50", "6.00", "0", "-"],
            ["Turso 404 (not a member)", "404", "13,200", "1.50", "6.00", "0", "-"],
        ],
    )
    assert "\n".join(paths) in text
    verdict_rows = report.table(["verdict", "target", "measured"], [[t.verdict, t.name, t.measured] for t in found])
    assert "\n".join(verdict_rows) in text
    assert len(verdict_rows) == 2 + len(ALL_TARGETS)
    assert "512 generated cases/s (2048 cases, 4100 requests in 4.0 s; `python -m contract_tests` exit 0" in text
    assert "+4.2 % after warm-up, +25.0 % from start." in text
    assert "busy" not in text


def test_render_names_what_was_not_measured() -> None:
    res = passing()
    why = "npm is not installed (Debian/Ubuntu: apt-get install npm)"
    res = replace(res, slots=[s for s in res.slots if s.server != "prism"], context=context(prism_missing=why))
    text = report.render(res, report.targets(res))
    row = next(line for line in text.splitlines() if line.startswith(f"| {LABELS['prism']} "))
    assert row.split(" | ")[1].strip() == f"not measured: {why}"
    assert "**stub/Prism = n/a**, **stub/bare Starlette = 0.52x**" in text
    assert "| N/A     | stub/Prism req/s >= 2.0x " in text


def test_render_warns_of_a_busy_machine() -> None:
    res = passing()
    machine = context()["machine"] | {"load_average_at_start": 2.5}
    busy = replace(res, context=context(machine=machine))
    assert "**The machine was busy when the bench started (load average 2.5)" in report.render(busy, [])
    machine = context()["machine"] | {"load_average_at_start": 2.0}
    calm = replace(res, context=context(machine=machine))
    assert "busy" not in report.render(calm, [])


def test_render_soak_alone_and_unfinished_parts() -> None:
    res = Results(context(), SCENARIOS, [], None, soak(load=None, error="wrk failed (exit 1)"), frozenset({"soak"}))
    text = report.render(res, report.targets(res))
    assert "## Recoup DELETE, 200 path" not in text
    assert "## Contract suite" not in text
    assert "## Soak\n\nDid not finish: wrk failed (exit 1)\n" in text
    full = replace(passing(), contract=None, soak=None)
    text = report.render(full, report.targets(full))
    assert "## Contract suite\n\nNot run.\n" in text
    assert "## Soak\n\nSkipped (SOAK_SECONDS=0).\n" in text


def test_table_pads_columns_and_short_rows() -> None:
    lines = report.table(["a", "long head"], [["wide cell", "x"], ["y"]])
    assert lines == [
        "| a         | long head |",
        "|-----------|-----------|",
        "| wide cell | x         |",
        "| y         |           |",
    ]


# JSON


def test_json_round_trip() -> None:
    res = passing()
    found = report.targets(res)
    data = report.to_json(res, found)
    back = json.loads(json.dumps(data, allow_nan=False))
    assert set(back) == set(data)
    for key in set(data) - {"scenarios"}:
        assert back[key] == data[key], key
    assert back["scenarios"]["recoup_200"]["headers"] == [["x-api-key", "recoup_sk_demo"]]
    assert back["ratios"] == {"stub/prism": pytest.approx(2.2), "stub/starlette": pytest.approx(11 / 21)}
    stub = back["summary"]["stub"]
    assert stub["label"] == "stub"
    assert set(stub["paths"]) == {"recoup_200", "recoup_403", "turso_404"}
    assert stub["paths"]["recoup_200"]["rps"] == 11_000.0
    assert stub["first_answer_s"] == {"median": 0.2, "max": 0.21}
    assert back["summary"]["prism"]["paths"].keys() == {"recoup_200"}
    assert back["summary"]["starlette"]["label"] == LABELS["starlette"]
    assert len(back["rounds"]) == 9
    assert back["rounds"][0]["loads"]["recoup_200"]["statuses"] == {"200": REQUESTS}
    assert back["targets"] == [{"verdict": t.verdict, "name": t.name, "measured": t.measured} for t in found]
    assert back["parts"] == ["contract", "rounds", "soak"]
    assert back["soak"]["growth_vs_warm_pct"] == 4.17
    assert back["soak"]["rss_warm_reference"] == {"at_s": 60.2, "kib": 48_000}
    assert back["contract"]["cases_per_s"] == 512.0
    assert back["when"] == "2025-01-02 03:04 UTC"


def test_json_of_a_run_with_gaps() -> None:
    res = replace(passing(), contract=None, soak=None)
    res = replace(res, slots=[s for s in res.slots if s.server != "prism"])
    back = json.loads(json.dumps(report.to_json(res, report.targets(res)), allow_nan=False))
    assert back["ratios"]["stub/prism"] is None
    assert back["summary"]["prism"] == {
        "label": LABELS["prism"],
        "paths": {},
        "first_answer_s": None,
        "rss_after_load_mb": None,
    }
    assert (back["contract"], back["soak"]) == (None, None)


def test_write(tmp_path: Path) -> None:
    res = passing()
    found = report.targets(res)
    markdown = report.render(res, found)
    md, js = report.write(tmp_path / "out", "bench", markdown, report.to_json(res, found))
    assert (md, js) == (tmp_path / "out" / "bench.md", tmp_path / "out" / "bench.json")
    assert md.read_text(encoding="utf-8") == markdown
    assert json.loads(js.read_text(encoding="utf-8"))["ratios"]["stub/prism"] == pytest.approx(2.2)


PAIRED = ("turso_list", "turso_add", "recoup_add")


def with_lifecycle_paths(res: Results, stub_rps: float, bare_rps: float) -> Results:
    """The lifecycle paths measured on the stub and on bare Starlette in every round."""
    for s in res.slots:
        if s.server in ("stub", "starlette"):
            for key in PAIRED:
                expected = SCENARIOS[key].expected
                s.loads[key] = load(stub_rps if s.server == "stub" else bare_rps, expected=expected)
                s.spot_checks[key] = [expected, expected]
    return res


def test_the_lifecycle_paths_are_paired_with_bare_starlette() -> None:
    assert [k for k, s in SCENARIOS.items() if s.paired] == list(PAIRED)
    assert SCENARIOS["turso_add"].body == '{"username": "bob", "role": "member"}'
    assert (SCENARIOS["turso_add"].method, SCENARIOS["turso_add"].expected) == ("POST", 409)
    assert (SCENARIOS["recoup_add"].method, SCENARIOS["recoup_add"].expected) == ("POST", 200)


@pytest.mark.parametrize(("stub_rps", "verdict", "measured"), [(9_000.0, "PASS", "0.90x"), (8_900.0, "FAIL", "0.89x")])
def test_each_lifecycle_path_needs_nine_tenths_of_bare_starlette(stub_rps: float, verdict: str, measured: str) -> None:
    res = with_lifecycle_paths(passing(), stub_rps, 10_000.0)
    found = verdicts(res)
    for key in PAIRED:
        target = found[f"stub/bare Starlette {key} req/s >= 0.90x"]
        assert (target.verdict, target.measured) == (verdict, measured)
        assert found[f"stub {key}: 0 errors (every response {SCENARIOS[key].expected})"].verdict == "PASS"


def test_a_lifecycle_path_with_errors_fails_its_error_target() -> None:
    res = with_lifecycle_paths(passing(), 10_000.0, 10_000.0)
    find(res, "stub", 2).loads["turso_add"] = load(10_000.0, expected=409, wrong=3)
    assert verdicts(res)["stub turso_add: 0 errors (every response 409)"].verdict == "FAIL"


def test_the_path_table_shows_the_starlette_figure_beside_the_stub() -> None:
    res = with_lifecycle_paths(passing(), 9_500.0, 10_000.0)
    text = report.render(res, report.targets(res))
    assert "| Turso 200 (list members)" in text and "10,000 (0.95x)" in text


COSTED = ("recoup_200_session", "recoup_200_fault_rule", "recoup_503_fault")


def test_the_session_and_fault_rows_are_compared_with_the_plain_path() -> None:
    assert [k for k, s in SCENARIOS.items() if s.compared_with] == list(COSTED)
    assert ("x-stub-session", "bench") in SCENARIOS["recoup_200_session"].headers
    rule = json.loads(SCENARIOS["recoup_503_fault"].setup[0][2])
    assert (rule["operation"], rule["status"], rule["match_headers"]) == (
        "recoupRemoveOrganizationMember",
        503,
        {"x-bench-fault": "on"},
    )
    assert ("x-bench-fault", "on") in SCENARIOS["recoup_503_fault"].headers
    assert ("x-bench-fault", "on") not in SCENARIOS["recoup_200_fault_rule"].headers  # the rule never selects it
    assert all(SCENARIOS[k].teardown == (("DELETE", "/__admin/faults", ""),) for k in COSTED[1:])


def test_the_cost_lines_give_each_row_against_the_plain_path() -> None:
    res = passing()
    for s in res.slots:
        if s.server == "stub":
            s.loads["recoup_200_session"] = load(s.loads["recoup_200"].rps * 0.9)
            s.loads["recoup_503_fault"] = load(s.loads["recoup_200"].rps * 1.1, expected=503, wrong=s.round == 2)
    text = report.render(res, report.targets(res))
    assert "- Recoup 200 (removal) in a session (X-Stub-Session): 9,900 req/s, 0.90x of Recoup 200 (removal)" in text
    assert "Recoup removal answered by a fault rule (503, no delay): 12,100 req/s, 1.10x" in text
    found = verdicts(res)
    assert found["stub recoup_200_session: 0 errors (every response 200)"].verdict == "PASS"
    assert found["stub recoup_503_fault: 0 errors (every response 503)"].verdict == "FAIL"


def with_redis(res: Results, w2_rps: float, *, p99: float = 4.0, missing: str = "") -> Results:
    """`res` plus the Redis-store rows: one process, and two workers at `w2_rps` on the Recoup 200 path."""
    labels = {**res.context["labels"], "redis": "stub, Redis store", "redis-w2": "stub, Redis store, WORKERS=2"}
    context = {**res.context, "redis_missing": missing, "redis_version": "7.0.15", "labels": labels}
    if missing:
        return replace(res, context=context)
    context["round_trips"] = [
        {"scenario": "recoup_200", "requests": 200, "per_request": {"evalsha": 1.0, "xadd": 1.0}, "script_us": 9.5}
    ]
    slots = list(res.slots)
    for r in range(3):
        slots.append(
            slot("redis", r + 1, {"recoup_200": load(w2_rps / 2), "turso_404": load(w2_rps / 2, expected=404)})
        )
        loads = {"recoup_200": load(w2_rps, p99=p99), "turso_404": load(w2_rps, expected=404)}
        slots.append(slot("redis-w2", r + 1, loads, processes=3))
    return replace(res, context=context, slots=slots)


def test_redis_store_targets_pass_and_fail_on_their_limits() -> None:
    found = verdicts(with_redis(passing(), 10_000.0, p99=10.0))
    assert found["Redis store WORKERS=2 Recoup 200: >= 10,000 req/s"].verdict == "PASS"
    assert found["Redis store WORKERS=2 Recoup 200: p99 <= 10 ms"].verdict == "PASS"
    assert found["Redis store WORKERS=2/Prism req/s >= 2.0x"].verdict == "PASS"
    slow = verdicts(with_redis(passing(), 9_999.0, p99=10.5))
    assert slow["Redis store WORKERS=2 Recoup 200: >= 10,000 req/s"].verdict == "FAIL"
    assert slow["Redis store WORKERS=2 Recoup 200: p99 <= 10 ms"].verdict == "FAIL"
    assert verdicts(with_redis(passing(), 7_000.0))["Redis store WORKERS=2/Prism req/s >= 2.0x"].verdict == "FAIL"
    absent = verdicts(with_redis(passing(), 0, missing="redis-server is not installed"))
    assert absent["Redis store, WORKERS=2, measured"].verdict == "N/A"


def test_redis_store_rows_stand_beside_the_in_memory_stub_and_prism() -> None:
    res = with_redis(passing(), 12_000.0)
    text = report.render(res, report.targets(res))
    assert "## Redis store (redis-server 7.0.15" in text
    rows = [" ".join(line.split()) for line in text.splitlines()]
    assert any(r.startswith("| Recoup 200 (removal) | stub, Redis store, WORKERS=2 | 12,000 |") for r in rows)
    assert any(r.endswith("| 2.40x |") and "WORKERS=2" in r for r in rows)  # beside Prism of the same run
    assert "| Recoup 200 (removal) | 1.00 | 1.00 | 9.5 |" in rows
