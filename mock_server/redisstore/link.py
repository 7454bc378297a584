"""The connection to Redis: the state script loaded once, each step one EVALSHA, outages answered at once.

The client is redis-py's synchronous one: a vendor handler runs on the event loop and makes one round
trip of a few tens of microseconds on a local Redis, less than an asyncio client spends per call. Short
socket timeouts and a brief fail-fast window after a failure keep an unreachable Redis from holding up
the loop: every request then gets `Unavailable` (503) until Redis answers again, with no restart.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import redis
from redis.backoff import NoBackoff
from redis.exceptions import NoScriptError, RedisError, ResponseError
from redis.retry import Retry

from ..core.errors import Unavailable
from .wire import ReplyError, Wire

SCRIPT = (Path(__file__).parent / "state.lua").read_text(encoding="utf-8")
TIMEOUT_S = 0.25  # connect and read; a local Redis answers in well under a millisecond
FAIL_FAST_S = 0.1  # after a failure, answer 503 without trying for this long


class Link:
    """One Redis database: `run(prefix, op, *args)` calls the state script; errors become `Unavailable`."""

    def __init__(self, url: str, *, timeout: float = TIMEOUT_S) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("redis", "rediss", "unix"):
            raise ValueError(f"STORE must be memory or a redis://host:port/db URL, not {url!r}")
        self.url = url
        self.where = parts.netloc.rpartition("@")[2] or parts.path or url  # never the password
        self.client: redis.Redis = redis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            decode_responses=True,
            health_check_interval=0,
        )
        kwargs = self.client.connection_pool.connection_kwargs
        # the vendor operations' own socket (plain TCP); TLS and unix sockets go through redis-py
        self.wire = (
            Wire(
                kwargs["host"],
                int(kwargs["port"]),
                db=int(kwargs.get("db") or 0),
                password=kwargs.get("password"),
                timeout=timeout,
            )
            if parts.scheme == "redis"
            else None
        )
        self._shas: dict[str, str] = {}
        self._down_until = 0.0
        self.last_error = ""

    def run(self, prefix: str, op: str, *args: str | int | float, script: str = SCRIPT) -> list[Any]:
        """The script's answer for `op`: a list whose first item is the status."""
        if self._down_until and time.monotonic() < self._down_until:
            raise Unavailable(self._unavailable())
        call = self.wire.call if self.wire is not None else self._execute
        try:
            try:
                answer: list[Any] = call("EVALSHA", self._shas.get(script, "0"), 0, prefix, op, *args)
            except (NoScriptError, ReplyError) as exc:  # first call, or Redis restarted and forgot the script
                if not str(exc).startswith("NOSCRIPT") and not isinstance(exc, NoScriptError):
                    raise
                self._shas[script] = sha = str(self._execute("SCRIPT", "LOAD", script))
                answer = call("EVALSHA", sha, 0, prefix, op, *args)
        except (ResponseError, ReplyError) as exc:  # a script error is a bug of the stub, not an outage
            raise RuntimeError(f"state script failed on {op}: {exc}") from exc
        except (RedisError, OSError) as exc:
            self._down_until = time.monotonic() + FAIL_FAST_S
            self.last_error = f"{type(exc).__name__}: {exc}"[:200]
            raise Unavailable(self._unavailable()) from None
        self._down_until = 0.0
        return answer

    def command(self, *args: str | int | float) -> Any:
        """One plain command (reads of documents that no rule depends on), with the same outage handling."""
        if self._down_until and time.monotonic() < self._down_until:
            raise Unavailable(self._unavailable())
        try:
            result = self._execute(*args)
        except (RedisError, OSError) as exc:
            if isinstance(exc, ResponseError):
                raise
            self._down_until = time.monotonic() + FAIL_FAST_S
            self.last_error = f"{type(exc).__name__}: {exc}"[:200]
            raise Unavailable(self._unavailable()) from None
        self._down_until = 0.0
        return result

    def _execute(self, *args: str | int | float) -> Any:
        return self.client.execute_command(*args)  # type: ignore[no-untyped-call]

    def health(self) -> dict[str, Any]:
        """What the control API reports: reachable or not, how long a PING took, the last error."""
        started = time.perf_counter()
        try:
            self.client.ping()
        except (RedisError, OSError) as exc:
            self.last_error = f"{type(exc).__name__}: {exc}"[:200]
            return {"kind": "redis", "at": self.where, "healthy": False, "error": self.last_error}
        self._down_until = 0.0
        return {
            "kind": "redis",
            "at": self.where,
            "healthy": True,
            "ping_ms": round((time.perf_counter() - started) * 1000, 3),
        }

    def _unavailable(self) -> str:
        return (
            f"the stub's state store (Redis at {self.where}) is unavailable ({self.last_error or 'no answer'}); "
            "nothing was read or changed; retry when it is back"
        )
