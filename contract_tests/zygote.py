"""Preloaded xdist workers: a forked process that has imported the suite once and forks a worker per request.

A worker started the usual way is a fresh interpreter that imports pytest, Hypothesis, schemathesis and the
suite and collects the tests: about a second of CPU each, which on a small, busy machine is most of a
concurrent run's time. Here the controller forks one factory before pytest starts; the factory imports all
of that once, then for each worker xdist starts (through `launcher.py`, a stand-in for `python`) it forks a
child that takes over the launcher's stdin, stdout and stderr and serves the gateway on them as
`python -c` would. The children start warm: a fork, the gateway, and a collection from modules in memory.

Used on Linux only, and only while the controller runs a single thread (fork copies no other thread, and
a lock one of them held would stay held in the copy). The factory ends when the controller does.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import importlib
import os
import select
import shlex
import signal
import socket
import sys
import tempfile
import threading
import traceback
import types
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
LAUNCHER = PACKAGE / "launcher.py"


def usable() -> bool:
    """Whether workers can be forked from a factory here (else they start as fresh interpreters)."""
    return (
        sys.platform.startswith("linux")
        and hasattr(os, "fork")
        and hasattr(socket, "send_fds")
        and threading.active_count() == 1
    )


def preload_modules() -> list[str]:
    """xdist's worker side and the suite's modules, but not its test modules.

    A test module is imported by each worker, after the run's Hypothesis profile is loaded: `@given` takes
    the settings in force when the module is imported.
    """
    modules = sorted(p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith(("test_", "__", "launcher")))
    return ["xdist.remote", *(f"contract_tests.{m}" for m in modules), "contract_tests.checks"]


class Zygote:
    def __init__(self, preload: Sequence[str]) -> None:
        self.preload = list(preload)
        self._dir = tempfile.TemporaryDirectory(prefix="contract-workers-")
        self.socket_path = str(Path(self._dir.name) / "workers.sock")
        self._pid: int | None = None
        self._alive: int | None = None  # write end of a pipe; the factory ends when it closes

    def python(self) -> str:
        """The `python=` of the xdist gateway spec: the launcher, pointed at this factory."""
        return shlex.join([sys.executable, "-I", "-S", str(LAUNCHER), self.socket_path])

    def tx(self, workers: int) -> str:
        return f"{workers}*popen//python={self.python()}"

    def start(self) -> Zygote:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.socket_path)
        listener.listen(64)
        read_end, write_end = os.pipe()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        pid = os.fork()
        if pid == 0:  # the factory
            code = 0
            try:
                os.close(write_end)
                _serve(listener, read_end, self.preload)
            except BaseException:  # a forked process must never return into the caller's code
                code = 1
            finally:
                os._exit(code)
        listener.close()
        os.close(read_end)
        self._pid, self._alive = pid, write_end
        return self

    def stop(self) -> None:
        if self._alive is not None:
            os.close(self._alive)
            self._alive = None
        if self._pid is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None
        self._dir.cleanup()


def _serve(listener: socket.socket, alive: int, preload: Sequence[str]) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the controller and the workers
    for ep in entry_points(group="pytest11"):
        _quietly(ep.load)
    for name in preload:
        _quietly(importlib.import_module, name)
    # What is loaded now is never collected: the collector would write to every object it visits, and the
    # workers would each get their own copy of every page it touched.
    gc.freeze()
    while True:
        ready, _, _ = select.select([listener.fileno(), alive], [], [])
        if alive in ready:
            return
        conn, _ = listener.accept()
        try:
            _, fds, _, _ = socket.recv_fds(conn, 16, 3)
        except OSError:
            conn.close()
            continue
        if len(fds) == 3 and os.fork() == 0:
            listener.close()
            os.close(alive)
            _become_worker(conn, fds)
        conn.close()
        for fd in fds:
            os.close(fd)


def _become_worker(conn: socket.socket, fds: Sequence[int]) -> None:
    """Serve the gateway on the launcher's streams, as `python -c "exec(eval(sys.stdin.readline()))"` does."""
    code = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for target, fd in zip((0, 1, 2), fds, strict=True):
            os.dup2(fd, target)
            os.close(fd)
        line = bytearray()
        while not line.endswith(b"\n"):
            chunk = os.read(0, 1)
            if not chunk:
                raise EOFError("the gateway closed before sending its bootstrap")
            line += chunk
        main = types.ModuleType("__main__")
        sys.modules["__main__"] = main
        exec(ast.literal_eval(line.decode("utf-8")), main.__dict__)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # reported on the worker's stderr, the controller's
        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        # `conn` stays open until here: the launcher waits for it to close.
        os._exit(code)


def _quietly(load: Callable[..., object], *args: str) -> None:
    """Preload what can be; anything that fails is imported (and reported) by the worker itself."""
    with contextlib.suppress(Exception):
        load(*args)
