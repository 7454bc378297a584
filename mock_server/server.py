"""How the stub is served: the listening socket and the uvicorn settings, shared by every entry point."""

from __future__ import annotations

import errno
import socket

import uvicorn

from .web.http import ASGIApp


def uvicorn_config(app: ASGIApp, *, access_log: bool = False) -> uvicorn.Config:
    """The fastest uvicorn stack (httptools + uvloop); no proxy-header rewriting, so the control API's
    loopback check sees the real peer; no WebSocket upgrades (the stub serves plain HTTP only)."""
    return uvicorn.Config(
        app,
        loop="uvloop",
        http="httptools",
        ws="none",
        lifespan="on",
        access_log=access_log,
        log_level="info" if access_log else "warning",
        proxy_headers=False,
        server_header=False,
    )


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock
