"""Medians, ratios and target verdicts; one markdown text for stdout and reports/bench/bench.md, plus bench.json."""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .contract import ContractResult
from .remote import RemoteResult
from .rounds import Slot
from .scenarios import Scenario
from .soak import SoakResult

RPS_MIN = 8000.0
P99_MAX_MS = 25.0
PRISM_RATIO_MIN = 2.0
STARLETTE_RATIO_MIN = 0.45
PAIRED_RATIO_MIN = 0.9  # each lifecycle path against the same path on bare Starlette
FIRST_ANSWER_MAX_S = 0.5
RSS_MAX_MB = 100.0
CASES_PER_S_MIN = 300.0
SOAK_GROWTH_MAX_PCT = 10.0
REMOTE_WALL_MAX_S = 20.0
REDIS_RPS_MIN = 10_000.0  # the Redis store with two workers, Recoup 200 path
REDIS_P99_MAX_MS = 10.0
REDIS_PATHS = ("recoup_200", "turso_404")


@dataclass(frozen=True)
class Stats:
    """One server on one path over the rounds: medians, the spread of req/s, errors added up."""

    rounds: int
    rps: float
    rps_min: float
    rps_max: float
    p50_ms: float
    p99_ms: float
    p99_max_ms: float
    errors: int
    requests: int


@dataclass(frozen=True)
class Target:
    verdict: str  # PASS, FAIL or N/A
    name: str
    measured: str


@dataclass(frozen=True)
class Results:
    context: dict[str, Any]  # when, machine, settings, server labels, Prism's status
    scenarios: dict[str, Scenario]
    slots: list[Slot]
    contract: ContractResult | None
    soak: SoakResult | None
    parts: frozenset[str] = frozenset({"rounds", "contract", "soak"})  # what this run was asked to do
    remote: RemoteResult | None = None


def mb(kib: float) -> float:
    return kib * 1024 / 1e6


def stats(slots: Sequence[Slot], server: str, key: str) -> Stats | None:
    loads = [s.loads[key] for s in slots if s.server == server and key in s.loads]
    if not loads:
        return None
    rps = [x.rps for x in loads]
    return Stats(
        rounds=len(loads),
        rps=statistics.median(rps),
        rps_min=min(rps),
        rps_max=max(rps),
        p50_ms=statistics.median(x.p50_ms for x in loads),
        p99_ms=statistics.median(x.p99_ms for x in loads),
        p99_max_ms=max(x.p99_ms for x in loads),
        errors=sum(x.errors for x in loads),
        requests=sum(x.requests for x in loads),
    )


def ratio(a: Stats | None, b: Stats | None) -> float | None:
    return a.rps / b.rps if a and b and b.rps else None


def first_answers(res: Results, server: str) -> list[float]:
    out = [s.first_answer_s for s in res.slots if s.server == server and s.first_answer_s is not None]
    if server == "stub" and res.soak and res.soak.load:
        out.append(res.soak.first_answer_s)
    return out


def rss_after(res: Results, server: str) -> list[float]:
    out = [mb(s.rss_after_kib) for s in res.slots if s.server == server and s.rss_after_kib is not None]
    if server == "stub" and res.soak and res.soak.rss_final_kib:
        out.append(mb(res.soak.rss_final_kib))
    return out


def targets(res: Results) -> list[Target]:
    out: list[Target] = []

    def add(ok: bool | None, name: str, measured: str) -> None:
        out.append(Target("N/A" if ok is None else "PASS" if ok else "FAIL", name, measured))

    if "rounds" in res.parts:
        _round_targets(res, add)
        _redis_targets(res, add)
    starts = first_answers(res, "stub")
    if starts:
        add(
            max(starts) <= FIRST_ANSWER_MAX_S,
            f"stub first answer <= {FIRST_ANSWER_MAX_S} s after launch (every launch)",
            f"max {max(starts):.3f} s, median {statistics.median(starts):.3f} s",
        )
    rss = rss_after(res, "stub")
    if rss:
        add(
            max(rss) <= RSS_MAX_MB,
            f"stub RSS <= {RSS_MAX_MB:.0f} MB after load (every launch)",
            f"max {max(rss):.1f} MB",
        )
    if "contract" in res.parts:
        _contract_targets(res.contract, add)
    if "remote" in res.parts:
        _remote_targets(res.remote, add)
    if "soak" in res.parts:
        _soak_targets(res.soak, add)
    return out


