"""`python -m mock_server`: load the seed, bind the port, print the banner, serve until Ctrl-C."""

from __future__ import annotations

import errno
import os
import socket
import sys

from .banner import banner, base_url
from .core.seed import SeedError, load_seed_file
from .core.store import Store
from .settings import Settings, parse_settings


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


def serve(settings: Settings) -> None:
    import uvicorn

    from .web.app import create_app

    try:
        store = Store(load_seed_file(settings.seed))
    except SeedError as exc:
        raise SystemExit(f"error: {exc}") from None
    sock = bind(settings.host, settings.port)
    app = create_app(store, admin_token=settings.admin_token, journal_size=settings.journal_size)
    config = uvicorn.Config(
        app,
        loop="uvloop",
        http="httptools",
        lifespan="on",
        access_log=settings.access_log,
        log_level="info" if settings.access_log else "warning",
        proxy_headers=False,
        server_header=False,
    )
    url = base_url(settings.host, sock.getsockname()[1])
    print(banner(url, str(settings.seed), store.state, admin_token=settings.admin_token is not None), flush=True)
    uvicorn.Server(config).run(sockets=[sock])
    print("stub stopped.", flush=True)


def main() -> None:
    serve(parse_settings(sys.argv[1:], os.environ))


if __name__ == "__main__":
    main()
