"""A tiny HTTP/1.1 client over raw sockets: it sends exactly the bytes it is given.

httpx and requests normalise or refuse what these tests need to send (invalid percent-encoding,
raw non-ASCII bytes, NUL bytes, duplicate framing headers), so the resilience tests speak HTTP
by hand. Every socket has a timeout: a server that stops answering fails the test, it cannot
hang the suite.
"""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

TIMEOUT = 5.0
MAX_HEAD = 256 * 1024


class NoAnswer(AssertionError):
    """The server closed the connection, or went silent, without a complete response."""


@dataclass
class RawResponse:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of a header (case-insensitive), or None."""
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), None)

    @property
    def closes(self) -> bool:
        return (self.header("connection") or "").lower() == "close"

    def json(self) -> Any:
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<{self.status} {self.reason} {self.header('content-type')} {self.body[:200]!r}>"


@dataclass
class RawConnection:
    """One TCP connection to the server; read responses one at a time, in order."""

    host: str
    port: int
    timeout: float = TIMEOUT
    _sock: socket.socket = field(init=False, repr=False)
    _buf: bytes = field(init=False, default=b"", repr=False)
    eof: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    @classmethod
    def to(cls, url: str, timeout: float = TIMEOUT) -> RawConnection:
        parts = urlsplit(url)
        assert parts.hostname is not None and parts.port is not None
        return cls(parts.hostname, parts.port, timeout)

    def send(self, data: bytes) -> None:
        self._sock.sendall(data)

    def shutdown_write(self) -> None:
        """Tell the server no more bytes are coming (a truncated request ends here)."""
        self._sock.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self._sock.close()

    def __enter__(self) -> RawConnection:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _fill(self) -> bool:
        """Read more bytes; False at end of stream. A timeout raises NoAnswer."""
        if self.eof:
            return False
        try:
            chunk = self._sock.recv(65536)
        except TimeoutError:
            raise NoAnswer(f"no answer within {self.timeout} s (the server hangs)") from None
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self._buf += chunk
        return True

    def _take(self, n: int) -> bytes:
        while len(self._buf) < n:
            if not self._fill():
                raise NoAnswer(f"connection closed after {len(self._buf)} of {n} body bytes")
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def _line(self) -> bytes:
        while b"\r\n" not in self._buf:
            if len(self._buf) > MAX_HEAD or not self._fill():
                raise NoAnswer(f"incomplete line: {self._buf[:200]!r}")
        line, self._buf = self._buf.split(b"\r\n", 1)
        return line

    def read_response(self, *, head: bool = False) -> RawResponse | None:
        """The next response, or None if the server closed the connection before sending one.

        `head`: the request was HEAD, so the response has headers only.
        """
        while True:
            response = self._read_one(head=head)
            if response is None or not 100 <= response.status < 200:
                return response
            # an interim answer (100 Continue): the real one follows

    def _read_one(self, *, head: bool) -> RawResponse | None:
        if not self._buf and not self._fill():
            return None
        while b"\r\n\r\n" not in self._buf:
            if len(self._buf) > MAX_HEAD or not self._fill():
                raise NoAnswer(f"incomplete response head: {self._buf[:300]!r}")
        head_bytes, self._buf = self._buf.split(b"\r\n\r\n", 1)
        lines = head_bytes.decode("latin-1").split("\r\n")
        version, _, rest = lines[0].partition(" ")
        code, _, reason = rest.partition(" ")
        if not version.startswith("HTTP/1.") or not code.isdigit():
            raise NoAnswer(f"not an HTTP/1.x status line: {lines[0]!r}")
        headers = [(k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:])]
        response = RawResponse(int(code), reason, headers, b"")
        if head or response.status in (204, 304) or 100 <= response.status < 200:
            return response
        length = response.header("content-length")
        if (response.header("transfer-encoding") or "").lower() == "chunked":
            response.body = self._chunked()
        elif length is not None:
            response.body = self._take(int(length))
        else:
            while self._fill():
                pass
            response.body, self._buf = self._buf, b""
        return response

    def _chunked(self) -> bytes:
        body = b""
        while True:
            size = int(self._line().split(b";", 1)[0], 16)
            if size == 0:
                while self._line():  # trailers
                    pass
                return body
            body += self._take(size)
            self._take(2)

    def exchange(self, data: bytes, *, head: bool = False) -> RawResponse | None:
        self.send(data)
        return self.read_response(head=head)


def request(
    method: str | bytes,
    target: str | bytes,
    headers: list[tuple[str, str]] | list[tuple[bytes, bytes]] | None = None,
    body: bytes = b"",
    *,
    version: bytes = b"HTTP/1.1",
    host: bytes = b"stub",
    length: bool | None = None,
) -> bytes:
    """Serialise a request verbatim. `length`: add Content-Length (default: when there is a body)."""
    m = method.encode("latin-1") if isinstance(method, str) else method
    t = target.encode("latin-1") if isinstance(target, str) else target
    out = [m + b" " + t + b" " + version, b"Host: " + host]
    for k, v in headers or []:
        kb = k.encode("latin-1") if isinstance(k, str) else k
        vb = v.encode("latin-1") if isinstance(v, str) else v
        out.append(kb + b": " + vb)
    if length if length is not None else bool(body):
        out.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(out) + b"\r\n\r\n" + body
