from __future__ import annotations

import json
import re

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


def test_clear_empties_the_entries_but_keeps_the_count() -> None:
    journal = Journal(10)
    journal.record(scope(), 200)
    journal.clear()
    assert journal.entries() == [] and journal.total == 1