def _round_targets(res: Results, add: Callable[[bool | None, str, str], None]) -> None:
    stub = stats(res.slots, "stub", "recoup_200")
    prism = stats(res.slots, "prism", "recoup_200")
    bare = stats(res.slots, "starlette", "recoup_200")
    if stub is None:
        add(False, "stub, Recoup 200 path measured", _first_error(res, "stub") or "no successful stub run")
    else:
        add(stub.rps >= RPS_MIN, f"stub Recoup 200: >= {RPS_MIN:,.0f} req/s (median)", f"{stub.rps:,.0f} req/s")
        add(stub.p99_max_ms <= P99_MAX_MS, f"stub Recoup 200: p99 <= {P99_MAX_MS:.0f} ms (every round)", _p99(stub))
        add(stub.errors == 0, "stub Recoup 200: 0 errors (all rounds)", f"{stub.errors} of {stub.requests:,}")
    launches = [s for s in res.slots if s.server == "stub"]
    trouble = [f"round {s.round}: {s.error.splitlines()[0]}" for s in launches if s.error] + [
        f"round {s.round}: {key} answered {got}, expected {res.scenarios[key].expected}"
        for s in launches
        for key, got in s.spot_checks.items()
        if any(status != res.scenarios[key].expected for status in got)
    ]
    if launches:
        add(
            not trouble,
            "stub: every launch answered and ran clean (spot checks before and after each load)",
            trouble[0] if trouble else f"{len(launches)} launch(es)",
        )
    processes = [s.processes for s in launches if s.processes is not None]
    if processes:
        add(max(processes) == 1, "stub: one server process", f"{max(processes)} process(es)")
    for key in ("recoup_403", "turso_404"):
        other = stats(res.slots, "stub", key)
        if other is not None:
            expected = res.scenarios[key].expected
            add(other.errors == 0, f"stub {key}: 0 errors (every response {expected})", f"{other.errors}")
    for key, sc in res.scenarios.items():
        mine = stats(res.slots, "stub", key)
        if sc.compared_with and mine is not None:
            add(mine.errors == 0, f"stub {key}: 0 errors (every response {sc.expected})", f"{mine.errors}")
        if not sc.paired or mine is None:
            continue
        add(mine.errors == 0, f"stub {key}: 0 errors (every response {sc.expected})", f"{mine.errors}")
        r = ratio(mine, stats(res.slots, "starlette", key))
        add(
            False if r is None else r >= PAIRED_RATIO_MIN,
            f"stub/bare Starlette {key} req/s >= {PAIRED_RATIO_MIN:.2f}x",
            f"{r:.2f}x" if r is not None else _first_error(res, "starlette") or "no successful Starlette run",
        )
    r = ratio(stub, prism)
    why = res.context.get("prism_missing") or _first_error(res, "prism") or "no successful Prism run"
    if stub is None:
        why = "the stub was not measured"
    add(
        None if r is None else r >= PRISM_RATIO_MIN,
        f"stub/Prism req/s >= {PRISM_RATIO_MIN:.1f}x",
        why if r is None else f"{r:.2f}x",
    )
    r = ratio(stub, bare)
    add(
        False if r is None else r >= STARLETTE_RATIO_MIN,
        f"stub/bare Starlette req/s >= {STARLETTE_RATIO_MIN:.2f}x",
        f"{r:.2f}x"
        if r is not None
        else "the stub was not measured"
        if stub is None
        else _first_error(res, "starlette") or "no successful Starlette run",
    )


