"""The named checks: one rule each, each with a one-line docstring citing the spec sentence it enforces.

A check is a plain function that sends requests through an API object (or looks at a response schemathesis
generated) and raises `Violation` when the deployment breaks its rule. `REGISTRY` lists them in report order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import responses
from ..http import Exchange
from ..target import Inapplicable

__all__ = [
    "REGISTRY",
    "Check",
    "Inapplicable",
    "NotApplicable",
    "Violation",
    "expect",
    "expect_documented",
    "expect_json",
    "rule_of",
]


class NotApplicable(Exception):
    """The check does not apply to this example (e.g. an error-body check on a 200); it neither passed nor failed."""


class Violation(AssertionError):
    """The deployment broke a rule; rendered with what was sent (as curl) and what came back."""

    def __init__(self, problem: str, *exchanges: Exchange) -> None:
        super().__init__(problem)
        self.problem = problem
        self.exchanges = exchanges
        self.check: Check | None = None

    def named(self, check: Check) -> Violation:
        self.check = check
        return self

    def __str__(self) -> str:
        head = f"{self.check.id} FAILED" if self.check else "FAILED"
        lines = [head]
        if self.check:
            lines.append(f"  rule:     {self.check.rule}")
        lines.append("  problem:  " + "\n            ".join(self.problem.splitlines()))
        for ex in self.exchanges:
            lines.append(f"  sent:     {ex.curl()}")
            lines.append(f"  received: {ex.describe()}")
        return "\n".join(lines)


def expect(condition: bool, problem: str, *exchanges: Exchange) -> None:
    if not condition:
        raise Violation(problem, *exchanges)


def expect_json(ex: Exchange) -> Any:
    """The JSON body of `ex`, or a Violation saying it is not JSON."""
    doc = ex.json()
    if doc is None and ex.body.strip() != b"null":
        raise Violation("the body is not JSON", ex)
    return doc


def expect_documented(ex: Exchange, vendor: str, status: int, what: str, operation: str | None = None) -> Any:
    """HTTP `status` with a JSON body valid against the spec's schema for it (extra properties allowed); the body.

    `operation` is the operationId whose responses apply (the vendor's removal when None).
    """
    expect(ex.status == status, f"{what}: expected HTTP {status}, got {ex.status}", ex)
    body = expect_json(ex)
    found = responses.problems(vendor, status, body, operation)
    expect(not found, f"{what}: the body does not match {vendor}.yaml's HTTP {status} schema: {'; '.join(found)}", ex)
    return body


def rule_of(fn: Callable[..., Any]) -> str:
    return (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else fn.__name__


@dataclass(frozen=True)
class Check:
    name: str
    vendor: str
    section: str
    fn: Callable[..., Any]

    @property
    def id(self) -> str:
        return f"{self.vendor}.{self.name}"

    @property
    def rule(self) -> str:
        return rule_of(self.fn)


def _build() -> tuple[Check, ...]:
    from . import bodies, conformance, recoup, recoup_lifecycle, turso, turso_lifecycle

    out = [Check(fn.__name__, v, "conformance", fn) for fn in conformance.CHECKS for v in conformance.vendors(fn)]
    out += [Check(fn.__name__, "recoup", "behaviour", fn) for fn in recoup.CHECKS]
    out += [Check(fn.__name__, "turso", "behaviour", fn) for fn in turso.CHECKS]
    out += [Check(fn.__name__, "recoup", "lifecycle", fn) for fn in recoup_lifecycle.CHECKS]
    out += [Check(fn.__name__, "turso", "lifecycle", fn) for fn in turso_lifecycle.CHECKS]
    out += [Check("error_body", "recoup", "error bodies", bodies.recoup_error_body)]
    out += [Check("error_body", "turso", "error bodies", bodies.turso_error_body)]
    return tuple(out)


REGISTRY: tuple[Check, ...] = _build()
