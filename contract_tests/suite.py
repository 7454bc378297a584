"""Everything one run shares: the target, the guarded client, the two APIs, the results, and `verify`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
from hypothesis import currently_in_test_context

from . import probes
from .apis import RecoupApi, TursoApi
from .checks import REGISTRY, Check, Inapplicable, NotApplicable, Violation
from .checks.plan import Plan
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
    run_id: str = ""  # names the run's sessions on this project's stub (`sessions`)
    lost_sessions: list[str] = field(default_factory=list)  # sessions the stub dropped while tests ran in them

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

    def plan(self, vendor: str) -> Plan:
        """The pool and cost of a `lifecycle_model` run: seed accounts in stub mode, the disposable member live.

        Stub mode: the disposable member, up to two seed accounts that are not members of the organization yet
        and one that is (never the caller or an owner), and for Turso a probe; shrinking on. Live mode: the
        disposable member (and a probe for Turso), no shrinking. Random sequences, after the fixed walk through
        every transition (`models`): EXAMPLES / 10 (at least 2) of up to 10 steps in stub mode; live, over the one
        disposable member, EXAMPLES / 20 (at least 3) of up to 6 steps, each request there a round trip away.
        """
        org_var, member_var = DISPOSABLE[vendor]
        org, member = self.target.require_all(org_var, member_var)
        unknown = (probes.TURSO_PREFIX + "model",) if vendor == "turso" else ()
        if self.target.mode != "stub" or self.control is None:
            examples = max(3, self.config.examples // 20)
            return Plan((member if vendor == "turso" else member.lower(),), unknown, examples, 6, False, None)
        examples = max(2, self.config.examples // 10)
        state = self.control.state().get(vendor, {})
        if vendor == "turso":
            members: list[dict[str, str]] = next(
                (o["members"] for o in state.get("organizations", []) if o.get("slug") == org), []
            )
            roles = {m["username"]: m["role"] for m in members}
            outside = [u["username"] for u in state.get("users", []) if u["username"] not in roles]
            inside = [u for u, r in roles.items() if r in ("member", "viewer") and u != member]
            pool = (member, *outside[:2], *inside[:1])
        else:
            orgs = state.get("organizations", [])
            ids: list[str] = next((o["members"] for o in orgs if o.get("id") == org.lower()), [])
            caller = self.recoup_caller()
            accounts = [str(a["id"]).lower() for a in state.get("accounts", []) if str(a["id"]).lower() != caller]
            outside = [a for a in accounts if a not in ids]
            inside = [a for a in accounts if a in ids and a != member.lower()]
            pool = (member.lower(), *outside[:2], *inside[:1])
        return Plan(tuple(dict.fromkeys(pool)), unknown, examples, 10, True, self.control.reset)

    def recoup_caller(self) -> str:
        """The Recoup caller's account id (GET /api/accounts/id), so a model never removes the caller itself."""
        ex = self.recoup.account_id(self.recoup.credentials()[0])
        doc = ex.json()
        return str(doc.get("accountId", "")).lower() if isinstance(doc, dict) else ""

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
