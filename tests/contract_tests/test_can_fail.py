"""The suite is able to fail: against a server that breaks exactly one rule, it fails and names that rule."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest

from contract_tests.checks import REGISTRY
from mock_server.background import BackgroundStub

from .broken import BROKEN as BROKEN_REMOVAL
from .broken import REFUSED
from .broken_lifecycle import BROKEN_LIFECYCLE
from .cli import Run, run_suite

EXAMPLES = "15"
BROKEN = {**BROKEN_REMOVAL, **BROKEN_LIFECYCLE}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    """Every broken server, each tested with only the checks it should fail, four runs at a time."""
    with ExitStack() as stack, ThreadPoolExecutor(max_workers=4) as pool:
        futures = {}
        plans = {name: (wrap, vendor, ",".join(checks)) for name, (wrap, vendor, checks) in BROKEN.items()}
        plans |= {name: (wrap, vendor, vendor + ".no_server_errors") for name, (wrap, vendor, _) in REFUSED.items()}
        for name, (wrap, vendor, only) in plans.items():
            stub = stack.enter_context(BackgroundStub(wrap=wrap))
            reports = tmp_path_factory.mktemp("broken")
            args = ("--url", stub.url, "--api", vendor, "--only", only, "--examples", EXAMPLES)
            futures[name] = pool.submit(run_suite, reports, *args)
        yield {name: future.result() for name, future in futures.items()}


def test_every_check_has_a_broken_server_it_catches() -> None:
    caught = {check for _, _, checks in BROKEN.values() for check in checks}
    assert {c.id for c in REGISTRY} <= caught


@pytest.mark.parametrize("name", list(BROKEN))
def test_suite_fails_and_names_the_broken_rule(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    _, _, checks = BROKEN[name]
    assert run.code == 1, f"expected exit code 1 against {name!r}:\n{run.output}"
    outcomes = run.outcomes()
    for check in checks:
        assert f"{check} FAILED" in run.output, run.output
        assert outcomes[check] == "fail", run.output


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_refused_setting_ends_the_run_with_one_message_naming_it(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    _, _, variable = REFUSED[name]
    assert run.code == 2, f"expected exit code 2 against {name!r}:\n{run.output}"
    assert "error: the target refuses the configuration:" in run.output
    assert variable in run.output and "received: HTTP 40" in run.output
    assert "FAILED" not in run.output and run.summary()["results"] == []
    assert run.summary()["requests"] <= 2  # the pre-flight only


def test_a_failure_shows_what_was_sent_what_came_back_and_the_rule(runs: dict[str, Run]) -> None:
    output = runs["repeated removal 404"].output
    assert 'rule:     recoup.yaml: "This endpoint is idempotent"' in output
    assert "sent:     curl -sS -i -X DELETE 'http://127.0.0.1:" in output
    assert '-H "x-api-key: ${RECOUP_API_KEY}"' in output or "Bearer ${RECOUP_BEARER_TOKEN}" in output
    assert "received: HTTP 404" in output
    assert "recoup_sk_demo" not in output  # secrets appear as variables only


def test_the_full_suite_passes_against_the_correct_stub(tmp_path: Path) -> None:
    run = run_suite(tmp_path, "--examples", "30", "--strict")
    assert run.code == 0, run.output
    assert set(run.outcomes().values()) == {"pass"}, run.output
    summary = run.summary()
    assert summary["mode"] == "stub" and summary["strict"] is True and summary["rate_limited"] == 0
    assert summary["generated_cases"] > 0 and summary["requests"] >= summary["generated_cases"]
    for key in ("duration_s", "cases_per_s"):
        assert summary[key] > 0
    assert (tmp_path / "junit.xml").read_text().count("<testcase") >= 20
    cases = {f"{r['vendor']}.{r['check']}": r["cases"] for r in summary["results"]}
    # Each row counts the cases its check applied to, not every generated case.
    assert 0 < cases["recoup.invalid_input_rejected"] < cases["recoup.no_server_errors"]
    assert 0 < cases["recoup.valid_input_accepted"] < cases["recoup.no_server_errors"]
