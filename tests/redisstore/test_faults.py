"""The fault book in Redis against the in-memory one: the same rules, ids, counters and faults."""

from __future__ import annotations

import time

import pytest

from mock_server.core.faults import FaultBook, FaultError, parse_rule
from mock_server.redisstore.faults import RedisFaultBook
from mock_server.redisstore.link import Link
from tests.redis_server import RedisServer

OPERATIONS = ["tursoRemoveOrganizationMember", "recoupRemoveOrganizationMember"]
HEADERS = [(b"authorization", b"Bearer t"), (b"x-case", b"a")]


def test_rules_ids_counters_and_faults_match_the_in_memory_book(redis_server: RedisServer) -> None:
    memory, shared = FaultBook(), RedisFaultBook(Link(redis_server.url), "faults:", OPERATIONS)
    rules = [
        {"operation": "tursoRemoveOrganizationMember", "status": 503, "times": 2, "match_headers": {"x-case": "a"}},
        {"operation": "tursoRemoveOrganizationMember", "status": 418, "every": 3, "body": {"why": "teapot"}},
        {"id": "slow", "operation": "recoupRemoveOrganizationMember", "delay_ms": 5},
    ]
    for doc in rules:
        assert shared.add(parse_rule(doc, "", OPERATIONS)) == memory.add(parse_rule(doc, "", OPERATIONS))
    with pytest.raises(FaultError, match="exists already"):
        shared.add(parse_rule({"id": "slow", "operation": "recoupRemoveOrganizationMember", "delay_ms": 1}))
    assert shared.ids() == memory.ids() == ["f1", "f2", "slow"]
    for headers in [HEADERS] * 4 + [HEADERS[:1]] * 4:
        for operation in OPERATIONS:
            assert shared.decide(operation, headers) == memory.decide(operation, headers)
    assert shared.documents() == memory.documents()
    assert shared.remove("f1") is memory.remove("f1") is True
    assert shared.remove("nope") is memory.remove("nope") is False
    assert shared.clear() == memory.clear() == 2
    assert shared.by_operation == {} and shared.documents() == []
    assert shared.add(parse_rule(rules[0]))["id"] == memory.add(parse_rule(rules[0]))["id"] == "f3"


def test_a_rate_limit_is_counted_across_processes_per_credential(redis_server: RedisServer) -> None:
    link = Link(redis_server.url)
    one, other = RedisFaultBook(link, "rate:", OPERATIONS), RedisFaultBook(Link(redis_server.url), "rate:", OPERATIONS)
    one.add(parse_rule({"operation": "tursoRemoveOrganizationMember", "rate_limit": 2}))
    other.refresh()
    for _ in range(5):  # three requests within one second, through two books sharing the counters
        second = int(time.time())
        faults = [book.decide("tursoRemoveOrganizationMember", HEADERS) for book in (one, other, one)]
        if int(time.time()) == second:
            break
    assert faults[0] is None and faults[1] is None
    assert faults[2] is not None and faults[2].status == 429
    assert one.decide("tursoRemoveOrganizationMember", [(b"authorization", b"Bearer other")]) is None
