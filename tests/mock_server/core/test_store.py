from __future__ import annotations

import pytest

from mock_server.core.errors import BadRequest, Conflict, NotFound
from mock_server.core.seed import SeedError
from mock_server.core.store import Store
from tests.mock_server import demo

SMALL = {
    "turso": {
        "users": [{"username": "solo", "tokens": ["solo-token"]}],
        "organizations": [{"slug": "tiny", "members": [{"username": "solo", "role": "owner"}]}],
    }
}


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


def test_load_replaces_the_state_but_not_the_reset_target() -> None:
    seed = demo.demo_seed()
    store = Store(seed)
    store.load(SMALL)
    assert store.seed is seed
    assert list(store.state.turso.organizations) == ["tiny"]
    assert store.state.recoup.organizations == {}
    store.reset()
    assert store.state.turso.organizations["demo-org"].members["bob"] == "member"


def test_replace_seed_changes_the_reset_target_and_resets_to_it() -> None:
    store = Store(demo.demo_seed())
    store.replace_seed(SMALL)
    assert store.seed == SMALL
    assert list(store.state.turso.organizations) == ["tiny"]
    store.state.turso.organizations["tiny"].members.clear()
    store.reset()
    assert store.state.turso.organizations["tiny"].members == {"solo": "owner"}


def test_a_masked_document_loads_as_the_same_state() -> None:
    store = Store(demo.demo_seed())
    store.state.turso.organizations["demo-org"].members.pop("bob")
    masked = store.document()
    assert masked["demo"]["TURSO_TOKEN"] == "***"
    before = store.document(secrets=True)
    store.load(masked)
    assert store.document(secrets=True) == before


def test_a_masked_secret_without_a_current_one_is_refused_naming_it() -> None:
    store = Store(demo.demo_seed())
    doc = store.document()
    doc["turso"]["users"][0]["tokens"].append("***")
    with pytest.raises(SeedError, match=r"turso\.users\[0\]\.tokens\[1\]: '\*\*\*' keeps the current secret"):
        store.load(doc)


def test_snapshots_save_list_restore_and_delete() -> None:
    store = Store(demo.demo_seed())
    assert store.save_snapshot("before") is False
    store.state.turso.organizations["demo-org"].members.pop("bob")
    store.restore_snapshot("before")
    assert "bob" in store.state.turso.organizations["demo-org"].members
    assert store.save_snapshot("before") is True
    assert [s.name for s in store.snapshots()] == ["before"]
    store.delete_snapshot("before")
    assert store.snapshots() == []
    with pytest.raises(NotFound, match="no snapshot named 'before'; saved snapshots: none yet"):
        store.restore_snapshot("before")


def test_snapshots_are_bounded() -> None:
    store = Store(demo.demo_seed(), max_snapshots=2)
    store.save_snapshot("a")
    store.save_snapshot("b")
    with pytest.raises(Conflict, match=r"already 2 snapshots \(a, b\)"):
        store.save_snapshot("c")
    assert store.save_snapshot("b") is True  # an existing name may be saved again
    assert [s.name for s in store.snapshots()] == ["a", "b"]


@pytest.mark.parametrize("name", ["", "-x", "a/b", "x" * 65, "sp ace", "é"])
def test_a_snapshot_name_outside_the_allowed_characters_is_refused(name: str) -> None:
    with pytest.raises(BadRequest, match="use 1 to 64 letters"):
        Store(demo.demo_seed()).save_snapshot(name)


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