def _redis_targets(res: Results, add: Callable[[bool | None, str, str], None]) -> None:
    if "redis_missing" not in res.context:  # a run from before the Redis store had these rows
        return
    missing = res.context.get("redis_missing")
    two = stats(res.slots, "redis-w2", "recoup_200")
    if missing or two is None:
        add(None if missing else False, "Redis store, WORKERS=2, measured", missing or _first_error(res, "redis-w2"))
        return
    add(two.rps >= REDIS_RPS_MIN, f"Redis store WORKERS=2 Recoup 200: >= {REDIS_RPS_MIN:,.0f} req/s", f"{two.rps:,.0f}")
    add(
        two.p99_max_ms <= REDIS_P99_MAX_MS,
        f"Redis store WORKERS=2 Recoup 200: p99 <= {REDIS_P99_MAX_MS:.0f} ms",
        _p99(two),
    )
    r = ratio(two, stats(res.slots, "prism", "recoup_200"))
    add(
        None if r is None else r >= PRISM_RATIO_MIN,
        f"Redis store WORKERS=2/Prism req/s >= {PRISM_RATIO_MIN:.1f}x",
        res.context.get("prism_missing") or "no successful Prism run" if r is None else f"{r:.2f}x",
    )
    for server in ("redis", "redis-w2"):
        for key in REDIS_PATHS:
            x = stats(res.slots, server, key)
            if x is not None:
                add(
                    x.errors == 0,
                    f"{server} {key}: 0 errors (every response {res.scenarios[key].expected})",
                    f"{x.errors}",
                )


def _redis_section(res: Results) -> list[str]:
    if "redis_missing" not in res.context:
        return []
    if res.context.get("redis_missing"):
        return ["", "## Redis store", "", f"not measured: {res.context['redis_missing']}"]
    if not any(s.server.startswith("redis") for s in res.slots):
        return []
    version = res.context.get("redis_version", "")
    lines = [
        "",
        f"## Redis store (redis-server {version}, on the same 2 cores), beside the in-memory stub and Prism",
        "",
    ]
    rows = []
    for key in REDIS_PATHS:
        memory = stats(res.slots, "stub", key)
        prism = stats(res.slots, "prism", key)
        for server in ("stub", "redis", "redis-w2", "prism"):
            x = stats(res.slots, server, key)
            if x is None:
                continue
            label = res.context["labels"].get(server, server)
            rows.append(
                [
                    res.scenarios[key].title,
                    label,
                    f"{x.rps:,.0f}",
                    f"{x.p50_ms:.2f}",
                    f"{x.p99_ms:.2f}",
                    f"{x.errors}",
                    _x(ratio(x, memory)),
                    _x(ratio(x, prism)),
                ]
            )
    head = ["path", "server", "req/s", "p50 ms", "p99 ms", "errors", "x in-memory stub", "x Prism"]
    lines += table(head, rows)
    trips = res.context.get("round_trips") or []
    if trips:
        lines += ["", "Redis calls per request (INFO commandstats, 200 requests one after another):", ""]
        lines += table(
            [
                "path",
                "EVALSHA (the rule: one round trip)",
                "XADD (journal, pipelined in batches)",
                "Redis us per EVALSHA",
            ],
            [
                [
                    res.scenarios[t["scenario"]].title,
                    f"{t['per_request']['evalsha']:.2f}",
                    f"{t['per_request']['xadd']:.2f}",
                    f"{t.get('script_us', 0):.1f}",
                ]
                for t in trips
            ],
        )
    return lines


def _contract_targets(c: ContractResult | None, add: Callable[[bool | None, str, str], None]) -> None:
    name = f"contract suite >= {CASES_PER_S_MIN:.0f} generated cases/s"
    if c is None or not c.available or c.cases_per_s is None:
        add(None, name, c.reason.splitlines()[0] if c else "not run")
    else:
        add(c.cases_per_s >= CASES_PER_S_MIN, name, f"{c.cases_per_s:,.0f} cases/s")


