"""Fixtures for the resilience tests: a real stub over HTTP, and a tally of the requests sent."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from mock_server.background import BackgroundStub

from .support import Tally

_TALLY = Tally()


@pytest.fixture(scope="session")
def tally() -> Tally:
    return _TALLY


@pytest.fixture(scope="module")
def stub() -> Iterator[BackgroundStub]:
    """The demo stub on a free loopback port, shared by one module's tests.

    uvicorn logs a warning for every request its HTTP parser refuses; thousands of them are
    expected here, so only errors (tracebacks of a failing request) are kept.
    """
    logger = logging.getLogger("uvicorn.error")
    level = logger.level
    with BackgroundStub() as running:
        logger.setLevel(logging.ERROR)
        try:
            yield running
        finally:
            logger.setLevel(level)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _TALLY:
        return
    terminalreporter.section("resilience: requests sent")
    for kind, count in sorted(_TALLY.items()):
        terminalreporter.write_line(f"  {kind:<38} {count:>7,}")
    terminalreporter.write_line(f"  {'total':<38} {sum(_TALLY.values()):>7,}")
