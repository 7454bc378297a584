"""`python -m mock_server`: load the seed, bind the port, print the banner, serve until Ctrl-C."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from .banner import banner, base_url, shown_path
from .core.seed import SeedError, load_seed_file
from .core.store import Store
from .server import bind, uvicorn_config
from .settings import Settings, parse_settings


def serve(settings: Settings) -> None:
    import uvicorn

    from .core.faults import FaultError
    from .web.app import create_app
    from .web.routes import RouteError

    try:
        store = Store(load_seed_file(settings.seed))
        app = create_app(
            store,
            admin_token=settings.admin_token,
            journal_size=settings.journal_size,
            cors=settings.cors,
            max_sessions=settings.max_sessions,
            session_records=settings.session_records,
        )
    except (SeedError, RouteError) as exc:
        raise SystemExit(f"error: {exc}") from None
    except FaultError as exc:
        raise SystemExit(f"error: seed file {settings.seed}: {exc}") from None
    sock = bind(settings.host, settings.port)
    config = uvicorn_config(app, access_log=settings.access_log)
    server = uvicorn.Server(config)
    # uvicorn stops on SIGINT/SIGTERM, puts back the handlers it found, then raises the signal again;
    # with Python's default handlers that is a KeyboardInterrupt traceback after a clean shutdown.
    # Installing uvicorn's own handler first makes that re-raise a no-op (it asks a stopped server to
    # stop), and also covers a Ctrl-C right after the banner, before uvicorn installs its handlers.
    previous = {sig: signal.signal(sig, server.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        url = base_url(settings.host, sock.getsockname()[1])
        seed = shown_path(settings.seed, Path.cwd())
        say(banner(url, seed, store.state, admin_token=settings.admin_token is not None, host=settings.host))
        server.run(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    say("stub stopped.")


def say(text: str) -> None:
    """Print to stdout; a reader that went away (`make mock | head -3`) is not an error of the stub."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def main() -> None:
    serve(parse_settings(sys.argv[1:], os.environ))


if __name__ == "__main__":
    main()
