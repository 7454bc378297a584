"""Sessions: a copy of the seed per name, bounded in number and records, least recently used dropped first."""

from __future__ import annotations

import pytest

from mock_server.core import turso
from mock_server.core.seed import build_state
from mock_server.core.sessions import SessionError, Sessions, records
from tests.mock_server import demo

SEED_RECORDS = records(build_state(demo.demo_seed()))


def sessions(**kwargs: int) -> Sessions:
    seed = demo.demo_seed()
    return Sessions(lambda: seed, **kwargs)


def remove_bob(s: Sessions, name: str) -> str:
    store, _ = s.store(name)
    return turso.remove_member(
        store, authorizations=[f"Bearer {demo.OWNER_TOKEN}"], organization=demo.TURSO_ORG, username="bob"
    )


def test_each_session_has_its_own_state() -> None:
    s = sessions()
    assert remove_bob(s, "a") == "bob"
    assert remove_bob(s, "b") == "bob"  # not a 404: b has its own copy
    a, _ = s.store("a")
    assert "bob" not in a.state.turso.organizations[demo.TURSO_ORG].members


def test_the_least_recently_used_is_dropped_past_the_limit() -> None:
    s = sessions(limit=3)
    for name in ("a", "b", "c"):
        assert s.store(name)[1] == []
    s.store("a")  # a is used again: b is now the oldest idle
    _, dropped = s.store("d")
    assert dropped == ["b"]
    assert [x["name"] for x in s.summary()] == ["c", "a", "d"]


def test_the_record_budget_drops_the_oldest_first() -> None:
    s = sessions(max_records=2 * SEED_RECORDS + 3)
    s.store("a")
    s.store("b")
    store, _ = s.store("b")
    for i in range(2):  # an account is one record
        with store.lock:
            store.state.recoup.accounts[f"00000000-0000-4000-8000-00000000000{i}"] = store.state.recoup.accounts[
                demo.CALLER
            ]
    assert s.measure("b") == []  # 2 * seed + 2 fits
    with store.lock:
        store.state.recoup.accounts["00000000-0000-4000-8000-000000000009"] = store.state.recoup.accounts[demo.CALLER]
        store.state.recoup.accounts["00000000-0000-4000-8000-000000000008"] = store.state.recoup.accounts[demo.CALLER]
    assert s.measure("b") == ["a"]
    assert s.total_records == SEED_RECORDS + 4


def test_reset_puts_one_session_back() -> None:
    s = sessions()
    remove_bob(s, "a")
    remove_bob(s, "b")
    s.reset("a")
    assert remove_bob(s, "a") == "bob"
    with pytest.raises(Exception, match="not a member"):
        remove_bob(s, "b")


@pytest.mark.parametrize("name", ["", "a b", "x" * 65, "ü", "a/b"])
def test_names_are_checked(name: str) -> None:
    with pytest.raises(SessionError, match="a session name is 1 to 64 letters"):
        sessions().store(name)
