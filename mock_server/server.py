"""How the stub is served: the listening socket and the uvicorn settings, shared by every entry point."""

from __future__ import annotations

import errno
import socket

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .web.http import ASGIApp


class HeadersOnlyProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, minus chunked trailers leaking into the request headers.

    httptools reports trailer fields through the same callback as header fields, and uvicorn appends
    them to the list already handed to the app as `scope["headers"]` — so a credential sent only as a
    trailer would authenticate the request. Detaching the list once the headers are complete keeps
    trailers out of every request.
    """

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self.headers = []


def uvicorn_config(app: ASGIApp, *, access_log: bool = False) -> uvicorn.Config:
    """The fastest uvicorn stack (httptools + uvloop), without trailers in headers.

    No proxy-header rewriting, so the control API's loopback check sees the real peer; no WebSocket
    upgrades (the stub serves plain HTTP only).
    """
    return uvicorn.Config(
        app,
        loop="uvloop",
        http=HeadersOnlyProtocol,
        ws="none",
        lifespan="on",
        access_log=access_log,
        log_level="info" if access_log else "warning",
        proxy_headers=False,
        server_header=False,
    )


def bind(host: str, port: int, *, reuse_port: bool = False, listen: bool = True) -> socket.socket:
    """A listening socket on host:port. `reuse_port`: SO_REUSEPORT, so several worker processes each listen on
    the same port and the kernel spreads connections between them; `listen=False` only holds the port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise SystemExit(
                f"error: cannot listen on {host}:{port}: the port is already in use "
                f"(another server is running there?); choose another with PORT=..."
            ) from None
        raise SystemExit(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    if listen:
        sock.listen(2048)
    sock.set_inheritable(True)
    return sock
