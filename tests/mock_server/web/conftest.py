"""One stub for the whole session, put back to the demo seed before each test that uses it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mock_server.background import BackgroundStub
from tests.mock_server import demo
from tests.mock_server.web import conformance


@pytest.fixture(scope="session")
def stub() -> Iterator[BackgroundStub]:
    with BackgroundStub(demo.demo_seed()) as running:
        yield running


@pytest.fixture
def client(stub: BackgroundStub) -> Iterator[httpx.Client]:
    """A client of the session stub, which starts from the demo seed with an empty journal, no fault rules and
    no sessions.

    Every response it receives is checked against the specs (see conformance.py).
    """
    stub.store.replace_seed(demo.demo_seed())  # not reset: a test may have replaced the seed
    for snapshot in stub.store.snapshots():
        stub.store.delete_snapshot(snapshot.name)
    with conformance.client(stub.url) as http:
        assert http.delete("/__admin/journal").status_code == 200
        assert http.delete("/__admin/faults").status_code == 200
        assert http.delete("/__admin/sessions").status_code == 200
        yield http
