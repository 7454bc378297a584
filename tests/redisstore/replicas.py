"""Stub processes on one Redis, and a loopback proxy that sends each request to the next of them in turn."""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]
IGNORED = ("HOST", "PORT", "SEED", "ADMIN_TOKEN", "STORE", "STORE_PREFIX", "RESEED", "WORKERS")


class Replica:
    """`python -m mock_server --store URL` in a child process, as a deployment runs it."""

    def __init__(self, store: str, prefix: str, *extra: str) -> None:
        self.args = ["--port", str(free_port()), "--store", store, "--store-prefix", prefix, *extra]
        self.url = f"http://127.0.0.1:{self.args[1]}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Replica:
        env = {k: v for k, v in os.environ.items() if k not in IGNORED}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mock_server", *self.args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        return self

    def wait(self) -> Replica:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the stub exited: {self.process.stderr.read().decode() if self.process.stderr else ''}"
                )
            try:
                if httpx.get(self.url + "/__admin", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError(f"the stub at {self.url} did not answer within 30 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None


class RoundRobin:
    """A loopback HTTP/1.1 proxy: request i goes to upstream i mod n, its bytes passed on unchanged.

    Each request is read whole (head, then Content-Length bytes), sent on a fresh upstream connection with
    `Connection: close`, and the upstream's answer relayed until it closes; the client's connection is then
    closed too, so every request of a keep-alive client picks the next upstream.
    """

    def __init__(self, upstreams: list[str]) -> None:
        self._next = itertools.cycle([u.removeprefix("http://").rsplit(":", 1) for u in upstreams])
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.url = ""

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head[:-4].split(b"\r\n")
            length = 0
            kept = [lines[0]]
            for line in lines[1:]:
                name = line.split(b":", 1)[0].strip().lower()
                if name == b"content-length":
                    length = int(line.split(b":", 1)[1])
                if name != b"connection":
                    kept.append(line)
            body = await reader.readexactly(length)
            host, port = next(self._next)
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
            up_writer.write(b"\r\n".join([*kept, b"Connection: close"]) + b"\r\n\r\n" + body)
            await up_writer.drain()
            while chunk := await up_reader.read(65536):
                writer.write(chunk)
            await writer.drain()
            up_writer.close()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    def start(self) -> RoundRobin:
        self._thread.start()

        async def serve() -> asyncio.Server:
            return await asyncio.start_server(self._relay, "127.0.0.1", 0, backlog=1024)

        self._server = asyncio.run_coroutine_threadsafe(serve(), self._loop).result(10)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
