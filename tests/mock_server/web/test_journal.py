from __future__ import annotations

import json
import re
import time

from mock_server.core.faults import Fault
from mock_server.web.http import Scope
from mock_server.web.journal import MAX_TEXT, Journal


def scope(path: str = "/p", query: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None) -> Scope:
    return {"method": "DELETE", "path": path, "query_string": query, "headers": headers or []}


def test_entries_are_newest_first_and_bounded() -> None:
    journal = Journal(3)
    for i in range(5):
        journal.record(scope(f"/{i}"), 200 + i)
    assert journal.size == 3 and journal.total == 5
    assert [(e["path"], e["status"]) for e in journal.entries()] == [("/4", 204), ("/3", 203), ("/2", 202)]
    assert [e["path"] for e in journal.entries(1)] == ["/4"]


def test_an_entry_says_what_was_asked() -> None:
    journal = Journal(10)
    journal.record(scope("/api/x", b"a=1&b=2"), 400)
    entry = journal.entries()[0]
    assert {k: entry[k] for k in ("method", "path", "query", "status")} == {
        "method": "DELETE",
        "path": "/api/x",
        "query": "a=1&b=2",
        "status": 400,
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["time"])


def test_credentials_appear_only_as_masked_header_names() -> None:
    journal = Journal(10)
    headers = [(b"x-api-key", b"key-s3cret"), (b"authorization", b"Bearer tok-s3cret"), (b"cookie", b"c=1")]
    journal.record(scope(headers=headers), 401)
    entry = journal.entries()[0]
    assert entry["credentials"] == ["x-api-key: ***", "authorization: ***"]
    assert "s3cret" not in json.dumps(journal.entries())


def test_long_paths_and_queries_are_cut() -> None:
    journal = Journal(10)
    journal.record(scope("/" + "p" * 5000, b"q" * 5000), 404)
    entry = journal.entries()[0]
    assert len(entry["path"]) == MAX_TEXT and len(entry["query"]) == MAX_TEXT


def test_clear_empties_the_entries_and_resets_the_count() -> None:
    journal = Journal(10)
    journal.record(scope(), 200)
    journal.record(scope(), 404)
    journal.clear()
    assert journal.entries() == [] and journal.total == 0
    journal.record(scope(), 200)
    assert journal.total == 1


def test_entries_filter_by_operation_and_status_then_limit() -> None:
    journal = Journal(10)
    for i, (op, status) in enumerate([("a", 200), ("b", 200), ("a", 404), ("a", 200), (None, 404)]):
        journal.record(scope(f"/{i}"), status, operation=op)
    assert [e["path"] for e in journal.entries(operation="a")] == ["/3", "/2", "/0"]
    assert [e["path"] for e in journal.entries(status=404)] == ["/4", "/2"]
    assert [e["path"] for e in journal.entries(operation="a", status=200)] == ["/3", "/0"]
    assert [e["path"] for e in journal.entries(1, operation="a", status=200)] == ["/3"]
    assert journal.entries(operation="c") == []


def test_an_entry_has_its_latency_operation_fault_and_session() -> None:
    journal = Journal(10)
    started = time.perf_counter() - 0.25
    fault = Fault("f7", 0.0, 503, message="m")
    journal.record(scope(), 503, started, "tursoRemoveOrganizationMember", fault, "w1", ("old",))
    entry = journal.entries()[0]
    assert entry["latency_ms"] >= 250
    assert entry["operation"] == "tursoRemoveOrganizationMember"
    assert entry["fault"] == {"rule": "f7", "applied": "status 503"}
    assert entry["session"] == "w1" and entry["evicted_sessions"] == ["old"]
    journal.record(scope(), 200)
    plain = journal.entries()[0]
    assert not {"operation", "fault", "session", "evicted_sessions"} & set(plain)
