"""The Redis rule modules against the in-memory ones: the same calls, in the same order, on the same seed,
give the same answers and the same errors (class and message), and leave the same state."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from mock_server.core import recoup, turso
from mock_server.core.errors import RuleError, Unavailable
from mock_server.core.seed import load_seed_file
from mock_server.core.store import Store
from mock_server.redisstore import recoup as redis_recoup
from mock_server.redisstore import turso as redis_turso
from mock_server.redisstore.link import Link
from mock_server.redisstore.store import RedisStore
from mock_server.settings import DEMO_SEED
from tests.redis_server import RedisServer, free_port

SEED = load_seed_file(DEMO_SEED)
ORG = "0b5e8d2c-6f1a-4b3c-9d7e-1a2b3c4d5e6f"
FOREIGN = "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f"
MEMBER = "7c9e2f4a-1b3d-4c5e-8f6a-2d4b6c8e0a12"
NEWCOMER = "4b6d8f0a-2c4e-4f6a-8b0c-1d3f5a7b9c2e"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
KEY, OUTSIDER_KEY, BEARER = "recoup_sk_demo_5f1c9a2e7b", "recoup_sk_outsider_a41d93", "recoup_jwt_demo_8e2b71d4c0"
OWNER, ADMIN, VIEWER = "turso_demo_owner_3c7e19b5", "turso_demo_admin_6a2f80d4", "turso_demo_viewer_91b4e2c7"

RECOUP_CREDENTIALS: list[tuple[list[str], list[str]]] = [
    ([], []),
    ([KEY], [f"Bearer {BEARER}"]),
    (["nope"], []),
    ([], ["Basic abc"]),
    ([], ["Bearer nope"]),
    ([OUTSIDER_KEY], []),
    ([KEY], []),
    ([], [f"Bearer {BEARER}"]),
]
TURSO_CREDENTIALS = [
    [],
    ["Bearer a", "Bearer b"],
    ["Token x"],
    ["Bearer nope"],
    [f"Bearer {VIEWER}"],
    [f"Bearer {ADMIN}"],
    [f"Bearer {OWNER}"],
]


def recoup_calls(rules: Any) -> Iterator[tuple[str, Callable[[Any], Any]]]:
    for keys, auth in RECOUP_CREDENTIALS:
        c = {"api_keys": keys, "authorizations": auth}
        yield "whoami", lambda s, c=c: rules.get_account_id(s, **c)
        for ids in ([], [MEMBER], [MEMBER, MEMBER], ["x"], [UNKNOWN], [NEWCOMER]):
            yield "orgs", lambda s, c=c, ids=ids: rules.list_organizations(s, **c, account_ids=ids)
        for org, account in itertools.product([ORG, FOREIGN, UNKNOWN, "bad"], [MEMBER, UNKNOWN, "bad"]):
            yield (
                "remove",
                lambda s, c=c, o=org, a=account: rules.remove_member(s, **c, organization_ids=[o], account_ids=[a]),
            )
            body: Any = {"organizationId": org, "accountId": account}
            yield "add", lambda s, c=c, b=body: rules.add_member(s, **c, body=b)
        for body in (
            None,
            [],
            {},
            {"organizationId": ORG},
            {"organizationId": ORG, "email": "colleague@demo-records.example"},
            {"organizationId": ORG, "accountId": NEWCOMER, "email": "x@y.example"},
            {"organizationId": ORG, "email": 3},
        ):
            yield "add", lambda s, c=c, b=body: rules.add_member(s, **c, body=b)
    yield (
        "remove",
        lambda s: rules.remove_member(s, api_keys=[KEY], authorizations=[], organization_ids=[], account_ids=[MEMBER]),
    )
    yield "put", lambda s: rules.put_member(s, ORG, NEWCOMER)
    yield "put", lambda s: rules.put_member(s, UNKNOWN, NEWCOMER)
    yield "put", lambda s: rules.put_member(s, ORG, UNKNOWN)


def turso_calls(rules: Any) -> Iterator[tuple[str, Callable[[Any], Any]]]:
    for auth in TURSO_CREDENTIALS:
        c = {"authorizations": auth}
        yield "validate", lambda s, c=c: rules.validate_token(s, **c)
        yield "user", lambda s, c=c: rules.current_user(s, **c)
        yield "orgs", lambda s, c=c: rules.list_organizations(s, **c)
        for org in ("demo-org", "nowhere"):
            yield "org", lambda s, c=c, o=org: rules.get_organization(s, **c, organization=o)
            yield "members", lambda s, c=c, o=org: rules.list_members(s, **c, organization=o)
            for user in ("bob", "carol", "ghost"):
                yield "member", lambda s, c=c, o=org, u=user: rules.get_member(s, **c, organization=o, username=u)
                for body in (None, {}, {"role": "owner"}, {"role": "admin"}):
                    yield (
                        "update",
                        lambda s, c=c, o=org, u=user, b=body: rules.update_member_role(
                            s, **c, organization=o, username=u, body=b
                        ),
                    )
                for body in (
                    {"username": user},
                    {"username": user, "role": "viewer"},
                    {"username": user, "role": "x"},
                    [],
                ):
                    yield "add", lambda s, c=c, o=org, b=body: rules.add_member(s, **c, organization=o, body=b)
                yield "remove", lambda s, c=c, o=org, u=user: rules.remove_member(s, **c, organization=o, username=u)
    for org, user, role in (
        ("demo-org", "carol", "viewer"),
        ("demo-org", "carol", "viewer"),
        ("demo-org", "dave", "owner"),
        ("nowhere", "carol", "member"),
        ("demo-org", "ghost", "member"),
        ("demo-org", "x", "boss"),
    ):
        yield "put", lambda s, o=org, u=user, r=role: rules.put_member(s, o, u, r)


def outcome(call: Callable[[Any], Any], store: Any) -> Any:
    try:
        return ("ok", call(store))
    except RuleError as exc:
        return (type(exc).__name__, exc.status, exc.message)


@pytest.mark.parametrize(
    ("vendor", "memory_rules", "redis_rules", "calls"),
    [
        ("recoup", recoup, redis_recoup, recoup_calls),
        ("turso", turso, redis_turso, turso_calls),
    ],
)
def test_every_answer_and_error_is_the_in_memory_one(
    redis_server: RedisServer, vendor: str, memory_rules: Any, redis_rules: Any, calls: Any
) -> None:
    memory = Store(SEED)
    shared = RedisStore(Link(redis_server.url), f"parity-{vendor}:", SEED, reseed=True)
    compared = 0
    for (name, on_memory), (_, on_redis) in zip(calls(memory_rules), calls(redis_rules), strict=True):
        expected, got = outcome(on_memory, memory), outcome(on_redis, shared)
        assert got == expected, f"{name} #{compared}"
        compared += 1
    assert shared.document(secrets=True) == memory.document(secrets=True)
    assert compared > 300


def test_reset_load_seed_and_snapshots_replace_the_whole_state(redis_server: RedisServer) -> None:
    memory, shared = Store(SEED), RedisStore(Link(redis_server.url), "docs:", SEED, reseed=True)
    for store, rules in ((memory, turso), (shared, redis_turso)):
        rules.remove_member(store, authorizations=[f"Bearer {OWNER}"], organization="demo-org", username="bob")
        assert store.save_snapshot("no-bob") is False
        store.reset()
        masked = store.document()
        masked["turso"]["organizations"][0]["name"] = "Renamed"
        store.load(masked)  # masked secrets keep the current ones
    assert shared.document(secrets=True) == memory.document(secrets=True)
    assert [s.name for s in shared.snapshots()] == ["no-bob"]
    shared.restore_snapshot("no-bob")
    memory.restore_snapshot("no-bob")
    assert shared.document(secrets=True) == memory.document(secrets=True)
    with pytest.raises(RuleError) as missing:
        shared.restore_snapshot("nothing")
    assert missing.value.status == 404
    seed = shared.seed_document(secrets=True)
    seed["turso"]["users"] = [u for u in seed["turso"]["users"] if u["username"] != "dave"]
    shared.replace_seed(seed)
    memory.replace_seed(seed)
    assert shared.document(secrets=True) == memory.document(secrets=True)
    assert shared.seed_document() == memory.seed_document()
    # a second stub on the same prefix keeps the state it finds, and reset returns to the stored seed
    again = RedisStore(Link(redis_server.url), "docs:", SEED)
    assert again.outcome == "kept"
    again.reset()
    assert "dave" not in {u["username"] for u in again.document()["turso"]["users"]}


def test_an_unreachable_redis_is_a_quick_503_and_the_next_call_recovers() -> None:
    link = Link(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(Unavailable) as refused:
        link.run("x:", "dump")
    assert refused.value.status == 503 and "unavailable" in refused.value.message
    assert link.health()["healthy"] is False


def test_a_prefix_that_lost_its_state_is_seeded_again_before_answering(redis_server: RedisServer) -> None:
    link = Link(redis_server.url)
    shared = RedisStore(link, "lost:", SEED, reseed=True)
    redis_turso.remove_member(shared, authorizations=[f"Bearer {OWNER}"], organization="demo-org", username="bob")
    keys = link.command("KEYS", "lost:*")
    link.command("DEL", *keys)  # as a Redis restarted without persistence would be
    members = redis_turso.list_members(shared, authorizations=[f"Bearer {OWNER}"], organization="demo-org")
    assert "bob" in {m.username for m in members}  # the seed again, not a 401 from an empty state


def test_snapshot_errors_read_as_in_memory(redis_server: RedisServer) -> None:
    memory = Store(SEED, max_snapshots=2)
    shared = RedisStore(Link(redis_server.url), "snaps:", SEED, reseed=True, max_snapshots=2)
    for store in (memory, shared):
        store.save_snapshot("a")
        store.save_snapshot("b")
    for action in (
        lambda s: s.save_snapshot("c"),
        lambda s: s.save_snapshot("-bad"),
        lambda s: s.restore_snapshot("zz"),
        lambda s: s.delete_snapshot("zz"),
    ):
        assert outcome(action, shared) == outcome(action, memory)
    assert shared.save_snapshot("a") is True and memory.save_snapshot("a") is True
