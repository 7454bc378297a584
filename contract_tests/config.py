"""Run settings: one frozen dataclass, parsed from argv and an environment mapping at the entry point only.

The target variables (RECOUP_API_KEY ... TURSO_MEMBER_TOKEN, listed by each vendor's descriptor) hold
what the user set. Defaults for the unset ones exist only against this project's stub, which answers them
itself (`GET /__admin/demo`, see `target.py`); against any other server an unset variable stays
unconfigured and the checks that need it are skipped, naming it. In stub mode (no URL) the suite starts
the stub, so it always uses the stub's values.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from .concurrency import WorkersError, parse_workers
from .vendors import VENDORS as DESCRIPTORS

VENDORS = tuple(DESCRIPTORS)
# The variables that describe a target: what the suite needs to know to test a deployment.
# Each vendor's descriptor (`vendors/`) lists its variables.
TARGET_VARIABLES = tuple(name for v in DESCRIPTORS.values() for name in v.variables)
SECRET_VARIABLES = tuple(name for v in DESCRIPTORS.values() for name in v.secrets)
UUID_VARIABLES = tuple(name for v in DESCRIPTORS.values() for name in v.uuids)
ADMIN_TOKEN_VARIABLE = "STUB_ADMIN_TOKEN"
DEFAULT_EXAMPLES = 100
DEFAULT_REPORTS = Path("reports") / "contract"
DEFAULT_RATE_LIMIT_WAIT = 60.0

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class ConfigError(ValueError):
    """A setting is unusable; the message names the setting and how to fix it."""


@dataclass(frozen=True)
class Config:
    url: str | None = None
    vendors: tuple[str, ...] = VENDORS
    rate: float | None = None
    examples: int = DEFAULT_EXAMPLES
    only: tuple[str, ...] = ()
    reports: Path = DEFAULT_REPORTS
    strict: bool = False
    """Fail (exit 2) a run in which a check was skipped or not exercised."""
    rate_limit_wait: float = DEFAULT_RATE_LIMIT_WAIT
    """Total seconds a run may spend waiting out 429 answers."""
    api_chosen: bool = False
    """API= was given: testing one vendor is intended."""
    values: Mapping[str, str] = field(default_factory=dict)
    """The target variables the user set to a non-empty value, by name (live mode only)."""
    explicit: frozenset[str] = frozenset()
    """Every target variable the user set, empty ones included: those take no default."""
    workers: int | None = None  # concurrent workers (WORKERS); None: the mode's default, see concurrency.py
    admin_token: str | None = None
    """STUB_ADMIN_TOKEN: the ADMIN_TOKEN a stub at URL was started with, sent with control API requests only."""

    @property
    def mode(self) -> str:
        return "live" if self.url else "stub"

    def get(self, name: str) -> str | None:
        return self.values.get(name) or None

    def with_values(self, values: Mapping[str, str], explicit: frozenset[str]) -> Config:
        return replace(self, values=dict(values), explicit=explicit)


def parse_config(argv: Sequence[str], env: Mapping[str, str]) -> Config:
    """Flags win over environment variables (URL is a flag only; API, RATE, EXAMPLES and the target variables)."""
    p = argparse.ArgumentParser(
        prog="python -m contract_tests",
        description="Check a deployment against specs/recoup.yaml and specs/turso.yaml.",
        epilog=(
            "Without --url the suite starts the stub with the demo seed on a free loopback port. "
            f"{ADMIN_TOKEN_VARIABLE}: the ADMIN_TOKEN of a stub at --url, sent with its control API requests only."
        ),
    )
    p.add_argument("--url", help="base URL of the deployment to test (live mode), e.g. http://127.0.0.1:8080")
    p.add_argument("--api", default=env.get("API", ""), help="recoup or turso: test one vendor only (API)")
    p.add_argument("--rate", default=env.get("RATE", ""), help="at most this many requests per second (RATE)")
    p.add_argument(
        "--examples",
        default=env.get("EXAMPLES", ""),
        help=f"generated cases per property (EXAMPLES, {DEFAULT_EXAMPLES})",
    )
    p.add_argument("--only", default="", help="comma-separated check names: run only these checks")
    p.add_argument(
        "--workers",
        default=env.get("WORKERS", ""),
        help="concurrent workers (WORKERS; 16 against a URL, 8 off Linux; 1 in stub mode)",
    )
    p.add_argument("--reports", type=Path, default=DEFAULT_REPORTS, help=f"report folder ({DEFAULT_REPORTS})")
    strict = p.add_mutually_exclusive_group()
    strict.add_argument(
        "--strict",
        action="store_const",
        const="1",
        dest="strict",
        help="fail a run in which any check was skipped or not exercised (STRICT=1; the default when CI=true)",
    )
    strict.add_argument("--no-strict", action="store_const", const="0", dest="strict", help="the opposite (STRICT=0)")
    p.add_argument(
        "--rate-limit-wait",
        default=env.get("RATE_LIMIT_WAIT", ""),
        help=f"seconds a run may spend in total waiting out 429 answers (RATE_LIMIT_WAIT, {DEFAULT_RATE_LIMIT_WAIT:g})",
    )
    a = p.parse_args(list(argv))
    config = Config(
        url=_url(a.url) if a.url else None,
        vendors=_vendors(a.api),
        rate=_rate(a.rate),
        examples=_examples(a.examples),
        only=tuple(n.strip() for n in a.only.split(",") if n.strip()),
        reports=a.reports,
        strict=_strict(a.strict, env),
        rate_limit_wait=_wait(a.rate_limit_wait),
        api_chosen=bool(a.api.strip()) and a.api.strip().lower() != "all",
        workers=_workers(a.workers),
        admin_token=env.get(ADMIN_TOKEN_VARIABLE, "").strip() or None,
    )
    if config.url is None:
        return config
    return config.with_values(*target_values(env))


def target_values(env: Mapping[str, str]) -> tuple[dict[str, str], frozenset[str]]:
    """The target variables the user set: (the non-empty ones, the names of all that are set)."""
    values: dict[str, str] = {}
    explicit = set()
    for name in TARGET_VARIABLES:
        if name in env:
            explicit.add(name)
            if value := env[name].strip():
                values[name] = value
    check_values(values)
    return values, frozenset(explicit)


def check_values(values: Mapping[str, str]) -> None:
    """Refuse target values that cannot be what their variable means."""
    for name in UUID_VARIABLES:
        if name in values and not _UUID.fullmatch(values[name]):
            raise ConfigError(f"{name}={values[name]!r} is not a UUID (8-4-4-4-12 hexadecimal digits)")
    member = values.get("TURSO_DISPOSABLE_MEMBER", "")
    if "/" in member:
        raise ConfigError(f"TURSO_DISPOSABLE_MEMBER={member!r} cannot be a username: it contains '/'")


def stub_ignored(env: Mapping[str, str]) -> list[str]:
    """Target variables set in the environment, which stub mode does not use."""
    return [name for name in TARGET_VARIABLES if name in env]


def _url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(f"URL={text!r} is not a base URL like http://127.0.0.1:8080 or https://api.example.com")
    return text.rstrip("/")


def _vendors(text: str) -> tuple[str, ...]:
    value = text.strip().lower()
    if not value or value == "all":
        return VENDORS
    if value not in VENDORS:
        raise ConfigError(f"API={text!r}: use recoup or turso (or leave it unset for both)")
    return (value,)


def _rate(text: str) -> float | None:
    if not text.strip():
        return None
    try:
        rate = float(text)
    except ValueError:
        rate = 0.0
    if not rate > 0:
        raise ConfigError(f"RATE={text!r}: give a number of requests per second greater than 0")
    return rate


def _workers(text: str) -> int | None:
    try:
        return parse_workers(text)
    except WorkersError as exc:
        raise ConfigError(str(exc)) from None


def _strict(flag: str | None, env: Mapping[str, str]) -> bool:
    text = flag if flag is not None else env.get("STRICT", "").strip()
    if not text:
        return env.get("CI", "").strip().lower() == "true"
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"STRICT={text!r}: use 1 (fail runs with skipped checks) or 0")


def _wait(text: str) -> float:
    if not text.strip():
        return DEFAULT_RATE_LIMIT_WAIT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise ConfigError(f"RATE_LIMIT_WAIT={text!r}: give the seconds a run may wait out rate limits (0 or more)")
    return value


def _examples(text: str) -> int:
    if not text.strip():
        return DEFAULT_EXAMPLES
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"EXAMPLES={text!r}: give a whole number of generated cases per property (at least 1)")
    return value
