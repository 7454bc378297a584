from __future__ import annotations

import json
from pathlib import Path

from contract_tests.checks import REGISTRY
from contract_tests.report import Results, summary, table, write_summary


def _check(vendor: str, name: str):  # type: ignore[no-untyped-def]
    return next(c for c in REGISTRY if c.vendor == vendor and c.name == name)


def test_outcomes_table_and_summary(tmp_path: Path) -> None:
    passing = _check("recoup", "removes_non_member")
    failing = _check("turso", "removal_persists")
    skipped = _check("recoup", "accepts_api_key")
    skipped_too = _check("recoup", "accepts_bearer_token")
    unrun = _check("turso", "removes_disposable_member")
    results = Results([passing, failing, skipped, skipped_too, unrun])
    results.passed(passing)
    results.passed(passing)
    results.passed(failing)
    results.failed(failing, "expected HTTP 404, got 200", "turso.removal_persists FAILED\n  ...")
    results.skipped(skipped, "RECOUP_API_KEY is not set")
    results.skipped(skipped_too, "RECOUP_API_KEY is not set")
    outcomes = {o.check: o for o in results.outcomes()}
    assert outcomes[passing].outcome == "pass" and outcomes[passing].cases == 2
    assert outcomes[failing].outcome == "fail" and outcomes[failing].reason == "expected HTTP 404, got 200"
    assert outcomes[skipped].outcome == "skipped"
    assert outcomes[unrun].outcome == "not run"

    text = table(list(outcomes.values()))
    lines = text.splitlines()
    assert lines[0].split() == ["check", "recoup", "turso"]
    assert "  removes_non_member" in text and "pass (2)" in text
    assert any(line.split() == ["removal_persists", "-", "FAIL"] for line in lines)
    assert any(line.split() == ["accepts_api_key", "skipped", "[1]", "-"] for line in lines)
    assert "[1] RECOUP_API_KEY is not set" in lines  # one note per distinct reason
    assert "[2] its test stopped at an earlier failure" in lines

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
        "cases": 1,
    }


def test_every_check_has_a_one_line_docstring_citing_a_spec() -> None:
    for check in REGISTRY:
        doc = (check.fn.__doc__ or "").strip()
        assert doc and "\n" not in doc, check.id
        assert "yaml" in doc or "specs" in doc or "spec" in doc, check.id
