"""One run: start the stub or reach the target, run the suite under pytest, print the table, write the reports.

Exit codes: 0 every executed check passed; 1 a check failed; 2 nothing could be tested, the target cannot be
reached, or a setting is wrong; 3 the suite itself broke (a pytest internal or usage error).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import pytest
import requests

from . import parallel, report
from .checks import Check
from .concurrency import worker_count
from .config import Config, ConfigError
from .http import Client, Policy
from .plugin import ContractPlugin
from .report import Results
from .suite import Suite, select
from .target import Target, identify

PACKAGE = Path(__file__).resolve().parent
_VARIABLE = re.compile(r"\b(?:RECOUP|TURSO)_[A-Z_]+\b")


def run(config: Config, *, ignored: Sequence[str] = (), out: TextIO = sys.stdout) -> int:
    started = time.monotonic()
    try:
        checks = select(config)
    except ConfigError as exc:
        print(f"error: {exc}", file=out)
        return 2
    if config.url is not None:
        return _run(config, config.url, checks, started, out)
    from mock_server.background import BackgroundStub

    with BackgroundStub() as stub:
        print(f"stub mode: started the stub with the demo seed on {stub.url}", file=out)
        if ignored:
            print(f"  (ignoring {', '.join(ignored)} from the environment: the demo seed's values apply)", file=out)
        return _run(config, stub.url, checks, started, out)


def _run(config: Config, url: str, checks: list[Check], started: float, out: TextIO) -> int:
    client = Client(Policy(url), rate=config.rate)
    try:
        is_stub = identify(client)
    except requests.RequestException as exc:
        print(
            f"error: cannot reach {url} ({_reason(exc)}); is the server running and the URL right? "
            "(`make mock` starts the stub on http://127.0.0.1:8080)",
            file=out,
        )
        return 2
    target = Target.resolve(config, url, is_stub=is_stub)
    client.policy = Policy(
        url,
        recoup_disposable=_pair(target, "RECOUP_ORG_ID", "RECOUP_DISPOSABLE_MEMBER_ID"),
        turso_disposable=_pair(target, "TURSO_ORG", "TURSO_DISPOSABLE_MEMBER"),
        control=is_stub,
    )
    client.secrets = target.secrets()
    suite = Suite(config, target, client, Results(checks))
    kind = "this project's stub" if is_stub else "not this project's stub"
    print(
        f"contract suite: {config.mode} mode, {url} ({kind}); vendors: {', '.join(config.vendors)}; "
        f"EXAMPLES={config.examples}" + (f"; RATE={config.rate:g}/s" if config.rate else ""),
        file=out,
        flush=True,
    )
    # Concurrent runs (parallel.py): with several workers, xdist workers rebuild the suite and report back.
    parallel_args, parallel_plugins = parallel.extras(
        suite, worker_count(config.workers, config.mode, len(checks)), out
    )
    tests_started = time.monotonic()
    code = pytest.main(_pytest_args(config) + parallel_args, plugins=[ContractPlugin(suite), *parallel_plugins])
    tests_s = time.monotonic() - tests_started
    outcomes = suite.results.outcomes()
    exit_code = _exit_code(int(code), outcomes)
    _print(out, outcomes, suite, config, exit_code)
    cases = suite.results.generated_cases
    doc = report.summary(
        outcomes,
        target=url,
        mode=config.mode,
        stub=is_stub,
        vendors=list(config.vendors),
        examples=config.examples,
        rate=config.rate,
        duration_s=round(time.monotonic() - started, 3),
        tests_s=round(tests_s, 3),
        generated_cases=cases,
        requests=client.sent["api"],
        control_requests=client.sent["control"],
        cases_per_s=round(cases / tests_s, 1) if tests_s > 0 else 0.0,
        exit_code=exit_code,
        notes=suite.notes,
        junit=str(config.reports / "junit.xml"),
    )
    report.write_summary(config.reports / "summary.json", doc)
    print(
        f"{cases} generated cases, {client.sent['api']} API requests in {doc['duration_s']:.1f} s "
        f"({doc['cases_per_s']:.0f} cases/s); reports in {config.reports}/",
        file=out,
    )
    return exit_code


def _pytest_args(config: Config) -> list[str]:
    return [
        str(PACKAGE),
        "-c",
        str(PACKAGE / "pytest.ini"),
        "--rootdir",
        str(PACKAGE.parent),
        "-p",
        "no:cacheprovider",
        "-q",
        "--no-header",
        "--tb=no",
        "-rN",
        "--assert=plain",
        f"--junitxml={config.reports / 'junit.xml'}",
    ]


def _pair(target: Target, org: str, member: str) -> tuple[str, str] | None:
    o, m = target.get(org), target.get(member)
    return (o, m) if o and m else None


def _exit_code(pytest_code: int, outcomes: Sequence[report.Outcome]) -> int:
    if pytest_code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERRUPTED):
        return 3
    if pytest_code == pytest.ExitCode.TESTS_FAILED or any(o.outcome in ("fail", "not run") for o in outcomes):
        return 1
    if not any(o.outcome == "pass" for o in outcomes):
        return 2
    return 0


def _print(out: TextIO, outcomes: Sequence[report.Outcome], suite: Suite, config: Config, exit_code: int) -> None:
    failures = [o.message or f"{o.check.id} FAILED\n  problem:  {o.reason}" for o in outcomes if o.outcome == "fail"]
    failures += suite.results.other_failures
    if failures:
        print("\nFailures:", file=out)
        for message in failures:
            print(message, file=out)
    for note in suite.notes:
        print(f"note: {note}", file=out)
    print("", file=out)
    print(report.table(outcomes, config.vendors), file=out)
    if exit_code == 2:
        wanted = sorted({v for o in outcomes for v in _VARIABLE.findall(o.reason)})
        hint = f"set {', '.join(wanted)}" if wanted else "check the settings"
        print(f"\nerror: nothing could be tested against {suite.target.url}: {hint} (see README.md).", file=out)


def _reason(exc: requests.RequestException) -> str:
    """The root cause in a few words ("Connection refused"), not urllib3's nested retry message."""
    cause: BaseException = exc
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__  # type: ignore[assignment]
    text = str(cause)
    return text.split("] ", 1)[-1] if text.startswith("[Errno") else (text or type(exc).__name__)
