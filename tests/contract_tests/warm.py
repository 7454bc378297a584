"""A process that has imported the contract suite once and forks one `python -m contract_tests` per run.

The tests run the suite's CLI well over a hundred times (the zoo, the broken stubs). A fresh interpreter
spends about half a second of CPU importing pytest, Hypothesis, schemathesis and the suite before it sends a
request; a child forked from this process starts with all of that in memory. Each child is the CLI as a
user runs it: its own environment, working directory, argv and exit code, stdout and stderr to a file.

Protocol (one JSON object per line): the client writes `{"id", "argv", "env", "cwd", "out"}`; the server
answers `{"id", "pid"}` when the child is forked and `{"id", "code", "cpu_s"}` when it has ended (`cpu_s`: the
child's user + system time, its own children included). The server is
single-threaded (fork copies no other thread) and ends when its stdin closes.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PRELOAD = ("contract_tests.__main__", "contract_tests.runner", "contract_tests.checks", "xdist.remote")
POLL_S = 0.02


def _child(request: dict[str, Any]) -> None:
    """In the forked child: become `python -m contract_tests` with the request's argv and environment."""
    code = 70
    try:
        out = os.open(request["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        sys.argv = ["contract_tests", *request["argv"]]
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        main = importlib.import_module("contract_tests.__main__").main
        code = main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def serve() -> None:
    """The server loop: fork a child per request line, report each child's end."""
    for name in PRELOAD:
        importlib.import_module(name)
    children: dict[int, str] = {}
    pending = b""
    stdin = sys.stdin.fileno()
    open_input = True

    def say(doc: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(doc) + "\n")
        sys.stdout.flush()

    while open_input or children:
        ready, _, _ = select.select([stdin] if open_input else [], [], [], POLL_S)
        if ready:
            chunk = os.read(stdin, 65536)
            open_input = bool(chunk)
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                request = json.loads(line)
                pid = os.fork()
                if pid == 0:
                    _child(request)
                children[pid] = request["id"]
                say({"id": request["id"], "pid": pid})
        while children:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
            if pid == 0:
                break
            cpu = usage.ru_utime + usage.ru_stime
            say({"id": children.pop(pid), "code": os.waitstatus_to_exitcode(status), "cpu_s": cpu})


@dataclass
class _Pending:
    done: threading.Event = field(default_factory=threading.Event)
    pid: int = 0
    code: int | None = None


class WarmSuite:
    """The client: runs the suite's CLI in a child of the server, from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = 0
        self._pending: dict[str, _Pending] = {}
        self._server: subprocess.Popen[str] | None = None
        self.cpu_s = 0.0  # CPU seconds of every run that has ended

    def _start(self) -> subprocess.Popen[str]:
        if self._server is None or self._server.poll() is not None:
            root = Path(__file__).resolve().parents[2]
            self._server = subprocess.Popen(
                [sys.executable, "-m", "tests.contract_tests.warm"],
                cwd=root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            threading.Thread(target=self._read, args=(self._server,), daemon=True).start()
        return self._server

    def _read(self, server: subprocess.Popen[str]) -> None:
        assert server.stdout is not None
        for line in server.stdout:
            doc = json.loads(line)
            with self._lock:
                waiting = self._pending.get(doc["id"])
            if waiting is None:
                continue
            if "pid" in doc:
                waiting.pid = doc["pid"]
            else:
                waiting.code = doc["code"]
                with self._lock:
                    self.cpu_s += doc["cpu_s"]
                waiting.done.set()
        with self._lock:  # the server ended: nobody waits for ever
            for waiting in self._pending.values():
                waiting.done.set()

    def run(self, argv: list[str], env: dict[str, str], cwd: Path, out: Path, timeout: float) -> int:
        """The exit code of `python -m contract_tests *argv` run in `cwd` with exactly `env`; output in `out`."""
        with self._lock:
            server = self._start()
            self._next += 1
            ident = str(self._next)
            waiting = self._pending[ident] = _Pending()
            assert server.stdin is not None
            request = {"id": ident, "argv": argv, "env": env, "cwd": str(cwd), "out": str(out)}
            server.stdin.write(json.dumps(request) + "\n")
            server.stdin.flush()
        try:
            if not waiting.done.wait(timeout):
                if waiting.pid:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(waiting.pid, signal.SIGKILL)
                raise subprocess.TimeoutExpired(["contract_tests", *argv], timeout)
            if waiting.code is None:
                raise RuntimeError("the warm suite server ended before the run did")
            return waiting.code
        finally:
            with self._lock:
                self._pending.pop(ident, None)

    def close(self) -> None:
        with self._lock:
            server, self._server = self._server, None
        if server is not None and server.stdin is not None:
            server.stdin.close()
            server.wait(timeout=30)


if __name__ == "__main__":
    serve()
