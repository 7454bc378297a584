"""A pytest plugin for the suite's own run (PYTEST_ADDOPTS="-p tests.contract_tests.dying_worker"): worker gw0 dies
in the middle of its first test, as a worker killed by the system would."""

from __future__ import annotations

import os

import pytest


def pytest_runtest_call(item: pytest.Item) -> None:
    if getattr(item.config, "workerinput", {}).get("workerid") == "gw0":
        os._exit(9)
