"""Everything one run shares: the target, the guarded client, the two APIs, the results, and `verify`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
from hypothesis import currently_in_test_context

from .apis import RecoupApi, TursoApi
from .checks import REGISTRY, Check, Inapplicable, NotApplicable, Violation
from .config import Config, ConfigError
from .control import Control
from .http import Client
from .report import Results
from .target import Target
from .vendors import VENDORS

T = TypeVar("T")
CREDENTIALS = {name: v.credentials for name, v in VENDORS.items()}
DISPOSABLE = {name: (v.organization, v.disposable) for name, v in VENDORS.items()}


def select(config: Config) -> list[Check]:
    """The checks this run executes: the chosen vendors, and only the named checks if --only was given."""
    known = {c.name for c in REGISTRY} | {c.id for c in REGISTRY}
    unknown = [n for n in config.only if n not in known]
    if unknown:
        names = ", ".join(sorted({c.name for c in REGISTRY}))
        raise ConfigError(f"unknown check {unknown[0]!r}; the checks are: {names}")
    return [
        c
        for c in REGISTRY
        if c.vendor in config.vendors and (not config.only or c.name in config.only or c.id in config.only)
    ]


@dataclass
class Suite:
    config: Config
    target: Target
    client: Client
    results: Results
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.recoup = RecoupApi(self.client, self.target)
        self.turso = TursoApi(self.client, self.target)
        self.control = Control(self.client) if self.target.is_stub else None
        by_id = {c.id: c for c in REGISTRY}
        self.checks = [by_id[c] for c in self.results.checks]
        self._by_fn = {(c.vendor, c.fn): c for c in self.checks}

    def selected(self, vendor: str, names: Sequence[str] = ()) -> list[Check]:
        return [c for c in self.checks if c.vendor == vendor and (not names or c.name in names)]

    def verify(self, vendor: str, fn: Callable[..., Any], *args: Any) -> Any:
        """Run one check on one example and record the outcome; a skip names what to configure.

        A check outside the selection still runs when a selected one depends on it, unrecorded.
        """
        check = self._by_fn.get((vendor, fn))
        if currently_in_test_context():
            self.results.generated_cases += 1
        try:
            result = fn(*args)
        except Violation as violation:
            violation.named(check or _registered(vendor, fn))
            if check is not None:
                self.results.failed(check, violation.problem, str(violation))
            raise
        except NotApplicable as why:
            if check is not None:
                self.results.not_applicable(check, str(why))
            return None
        except Inapplicable as why:
            if check is not None:
                self.results.skipped(check, str(why))
            pytest.skip(str(why))
        if check is not None:
            self.results.passed(check)
        return result

    def unconfigured(self, vendor: str) -> str | None:
        """Why `vendor` cannot be tested at all (none of its credentials is usable), or None."""
        names = CREDENTIALS[vendor]
        if any(self.target.get(n) for n in names):
            return None
        return "; ".join(self.target.why_not(n) for n in names) + f": {vendor} is not tested"

    def require(self, fn: Callable[[], T]) -> T:
        """fn(), or a skip naming what to configure."""
        try:
            return fn()
        except Inapplicable as why:
            pytest.skip(str(why))

    def put_back(self, vendor: str, restore: Callable[[], Any]) -> None:
        """After a check that must not have changed the disposable member: put it back if it did (unrecorded).

        `restore` is the vendor's restore check; NotApplicable means nothing was missing. A failing restore
        fails the test loudly, saying what to re-add.
        """
        try:
            restored = restore()
        except NotApplicable:
            return
        if restored:
            self.notes.append(f"{vendor}: {restored}")

    def restored(self, vendor: str, what: str | None) -> None:
        """Report a restore of the disposable member through the vendor's own API (live targets only)."""
        if what and self.target.mode == "live":
            self.notes.append(f"{vendor}: {what}")


def _registered(vendor: str, fn: Callable[..., Any]) -> Check:
    return next(c for c in REGISTRY if c.vendor == vendor and c.fn is fn)
