"""What a worker found, as plain data, and how the controller adds it to the run's own results.

A worker sends its results (`Results.to_dict()`: per-check tallies keyed by check id, the generated-case count
and other failures), its client's request counts and traffic (answers, 429s, time spent waiting them out), its
suite's notes and the sessions the stub dropped under it. The controller adds each to its own: `Results.merge`,
`Traffic.merge`, counters added key by key, notes and lost sessions appended.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from .http import Traffic
from .suite import Suite


def snapshot(suite: Suite) -> bytes:
    """The worker's findings, for `config.workeroutput`."""
    doc = {
        "results": suite.results.to_dict(),
        "sent": dict(suite.client.sent),
        "traffic": dataclasses.asdict(suite.client.traffic),
        "notes": list(suite.notes),
        "lost_sessions": list(suite.lost_sessions),
    }
    return json.dumps(doc).encode()


def absorb(suite: Suite, data: bytes) -> None:
    """Add a worker's findings (from `snapshot`) to `suite`, the controller's."""
    doc: dict[str, Any] = json.loads(data)
    unknown = sorted(set(doc["results"].get("tallies", {})) - set(suite.results.checks))
    if unknown:
        raise ValueError(f"a worker reported check {unknown[0]!r}, which this run did not select")
    suite.results.merge(doc["results"])
    for kind, count in doc["sent"].items():
        suite.client.sent[kind] += int(count)
    suite.client.traffic.merge(Traffic(**doc["traffic"]))
    suite.notes.extend(doc["notes"])
    suite.lost_sessions.extend(doc.get("lost_sessions", []))
