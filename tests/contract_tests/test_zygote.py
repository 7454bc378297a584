"""`contract_tests.zygote`: xdist gateways served by children forked from one preloaded process."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import execnet
import pytest

from contract_tests import zygote
from contract_tests.zygote import Zygote

pytestmark = pytest.mark.skipif(not zygote.usable(), reason="forked workers need Linux and a single thread")

REMOTE = """
import os, sys
loaded = ("contract_tests.suite" in sys.modules, "contract_tests.test_turso" in sys.modules)
channel.send((os.getpid(), os.getppid(), *loaded))
"""


def test_each_gateway_is_a_fresh_fork_of_the_preloaded_process() -> None:
    factory = Zygote(["contract_tests.suite"]).start()
    try:
        seen = []
        for _ in range(2):
            gateway = execnet.makegateway(f"popen//python={factory.python()}")
            seen.append(gateway.remote_exec(REMOTE).receive())
            gateway.exit()
            gateway.join()
    finally:
        factory.stop()
    (pid_a, parent_a, preloaded_a, tests_a), (pid_b, parent_b, _, _) = seen
    assert pid_a != pid_b and pid_a != os.getpid()
    assert parent_a == parent_b != os.getpid()  # the factory's children, not the launcher's
    assert preloaded_a and not tests_a  # test modules are imported by the worker, under the run's profile


def test_the_factory_ends_with_its_controller_and_leaves_no_socket() -> None:
    factory = Zygote([]).start()
    pid, path = factory._pid, Path(factory.socket_path)
    assert pid is not None and path.exists()
    factory.stop()  # closes the pipe the factory watches, then reaps it
    assert not path.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_not_used_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not zygote.usable()
    finally:
        stop.set()
        thread.join()
    # The test process itself may run other threads (a pytest-xdist worker does): count this one alone.
    monkeypatch.setattr(zygote.threading, "active_count", lambda: 1)
    assert zygote.usable()


def test_preload_leaves_out_the_test_modules() -> None:
    modules = zygote.preload_modules()
    assert "contract_tests.worker" in modules and "xdist.remote" in modules
    assert not [m for m in modules if m.rsplit(".", 1)[-1].startswith("test_")]
