"""The fault rule language: validation with located messages, selection, schedules, counters."""

from __future__ import annotations

import random
from dataclasses import fields
from typing import Any

import pytest

from mock_server.core.faults import FaultBook, FaultError, FaultRule, parse_rule, parse_rules
from mock_server.specs import SPECS_DIR, load_spec

OPS = ("tursoRemoveOrganizationMember", "recoupRemoveOrganizationMember")
TOKEN = [(b"authorization", b"Bearer a")]


def book(*docs: dict[str, Any]) -> FaultBook:
    faults = FaultBook()
    for doc in docs:
        faults.add(parse_rule(doc, "", OPS))
    return faults


def fired(faults: FaultBook, n: int, op: str = OPS[0], headers: list[tuple[bytes, bytes]] = TOKEN) -> list[bool]:
    return [(f := faults.decide(op, headers)) is not None and f.answers for _ in range(n)]


def test_the_two_documented_rules_parse_as_written() -> None:
    rule = parse_rule({"operation": OPS[0], "status": 503, "times": 2}, "", OPS)
    assert (rule.operation, rule.status, rule.times, rule.delay_ms) == (OPS[0], 503, 2, 0)
    assert parse_rule({"operation": OPS[1], "delay_ms": 300}, "", OPS).delay_ms == 300


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "a fault rule must be a mapping (a JSON object), not list"),
        ({"operation": OPS[0], "status": 503, "tmes": 2}, "unknown field 'tmes' (a rule has: operation, id,"),
        ({"status": 503}, "operation: required: the operationId of a vendor operation"),
        ({"operation": "get_state", "status": 503}, "operation: unknown operation 'get_state'; known: "),
        ({"operation": OPS[0]}, "a rule needs an effect: delay_ms (and/or jitter_ms), status, drop or rate_limit"),
        ({"operation": OPS[0], "status": 99}, "status: must be a whole number from 200 to 599, not 99"),
        ({"operation": OPS[0], "status": True}, "status: must be a whole number from 200 to 599, not True"),
        ({"operation": OPS[0], "delay_ms": -1}, "delay_ms: must be a whole number from 0 to 60000, not -1"),
        ({"operation": OPS[0], "delay_ms": "300"}, "delay_ms: must be a whole number from 0 to 60000, not '300'"),
        ({"operation": OPS[0], "status": 503, "times": 0}, "times: must be a whole number from 1 to"),
        ({"operation": OPS[0], "status": 503, "every": 0}, "every: must be a whole number from 1 to"),
        ({"operation": OPS[0], "status": 503, "probability": 0}, "probability: must be a number greater than 0"),
        ({"operation": OPS[0], "status": 503, "probability": 1.5}, "probability: must be a number greater than 0"),
        ({"operation": OPS[0], "status": 503, "seed": 1}, "seed: seeds the probability or the jitter"),
        ({"operation": OPS[0], "drop": "hangup"}, "drop: must be one of reset, truncate, not 'hangup'"),
        ({"operation": OPS[0], "drop": "reset", "status": 500}, "drop: 'reset' sends nothing"),
        ({"operation": OPS[0], "body": {"x": 1}, "delay_ms": 5}, "body: an answer needs a status"),
        ({"operation": OPS[0], "rate_limit": 0}, "rate_limit: must be a whole number from 1 to"),
        ({"operation": OPS[0], "rate_limit": 5, "times": 3}, "rate_limit: a rate limit is its own schedule"),
        ({"operation": OPS[0], "status": 503, "headers": {"bad name": "x"}}, "headers: 'bad name' is not a header"),
        ({"operation": OPS[0], "status": 503, "headers": {"x-a": "1\r\nx: 2"}}, "headers: the value of 'x-a'"),
        ({"operation": OPS[0], "status": 503, "headers": {"Content-Length": "9"}}, "content-length is set by"),
        ({"operation": OPS[0], "status": 503, "match_headers": ["x"]}, "match_headers: must be a mapping"),
        ({"operation": OPS[0], "status": 503, "id": "a b"}, "id: must be 1 to 64 letters"),
        ({"operation": OPS[0], "status": 204, "body": {}}, "status: a 204 answer has no body"),
        ({"operation": OPS[0], "status": 304, "drop": "truncate"}, "status: a 304 answer has no body"),
    ],
)
def test_invalid_rules_are_refused_naming_the_field(doc: Any, message: str) -> None:
    with pytest.raises(FaultError) as caught:
        parse_rule(doc, "", OPS)
    assert message in str(caught.value)


def test_an_unknown_operation_names_every_known_one() -> None:
    with pytest.raises(FaultError) as caught:
        parse_rule({"operation": "nope", "status": 500}, "", OPS)
    assert str(caught.value) == f"operation: unknown operation 'nope'; known: {', '.join(sorted(OPS))}"


