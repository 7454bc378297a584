"""The pytest side of a run: Hypothesis settings, selecting tests by check, and recording errors and skips.

Each test declares the checks it runs with `@covers(vendor, *names)`; a test none of whose checks is selected
is deselected. An error that is not a Violation (a refused request, a connection failure, a bug) is recorded
as a failure of every check of its test, so the table never shows it as passed; checks a Violation stopped
before they ran are "not run", naming the check that failed first. A target that kept rate-limiting
(`RateLimited`) is no failure: the run stops, and the checks not yet run say why.
"""

from __future__ import annotations

from collections.abc import Generator
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

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
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


def _find(error: BaseException, kind: type[E]) -> E | None:
    """The `kind` error behind an error, also inside Hypothesis' groups (e.g. a failure that did not replay)."""
    if isinstance(error, kind):
        return error
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            if (found := _find(inner, kind)) is not None:
                return found
    return None
