"""`python -m bench` (`make bench`): stub vs Prism vs bare Starlette, the contract suite's pace, then a soak.

`python -m bench soak` (`make soak`) runs the soak alone and writes reports/bench/soak.{md,json};
`python -m bench remote` the remote-latency comparison alone (reports/bench/remote.{md,json}).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

from . import report
from .contract import run_contract_suite
from .load import find_wrk
from .prism import ensure_prism
from .redis import RedisServer, count_round_trips
from .remote import RemoteResult, run_remote
from .rounds import Contender, Slot, run_rounds
from .scenarios import build_scenarios, read_demo
from .servers import ServerSpec, launch
from .settings import BenchError, BenchSettings, parse_settings
from .soak import SoakResult, run_soak

# The stub's own environment settings; cleared so it runs exactly as a plain `make mock` does.
STUB_ENV = ("HOST", "PORT", "SEED", "ADMIN_TOKEN", "JOURNAL_SIZE", "ACCESS_LOG", "STORE", "STORE_PREFIX", "RESEED")
REDIS_PATHS = ("recoup_200", "turso_404")  # the Recoup 200 path and the Turso remove path, on the Redis store
CONTRACT_ESTIMATE_S = 60
REMOTE_ESTIMATE_S = 150
STUB_PATHS, PAIRED_PATHS = 9, 3  # the scenarios driven on the stub; those also driven on bare Starlette
STARLETTE_LABEL = "bare Starlette (uvicorn httptools+uvloop)"


def say(text: str) -> None:
    print(text, flush=True)


def estimate_s(s: BenchSettings, parts: frozenset[str]) -> float:
    total = float(s.soak_seconds + 2 if "soak" in parts else 0)
    if "rounds" in parts:
        stub = 1 + s.warmup + STUB_PATHS * s.seconds
        starlette = 1 + s.warmup + (1 + PAIRED_PATHS) * s.seconds
        prism = 4 + s.warmup + s.seconds
        redis = 2 * (1 + s.warmup + len(REDIS_PATHS) * s.seconds)  # one process, and two workers
        total += s.rounds * (stub + starlette + prism + redis)
    if "contract" in parts:
        total += CONTRACT_ESTIMATE_S
    if "remote" in parts:
        total += REMOTE_ESTIMATE_S
    return total


def plan(s: BenchSettings, parts: frozenset[str]) -> str:
    steps = []
    if "rounds" in parts:
        steps.append(
            f"{s.rounds} round(s) of stub / Prism / bare Starlette under wrk -t{s.threads} -c{s.connections} "
            f"-d{s.seconds}s (warm-up {s.warmup} s per launch)"
        )
    if "contract" in parts:
        steps.append("the contract suite (python -m contract_tests)")
    if "remote" in parts:
        steps.append(
            f"a remote deployment ({s.remote_latency_ms:g} ms per request): the suite sequential and concurrent, "
            "and schemathesis' CLI"
        )
    if "soak" in parts:
        steps.append(f"a {s.soak_seconds} s soak" if s.soak_seconds else "no soak (SOAK_SECONDS=0)")
    minutes = estimate_s(s, parts) / 60
    return (
        f"bench: {', then '.join(steps)}: about {minutes:.0f} min in all.\n"
        "  (quick run: BENCH_SECONDS=3 BENCH_ROUNDS=1 SOAK_SECONDS=0 make bench)"
    )


def machine() -> dict[str, Any]:
    found = shutil.which("wrk")
    wrk = (
        subprocess.run([found, "-v"], capture_output=True, text=True, check=False).stdout.splitlines() if found else []
    )
    node = shutil.which("node")
    node_version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False) if node else None
    return {
        "cpus": os.cpu_count(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "wrk": " ".join(wrk[0].split()[:2]) if wrk else "wrk",
        "node": node_version.stdout.strip() if node_version else None,
    }


def server_specs(settings: BenchSettings) -> tuple[ServerSpec, ServerSpec]:
    """The stub exactly as `make mock` starts it, and the bare Starlette ceiling on the same uvicorn stack."""
    py, root = sys.executable, settings.root
    stub = ServerSpec(
        "stub", (py, "-m", "mock_server", "--host", "127.0.0.1", "--port", "{port}"), root, unset=STUB_ENV
    )
    bare = ServerSpec(
        "starlette",
        (py, "-m", "bench.baseline", "--host", "127.0.0.1", "--port", "{port}"),
        root,
        label=STARLETTE_LABEL,
    )
    return stub, bare


def redis_specs(settings: BenchSettings, url: str) -> list[ServerSpec]:
    """The stub on the Redis store, one process and two workers; each launch gets its own key prefix."""
    py, root = sys.executable, settings.root
    command = (py, "-m", "mock_server", "--host", "127.0.0.1", "--port", "{port}", "--store", url)
    one = ServerSpec(
        "redis", (*command, "--store-prefix", "bench{port}:"), root, label="stub, Redis store", unset=STUB_ENV
    )
    two = ServerSpec(
        "redis-w2",
        (*command, "--store-prefix", "bench{port}:", "--workers", "2"),
        root,
        label="stub, Redis store, WORKERS=2",
        unset=STUB_ENV,
    )
    return [one, two]


def run(settings: BenchSettings, parts: frozenset[str]) -> int:
    wrk = find_wrk() if parts & {"rounds", "soak"} else ""
    if parts == {"soak"} and not settings.soak_seconds:
        raise BenchError("SOAK_SECONDS=0 leaves the soak nothing to do; unset it for the default 600 s")
    scenarios = build_scenarios(read_demo(settings.seed))
    r200 = scenarios["recoup_200"]
    stub, starlette = server_specs(settings)
    say(plan(settings, parts))
    busy = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    if busy > cpus / 2:
        say(f"warning: the machine is busy (load average {busy:.1f} on {cpus} CPUs); figures will be low and noisy")
    context: dict[str, Any] = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine() | {"load_average_at_start": round(busy, 2)},
        "settings": {k: str(v) if k in ("root", "out_dir") else v for k, v in vars(settings).items()},
        "labels": {"stub": stub.shown, "starlette": starlette.shown},
        "prism_missing": "",
    }
    slots: list[Slot] = []
    if "rounds" in parts:
        contenders = [Contender(stub, tuple(scenarios.values()))]
        prism = ensure_prism(settings.root, settings.prism_version, settings.spec, say)
        if prism.command is None:
            context["prism_missing"] = prism.reason
            say(f"Prism will not be measured: {prism.reason}")
        else:
            spec = ServerSpec("prism", prism.command, settings.root, label=f"Prism {prism.version} (-v error)")
            contenders.append(Contender(spec, (r200,)))
            context["labels"]["prism"] = spec.shown
        paired = tuple(s for s in scenarios.values() if s.paired)  # plain paths only: no setup on Starlette
        contenders.append(Contender(starlette, (r200, *paired)))
        redis_server = RedisServer()
        context["redis_missing"] = redis_server.start()
        try:
            if context["redis_missing"]:
                say(f"the Redis store will not be measured: {context['redis_missing']}")
            else:
                context["redis_version"] = redis_server.version()
                for spec in redis_specs(settings, redis_server.url):
                    contenders.append(Contender(spec, tuple(scenarios[k] for k in REDIS_PATHS)))
                    context["labels"][spec.name] = spec.shown
            say("rounds:")
            slots = run_rounds(settings, wrk, contenders, say)
            if not context["redis_missing"]:
                one = launch(redis_specs(settings, redis_server.url)[0], r200)
                try:
                    trips = count_round_trips(redis_server, one.port, [scenarios[k] for k in REDIS_PATHS])
                finally:
                    one.stop()
                context["round_trips"] = [vars(t) for t in trips]
        finally:
            redis_server.stop()
    contract = None
    if "contract" in parts:
        say(f"contract suite: python -m contract_tests --reports {settings.out_dir / 'contract'} ...")
        contract = run_contract_suite(settings.root, settings.out_dir / "contract")
        say(f"  {contract.cases_per_s:,.0f} cases/s" if contract.available else f"  {contract.reason.splitlines()[0]}")
    remote: RemoteResult | None = None
    if "remote" in parts:
        say(f"remote deployment: the stub with {settings.remote_latency_ms:g} ms added to every answer ...")
        remote = run_remote(settings, say, latency_ms=settings.remote_latency_ms)
    soak = None
    if "soak" in parts and settings.soak_seconds:
        say(f"soak: {settings.soak_seconds} s on the Recoup 200 path against a fresh stub ...")
        try:
            soak = run_soak(settings, wrk, stub, r200, say)
        except BenchError as exc:
            soak = SoakResult(settings.soak_seconds, 0.0, 0, error=str(exc))
    results = report.Results(context, scenarios, slots, contract, soak, parts, remote)
    verdicts = report.targets(results)
    markdown = report.render(results, verdicts)
    name = next(iter(parts)) if parts in ({"soak"}, {"remote"}) else "bench"
    md, js = report.write(settings.out_dir, name, markdown, report.to_json(results, verdicts))
    say("")
    say(markdown)
    say(f"written: {md.relative_to(settings.root)}, {js.relative_to(settings.root)}")
    failed = [t for t in verdicts if t.verdict == "FAIL"]
    if failed:
        say(f"{len(failed)} target(s) missed: " + "; ".join(t.name for t in failed))
        return 1
    return 0


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument(
        "part",
        nargs="?",
        choices=["all", "soak", "remote"],
        default="all",
        help="everything (default), the soak, or the remote-latency comparison",
    )
    part = p.parse_args().part
    parts = frozenset({part}) if part != "all" else frozenset({"rounds", "contract", "remote", "soak"})
    try:
        code = run(parse_settings(os.environ), parts)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr, flush=True)
        code = 2
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr, flush=True)
        code = 130
    sys.exit(code)


if __name__ == "__main__":
    main()
