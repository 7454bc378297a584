"""Concurrent runs, the controller's side: pytest-xdist workers, each rebuilding the suite from a description.

The tests of a run are independent, except where two tests feed one check (a check's verdict can depend on
what an earlier test of it recorded); such tests form one group, which one worker runs in order. A test is
never split, so the requests of a stateful sequence (remove the disposable member, remove it again) are
never interleaved with each other. Every worker sends back its findings (`transport`), which are added to
the controller's results, so the table, summary.json, JUnit XML and the exit code come out as in a
sequential run.
"""

from __future__ import annotations

import pickle
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pytest

from .config import Config
from .http import Policy
from .scheduling import GroupScheduling
from .suite import Suite
from .target import Target
from .transport import absorb
from .zygote import Zygote, preload_modules
from .zygote import usable as zygote_usable

KEY = "contract_run"  # in workerinput: the pickled RunDescription; in workeroutput: the worker's findings
WORKER_PLUGIN = "contract_tests.worker"


@dataclass(frozen=True)
class RunDescription:
    """Everything a worker needs to rebuild the controller's suite."""

    config: Config
    target: Target
    policy: Policy
    secrets: dict[str, str] = field(default_factory=dict)
    epoch: float = 0.0  # time.monotonic() at which the shared RATE schedule starts
    groups_file: str = ""  # where the workers write which tests share a worker (`scheduling`)
    run_id: str = ""  # a worker's session on this project's stub is `<run_id>-<worker id>`


def extras(suite: Suite, workers: int, out: TextIO) -> tuple[list[str], list[object]]:
    """The pytest arguments and plugins a run with `workers` workers adds; none for a sequential run."""
    if workers <= 1:
        return [], []
    factory = Zygote(preload_modules()).start() if zygote_usable() else None
    how = ", forked from one preloaded process" if factory is not None else ""
    print(f"  {workers} concurrent workers{how} (WORKERS=1 runs the tests one after another)", file=out, flush=True)
    return pytest_args(workers, factory), [Coordinator(suite, factory)]


def pytest_args(workers: int, factory: Zygote | None = None) -> list[str]:
    start = ["--tx", factory.tx(workers)] if factory is not None else ["-n", str(workers)]
    # The scheduler is `scheduling.GroupScheduling`. A worker that dies is not replaced: the run is broken.
    return [*start, "--dist", "load", "--max-worker-restart", "0", "-p", WORKER_PLUGIN]


# Sections whose checks add up the same on any worker in any order: each generated case or provoked error is
# counted where it ran, a failure fails the check wherever it happens. Tests feeding only these (the
# conformance of each operation, each kind of error body) need no common worker.
COMMUTATIVE = ("conformance", "error bodies")


def groups(checks_per_test: Sequence[Sequence[str]]) -> list[int | None]:
    """For each test (given as the ids of its checks), the group it must share a worker with, or None.

    Tests are grouped when they feed a check in common, directly or through other tests.
    """
    parent = list(range(len(checks_per_test)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, checks in enumerate(checks_per_test):
        for check in checks:
            if check in owner:
                parent[root(i)] = root(owner[check])
            else:
                owner[check] = i
    sizes: dict[int, int] = {}
    for i in range(len(parent)):
        sizes[root(i)] = sizes.get(root(i), 0) + 1
    return [root(i) if sizes[root(i)] > 1 else None for i in range(len(parent))]


class Coordinator:
    """The controller's plugin: hands the description to each worker and adds up what they send back."""

    def __init__(self, suite: Suite, factory: Zygote | None = None) -> None:
        self.suite = suite
        self.factory = factory
        self.broken = False  # a worker ended without reporting
        self._dir = Path(tempfile.mkdtemp(prefix="contract-groups-"))
        self.description = RunDescription(
            suite.config,
            suite.target,
            suite.client.policy,
            dict(suite.client.secrets),
            epoch=time.monotonic(),
            groups_file=str(self._dir / "groups.json"),
            run_id=suite.run_id,
        )
        self._payload = pickle.dumps(self.description)

    @pytest.hookimpl(tryfirst=True, optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> GroupScheduling:
        return GroupScheduling(config, log, Path(self.description.groups_file))

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput[KEY] = self._payload

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output = getattr(node, "workeroutput", None) or {}
        data = output.get(KEY)
        if isinstance(data, bytes):
            absorb(self.suite, data)
        worker = node.gateway.id
        if data is None:
            self.broken = True
            self.suite.results.other_failures.append(
                f"worker {worker} stopped before reporting its results ({error or 'no results'}); "
                "its tests are not counted (run with WORKERS=1 to see the cause)"
            )
        elif error is not None:
            self.suite.notes.append(f"worker {worker} ended with an error after reporting its results: {error}")

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.broken:  # the suite broke, whatever the checks that did report say
            session.exitstatus = pytest.ExitCode.INTERNAL_ERROR

    def pytest_unconfigure(self) -> None:
        if self.factory is not None:
            self.factory.stop()
        shutil.rmtree(self._dir, ignore_errors=True)
