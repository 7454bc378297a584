"""Concurrent runs: which tests share a worker, and a concurrent run's verdicts are the sequential run's."""

from __future__ import annotations

import re
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contract_tests.parallel import groups, pytest_args
from contract_tests.scheduling import read_groups, write_groups
from contract_tests.zygote import Zygote
from mock_server.background import BackgroundStub
from mock_server.web.http import ASGIApp

from . import broken
from . import test_safety as safety
from .cli import Run, run_suite
from .not_the_stub import NotTheStub


def test_tests_that_feed_one_check_share_a_group() -> None:
    found = groups(
        [
            ["recoup.no_server_errors", "recoup.error_body"],  # conformance
            ["recoup.error_body"],  # error bodies
            ["recoup.accepts_api_key"],
            ["turso.error_body", "turso.no_server_errors"],
            ["turso.error_body"],
            ["recoup.removes_disposable_member", "recoup.disposable_removal_is_idempotent"],
            [],
        ]
    )
    assert found[0] is not None and found[0] == found[1]
    assert found[3] is not None and found[3] == found[4] and found[3] != found[0]
    assert found[2] is None and found[5] is None and found[6] is None  # alone: any worker


def test_groups_join_through_a_chain_of_checks() -> None:
    found = groups([["a"], ["a", "b"], ["b", "c"], ["c"], ["d"]])
    assert found[0] == found[1] == found[2] == found[3] is not None
    assert found[4] is None


def test_pytest_arguments_of_a_concurrent_run() -> None:
    plain = pytest_args(3)
    assert plain[:2] == ["-n", "3"] and plain[-2:] == ["-p", "contract_tests.worker"]
    assert plain[2:4] == ["--dist", "load"] and plain[4:6] == ["--max-worker-restart", "0"]
    factory = Zygote([])
    assert pytest_args(3, factory)[:2] == ["--tx", f"3*popen//python={factory.python()}"]
    assert factory.python().endswith(f"launcher.py {factory.socket_path}")
    factory.stop()  # never started: only its folder to remove


def test_the_scheduler_gives_each_group_one_scope(tmp_path: Path) -> None:
    path = tmp_path / "groups.json"
    write_groups(path, {"t.py::test_a": 3, "u.py::test_b[x]": 3})
    write_groups(path, {"t.py::test_a": 3, "u.py::test_b[x]": 3})  # every worker writes the same map
    assert read_groups(path) == {"t.py::test_a": 3, "u.py::test_b[x]": 3}
    assert [p.name for p in tmp_path.iterdir()] == ["groups.json"]
    with pytest.raises(RuntimeError, match="no worker wrote"):
        read_groups(tmp_path / "missing.json")


def _broken_in_three_ways(app: ASGIApp) -> ASGIApp:
    """Fails one check that two tests feed (error_body), a stateful one, and a plain property."""
    layers: list[Callable[[ASGIApp], ASGIApp]] = [
        broken.BROKEN["Recoup error with message"][0],
        broken.BROKEN["repeated disposable removal 404"][0],
        broken.BROKEN["Turso 404 text vague"][0],
    ]
    for wrap in layers:
        app = wrap(app)
    return app


def _tests(run: Run) -> dict[str, str]:
    """Test name -> pytest outcome, from the JUnit XML."""
    out = {}
    for case in ET.parse(run.reports / "junit.xml").getroot().iter("testcase"):
        failed = case.find("failure") is not None or case.find("error") is not None
        out[f"{case.get('classname')}::{case.get('name')}"] = "failed" if failed else "passed"
    return out


