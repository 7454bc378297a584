from __future__ import annotations

import json
from pathlib import Path

from contract_tests.checks import REGISTRY, Check
from contract_tests.report import Results, exit_code, summary, table, write_summary


def _check(vendor: str, name: str) -> Check:
    return next(c for c in REGISTRY if c.vendor == vendor and c.name == name)


def test_outcomes_table_and_summary(tmp_path: Path) -> None:
    passing = _check("recoup", "removes_non_member")
    failing = _check("turso", "removal_persists")
    skipped = _check("recoup", "accepts_api_key")
    skipped_too = _check("recoup", "accepts_bearer_token")
    unrun = _check("turso", "removes_disposable_member")
    unexercised = _check("recoup", "invalid_input_rejected")
    results = Results([passing, failing, skipped, skipped_too, unrun, unexercised])
    results.passed(passing)
    results.passed(passing)
    results.not_applicable(passing, "does not count")
    results.passed(failing)
    results.failed(failing, "expected HTTP 404, got 200", "turso.removal_persists FAILED\n  ...")
    results.skipped(skipped, "RECOUP_API_KEY is not set")
    results.skipped(skipped_too, "RECOUP_API_KEY is not set")
    results.not_applicable(unexercised, "no generated case was outside the spec's parameters as sent")
    outcomes = {o.check: o for o in results.outcomes()}
    assert outcomes[passing.id].outcome == "pass" and outcomes[passing.id].cases == 2  # applicable cases only
    assert outcomes[failing.id].outcome == "fail" and outcomes[failing.id].reason == "expected HTTP 404, got 200"
    assert outcomes[failing.id].cases == 2
    assert outcomes[skipped.id].outcome == "skipped"
    assert outcomes[unrun.id].outcome == "not exercised"
    assert outcomes[unexercised.id].outcome == "not exercised" and outcomes[unexercised.id].cases == 0

    text = table(list(outcomes.values()))
    lines = text.splitlines()
    assert lines[0].split() == ["check", "recoup", "turso"]
    assert "  removes_non_member" in text and "pass (2)" in text
    assert any(line.split() == ["removal_persists", "-", "FAIL"] for line in lines)
    assert any(line.split() == ["accepts_api_key", "skipped", "[1]", "-"] for line in lines)
    assert any(line.split() == ["invalid_input_rejected", "not", "exercised", "[3]", "-"] for line in lines)
    assert "[1] RECOUP_API_KEY is not set" in lines  # one note per distinct reason
    assert "[3] no generated case was outside the spec's parameters as sent" in lines

    doc = summary(list(outcomes.values()), duration_s=1.5, generated_cases=3, requests=4, cases_per_s=2.0)
    write_summary(tmp_path / "s" / "summary.json", doc)
    read = json.loads((tmp_path / "s" / "summary.json").read_text())
    assert {"duration_s", "generated_cases", "requests", "cases_per_s", "results"} <= read.keys()
    row = next(r for r in read["results"] if r["check"] == "removal_persists")
    assert row == {
        "check": "removal_persists",
        "vendor": "turso",
        "section": "behaviour",
        "outcome": "fail",
        "reason": "expected HTTP 404, got 200",
        "cases": 2,
    }


def test_results_are_plain_data_that_merge() -> None:
    check = _check("recoup", "removes_non_member")
    other = _check("turso", "error_body")
    a, b = Results([check, other]), Results([check])
    a.passed(check)
    a.not_applicable(other, "no error answer (HTTP 400 or above) was seen")
    b.passed(check)
    b.failed(check, "expected HTTP 200, got 404", "full")
    b.generated_cases = 5
    doc = json.loads(json.dumps(b.to_dict()))
    a.merge(doc)
    assert Results.from_dict(json.loads(json.dumps(a.to_dict()))).to_dict() == a.to_dict()
    outcomes = {o.check: o for o in a.outcomes()}
    assert outcomes[check.id].outcome == "fail" and outcomes[check.id].cases == 3
    assert outcomes[other.id].outcome == "not exercised"
    assert a.generated_cases == 5


def test_exit_codes() -> None:
    check, other = _check("recoup", "removes_non_member"), _check("recoup", "invalid_input_rejected")
    results = Results([check, other])
    results.passed(check)
    results.not_applicable(other, "why")
    outcomes = results.outcomes()
    assert exit_code(outcomes, strict=False) == 0
    assert exit_code(outcomes, strict=True) == 2  # not exercised: could not test fully
    results.failed(check, "broken", "full")
    assert exit_code(results.outcomes(), strict=True) == 1  # a failure wins
    nothing = Results([other])
    nothing.not_applicable(other, "why")
    assert exit_code(nothing.outcomes(), strict=False) == 2  # a check no case exercised is not a pass


def test_every_check_has_a_one_line_docstring_citing_a_spec() -> None:
    for check in REGISTRY:
        doc = (check.fn.__doc__ or "").strip()
        assert doc and "\n" not in doc, check.id
        assert "yaml" in doc or "specs" in doc or "spec" in doc, check.id


def test_both_vendors_have_an_invalid_input_row_now_that_turso_bodies_can_be_invalid() -> None:
    ids = {c.id for c in REGISTRY}
    assert "recoup.invalid_input_rejected" in ids and "turso.invalid_input_rejected" in ids
