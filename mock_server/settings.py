"""Server settings, read from the command line and the environment at the entry point only."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

DEMO_SEED = Path(__file__).resolve().parent / "seeds" / "demo.yaml"


ENVIRONMENT = """\
environment variables (a flag wins over its variable):
  HOST          interface to listen on (--host); 127.0.0.1, or 0.0.0.0 / :: for all interfaces
  PORT          port (--port); 0 picks a free one
  SEED          seed YAML file (--seed); default mock_server/seeds/demo.yaml
  ADMIN_TOKEN   opens the control API (/__admin) to every caller that sends
                'Authorization: Bearer <ADMIN_TOKEN>', and then every caller must send it,
                loopback included; unset, the control API answers loopback callers only
  JOURNAL_SIZE  how many recent requests the journal keeps (--journal-size); default 1000
  ACCESS_LOG    1: one line per request (--access-log); costs throughput
  CORS          0: no CORS headers and no preflight answers (--no-cors); default on
  SESSIONS      how many X-Stub-Session sessions are kept (--sessions); default 64
  SESSION_RECORDS  records all sessions may hold together (--session-records); default 1000000
  STORE         memory (default) or redis://host:port/db (--store): the state, sessions, fault rules and
                journal in Redis, shared by every worker and replica with the same prefix
  STORE_PREFIX  the key prefix in Redis (--store-prefix); default stub:
  RESEED        1: seed the prefix even when it holds a state already (--reseed)
  --workers N   N processes on one port (make mock WORKERS=N); needs STORE=redis://...
"""


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    seed: Path = DEMO_SEED
    admin_token: str | None = None
    journal_size: int = 1000
    access_log: bool = False
    cors: bool = True
    max_sessions: int = 64
    session_records: int = 1_000_000
    store: str = "memory"
    store_prefix: str = "stub:"
    reseed: bool = False
    workers: int = 1


def parse_settings(argv: Sequence[str], env: Mapping[str, str]) -> Settings:
    """Flags win over environment variables (HOST, PORT, SEED, ADMIN_TOKEN, JOURNAL_SIZE, ACCESS_LOG, CORS,
    SESSIONS, SESSION_RECORDS)."""
    p = _Parser(
        prog="python -m mock_server",
        description="Run the Recoup + Turso stub.",
        epilog=ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default=env.get("HOST") or "127.0.0.1", help="interface to listen on (HOST)")
    p.add_argument("--port", type=_port, default=env.get("PORT") or "8080", help="port, 0 for any free one (PORT)")
    p.add_argument("--seed", type=Path, default=env.get("SEED") or DEMO_SEED, help="seed YAML file (SEED)")
    p.add_argument(
        "--journal-size",
        type=_positive,
        default=env.get("JOURNAL_SIZE") or "1000",
        help="how many recent requests the journal keeps (JOURNAL_SIZE)",
    )
    p.add_argument(
        "--access-log",
        action="store_true",
        default=env.get("ACCESS_LOG", "") not in ("", "0"),
        help="print one line per request (ACCESS_LOG=1); costs throughput",
    )
    p.add_argument(
        "--no-cors",
        dest="cors",
        action="store_false",
        default=env.get("CORS", "1") not in ("0", "false", "no", "off"),
        help="answer no CORS preflights and send no Access-Control-Allow-Origin (CORS=0)",
    )
    p.add_argument(
        "--sessions",
        type=_positive,
        default=env.get("SESSIONS") or "64",
        help="how many X-Stub-Session states are kept; the least recently used is dropped first (SESSIONS)",
    )
    p.add_argument(
        "--session-records",
        type=_positive,
        default=env.get("SESSION_RECORDS") or "1000000",
        help="records (accounts, users, organizations, memberships) all sessions may hold together (SESSION_RECORDS)",
    )
    p.add_argument(
        "--store",
        default=env.get("STORE") or "memory",
        help="memory, or redis://host:port/db to keep the whole state in Redis, shared by replicas (STORE)",
    )
    p.add_argument(
        "--store-prefix",
        default=env.get("STORE_PREFIX") or "stub:",
        help="the prefix of every key in Redis; stubs with different prefixes never meet (STORE_PREFIX)",
    )
    p.add_argument(
        "--reseed",
        action="store_true",
        default=env.get("RESEED", "") not in ("", "0"),
        help="seed the Redis prefix even when it already holds a state (RESEED=1)",
    )
    p.add_argument(
        "--workers", type=_positive, default="1", help="processes serving the one port (make mock WORKERS=N)"
    )
    a = p.parse_args(list(argv))
    if a.store != "memory" and not a.store.startswith(("redis://", "rediss://", "unix://")):
        p.error(f"--store must be memory or a redis://host:port/db URL, not {a.store!r}")
    if a.workers > 1 and a.store == "memory":
        p.error(
            f"--workers {a.workers}: each process would keep its own in-memory state, so a change made through "
            "one would be missing from the others; set STORE=redis://host:port/db to share it"
        )
    return Settings(
        host=a.host,
        port=a.port,
        seed=Path(a.seed),
        admin_token=env.get("ADMIN_TOKEN") or None,
        journal_size=a.journal_size,
        access_log=a.access_log,
        cors=a.cors,
        max_sessions=a.sessions,
        session_records=a.session_records,
        store=a.store,
        store_prefix=a.store_prefix,
        reseed=a.reseed,
        workers=a.workers,
    )


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line on stderr, like every other startup error, instead of usage + message."""
        self.exit(2, f"error: {message} (see python -m mock_server --help)\n")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"port must be a number from 0 to 65535, not {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be a number from 0 to 65535, not {port}")
    return port


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value
