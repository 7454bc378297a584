"""Run the stub on a free loopback port in a background thread (for tests and the contract suite).

Real HTTP through uvicorn, the same app `make mock` serves; `stop()` shuts it down cleanly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from .core.seed import load_seed_file
from .core.store import Store
from .server import bind, uvicorn_config
from .settings import DEMO_SEED
from .web.app import create_app
from .web.http import ASGIApp


class BackgroundStub:
    def __init__(
        self,
        seed: dict[str, Any] | str | Path = DEMO_SEED,
        *,
        admin_token: str | None = None,
        journal_size: int = 1000,
        host: str = "127.0.0.1",
        wrap: Callable[[ASGIApp], ASGIApp] | None = None,
        cors: bool = True,
        max_sessions: int = 64,
        session_records: int = 1_000_000,
    ) -> None:
        """`wrap` puts an ASGI layer around the app, e.g. a deliberately broken behaviour in tests."""
        doc = seed if isinstance(seed, dict) else load_seed_file(seed)
        self.store = Store(doc)
        self.router = create_app(
            self.store,
            admin_token=admin_token,
            journal_size=journal_size,
            cors=cors,
            max_sessions=max_sessions,
            session_records=session_records,
        )
        self.app: ASGIApp = self.router
        if wrap is not None:
            self.app = wrap(self.app)
        self._sock = bind(host, 0)
        port = self._sock.getsockname()[1]
        self.url = f"http://{host}:{port}" if ":" not in host else f"http://[{host}]:{port}"
        config = uvicorn_config(self.app)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def start(self) -> BackgroundStub:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the stub did not start; see the log above")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()

    def __enter__(self) -> BackgroundStub:
        return self.start()

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self.stop()
