from __future__ import annotations

import pytest

from mock_server.core.seed import SeedError
from mock_server.core.store import Store
from tests.mock_server import demo

SMALL = {"turso": {"organizations": [{"slug": "tiny", "members": [{"username": "solo", "role": "owner"}]}]}}


def test_a_store_starts_from_its_seed() -> None:
    seed = demo.demo_seed()
    store = Store(seed)
    assert store.seed is seed
    assert demo.DISPOSABLE in store.state.recoup.organizations[demo.ORG].members


def test_a_store_refuses_an_invalid_seed() -> None:
    with pytest.raises(SeedError, match="turso must be a mapping"):
        Store({"turso": []})


def test_reset_undoes_every_change() -> None:
    store = Store(demo.demo_seed())
    store.state.recoup.organizations[demo.ORG].members.clear()
    del store.state.turso.organizations["demo-org"].members["bob"]
    store.reset()
    assert demo.DISPOSABLE in store.state.recoup.organizations[demo.ORG].members
    assert store.state.turso.organizations["demo-org"].members["bob"] == "member"


def test_reset_builds_fresh_state_each_time() -> None:
    store = Store(demo.demo_seed())
    store.reset()
    first = store.state
    first.turso.organizations["demo-org"].members.pop("bob")
    store.reset()
    assert store.state is not first
    assert "bob" in store.state.turso.organizations["demo-org"].members


def test_load_replaces_the_state_and_becomes_the_reset_target() -> None:
    store = Store(demo.demo_seed())
    store.load(SMALL)
    assert store.seed is SMALL
    assert list(store.state.turso.organizations) == ["tiny"]
    assert store.state.recoup.organizations == {}
    store.state.turso.organizations["tiny"].members.clear()
    store.reset()
    assert store.state.turso.organizations["tiny"].members == {"solo": "owner"}


def test_an_invalid_load_keeps_state_and_seed() -> None:
    seed = demo.demo_seed()
    store = Store(seed)
    store.state.turso.organizations["demo-org"].members.pop("bob")
    before = store.state
    with pytest.raises(SeedError, match=r"recoup\.accounts\[0\]\.id"):
        store.load({"recoup": {"accounts": [{"id": "nope"}]}, **SMALL})
    assert store.state is before
    assert "bob" not in store.state.turso.organizations["demo-org"].members  # the change is kept, too
    assert store.seed is seed
    store.reset()
    assert "bob" in store.state.turso.organizations["demo-org"].members
