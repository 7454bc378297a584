"""`python -m mock_server`: load the seed, bind the port, print the banner, serve until Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path
from typing import Any

from .banner import banner, base_url, shown_path
from .core.seed import SeedError, build_state, load_seed_file
from .core.store import StateStore, Store
from .server import bind, uvicorn_config
from .settings import Settings, parse_settings


def build(settings: Settings, seed: dict[str, Any], *, reseed: bool) -> tuple[StateStore, Any]:
    """The store and the app for `settings` (in memory, or on the Redis of `settings.store`)."""
    from .web.app import create_app

    options: dict[str, Any] = {
        "admin_token": settings.admin_token,
        "journal_size": settings.journal_size,
        "cors": settings.cors,
        "max_sessions": settings.max_sessions,
        "session_records": settings.session_records,
    }
    if settings.store == "memory":
        store = Store(seed)
        return store, create_app(store, **options)
    from .redisstore.link import Link
    from .redisstore.shared import shared_parts
    from .redisstore.store import RedisStore

    redis_store = RedisStore(Link(settings.store), settings.store_prefix, seed, reseed=reseed)
    parts = shared_parts(
        redis_store,
        journal_size=settings.journal_size,
        max_sessions=settings.max_sessions,
        session_records=settings.session_records,
    )
    return redis_store, create_app(redis_store, shared=parts, **options)


def serve(settings: Settings) -> None:
    import uvicorn

    from .core.errors import Unavailable
    from .core.faults import FaultError
    from .web.routes import RouteError

    try:
        seed = load_seed_file(settings.seed)
        if settings.workers > 1:  # each worker builds its own app (and Redis connections) after the fork
            from .redisstore.link import Link
            from .redisstore.store import RedisStore

            store: StateStore = RedisStore(Link(settings.store), settings.store_prefix, seed, reseed=settings.reseed)
            app = None
        else:
            store, app = build(settings, seed, reseed=settings.reseed)
        state = build_state(store.document(secrets=True), strict=False)
    except (SeedError, RouteError) as exc:
        raise SystemExit(f"error: {exc}") from None
    except FaultError as exc:
        raise SystemExit(f"error: seed file {settings.seed}: {exc}") from None
    except Unavailable as exc:
        raise SystemExit(f"error: --store {settings.store}: {exc.message}") from None
    workers = settings.workers > 1
    # with workers, the parent only holds the port (SO_REUSEPORT, not listening); each worker listens on it
    sock = bind(settings.host, settings.port, reuse_port=workers, listen=not workers)
    url = base_url(settings.host, sock.getsockname()[1])
    seed_path = shown_path(settings.seed, Path.cwd())
    if settings.workers > 1:
        say(banner(url, seed_path, state, admin_token=settings.admin_token is not None, host=settings.host))
        say(f"{settings.workers} worker processes, state in {settings.store} under {settings.store_prefix!r}")
        _serve_workers(settings, seed, sock)
        say("stub stopped.")
        return
    assert app is not None
    config = uvicorn_config(app, access_log=settings.access_log)
    server = uvicorn.Server(config)
    # uvicorn stops on SIGINT/SIGTERM, puts back the handlers it found, then raises the signal again;
    # with Python's default handlers that is a KeyboardInterrupt traceback after a clean shutdown.
    # Installing uvicorn's own handler first makes that re-raise a no-op (it asks a stopped server to
    # stop), and also covers a Ctrl-C right after the banner, before uvicorn installs its handlers.
    previous = {sig: signal.signal(sig, server.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        say(banner(url, seed_path, state, admin_token=settings.admin_token is not None, host=settings.host))
        if settings.store != "memory":
            say(f"state in {settings.store} under {settings.store_prefix!r}")
        server.run(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    say("stub stopped.")


def _serve_workers(settings: Settings, seed: dict[str, Any], held: Any) -> None:
    """Fork `settings.workers` processes, each listening on the port `held` holds (SO_REUSEPORT: the kernel
    spreads the connections over them) with its own app and Redis connections."""
    port = held.getsockname()[1]
    import uvicorn

    children: list[int] = []
    for _ in range(settings.workers):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                sock = bind(settings.host, port, reuse_port=True)
                _, app = build(settings, seed, reseed=False)
                server = uvicorn.Server(uvicorn_config(app, access_log=settings.access_log))
                signal.signal(signal.SIGINT, server.handle_exit)
                signal.signal(signal.SIGTERM, server.handle_exit)
                server.run(sockets=[sock])
            except BaseException as exc:  # a worker that cannot start says why, once
                code = 1
                if not isinstance(exc, SystemExit | KeyboardInterrupt):
                    print(f"error: worker {os.getpid()}: {exc}", file=sys.stderr, flush=True)
            finally:
                os._exit(code)
        children.append(pid)

    def stop(signum: int, _frame: object) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for child in children:
        while True:
            try:
                os.waitpid(child, 0)
                break
            except ChildProcessError:
                break
            except InterruptedError:
                continue
    held.close()


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
