"""Concurrent runs, a worker's side: the pytest plugin module (`-p contract_tests.worker`) of an xdist worker.

The controller process loads it too, where it does nothing. In a worker it rebuilds the suite from the
controller's description (`parallel.RunDescription`), with a client of its own that takes its lane of RATE,
says which tests must share a worker (`parallel.groups`, `scheduling`), and hands its findings back at the
end. Against this project's stub (the controller's own in stub mode) each worker works in a session of its
own (`sessions`), which it resets before each test in stub mode and drops at the end.
"""

from __future__ import annotations

import pickle
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from .concurrency import Lane, pace
from .control import lost_session
from .http import Client, RateLimits
from .parallel import COMMUTATIVE, KEY, RunDescription, groups
from .plugin import MARKER, STATE, ContractPlugin
from .report import Results
from .scheduling import write_groups
from .sessions import session_name
from .suite import Suite, select
from .transport import snapshot


def pytest_configure(config: pytest.Config) -> None:
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput is None or KEY not in workerinput:
        return
    description: RunDescription = pickle.loads(workerinput[KEY])  # bytes from our own controller
    worker_id = str(workerinput["workerid"])
    worker = Worker(description, worker_id, int(workerinput["workercount"]))
    config.pluginmanager.register(worker, "contract-worker")
    config.pluginmanager.register(ContractPlugin(worker.suite), "contract")


class Worker:
    def __init__(self, description: RunDescription, worker_id: str, count: int) -> None:
        self._resources = ExitStack()
        target, config = description.target, description.config
        client = Client(
            description.policy,
            secrets=description.secrets,
            limits=RateLimits(budget_s=config.rate_limit_wait),
            admin_token=config.admin_token if target.mode == "live" else None,
        )
        self._resources.callback(client.close)
        if target.is_stub:
            client.session = session_name(description.run_id, worker_id)
        if config.rate:
            pace(client, Lane(config.rate, int(worker_id.removeprefix("gw")), count, description.epoch))
        self.suite = Suite(config, target, client, Results(select(config)))
        self.groups_file = description.groups_file

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Tests that feed a check in common form a group, which the scheduler gives to one worker."""
        found = groups([self._check_ids(item) for item in items])
        mapping = {item.nodeid: group for item, group in zip(items, found, strict=True) if group is not None}
        write_groups(Path(self.groups_file), mapping)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        client = self.suite.client
        lost = lost_session(client) if client.session is not None else None
        if lost and client.sent["api"]:  # else the worker had no test and never used its session
            self.suite.lost_sessions.append(lost)
        workeroutput: dict[str, Any] = getattr(session.config, "workeroutput")  # noqa: B009 - set by xdist
        workeroutput[KEY] = snapshot(self.suite)

    def pytest_unconfigure(self) -> None:
        self._resources.close()

    def _check_ids(self, item: pytest.Item) -> list[str]:
        marker = item.get_closest_marker(MARKER)
        if marker is None:
            return []
        vendor, *names = marker.args
        ids = [check.id for check in self.suite.selected(vendor, names) if check.section not in COMMUTATIVE]
        state = item.get_closest_marker(STATE)
        return [*ids, f"{state.args[0]}:members"] if state is not None else ids
