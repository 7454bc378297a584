"""`contract_tests.transport`: a worker's findings as plain data, added to the controller's by check id."""

from __future__ import annotations

from collections import Counter

import pytest

from contract_tests.checks import REGISTRY, Check
from contract_tests.config import Config
from contract_tests.http import Client, Policy
from contract_tests.report import Results
from contract_tests.suite import Suite
from contract_tests.target import Target
from contract_tests.transport import absorb, snapshot

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
    outcomes = {o.name: o for o in controller.results.outcomes()}
    assert outcomes["removes_non_member"].outcome == "pass" and outcomes["removes_non_member"].cases == 3
    assert outcomes["removal_is_idempotent"].outcome == "fail"
    assert outcomes["removal_is_idempotent"].message == "recoup.removal_is_idempotent ..."
    assert outcomes["accepts_bearer_token"].outcome == "skipped"
    assert outcomes["disposable_removal_is_idempotent"].outcome == "not run"
    assert outcomes["forbids_foreign_organization"].outcome == "not exercised"  # nobody ran it


def test_one_check_fed_by_two_workers_adds_up() -> None:
    one, two, controller = suite(), suite(), suite()
    for s, n in ((one, 2), (two, 5)):
        for _ in range(n):
            s.results.passed(check("error_body"))
    two.results.failed(check("error_body"), "the body is not JSON", "message")
    absorb(controller, snapshot(one))
    absorb(controller, snapshot(two))
    (found,) = [o for o in controller.results.outcomes() if o.name == "error_body"]
    assert (found.outcome, found.cases, found.reason) == ("fail", 8, "the body is not JSON")  # 7 passed, 1 failed


def test_a_check_this_run_did_not_select_is_an_error() -> None:
    worker = Suite(Config(url=URL), Target(URL, mode="live", is_stub=False), Client(Policy(URL)), Results(REGISTRY))
    with pytest.raises(ValueError, match="turso"):
        absorb(suite(), snapshot(worker))


def test_rate_limits_seen_by_workers_reach_the_controller() -> None:
    one, two, controller = suite(), suite(), suite()
    one.client.traffic.answered, one.client.traffic.rate_limited, one.client.traffic.waited_s = 10, 2, 1.5
    two.client.traffic.answered, two.client.traffic.exhausted = 4, True
    absorb(controller, snapshot(one))
    absorb(controller, snapshot(two))
    traffic = controller.client.traffic
    assert (traffic.answered, traffic.rate_limited, traffic.waited_s, traffic.exhausted) == (14, 2, 1.5, True)
