"""Fault rules: which vendor requests to slow down, answer differently, drop or rate-limit, and when.

A rule selects requests by operationId (and, optionally, header values), has effects (a delay with
jitter; an answer with a status, headers and body; a dropped connection; a rate limit per credential)
and a schedule (the next N matching requests, every k-th, a seeded probability). `FaultBook` holds
the rules with their counters; the web layer asks it once per vendor request (`decide`) and applies
the `Fault` it returns. A request a fault answers never reaches the membership rules, so it changes
no state. Pure Python: nothing here knows HTTP libraries.

`FaultBook` is the in-memory book. The web layer uses it only through `FaultRules`, so a book kept in
a shared store (rules and counters in one place for several processes) can take its place.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Protocol

DROP_MODES = ("reset", "truncate")
MAX_DELAY_MS = 60_000
MAX_RULES = 1000
CREDENTIAL_HEADERS = (b"x-api-key", b"authorization")
_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP header name
_RATE_KEYS_KEPT = 10_000  # credentials remembered per rate-limit rule before old windows are forgotten


class FaultError(ValueError):
    """A fault rule is not usable; the message names the field (and, in a seed, the location)."""


@dataclass(frozen=True)
class FaultRule:
    """One rule of the fault language (documented in specs/admin.yaml, `FaultRule`)."""

    operation: str  # an operationId of specs/recoup.yaml or specs/turso.yaml
    id: str = ""  # given by the caller, or assigned (f1, f2, ...)
    match_headers: tuple[tuple[str, str], ...] = ()  # (lower-case name, exact value): all must be present
    # effects
    delay_ms: int = 0
    jitter_ms: int = 0  # plus a uniform random 0..jitter_ms
    status: int | None = None  # answer with this status instead of serving the request
    headers: tuple[tuple[str, str], ...] = ()  # extra answer headers
    body: Any = None  # the answer's JSON body; None: the vendor's error shape
    drop: str | None = None  # "reset": close the connection with a TCP reset; "truncate": headers, half a body
    rate_limit: int | None = None  # requests per second per credential; the rest get 429
    # schedule
    times: int | None = None  # fire at most this many times
    every: int | None = None  # fire on every k-th matching request
    probability: float | None = None  # fire with this probability
    seed: int | None = None  # seeds the probability and the jitter (reproducible)

    def to_document(self) -> dict[str, Any]:
        """The rule as the caller wrote it (fields left at their defaults are left out)."""
        doc: dict[str, Any] = {"id": self.id, "operation": self.operation}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in doc or value == f.default:
                continue
            doc[f.name] = dict(value) if f.name in ("match_headers", "headers") else value
        return doc


RULE_FIELDS = tuple(f.name for f in fields(FaultRule))


@dataclass(frozen=True, slots=True)
class Fault:
    """What one request gets from the rule that fired; `status is None and drop is None`: served, after `delay`."""

    rule: str  # the rule's id
    delay: float  # seconds to wait first
    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: Any = None  # None: the vendor's error body with `message`
    message: str = ""
    drop: str | None = None

    @property
    def answers(self) -> bool:
        """True when the request is answered (or dropped) by the fault instead of being served."""
        return self.status is not None or self.drop is not None

    def describe(self) -> str:
        """One phrase for the journal: what the fault did."""
        parts = [f"delay {self.delay * 1000:.0f} ms"] if self.delay else []
        if self.drop is not None:
            parts.append(f"drop ({self.drop})")
        elif self.status is not None:
            parts.append(f"status {self.status}")
        return ", ".join(parts) or "served"


def parse_rule(doc: Any, where: str = "", operations: Collection[str] | None = None) -> FaultRule:
    """Validate one rule document; raises FaultError naming the field. `operations`: the known operationIds."""
    at = _At(where)
    if not isinstance(doc, Mapping):
        raise FaultError(f"{at.here} must be a mapping (a JSON object), not {type(doc).__name__}")
    unknown = sorted(str(k) for k in doc if k not in RULE_FIELDS)
    if unknown:
        raise FaultError(f"{at.prefix}unknown field {unknown[0]!r} (a rule has: {', '.join(RULE_FIELDS)})")
    operation = doc.get("operation")
    if not isinstance(operation, str) or not operation:
        raise FaultError(f"{at('operation')}required: the operationId of a vendor operation")
    if operations is not None and operation not in operations:
        raise FaultError(f"{at('operation')}unknown operation {operation!r}; known: {', '.join(sorted(operations))}")
    rule_id = doc.get("id", "")
    if not isinstance(rule_id, str) or (rule_id and not _ID.fullmatch(rule_id)):
        raise FaultError(f"{at('id')}must be 1 to 64 letters, digits, '.', '_' or '-'")
    rule = FaultRule(
        operation=operation,
        id=rule_id,
        match_headers=_header_map(doc.get("match_headers"), at("match_headers")),
        delay_ms=_whole(doc.get("delay_ms", 0), at("delay_ms"), 0, MAX_DELAY_MS),
        jitter_ms=_whole(doc.get("jitter_ms", 0), at("jitter_ms"), 0, MAX_DELAY_MS),
        status=_optional_whole(doc.get("status"), at("status"), 200, 599),
        headers=_header_map(doc.get("headers"), at("headers")),
        body=doc.get("body"),
        drop=_choice(doc.get("drop"), at("drop"), DROP_MODES),
        rate_limit=_optional_whole(doc.get("rate_limit"), at("rate_limit"), 1, 1_000_000),
        times=_optional_whole(doc.get("times"), at("times"), 1, 10**12),
        every=_optional_whole(doc.get("every"), at("every"), 1, 10**12),
        probability=_probability(doc.get("probability"), at("probability")),
        seed=_optional_whole(doc.get("seed"), at("seed"), -(2**63), 2**63 - 1),
    )
    _check_combination(rule, at)
    return rule


def _check_combination(rule: FaultRule, at: _At) -> None:
    effects = [
        name
        for name, on in (
            ("delay_ms", rule.delay_ms or rule.jitter_ms),
            ("status", rule.status is not None),
            ("drop", rule.drop is not None),
            ("rate_limit", rule.rate_limit is not None),
        )
        if on
    ]
    if not effects:
        raise FaultError(f"{at.prefix}a rule needs an effect: delay_ms (and/or jitter_ms), status, drop or rate_limit")
    if rule.rate_limit is not None:
        others = [
            n
            for n in ("delay_ms", "jitter_ms", "status", "body", "drop", "times", "every", "probability", "seed")
            if getattr(rule, n) not in (None, 0)
        ]
        if others:
            raise FaultError(
                f"{at('rate_limit')}a rate limit is its own schedule and answer (429); remove {', '.join(others)}"
            )
    if rule.drop == "reset" and (rule.status is not None or rule.body is not None or rule.headers):
        raise FaultError(f"{at('drop')}'reset' sends nothing: remove status, headers and body")
    if rule.status is None and rule.drop is None and (rule.body is not None or rule.headers) and not rule.rate_limit:
        raise FaultError(f"{at('body' if rule.body is not None else 'headers')}an answer needs a status")
    if rule.status in (204, 205, 304) and (rule.body is not None or rule.drop is not None):
        raise FaultError(f"{at('status')}a {rule.status} answer has no body: remove body and drop")
    if rule.seed is not None and rule.probability is None and not rule.jitter_ms:
        raise FaultError(f"{at('seed')}seeds the probability or the jitter; the rule has neither")
    if any(name == "content-length" for name, _ in rule.headers):
        raise FaultError(f"{at('headers')}content-length is set by the stub from the body")


class FaultRules(Protocol):
    """What the stub needs of a fault rule book."""

    @property
    def by_operation(self) -> Mapping[str, object]:
        """The operations that have rules; empty when there is none (the request path tests only that)."""

    def add(self, rule: FaultRule) -> dict[str, Any]: ...
    def remove(self, rule_id: str) -> bool: ...
    def clear(self) -> int: ...
    def ids(self) -> list[str]: ...
    def documents(self) -> list[dict[str, Any]]: ...
    def decide(self, operation: str, headers: Sequence[tuple[bytes, bytes]]) -> Fault | None: ...


class _Live:
    """A rule in the book, with its counters and its random source."""

    __slots__ = ("fired", "match", "matched", "rng", "rule", "windows")

    def __init__(self, rule: FaultRule) -> None:
        self.rule = rule
        self.match = tuple((n.encode("latin-1"), v.encode("latin-1")) for n, v in rule.match_headers)
        self.matched = 0
        self.fired = 0
        self.rng = random.Random(rule.seed)
        self.windows: dict[tuple[bytes, ...], list[int]] = {}  # credential -> [second, requests in it]

    @property
    def spent(self) -> bool:
        return self.rule.times is not None and self.fired >= self.rule.times

    def selects(self, headers: Sequence[tuple[bytes, bytes]]) -> bool:
        return all(any(k == name and v == value for k, v in headers) for name, value in self.match)

    def document(self) -> dict[str, Any]:
        return {**self.rule.to_document(), "matched": self.matched, "fired": self.fired, "spent": self.spent}


@dataclass
class FaultBook:
    """The fault rules in the order they were added; the first that selects and fires a request applies."""

    by_operation: dict[str, tuple[_Live, ...]] = field(default_factory=dict)  # empty: no rule at all
    _rules: dict[str, _Live] = field(default_factory=dict)
    _next: int = 1
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, rule: FaultRule) -> dict[str, Any]:
        """Add a validated rule; raises FaultError for a taken id or a full book. Returns its document."""
        with self._lock:
            if len(self._rules) >= MAX_RULES:
                raise FaultError(f"the stub holds at most {MAX_RULES} fault rules; delete some first")
            if not rule.id:
                while f"f{self._next}" in self._rules:
                    self._next += 1
                rule = FaultRule(**{**vars(rule), "id": f"f{self._next}"})
                self._next += 1
            elif rule.id in self._rules:
                raise FaultError(f"id: a rule {rule.id!r} exists already")
            live = _Live(rule)
            self._rules[rule.id] = live
            self._index()
            return live.document()

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            found = self._rules.pop(rule_id, None) is not None
            self._index()
            return found

    def clear(self) -> int:
        with self._lock:
            count = len(self._rules)
            self._rules.clear()
            self._index()
            return count

    def ids(self) -> list[str]:
        with self._lock:
            return list(self._rules)

    def documents(self) -> list[dict[str, Any]]:
        with self._lock:
            return [live.document() for live in self._rules.values()]

    def decide(self, operation: str, headers: Sequence[tuple[bytes, bytes]]) -> Fault | None:
        """The fault for one request of `operation`, or None; counts what it sees."""
        candidates = self.by_operation.get(operation)
        if not candidates:
            return None
        with self._lock:
            for live in candidates:
                if live.spent or not live.selects(headers):
                    continue
                fault = _fire(live, headers)
                if fault is not None:
                    return fault
        return None

    def _index(self) -> None:
        index: dict[str, list[_Live]] = {}
        for live in self._rules.values():
            index.setdefault(live.rule.operation, []).append(live)
        self.by_operation = {op: tuple(rules) for op, rules in index.items()}


def _fire(live: _Live, headers: Sequence[tuple[bytes, bytes]]) -> Fault | None:
    rule = live.rule
    live.matched += 1
    if rule.rate_limit is not None:
        return _rate_limited(live, headers)
    if rule.every is not None and live.matched % rule.every:
        return None
    if rule.probability is not None and live.rng.random() >= rule.probability:
        return None
    live.fired += 1
    delay = (rule.delay_ms + (live.rng.uniform(0, rule.jitter_ms) if rule.jitter_ms else 0)) / 1000
    message = ""
    if rule.status is not None or rule.drop is not None:
        message = f"fault injected by the stub (rule {rule.id}): {rule.status or 200} instead of the real answer"
    return Fault(rule.id, delay, rule.status, rule.headers, rule.body, message, rule.drop)


def _rate_limited(live: _Live, headers: Sequence[tuple[bytes, bytes]]) -> Fault | None:
    rule = live.rule
    assert rule.rate_limit is not None
    credential = tuple(v for k, v in headers if k in CREDENTIAL_HEADERS)
    now = time.monotonic()
    second = int(now)
    window = live.windows.get(credential)
    if window is None or window[0] != second:
        if len(live.windows) >= _RATE_KEYS_KEPT:
            live.windows = {k: w for k, w in live.windows.items() if w[0] == second}
        live.windows[credential] = window = [second, 0]
    window[1] += 1
    if window[1] <= rule.rate_limit:
        return None
    live.fired += 1
    message = (
        f"rate limit exceeded: at most {rule.rate_limit} requests per second per credential "
        f"(fault rule {rule.id}); retry after the Retry-After seconds"
    )
    return Fault(rule.id, 0.0, 429, (("retry-after", "1"), *rule.headers), None, message)


def parse_rules(value: Any, where: str, operations: Collection[str] | None = None) -> list[FaultRule]:
    """A `faults:` list of a seed document; errors name the item (`faults[2].times: ...`)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise FaultError(f"{where} must be a list of fault rules, not {type(value).__name__}")
    rules = [parse_rule(item, f"{where}[{i}]", operations) for i, item in enumerate(value)]
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        if rule.id in seen:
            raise FaultError(f"{where}[{i}].id: {rule.id!r} is used by more than one rule")
        if rule.id:
            seen.add(rule.id)
    return rules


