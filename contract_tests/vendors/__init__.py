"""One descriptor per vendor: everything the suite knows about it, read by the rest of the suite.

A descriptor names the vendor's operations (operationId, method, path template, and which of them change
membership), its target variables (which are secrets, which are UUIDs, which are credentials), its disposable
member, the pre-flight request and how a removed member is put back. Adding an operation touches its spec,
its entry here, its check, and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

__all__ = ["VENDORS", "Operation", "Vendor", "vendor"]


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path: str  # template, e.g. /v1/organizations/{organizationSlug}/members/{username}
    changes_members: bool = False  # an add, re-role or removal: the safety policy judges its member

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The path template as a regular expression over a request path (each parameter one segment)."""
        parts = re.split(r"(\{[^}]+\})", self.path)
        regex = "".join(f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
        return re.compile(regex + r"\Z")

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """The raw (percent-encoded) path parameters when `method path` is this operation, else None."""
        if method.upper() != self.method:
            return None
        found = self.pattern.match(path)
        return found.groupdict() if found else None


@dataclass(frozen=True)
class Vendor:
    name: str
    operations: tuple[Operation, ...]
    variables: tuple[str, ...]  # the target variables, in the order the README lists them
    secrets: tuple[str, ...]  # variables shown as $NAME in curl commands, never in clear
    uuids: tuple[str, ...]  # variables that must be UUIDs
    credentials: tuple[str, ...]  # the variables a caller authenticates with (any one is enough)
    organization: str  # the variable naming the organization the suite acts on
    disposable: str  # the variable naming the one member the suite may add, re-role or remove
    remove: str  # operationId of the removal (the pre-flight removes a probe through it)
    restore: str  # operationId that puts a removed member back (the vendor's add)

    def operation(self, operation_id: str) -> Operation:
        return next(op for op in self.operations if op.operation_id == operation_id)

    def find(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation `method path` is, with its raw path parameters; None when it is none of them."""
        for op in self.operations:
            params = op.match(method, path)
            if params is not None:
                return op, params
        return None

    def has_path(self, path: str) -> bool:
        return any(op.pattern.match(path) for op in self.operations)


def _all() -> dict[str, Vendor]:
    from . import recoup, turso

    return {v.name: v for v in (recoup.VENDOR, turso.VENDOR)}


VENDORS: dict[str, Vendor] = _all()


def vendor(name: str) -> Vendor:
    return VENDORS[name]
