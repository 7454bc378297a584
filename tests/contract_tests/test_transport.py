"""`contract_tests.transport`: a worker's findings as plain data, added to the controller's by check id."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pytest

from contract_tests.checks import REGISTRY, Check
from contract_tests.config import Config
from contract_tests.http import Client, Policy
from contract_tests.report import Results
from contract_tests.suite import Suite
from contract_tests.target import Target
from contract_tests.transport import absorb, merge, snapshot

URL = "http://127.0.0.1:9"
CHECKS = [c for c in REGISTRY if c.vendor == "recoup"]


def check(name: str) -> Check:
    return next(c for c in CHECKS if c.name == name)


def suite() -> Suite:
    target = Target(URL, mode="live", is_stub=False)
    return Suite(Config(url=URL), target, Client(Policy(URL)), Results(CHECKS))


def record_part_one(s: Suite) -> None:
    for _ in range(3):
        s.results.passed(check("removes_non_member"))
    s.results.failed(check("removal_is_idempotent"), "expected HTTP 200, got 404", "recoup.removal_is_idempotent ...")
    s.results.generated_cases += 3
    s.client.sent["api"] += 7
    s.notes.append("recoup: restored a member")


def record_part_two(s: Suite) -> None:
    s.results.passed(check("accepts_api_key"))
    s.results.skipped(check("accepts_bearer_token"), "RECOUP_BEARER_TOKEN is not set")
    s.results.blocked(check("disposable_removal_is_idempotent"), "recoup.removes_disposable_member failed first")
    s.results.failed(check("removes_disposable_member"), "expected HTTP 200, got 500", "full message")
    s.results.other_failures.append("recoup.x FAILED")
    s.results.generated_cases += 2
    s.client.sent["api"] += 4
    s.client.sent["control"] += 1


def test_two_workers_add_up_to_what_one_sequential_run_records() -> None:
    sequential = suite()
    record_part_one(sequential)
    record_part_two(sequential)

    one, two, controller = suite(), suite(), suite()
    record_part_one(one)
    record_part_two(two)
    controller.client.sent["control"] += 1  # the controller's own GET /__admin
    absorb(controller, snapshot(one))
    absorb(controller, snapshot(two))

    assert controller.results.outcomes() == sequential.results.outcomes()
    assert controller.results.generated_cases == 5
    assert controller.results.other_failures == ["recoup.x FAILED"]
    assert controller.client.sent == Counter({"api": 11, "control": 2})
    assert controller.notes == ["recoup: restored a member"]
    outcomes = {o.check.name: o for o in controller.results.outcomes()}
    assert outcomes["removes_non_member"].outcome == "pass" and outcomes["removes_non_member"].cases == 3
    assert outcomes["removal_is_idempotent"].outcome == "fail"
    assert outcomes["removal_is_idempotent"].message == "recoup.removal_is_idempotent ..."
    assert outcomes["accepts_bearer_token"].outcome == "skipped"
    assert outcomes["disposable_removal_is_idempotent"].outcome == "not run"
    assert outcomes["forbids_foreign_organization"].outcome == "not run"  # nobody ran it


def test_one_check_fed_by_two_workers_adds_up() -> None:
    one, two, controller = suite(), suite(), suite()
    for s, n in ((one, 2), (two, 5)):
        for _ in range(n):
            s.results.passed(check("error_body"))
    two.results.failed(check("error_body"), "the body is not JSON", "message")
    absorb(controller, snapshot(one))
    absorb(controller, snapshot(two))
    (found,) = [o for o in controller.results.outcomes() if o.check.name == "error_body"]
    assert (found.outcome, found.cases, found.reason) == ("fail", 7, "the body is not JSON")


def test_a_check_this_run_did_not_select_is_an_error() -> None:
    worker = Suite(Config(url=URL), Target(URL, mode="live", is_stub=False), Client(Policy(URL)), Results(REGISTRY))
    with pytest.raises(ValueError, match="turso"):
        absorb(suite(), snapshot(worker))


def test_configuration_of_the_client_is_not_sent_as_a_tally() -> None:
    worker = suite()
    worker.client.max_redirects = 3
    controller = suite()
    absorb(controller, snapshot(worker))
    assert controller.client.max_redirects == 30  # requests' default, untouched


@dataclass
class Grown:
    """A tally with more kinds of fields than today's: merging goes by type, not by name."""

    passed: int = 0
    waited_s: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
    skipped: str | None = None
    exercised: bool = False
    cases: set[str] = field(default_factory=set)
    by_status: Counter[int] = field(default_factory=Counter)
    reasons: dict[str, int] = field(default_factory=dict)


def test_merge_by_type() -> None:
    a = Grown(2, 0.5, [("p", "m")], None, False, {"x"}, Counter({200: 2}), {"r": 1})
    b = Grown(3, 1.0, [("q", "n")], "why", True, {"y"}, Counter({404: 1, 200: 1}), {"r": 2, "s": 1})
    merged = merge(a, b)
    assert merged == Grown(
        5, 1.5, [("p", "m"), ("q", "n")], "why", True, {"x", "y"}, Counter({200: 3, 404: 1}), {"r": 3, "s": 1}
    )
    assert merge("first reason", "second reason") == "first reason"
    assert merge(None, "only reason") == "only reason" and merge("kept", None) == "kept"
    assert merge(Counter({"a": 1}), {"a": -1}) == Counter({"a": 0})  # counts add even when they cancel out