class _At:
    """Builds 'where.field: ' prefixes for messages."""

    def __init__(self, where: str) -> None:
        self.where = where

    @property
    def here(self) -> str:
        return self.where or "a fault rule"

    @property
    def prefix(self) -> str:
        return f"{self.where}: " if self.where else ""

    def __call__(self, name: str) -> str:
        if not name:
            return self.prefix
        return f"{self.where}.{name}: " if self.where else f"{name}: "


def _whole(value: Any, at: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FaultError(f"{at}must be a whole number from {low} to {high}, not {value!r}")
    return value


def _optional_whole(value: Any, at: str, low: int, high: int) -> int | None:
    return None if value is None else _whole(value, at, low, high)


def _probability(value: Any, at: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise FaultError(f"{at}must be a number greater than 0 and at most 1, not {value!r}")
    return float(value)


def _choice(value: Any, at: str, choices: Sequence[str]) -> str | None:
    if value is None:
        return None
    if value not in choices:
        raise FaultError(f"{at}must be one of {', '.join(choices)}, not {value!r}")
    return str(value)


def _header_map(value: Any, at: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise FaultError(f"{at}must be a mapping of header name to value, not {type(value).__name__}")
    out = []
    for name, text in value.items():
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            raise FaultError(f"{at}{name!r} is not a header name")
        if not isinstance(text, str) or any(c in text for c in "\r\n\0") or not text.isascii():
            raise FaultError(f"{at}the value of {name!r} must be a string of printable ASCII")
        out.append((name.lower(), text))
    return tuple(out)