def _remote_targets(r: RemoteResult | None, add: Callable[[bool | None, str, str], None]) -> None:
    name = f"remote deployment: concurrent suite, default run <= {REMOTE_WALL_MAX_S:.0f} s"
    same = "remote deployment: concurrent verdicts identical to sequential (outcome of every check)"
    concurrent = r.get("concurrent") if r else None
    if r is None or concurrent is None:
        add(None, name, (r.error if r else "") or "not run")
        add(None, same, "not run")
        return
    seq = r.get("sequential")
    speedup = f", {seq.wall_s / concurrent.wall_s:.1f}x the sequential run" if seq and concurrent.wall_s else ""
    add(
        concurrent.wall_s <= REMOTE_WALL_MAX_S and not concurrent.error,
        name,
        f"{concurrent.wall_s:.1f} s with {concurrent.workers} workers at {r.latency_ms:g} ms per request{speedup}"
        + (f" ({concurrent.error})" if concurrent.error else ""),
    )
    diff = r.differences()
    add(
        not diff if seq else None,
        same,
        diff[0] if diff else f"{len(concurrent.outcomes)} checks, all alike" if seq else "no sequential run",
    )


def _soak_targets(s: SoakResult | None, add: Callable[[bool | None, str, str], None]) -> None:
    if s is None:
        add(None, f"soak: RSS growth <= {SOAK_GROWTH_MAX_PCT:.0f} %, 0 errors", "skipped (SOAK_SECONDS=0)")
    elif s.load is None:
        add(False, "soak ran to the end", (s.error or "no load result").splitlines()[0])
    else:
        add(
            s.growth_vs_warm_pct <= SOAK_GROWTH_MAX_PCT,
            f"soak {s.seconds} s: RSS growth <= {SOAK_GROWTH_MAX_PCT:.0f} % (after warm-up -> end)",
            f"{s.growth_vs_warm_pct:+.1f} % ({mb(s.warm_reference[1]):.1f} -> {mb(s.rss_final_kib):.1f} MB)",
        )
        add(
            s.load.errors == 0 and not s.error,
            f"soak {s.seconds} s: 0 errors",
            f"{s.load.errors} of {s.load.requests:,}" + (" (stub exited)" if s.error else ""),
        )


def render(res: Results, verdicts: Sequence[Target]) -> str:
    ctx = res.context
    st = ctx["settings"]
    lines = [
        "# Benchmark: Recoup + Turso stub",
        "",
        f"{ctx['when']} on {ctx['machine']['cpus']} CPUs, Linux {ctx['machine']['kernel']}, "
        f"Python {ctx['machine']['python']}, {ctx['machine']['wrk']}, Node {ctx['machine']['node'] or 'absent'}.",
    ]
    if res.parts & {"rounds", "soak"}:
        lines.append(
            f"Load: `wrk -t{st['threads']} -c{st['connections']} -d{st['seconds']}s --latency` on loopback, "
            f"{st['warmup']} s warm-up after each launch, {st['rounds']} round(s) with the server order rotated; "
            "figures are medians over the rounds. Errors = socket errors + responses whose status is not the "
            "expected one."
        )
    busy = ctx["machine"].get("load_average_at_start", 0.0)
    if busy > (ctx["machine"]["cpus"] or 1) / 2:
        lines.append(
            f"**The machine was busy when the bench started (load average {busy}): figures are low and noisy.**"
        )
    if "rounds" in res.parts:
        lines += _rounds_section(res)
    if "contract" in res.parts:
        lines += _contract_section(res.contract)
    if "remote" in res.parts:
        lines += _remote_section(res.remote)
    if "soak" in res.parts:
        lines += _soak_section(res.soak)
    lines += ["", "## Targets", ""]
    lines += table(["verdict", "target", "measured"], [[t.verdict, t.name, t.measured] for t in verdicts])
    return "\n".join(lines) + "\n"