def test_a_concurrent_run_gives_the_sequential_verdicts(tmp_path: Path) -> None:
    runs = {}
    for workers in ("1", "3"):  # a fresh deployment each: the broken layers remember what they answered
        with BackgroundStub(wrap=_broken_in_three_ways) as stub:
            args = ("--url", stub.url, "--examples", "5")
            # -vv: pytest names the worker of each test
            env = {"WORKERS": workers, "PYTEST_ADDOPTS": "-vv"}
            runs[workers] = run_suite(tmp_path / workers, *args, env=env)
    sequential, concurrent = runs["1"], runs["3"]
    assert "3 concurrent workers" in concurrent.output and "concurrent workers" not in sequential.output
    if sys.platform.startswith("linux"):  # the suite's controller runs one thread in live mode
        assert "forked from one preloaded process" in concurrent.output
    assert concurrent.code == sequential.code == 1, concurrent.output
    outcomes = concurrent.outcomes()
    assert outcomes == sequential.outcomes(), concurrent.output
    for check in ("recoup.error_body", "recoup.disposable_removal_is_idempotent", "turso.not_found_names_user_and_org"):
        assert outcomes[check] == "fail" and f"{check} FAILED" in concurrent.output, concurrent.output
    assert list(outcomes.values()).count("pass") > 20
    assert _tests(concurrent) == _tests(sequential)
    ran_on = dict((test, worker) for worker, test in re.findall(r"\[(gw\d+)\] \[ *\d+%\] \w+ (\S+)", concurrent.output))
    for vendor in ("recoup", "turso"):  # they share the vendor's members: one worker, one after the other
        lifecycle = {
            worker for test, worker in ran_on.items() if test.startswith(f"contract_tests/test_{vendor}_lifecycle.py")
        }
        assert len(lifecycle) == 1, lifecycle
    # conformance tests feed only checks that add up on any worker: the operations spread over the workers
    spread = {worker for test, worker in ran_on.items() if test.startswith("contract_tests/test_conformance.py")}
    assert len(spread) > 1, spread
    assert len(set(ran_on.values())) == 3, concurrent.output
    seq, conc = sequential.summary(), concurrent.summary()
    assert conc["generated_cases"] > 0 and conc["requests"] >= conc["generated_cases"]
    assert [r["cases"] > 0 for r in conc["results"]] == [r["cases"] > 0 for r in seq["results"]]


def test_stub_mode_gives_each_worker_a_session_of_one_stub(tmp_path: Path) -> None:
    run = run_suite(tmp_path, "--examples", "3", "--api", "turso", env={"WORKERS": "2"})
    assert "2 concurrent workers (WORKERS=1" in run.output  # fresh interpreters: the stub's thread is running
    assert run.output.count("stub mode: started the stub") == 1
    assert re.search(r"isolated sessions ct-[0-9a-f]{12}-\* \(X-Stub-Session\)", run.output), run.output
    assert run.code == 0, run.output
    assert set(run.outcomes().values()) == {"pass"}, run.output


class Arrivals:
    """A layer noting when each vendor request arrives."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def __call__(self, app: ASGIApp) -> ASGIApp:
        async def noted(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http" and not scope["path"].startswith("/__admin"):
                self.times.append(time.monotonic())
            await app(scope, receive, send)

        return noted


def test_rate_is_the_total_over_all_workers(tmp_path: Path) -> None:
    """Three workers at RATE=40 send no faster together than one would: n requests span at least (n-1)/40 s."""
    arrivals = Arrivals()
    with BackgroundStub(wrap=arrivals) as stub:
        run = run_suite(tmp_path, "--url", stub.url, "--examples", "2", "--rate", "40", env={"WORKERS": "3"})
    assert run.code == 0, run.output
    assert "3 concurrent workers" in run.output
    times = sorted(arrivals.times)
    assert len(times) > 40
    assert times[-1] - times[0] >= (len(times) - 1) / 40 - 0.05


def test_a_worker_that_dies_breaks_the_run(tmp_path: Path) -> None:
    with BackgroundStub() as stub:
        env = {"WORKERS": "2", "PYTEST_ADDOPTS": "-p tests.contract_tests.dying_worker"}
        run = run_suite(tmp_path, "--url", stub.url, "--examples", "2", env=env)
    assert run.code == 3, run.output  # the suite broke: not a verdict on the deployment
    assert "worker gw0 stopped before reporting its results" in run.output
    assert "pass" in run.outcomes().values()  # what the other worker found is still shown


def test_concurrent_workers_keep_the_safety_policy(tmp_path: Path) -> None:
    """The members generators love survive a concurrent live run too: each worker's client has the policy."""
    with BackgroundStub(seed=safety.seed(), wrap=NotTheStub) as stub:  # another server: no sessions
        run = run_suite(tmp_path, "--url", stub.url, "--examples", "10", env={**safety.ENV, "WORKERS": "4"})
        recoup, turso = stub.store.state.recoup.organizations, stub.store.state.turso.organizations
        assert recoup[safety.ORG].members == {safety.CALLER, safety.DISPOSABLE, *safety.LOVED_IDS}
        assert recoup[safety.FOREIGN].members == set(safety.LOVED_IDS)
        assert set(turso["safety-org"].members) == {"owner", "leaving", "watcher", *safety.LOVED_NAMES}
        assert set(turso["a"].members) == {"owner", "0"}
    assert "4 concurrent workers" in run.output
    assert run.code == 0, run.output
    assert set(run.outcomes().values()) == {"pass"}, run.output
