"""The hot path's connection to Redis: one socket, commands encoded and replies parsed here (RESP2).

A vendor operation is one EVALSHA whose reply is a flat array of integers and strings; sending it on a
socket of our own costs a fraction of what redis-py's general command machinery does per call (measured:
about 20 us against 50-60 us on the same machine), and that difference is most of what a request
spends outside Redis. Anything else (pipelines, plain commands, health) goes through redis-py.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

_CRLF = b"\r\n"


class ReplyError(Exception):
    """Redis answered with an error (`-NOSCRIPT ...`, `-ERR ...`)."""


def encode(*parts: str | int | float | bytes) -> bytes:
    """One command as a RESP array of bulk strings (lengths in bytes)."""
    out = [b"*%d\r\n" % len(parts)]
    append = out.append
    for part in parts:
        kind = type(part)
        if kind is str:
            data = part.encode("utf-8", "surrogateescape")  # type: ignore[union-attr]
        elif kind is bytes:
            data = part
        elif kind is float:
            data = repr(part).encode()
        else:
            data = str(part).encode()
        append(b"$%d\r\n" % len(data))
        append(data)
        append(_CRLF)
    return b"".join(out)


def parse(buf: bytes, at: int = 0) -> tuple[Any, int] | None:
    """(the reply starting at `at`, the index after it), or None when `buf` does not hold all of it yet."""
    end = buf.find(_CRLF, at)
    if end < 0:
        return None
    kind, line = buf[at : at + 1], buf[at + 1 : end]
    after = end + 2
    if kind == b":":
        return int(line), after
    if kind == b"$":
        size = int(line)
        if size < 0:
            return None, after
        if len(buf) < after + size + 2:
            return None
        return buf[after : after + size].decode("utf-8", "surrogateescape"), after + size + 2
    if kind == b"*":
        count = int(line)
        if count < 0:
            return None, after
        items = []
        for _ in range(count):
            found = parse(buf, after)
            if found is None:
                return None
            item, after = found
            items.append(item)
        return items, after
    if kind == b"+":
        return line.decode("utf-8", "surrogateescape"), after
    if kind == b"-":
        return ReplyError(line.decode("utf-8", "replace")), after
    raise ConnectionError(f"unexpected reply from Redis: {buf[at : at + 40]!r}")


class Wire:
    """One connection, opened on first use and after any failure; `call` sends a command and reads its reply."""

    def __init__(self, host: str, port: int, *, db: int = 0, password: str | None = None, timeout: float) -> None:
        self.host, self.port, self.db, self.password, self.timeout = host, port, db, password, timeout
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._pending = 0  # replies of `send` not read yet

    def clone(self) -> Wire:
        """Another connection to the same server (its own socket)."""
        return Wire(self.host, self.port, db=self.db, password=self.password, timeout=self.timeout)

    def send(self, request: bytes, replies: int) -> None:
        """Write commands without waiting: their `replies` replies are read by the next `drain`."""
        with self._lock:
            sock = self._sock or self._connect()
            try:
                sock.sendall(request)
            except BaseException:
                self.close()
                raise
            self._pending += replies

    def drain(self) -> None:
        """Read (and drop) the replies of earlier `send`s; they have usually arrived long since."""
        with self._lock:
            if not self._pending or self._sock is None:
                self._pending = 0
                return
            try:
                self._read(self._sock, self._pending)
            except BaseException:
                self.close()
                raise
            finally:
                self._pending = 0

    def _connect(self) -> socket.socket:
        sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        try:
            if self.password:
                self._roundtrip(sock, encode("AUTH", self.password))
            if self.db:
                self._roundtrip(sock, encode("SELECT", self.db))
        except BaseException:
            self.close()
            raise
        return sock

    def call(self, *parts: str | int | float) -> Any:
        """The reply; raises ReplyError for an error reply, OSError when Redis cannot be reached."""
        request = encode(*parts)
        with self._lock:
            reused = self._sock is not None
            sock = self._sock or self._connect()
            try:
                reply = self._roundtrip(sock, request)
            except ConnectionError:
                # A connection idle since Redis restarted is found dead only now; the request never reached
                # the new server, so it is sent once more on a fresh connection. A timeout is not retried.
                self.close()
                if not reused:
                    raise
                sock = self._connect()
                try:
                    reply = self._roundtrip(sock, request)
                except BaseException:
                    self.close()
                    raise
            except BaseException:
                self.close()
                raise
        if isinstance(reply, ReplyError):
            raise reply
        return reply

    def pipeline(self, requests: list[bytes], replies: int) -> list[Any]:
        """Send encoded commands in one write and read their `replies` replies (errors come back as ReplyError)."""
        with self._lock:
            sock = self._sock or self._connect()
            try:
                sock.sendall(b"".join(requests))
                return self._read(sock, replies)
            except BaseException:
                self.close()
                raise

    @staticmethod
    def _read(sock: socket.socket, replies: int) -> list[Any]:
        out: list[Any] = []
        buf, at = b"", 0
        while len(out) < replies:
            found = parse(buf, at) if buf else None
            if found is None:
                more = sock.recv(1 << 16)
                if not more:
                    raise ConnectionError("Redis closed the connection")
                buf, at = buf[at:] + more, 0
                continue
            reply, at = found
            out.append(reply)
        return out

    def _roundtrip(self, sock: socket.socket, request: bytes) -> Any:
        sock.sendall(request)
        buf = sock.recv(65536)
        while True:
            if not buf:
                raise ConnectionError("Redis closed the connection")
            found = parse(buf)
            if found is not None:
                return found[0]
            more = sock.recv(1 << 20)
            if not more:
                raise ConnectionError("Redis closed the connection")
            buf += more

    def close(self) -> None:
        self._pending = 0
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None
