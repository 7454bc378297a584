"""Launch a server on a free loopback port, time its first answer, read its memory, stop it."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .scenarios import Scenario
from .settings import BenchError

HOST = "127.0.0.1"


@dataclass(frozen=True)
class ServerSpec:
    name: str
    command: tuple[str, ...]  # "{port}" is replaced by the chosen port
    cwd: Path
    expected_200: int = 200  # the status this server gives on the Recoup 200 path
    label: str = ""  # how tables name it, e.g. with a version
    start_timeout: float = 60.0
    unset: tuple[str, ...] = ()  # environment variables the server must not inherit

    @property
    def shown(self) -> str:
        return self.label or self.name


@dataclass
class Server:
    spec: ServerSpec
    port: int
    proc: subprocess.Popen[bytes]
    log: Path
    first_answer_s: float = 0.0
    stopped: bool = field(default=False)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def rss_kib(self) -> int:
        """VmRSS of the server and every process under it."""
        return sum(_vm_rss_kib(pid) for pid in self.pids())

    def pids(self) -> list[int]:
        return [self.proc.pid, *_descendants(self.proc.pid)]

    def output(self, limit: int = 2000) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-limit:]
        except OSError:
            return ""

    def stop(self) -> None:
        """Ctrl-C first (what a user does), then SIGTERM, then SIGKILL; the process group is our own."""
        if self.stopped:
            return
        self.stopped = True
        for sig, wait in ((signal.SIGINT, 10.0), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            if self.proc.poll() is not None:
                break
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        self.log.unlink(missing_ok=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def request(port: int, scenario: Scenario, timeout: float = 5.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        body = scenario.body.encode() if scenario.body else None
        conn.request(scenario.method, scenario.target, body=body, headers=dict(scenario.headers))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def control(port: int, method: str, path: str, body: str) -> None:
    """One control API call a scenario needs (e.g. adding a fault rule); anything but a 2xx stops the slot."""
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        headers = {"content-type": "application/json"} if body else {}
        conn.request(method, path, body=body.encode() or None, headers=headers)
        response = conn.getresponse()
        answer = response.read()
    finally:
        conn.close()
    if not 200 <= response.status < 300:
        raise BenchError(f"{method} {path} answered {response.status}: {answer[:200]!r}")


def launch(spec: ServerSpec, probe: Scenario) -> Server:
    """Start the server and poll (every millisecond) with `probe` until it answers; the wait is first_answer_s."""
    port = free_port()
    command = [part.replace("{port}", str(port)) for part in spec.command]
    fd, log_name = tempfile.mkstemp(prefix=f"bench-{spec.name}-", suffix=".log")
    log = Path(log_name)
    with os.fdopen(fd, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            command,
            cwd=spec.cwd,
            env={k: v for k, v in os.environ.items() if k not in spec.unset},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = Server(spec, port, proc, log)
    deadline = started + spec.start_timeout
    while True:
        try:
            request(port, probe, timeout=spec.start_timeout)
        except OSError:
            if proc.poll() is not None:
                server.stop()
                raise BenchError(
                    f"{spec.name} exited with status {proc.returncode} before answering; its output:\n{server.output()}"
                ) from None
            if time.perf_counter() > deadline:
                text = server.output()
                server.stop()
                raise BenchError(
                    f"{spec.name} did not answer within {spec.start_timeout:.0f} s; its output:\n{text}"
                ) from None
            time.sleep(0.001)
            continue
        server.first_answer_s = time.perf_counter() - started
        return server


def _vm_rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out: list[int] = []
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out
