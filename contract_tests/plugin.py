"""The pytest side of a run: Hypothesis settings, selecting tests by check, and recording errors and skips.

Each test declares the checks it runs with `@covers(vendor, *names)`; a test none of whose checks is selected
is deselected, and the conformance module is not even collected when none of its checks is selected
(collecting it generates its coverage cases, most of a short `--only` run's time).

An error that is not a Violation (a refused request, a connection failure, a bug) is recorded as a failure of every
check of its test, so the table never shows it as passed, and so is a Violation of a read a test needs as evidence
(the member list before a removal); checks a Violation stopped before they ran are "not run", naming the check that
failed first. A target that kept rate-limiting (`RateLimited`) is no failure: the run stops, and the checks not yet
run say why.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, Phase, settings

from .checks import Check, Violation
from .http import RateLimited
from .suite import Suite

MARKER = "contract"
E = TypeVar("E", bound=BaseException)
RATE_LIMITED = "the target rate-limited this run before this check could run"
SUITE = pytest.StashKey["Suite"]()


STATE = "contract_state"
# The conformance module covers only the conformance checks and error_body (`test_conformance.NAMES`); a run
# that selects none of them does not collect it, since collecting it generates its coverage cases.
CONFORMANCE_MODULE = "test_conformance.py"
CONFORMANCE_SECTIONS = ("conformance", "error bodies")


def shares_state(vendor: str) -> pytest.MarkDecorator:
    """Mark a test that changes or compares `vendor`'s membership (the disposable member, the member list):
    such tests share one worker in a concurrent run, one after the other in file order."""
    mark: pytest.MarkDecorator = getattr(pytest.mark, STATE)(vendor)
    return mark


def few(divisor: int = 10) -> int:
    """Examples for a property that costs several requests per example: EXAMPLES / divisor, at least 2."""
    current = settings.default
    return max(2, (current.max_examples if current is not None else 100) // divisor)


def covers(vendor: str, *names: str) -> pytest.MarkDecorator:
    """Declare which checks (by name) of which vendor a test runs."""
    mark: pytest.MarkDecorator = getattr(pytest.mark, MARKER)(vendor, *names)
    return mark


class ContractPlugin:
    def __init__(self, suite: Suite) -> None:
        self.suite = suite

    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[SUITE] = self.suite
        config.addinivalue_line("markers", f"{MARKER}(vendor, *checks): the checks a contract test runs")
        config.addinivalue_line("markers", f"{STATE}(vendor): the test changes or compares the vendor's members")
        settings.register_profile(
            "contract",
            max_examples=self.suite.config.examples,
            deadline=None,
            database=None,
            derandomize=False,
            print_blob=False,
            report_multiple_bugs=False,
            # No shrinking: a failure is reported as first seen, and a broken target costs no extra traffic.
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        settings.load_profile("contract")

    def pytest_ignore_collect(self, collection_path: Path, config: pytest.Config) -> bool | None:
        if collection_path.name != CONFORMANCE_MODULE:
            return None
        return None if any(c.section in CONFORMANCE_SECTIONS for c in self.suite.checks) else True

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        _name_operations(items)
        keep: list[pytest.Item] = []
        drop: list[pytest.Item] = []
        for item in items:
            (keep if self._checks(item) else drop).append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
        report = yield
        results = self.suite.results
        checks = self._checks(item)
        pending = [c for c in checks if not results.has_outcome(c)]
        error = call.excinfo.value if call.excinfo is not None else None
        violation = _find(error, Violation) if error is not None else None
        if report.failed and error is not None and _find(error, RateLimited) is not None:
            for check in pending:
                results.blocked(check, RATE_LIMITED)
            item.session.shouldstop = "the target rate-limited this run"
        elif report.failed and error is not None and violation is None:
            problem = f"{type(error).__name__}: {error}".splitlines()[0]
            for check in checks:
                results.failed(check, problem, f"{check.id} ERROR\n  {type(error).__name__}: {error}")
        elif report.failed and violation is not None and violation.check is None:
            # A read the test's checks need as evidence (e.g. the member list) broke a rule of its own.
            for check in pending:
                named = Violation(f"a read it needs failed: {violation.problem}", *violation.exchanges).named(check)
                results.failed(check, named.problem, str(named))
        elif report.failed and violation is not None:
            if violation.check is not None and violation.check not in checks:
                results.other_failures.append(str(violation))
            cause = violation.check.id if violation.check is not None else "an earlier step"
            for check in pending:
                results.blocked(check, f"{cause} failed first")
        elif report.skipped and pending:
            reason = getattr(error, "msg", None) or "skipped"
            for check in pending:
                results.skipped(check, str(reason))
        return report

    def _checks(self, item: pytest.Item) -> list[Check]:
        marker = item.get_closest_marker(MARKER)
        if marker is None:
            return []
        vendor, *names = marker.args
        return self.suite.selected(vendor, names)


def _name_operations(items: list[pytest.Item]) -> None:
    """Give each operation's conformance test its own node id ("...::test_turso_conformance[GET-/v1/user]").

    Schemathesis makes one item per operation under the test's id; pytest-xdist finds a test by its id, so
    ids must be unique for a concurrent run to run every operation.
    """
    seen: dict[str, int] = {}
    for item in items:
        seen[item.nodeid] = seen.get(item.nodeid, 0) + 1
    for item in items:
        label = getattr(item, "operation_label", None)
        node_id = getattr(item, "_id", None)
        if seen[item.nodeid] > 1 and label and node_id is not None and node_id.params is None:
            item._id = node_id.with_params(label.replace(" ", "-"))


def _find(error: BaseException, kind: type[E]) -> E | None:
    """The `kind` error behind an error, also inside Hypothesis' groups (e.g. a failure that did not replay)."""
    if isinstance(error, kind):
        return error
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            if (found := _find(inner, kind)) is not None:
                return found
    return None
