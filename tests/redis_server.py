"""A real Redis server for tests: found on PATH (installed with apt-get when missing and running as root),
started on a free loopback port with its own temporary directory, stopped at the end.

When no redis-server can be had the fixture fails and says so: a Redis test never passes or skips without
a Redis behind it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from .debian import ensure


def redis_server_binary() -> str:
    """The path of redis-server; installs Debian's package first when it is missing and we are root."""
    found = ensure("redis-server", ("redis-server", "/usr/bin/redis-server", "/usr/sbin/redis-server"))
    if found:
        return found
    pytest.fail(
        "redis-server is needed by the Redis store tests and could not be found or installed "
        "(install Debian's redis-server package, or put redis-server on PATH)",
        pytrace=False,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """One redis-server process; `stop()` and `start()` again keep its data (append-only file)."""

    def __init__(self) -> None:
        self.binary = redis_server_binary()
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="stub-redis-")
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir]
        args += ["--save", "", "--appendonly", "yes", "--appendfsync", "no", "--daemonize", "no"]
        self._process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"redis-server did not answer on port {self.port} within 10 s")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()  # SIGTERM: redis-server flushes the append-only file and exits
            self._process.wait(timeout=10)
            self._process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