def test_seed_lists_name_the_item() -> None:
    with pytest.raises(FaultError, match=r"^faults\[1\]\.times: must be a whole number"):
        parse_rules([{"operation": OPS[0], "status": 503}, {"operation": OPS[0], "status": 503, "times": 0}], "faults")
    with pytest.raises(FaultError, match=r"^faults\[1\]\.id: 'x' is used by more than one rule"):
        parse_rules([{"operation": OPS[0], "delay_ms": 1, "id": "x"}] * 2, "faults")
    with pytest.raises(FaultError, match=r"^faults must be a list of fault rules, not dict"):
        parse_rules({}, "faults")
    assert parse_rules(None, "faults") == []


def test_the_documented_schema_has_exactly_the_rule_fields() -> None:
    schema = load_spec(SPECS_DIR / "admin.yaml")["components"]["schemas"]["FaultRule"]
    assert set(schema["properties"]) == {f.name for f in fields(FaultRule)}
    assert schema["additionalProperties"] is False


def test_times_fires_the_next_n_then_the_rule_is_spent() -> None:
    faults = book({"operation": OPS[0], "status": 503, "times": 2})
    assert fired(faults, 4) == [True, True, False, False]
    [doc] = faults.documents()
    assert (doc["matched"], doc["fired"], doc["spent"]) == (2, 2, True)


def test_every_kth_matching_request() -> None:
    assert fired(book({"operation": OPS[0], "status": 500, "every": 3}), 7) == [0, 0, 1, 0, 0, 1, 0]


def test_probability_with_a_seed_is_reproducible() -> None:
    rule = {"operation": OPS[0], "status": 500, "probability": 0.5, "seed": 42}
    draws = random.Random(42)
    expected = [draws.random() < 0.5 for _ in range(40)]
    assert fired(book(rule), 40) == expected == fired(book(rule), 40)
    assert 0 < sum(expected) < 40


def test_header_selection_and_other_operations() -> None:
    faults = book({"operation": OPS[0], "status": 503, "match_headers": {"X-Test-Id": "A"}})
    assert faults.decide(OPS[0], TOKEN) is None
    assert faults.decide(OPS[0], [(b"x-test-id", b"B")]) is None
    assert faults.decide(OPS[1], [(b"x-test-id", b"A")]) is None
    found = faults.decide(OPS[0], [(b"x-other", b"1"), (b"x-test-id", b"A")])
    assert found is not None and found.status == 503
    assert faults.documents()[0]["matched"] == 1  # only the selected request counts


def test_a_delay_is_not_an_answer_and_jitter_stays_in_range() -> None:
    faults = book({"operation": OPS[1], "delay_ms": 300, "jitter_ms": 50, "seed": 3})
    delays = []
    for _ in range(20):
        fault = faults.decide(OPS[1], TOKEN)
        assert fault is not None and not fault.answers
        delays.append(fault.delay)
    assert all(0.3 <= d <= 0.35 for d in delays) and len(set(delays)) > 1


def test_the_first_rule_that_fires_applies_alone() -> None:
    faults = book({"operation": OPS[0], "status": 500, "every": 2}, {"operation": OPS[0], "status": 503})
    statuses = [f.status for f in (faults.decide(OPS[0], TOKEN) for _ in range(4)) if f is not None]
    assert statuses == [503, 500, 503, 500]


def test_rate_limit_per_credential() -> None:
    faults = book({"operation": OPS[0], "rate_limit": 2})
    other = [(b"authorization", b"Bearer b")]
    results = [faults.decide(OPS[0], TOKEN) for _ in range(3)] + [faults.decide(OPS[0], other)]
    # the three of one credential fall in at most two one-second windows: the third is refused unless a window
    # boundary passed between them, in which case the counters start again
    limited = [r for r in results if r is not None]
    assert all(r.status == 429 and ("retry-after", "1") in r.headers for r in limited)
    assert results[3] is None and results[0] is None and results[1] is None


def test_ids_are_assigned_unique_and_removable() -> None:
    faults = book({"operation": OPS[0], "status": 500}, {"operation": OPS[0], "status": 500, "id": "f2"})
    added = faults.add(parse_rule({"operation": OPS[0], "status": 500}, "", OPS))
    assert faults.ids() == ["f1", "f2", "f3"] and added["id"] == "f3"
    with pytest.raises(FaultError, match="id: a rule 'f2' exists already"):
        faults.add(parse_rule({"operation": OPS[0], "status": 500, "id": "f2"}, "", OPS))
    assert faults.remove("f2") and not faults.remove("f2")
    assert faults.clear() == 2 and faults.by_operation == {}
