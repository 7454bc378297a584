"""One run: start the stub or reach the target, check the settings, run the suite under pytest, report.

Exit codes: 0 every check passed; 1 a check failed (the contract is broken); 2 the run could not test
(the target cannot be reached, a setting is wrong or missing, a credential is refused, the target
rate-limited the run, the stub dropped a session the run was testing in, nothing could be tested, or with
STRICT a check was skipped or not exercised);
3 the suite itself broke (a pytest internal or usage error).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import pytest
import requests

from . import parallel, report, sessions
from .checks import Check
from .concurrency import worker_count
from .config import ADMIN_TOKEN_VARIABLE, Config, ConfigError
from .control import Control, ControlError, lost_session
from .http import Client, Policy, RateLimited, RateLimits
from .plugin import RATE_LIMITED, ContractPlugin
from .preflight import preflight
from .report import Results
from .suite import Suite, select
from .target import Target, identify

PACKAGE = Path(__file__).resolve().parent
_VARIABLE = re.compile(r"\b(?:RECOUP|TURSO)_[A-Z_]+\b")
_LOST_SESSIONS = "the stub dropped sessions this run was testing in (see the notes): its verdicts are not reliable"


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
            print(f"  (ignoring {', '.join(ignored)} from the environment: the stub's demo values apply)", file=out)
        return _run(config, stub.url, checks, started, out)


def _run(config: Config, url: str, checks: list[Check], started: float, out: TextIO) -> int:
    client = Client(
        Policy(url),
        rate=config.rate,
        limits=RateLimits(budget_s=config.rate_limit_wait),
        admin_token=config.admin_token if config.url is not None else None,
    )
    try:
        return _test(config, url, checks, client, started, out)
    finally:
        _drop_session(client, out)


def _drop_session(client: Client, out: TextIO) -> None:
    """At the end of a run against this project's stub: drop the controller's session (the workers drop theirs)."""
    name = client.session
    try:
        Control(client).drop_session()
    except (ControlError, RateLimited, requests.RequestException) as exc:
        print(f"note: could not drop the session {name} ({exc}); the stub evicts it when full", file=out)


def _test(config: Config, url: str, checks: list[Check], client: Client, started: float, out: TextIO) -> int:
    try:
        suite = _suite(config, url, checks, client, out)
    except ConfigError as exc:
        return _stop(out, config, client, started, url, str(exc))
    except RateLimited:
        return _stop(out, config, client, started, url, _rate_limited(client))
    except requests.RequestException as exc:
        return _stop(out, config, client, started, url, _unreachable(url, exc))
    kind = "this project's stub" if suite.target.is_stub else "not this project's stub"
    print(
        f"contract suite: {config.mode} mode, {url} ({kind}); vendors: {', '.join(config.vendors)}; "
        f"EXAMPLES={config.examples}"
        + (f"; RATE={config.rate:g}/s" if config.rate else "")
        + ("; STRICT" if config.strict else ""),
        file=out,
        flush=True,
    )
    if problem := _unconfigured(suite, config):
        return _stop(out, config, client, started, url, problem)
    try:
        refused = preflight(suite)
    except RateLimited:
        return _stop(out, config, client, started, url, _rate_limited(client))
    except requests.RequestException as exc:
        return _stop(out, config, client, started, url, _unreachable(url, exc))
    if refused:
        lines = "\n".join(str(p) for p in refused)
        return _stop(out, config, client, started, url, f"the target refuses the configuration:\n{lines}")

    # Concurrent runs (parallel.py): with several workers, xdist workers rebuild the suite and report back.
    parallel_args, parallel_plugins = parallel.extras(
        suite, worker_count(config.workers, config.mode, len(suite.results.checks)), out
    )
    tests_started = time.monotonic()
    code = pytest.main(_pytest_args(config) + parallel_args, plugins=[ContractPlugin(suite), *parallel_plugins])
    if not parallel_args and (lost := lost_session(client)):  # the tests ran in the controller's session
        suite.lost_sessions.append(lost)
    tests_s = time.monotonic() - tests_started
    if client.traffic.exhausted:
        suite.results.block_unfinished(RATE_LIMITED)
    outcomes = suite.results.outcomes()
    exit_code = _exit_code(int(code), outcomes, config, client)
    if suite.lost_sessions and exit_code in (0, 1):  # verdicts reached on a state that went back to the seed
        exit_code = 2
    _print(out, outcomes, suite, config, client, exit_code)
    cases = suite.results.generated_cases
    doc = _summary(config, client, started, url, exit_code, outcomes=outcomes, results=suite.results)
    doc.update(
        stub=suite.target.is_stub,
        session_run=suite.run_id if suite.target.is_stub else None,
        tests_s=round(tests_s, 3),
        cases_per_s=round(cases / tests_s, 1) if tests_s > 0 else 0.0,
        notes=suite.notes,
        **({"error": _LOST_SESSIONS} if suite.lost_sessions else {}),
        junit=str(config.reports / "junit.xml"),
    )
    report.write_summary(config.reports / "summary.json", doc)
    print(
        f"{cases} generated cases, {client.sent['api']} API requests{_traffic(client)} in {doc['duration_s']:.1f} s "
        f"({doc['cases_per_s']:.0f} cases/s); reports in {config.reports}/",
        file=out,
    )
    return exit_code


def _suite(config: Config, url: str, checks: list[Check], client: Client, out: TextIO) -> Suite:
    """Recognise the stub, take its demo values for what the user left unset, and bind everything together."""
    is_stub, note = identify(client)
    if note:
        print(f"note: {note}", file=out)
    defaults: dict[str, str] = {}
    run_id = sessions.new_run_id()
    if is_stub:
        client.allow_control()
        client.session = sessions.session_name(run_id, sessions.MAIN)
        print(f"  isolated sessions {run_id}-* ({sessions.HEADER}): the stub's shared state is not used", file=out)
        try:
            defaults = Control(client).demo()
        except (ControlError, ValueError) as exc:
            print(f"note: the stub gave no demo configuration ({exc}); unset variables stay unset", file=out)
    target = Target.resolve(config, url, is_stub=is_stub, defaults=defaults)
    stub_mode = config.mode == "stub" and is_stub
    client.policy = Policy(
        url,
        recoup_disposable=_pair(target, "RECOUP_ORG_ID", "RECOUP_DISPOSABLE_MEMBER_ID"),
        turso_disposable=_pair(target, "TURSO_ORG", "TURSO_DISPOSABLE_MEMBER"),
        control=is_stub,
        emails=stub_mode,
        pool=stub_pool(Control(client), target) if stub_mode else frozenset(),
    )
    client.secrets = target.secrets()
    if client.admin_token:
        client.secrets[client.admin_token] = ADMIN_TOKEN_VARIABLE
    return Suite(config, target, client, Results(checks), run_id=run_id)


def stub_pool(control: Control, target: Target) -> frozenset[tuple[str, str, str]]:
    """Stub mode only (the suite's own stub, each session reset before each test): every seed user or account, as
    a member of the configured organization that the stateful model may add, re-role and remove."""
    state = control.state()
    pool: set[tuple[str, str, str]] = set()
    if org := target.get("RECOUP_ORG_ID"):
        pool |= {("recoup", org.lower(), str(a["id"]).lower()) for a in state.get("recoup", {}).get("accounts", [])}
    if org := target.get("TURSO_ORG"):
        pool |= {("turso", org, str(u["username"])) for u in state.get("turso", {}).get("users", [])}
    return frozenset(pool)


def _unconfigured(suite: Suite, config: Config) -> str | None:
    """Why the run cannot go on because a selected vendor has no credentials, naming the variables."""
    missing = {v: why for v in config.vendors if (why := suite.unconfigured(v))}
    if not missing:
        return None
    text = "; ".join(missing.values())
    others = [v for v in config.vendors if v not in missing]
    if others and not config.api_chosen:
        return f"{text}. Set it, or test {others[0]} only on purpose with API={others[0]}."
    return f"{text}. Set the credentials (see README.md)."


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


def _exit_code(pytest_code: int, outcomes: Sequence[report.Outcome], config: Config, client: Client) -> int:
    failed = pytest_code == pytest.ExitCode.TESTS_FAILED or any(o.outcome == "fail" for o in outcomes)
    if client.traffic.exhausted:
        return 1 if any(o.outcome == "fail" for o in outcomes) else 2
    if pytest_code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERRUPTED):
        return 3
    return 1 if failed else report.exit_code(outcomes, strict=config.strict)


def _print(
    out: TextIO, outcomes: Sequence[report.Outcome], suite: Suite, config: Config, client: Client, exit_code: int
) -> None:
    failures = [o.message or f"{o.check} FAILED\n  problem:  {o.reason}" for o in outcomes if o.outcome == "fail"]
    failures += suite.results.other_failures
    if failures:
        print("\nFailures:", file=out)
        for message in failures:
            print(message, file=out)
    for note in [*suite.notes, *suite.lost_sessions]:
        print(f"note: {note}", file=out)
    print("", file=out)
    print(report.table(outcomes, config.vendors), file=out)
    if exit_code != 2:
        return
    if client.traffic.exhausted:
        print(f"\nerror: {_rate_limited(client)}", file=out)
    elif suite.lost_sessions:
        print(f"\nerror: {_LOST_SESSIONS}", file=out)
    elif not any(o.outcome == "pass" for o in outcomes):
        wanted = sorted({v for o in outcomes for v in _VARIABLE.findall(o.reason)})
        hint = f"set {', '.join(wanted)}" if wanted else "check the settings"
        print(f"\nerror: nothing could be tested against {suite.target.url}: {hint} (see README.md).", file=out)
    else:
        partial = [o for o in outcomes if o.outcome in ("skipped", "not exercised")]
        print(
            f"\nerror: could not test fully (STRICT): {len(partial)} check(s) skipped or not exercised, "
            "see the notes under the table; STRICT=0 accepts that.",
            file=out,
        )


def _stop(out: TextIO, config: Config, client: Client, started: float, url: str, message: str) -> int:
    """End a run that could not test (exit 2) with one message, and a summary saying so."""
    print(f"error: {message}", file=out)
    doc = _summary(config, client, started, url, 2, error=message)
    report.write_summary(config.reports / "summary.json", doc)
    return 2


def _summary(config: Config, client: Client, started: float, url: str, exit_code: int, **extra: Any) -> dict[str, Any]:
    outcomes = extra.pop("outcomes", ())
    results: Results | None = extra.pop("results", None)
    traffic = client.traffic
    doc: dict[str, Any] = {
        "target": url,
        "mode": config.mode,
        "vendors": list(config.vendors),
        "examples": config.examples,
        "rate": config.rate,
        "strict": config.strict,
        "duration_s": round(time.monotonic() - started, 3),
        "generated_cases": results.generated_cases if results is not None else 0,
        "requests": client.sent["api"],
        "control_requests": client.sent["control"],
        "rate_limited": traffic.rate_limited,
        "rate_limit_waited_s": round(traffic.waited_s, 3),
        "suggested_rate": traffic.suggested_rate(),
        "exit_code": exit_code,
        **extra,
    }
    return report.summary(outcomes, **doc)


def _traffic(client: Client) -> str:
    t = client.traffic
    if not t.rate_limited:
        return ""
    return f" ({t.rate_limited} rate-limited, {t.waited_s:.1f} s waited; suggest RATE={t.suggested_rate()})"


def _rate_limited(client: Client) -> str:
    return f"the target rate-limited this run; retry with RATE={client.traffic.suggested_rate() or 1}"


def _unreachable(url: str, exc: requests.RequestException) -> str:
    return (
        f"cannot reach {url} ({_reason(exc)}); is the server running and the URL right? "
        "(`make mock` starts the stub on http://127.0.0.1:8080)"
    )


def _reason(exc: requests.RequestException) -> str:
    """The root cause in a few words ("Connection refused"), not urllib3's nested retry message."""
    cause: BaseException = exc
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__  # type: ignore[assignment]
    text = str(cause)
    return text.split("] ", 1)[-1] if text.startswith("[Errno") else (text or type(exc).__name__)
