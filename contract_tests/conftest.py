"""Fixtures of the contract suite. Run it with `python -m contract_tests`, which provides the `contract` plugin."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .apis import RecoupApi, TursoApi
from .cases import CaseRunner
from .plugin import MARKER, SUITE
from .suite import Suite
from .target import Inapplicable


@pytest.fixture(scope="session")
def suite(pytestconfig: pytest.Config) -> Suite:
    found = pytestconfig.stash.get(SUITE, None)
    if found is None:
        pytest.exit("run the contract suite with `python -m contract_tests` (or `make contract`)", returncode=4)
    return found


@pytest.fixture(autouse=True)
def configured_vendor(request: pytest.FixtureRequest, suite: Suite) -> None:
    """A vendor without credentials is not tested at all; its checks are skipped, naming what to set."""
    marker = request.node.get_closest_marker(MARKER)
    reason = suite.unconfigured(marker.args[0]) if marker is not None else None
    if reason:
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def fresh_stub(configured_vendor: None, suite: Suite) -> Iterator[None]:
    """In stub mode every test starts from the seed (its session's); a live target is never reset."""
    if suite.target.mode == "stub" and suite.control is not None:
        suite.control.reset()
    yield


@pytest.fixture(scope="session")
def recoup(suite: Suite) -> RecoupApi:
    return suite.recoup


@pytest.fixture(scope="session")
def turso(suite: Suite) -> TursoApi:
    return suite.turso


@pytest.fixture(scope="session")
def recoup_cases(suite: Suite) -> CaseRunner:
    return _runner(suite, "recoup")


@pytest.fixture(scope="session")
def turso_cases(suite: Suite) -> CaseRunner:
    return _runner(suite, "turso")


def _runner(suite: Suite, vendor: str) -> CaseRunner:
    reason = suite.unconfigured(vendor)
    if reason:
        pytest.skip(reason)
    try:
        return CaseRunner(suite, vendor)
    except Inapplicable as why:
        pytest.skip(str(why))