def _rounds_section(res: Results) -> list[str]:
    lines = ["", "## Recoup DELETE, 200 path", ""]
    rows = []
    for server in ("stub", "prism", "starlette"):
        label = res.context["labels"].get(server, server)
        x = stats(res.slots, server, "recoup_200")
        starts = first_answers(res, server)
        rss = rss_after(res, server)
        if x is None:
            why = (res.context.get("prism_missing") if server == "prism" else "") or _first_error(res, server)
            rows.append([label, f"not measured: {why or 'not run'}"])
            continue
        rows.append(
            [
                label,
                f"{x.rps:,.0f}",
                f"{x.rps_min:,.0f}-{x.rps_max:,.0f}",
                f"{x.p50_ms:.2f}",
                f"{x.p99_ms:.2f}",
                f"{x.errors}",
                f"{statistics.median(starts):.3f}" if starts else "-",
                f"{max(rss):.1f}" if rss else "-",
            ]
        )
    head = ["server", "req/s", "req/s range", "p50 ms", "p99 ms", "errors", "first answer s", "RSS after load MB"]
    lines += table(head, rows)
    stub = stats(res.slots, "stub", "recoup_200")
    r1 = ratio(stub, stats(res.slots, "prism", "recoup_200"))
    r2 = ratio(stub, stats(res.slots, "starlette", "recoup_200"))
    lines += [
        "",
        f"**stub/Prism = {_x(r1)}**, **stub/bare Starlette = {_x(r2)}** (ratios of the median req/s, same run).",
        "",
        "## Stub, each path",
        "",
    ]
    rows = []
    for key, sc in res.scenarios.items():
        x = stats(res.slots, "stub", key)
        if x is not None:
            bare = stats(res.slots, "starlette", key)
            vs = f"{bare.rps:,.0f} ({_x(ratio(x, bare))})" if bare else "-"
            rows.append(
                [sc.title, str(sc.expected), f"{x.rps:,.0f}", f"{x.p50_ms:.2f}", f"{x.p99_ms:.2f}", f"{x.errors}", vs]
            )
    head = ["path", "expected", "req/s", "p50 ms", "p99 ms", "errors", "bare Starlette req/s (stub/it)"]
    return lines + table(head, rows) + _cost_lines(res) + _redis_section(res)


def _cost_lines(res: Results) -> list[str]:
    """What a session header or a fault rule costs, against the plain path it is compared with."""
    lines = []
    for key, sc in res.scenarios.items():
        mine, plain = stats(res.slots, "stub", key), stats(res.slots, "stub", sc.compared_with)
        if sc.compared_with and mine is not None and plain is not None:
            r = ratio(mine, plain)
            lines.append(
                f"- {sc.title}: {mine.rps:,.0f} req/s, {_x(r)} of {res.scenarios[sc.compared_with].title} "
                f"({plain.rps:,.0f}); p50 {mine.p50_ms:.2f} vs {plain.p50_ms:.2f} ms"
            )
    return ["", "Cost of sessions and fault rules (same launch, same run):", "", *lines] if lines else []


def _contract_section(c: ContractResult | None) -> list[str]:
    lines = ["", "## Contract suite", ""]
    if c is None:
        return [*lines, "Not run."]
    if not c.available:
        return [*lines, c.reason]
    return [
        *lines,
        f"{c.cases_per_s:,.0f} generated cases/s ({c.generated_cases} cases, {c.requests} requests "
        f"in {c.duration_s} s; `python -m contract_tests` exit {c.exit_code}, {c.wall_s} s wall).",
    ]


def _remote_section(r: RemoteResult | None) -> list[str]:
    lines = ["", "## Against a remote deployment", ""]
    if r is None:
        return [*lines, "Not run."]
    lines += [
        f"The stub on loopback with {r.latency_ms:g} ms added to every answer; EXAMPLES={r.examples}. "
        "Requests are counted by the deployment (vendor operations; control API apart).",
        "",
    ]
    rows = [
        [
            c.label,
            str(c.workers),
            f"{c.wall_s:.1f}",
            str(c.requests),
            f"{c.rps:.0f}",
            str(c.control_requests),
            str(c.exit_code) + (f" ({c.error})" if c.error else ""),
        ]
        for c in r.contenders
    ]
    lines += table(["run", "workers", "wall s", "requests", "requests/s", "control requests", "exit"], rows)
    concurrent = r.get("concurrent")
    if r.get("sequential") and concurrent:
        diff = r.differences()
        same = f"identical ({len(concurrent.outcomes)} checks)"
        lines += ["", "Verdicts, sequential vs concurrent: " + ("; ".join(diff) if diff else same) + "."]
    return lines


