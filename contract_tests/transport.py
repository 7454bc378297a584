"""What a worker found, as plain data, and how the controller adds it to the run's own results.

A worker sends its per-check tallies keyed by check id, with the run-wide tallies of its results (counters,
lists of messages), the public counters of its client (requests sent, ...) and its suite's notes. Merging
goes by the type of each value, not by field name, so tallies that gain fields merge without changes here:
numbers and counters add up, lists are concatenated, sets joined, mappings merged key by key, and a text
(a skip reason, say) keeps the first one recorded.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from collections import Counter
from collections.abc import Mapping
from typing import Any

import requests

from .suite import Suite

# Attributes every requests.Session has (max_redirects, trust_env, ...): configuration, not tallies.
_SESSION_ATTRIBUTES = frozenset(vars(requests.Session()))


def snapshot(suite: Suite) -> bytes:
    """The worker's findings, for `config.workeroutput`."""
    results = suite.results
    doc = {
        "tallies": {check.id: _fields(tally) for check, tally in results._tally.items()},
        "results": {k: v for k, v in vars(results).items() if k not in ("checks", "_tally")},
        "client": {
            k: v
            for k, v in vars(suite.client).items()
            if not k.startswith("_") and k not in _SESSION_ATTRIBUTES and _is_tally(v)
        },
        "suite": {k: v for k, v in vars(suite).items() if not k.startswith("_") and isinstance(v, list)},
    }
    return pickle.dumps(doc)


def absorb(suite: Suite, data: bytes) -> None:
    """Add a worker's findings (from `snapshot`) to `suite`, the controller's."""
    doc: dict[str, Any] = pickle.loads(data)  # bytes from our own worker process
    results = suite.results
    by_id = {check.id: check for check in results._tally}
    for check_id, fields in doc["tallies"].items():
        check = by_id.get(check_id)
        if check is None:
            raise ValueError(f"a worker reported check {check_id!r}, which this run did not select")
        tally = results._tally[check]
        for name, value in fields.items():
            setattr(tally, name, merge(getattr(tally, name), value))
    for owner, part in ((results, "results"), (suite.client, "client"), (suite, "suite")):
        for name, value in doc[part].items():
            setattr(owner, name, merge(getattr(owner, name, None), value))


def merge(ours: Any, theirs: Any) -> Any:
    """One value of a tally with the same value from a worker, by type (see the module's docstring)."""
    if ours is None:
        return theirs
    if theirs is None:
        return ours
    if isinstance(ours, bool):
        return ours or bool(theirs)
    if isinstance(ours, Counter):
        return _added(ours, theirs)
    if isinstance(ours, int | float):
        return ours + theirs
    if isinstance(ours, list):
        return [*ours, *theirs]
    if isinstance(ours, set | frozenset):
        return type(ours)(ours | set(theirs))
    if isinstance(ours, dict):
        out = copy.copy(ours)
        for key, value in theirs.items():
            out[key] = merge(out.get(key), value)
        return out
    if dataclasses.is_dataclass(ours) and not isinstance(ours, type):
        return dataclasses.replace(
            ours, **{f.name: merge(getattr(ours, f.name), getattr(theirs, f.name)) for f in dataclasses.fields(ours)}
        )
    return ours or theirs


def _added(ours: Counter[Any], theirs: Mapping[Any, Any]) -> Counter[Any]:
    """Counts added key by key (unlike `+`, which drops counts that are not positive)."""
    out = Counter(ours)
    for key, value in theirs.items():
        out[key] += value
    return out


def _fields(tally: Any) -> dict[str, Any]:
    """A tally's fields by name (shallow: their values are plain data)."""
    if dataclasses.is_dataclass(tally) and not isinstance(tally, type):
        return {f.name: getattr(tally, f.name) for f in dataclasses.fields(tally)}
    return dict(vars(tally))


def _is_tally(value: Any) -> bool:
    return isinstance(value, Counter) or (isinstance(value, int | float) and not isinstance(value, bool))