def _soak_section(s: SoakResult | None) -> list[str]:
    lines = ["", "## Soak", ""]
    if s is None:
        return [*lines, "Skipped (SOAK_SECONDS=0)."]
    if s.load is None:
        return [*lines, f"Did not finish: {s.error}"]
    ref_at, ref_kib = s.warm_reference
    return [
        *lines,
        f"{s.seconds} s on the Recoup 200 path against a fresh stub: {s.load.rps:,.0f} req/s, "
        f"p50 {s.load.p50_ms:.2f} ms, p99 {s.load.p99_ms:.2f} ms, {s.load.errors} errors in "
        f"{s.load.requests:,} requests. RSS {mb(s.rss_start_kib):.1f} MB at start, {mb(ref_kib):.1f} MB after "
        f"{ref_at:.0f} s, {mb(s.rss_final_kib):.1f} MB at the end: {s.growth_vs_warm_pct:+.1f} % after warm-up, "
        f"{s.growth_vs_start_pct:+.1f} % from start." + (f" The stub exited: {s.error}" if s.error else ""),
    ]


def to_json(res: Results, verdicts: Sequence[Target]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for server in ("stub", "prism", "starlette"):
        paths = {key: stats(res.slots, server, key) for key in res.scenarios}
        starts = first_answers(res, server)
        rss = rss_after(res, server)
        summary[server] = {
            "label": res.context["labels"].get(server, server),
            "paths": {key: asdict(x) for key, x in paths.items() if x is not None},
            "first_answer_s": {"median": statistics.median(starts), "max": max(starts)} if starts else None,
            "rss_after_load_mb": {"median": statistics.median(rss), "max": max(rss)} if rss else None,
        }
    stub = stats(res.slots, "stub", "recoup_200")
    return {
        **res.context,
        "scenarios": {k: asdict(v) for k, v in res.scenarios.items()},
        "summary": summary,
        "ratios": {
            "stub/prism": ratio(stub, stats(res.slots, "prism", "recoup_200")),
            "stub/starlette": ratio(stub, stats(res.slots, "starlette", "recoup_200")),
        },
        "rounds": [s.to_json() for s in res.slots],
        "contract": asdict(res.contract) if res.contract else None,
        "soak": res.soak.to_json() if res.soak else None,
        "remote": res.remote.to_json() if res.remote else None,
        "parts": sorted(res.parts),
        "targets": [asdict(t) for t in verdicts],
    }


def write(out_dir: Path, name: str, markdown: str, data: dict[str, Any]) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    md, js = out_dir / f"{name}.md", out_dir / f"{name}.json"
    md.write_text(markdown, encoding="utf-8")
    js.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return md, js


def table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A markdown pipe table whose columns are padded so it also reads well in a terminal."""
    width = len(head)
    cells = [list(head)] + [[*r, *[""] * (width - len(r))] if len(r) < width else list(r) for r in rows]
    sizes = [max(len(row[i]) for row in cells) for i in range(width)]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(cell.ljust(sizes[i]) for i, cell in enumerate(row)) + " |"

    return [line(cells[0]), "|" + "|".join("-" * (n + 2) for n in sizes) + "|", *(line(r) for r in cells[1:])]


def _first_error(res: Results, server: str) -> str:
    failed = [s.error for s in res.slots if s.server == server and s.error]
    return failed[0].splitlines()[0] if failed else ""


def _p99(x: Stats) -> str:
    return f"worst round {x.p99_max_ms:.2f} ms, median {x.p99_ms:.2f} ms"


def _x(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"
