from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from mock_server.core import turso
from mock_server.core.errors import BadRequest, Conflict, Forbidden, NotFound, RuleError, Unauthorized
from mock_server.core.store import Store
from tests.mock_server import demo


@pytest.fixture
def store() -> Store:
    return Store(demo.demo_seed())


def remove(store: Store, token: str | None = demo.OWNER_TOKEN, org: str = "demo-org", username: str = "bob") -> str:
    authorizations = [] if token is None else [f"Bearer {token}"]
    return turso.remove_member(store, authorizations=authorizations, organization=org, username=username)


def roster(store: Store, org: str = "demo-org") -> dict[str, str]:
    return dict(store.state.turso.organizations[org].members)


def refusal(store: Store, *, authorizations: Sequence[str], org: str = "demo-org", username: str = "bob") -> RuleError:
    before = {slug: dict(o.members) for slug, o in store.state.turso.organizations.items()}
    with pytest.raises(RuleError) as caught:
        turso.remove_member(store, authorizations=authorizations, organization=org, username=username)
    assert {slug: dict(o.members) for slug, o in store.state.turso.organizations.items()} == before
    return caught.value


@pytest.mark.parametrize("token", [demo.OWNER_TOKEN, demo.ADMIN_TOKEN])
def test_an_owner_or_admin_removes_a_member(store: Store, token: str) -> None:
    assert remove(store, token) == "bob"
    assert "bob" not in roster(store)
    assert roster(store)["alice"] == "member"


def test_a_removal_persists_so_the_second_one_is_404(store: Store) -> None:
    remove(store)
    with pytest.raises(NotFound) as caught:
        remove(store)
    assert caught.value.status == 404
    assert caught.value.message == "user bob is not a member of org demo-org"


def test_a_non_member_is_404_with_the_vendor_message(store: Store) -> None:
    with pytest.raises(NotFound) as caught:
        remove(store, username="outsider")
    assert caught.value.message == "user outsider is not a member of org demo-org"


def test_an_owner_may_remove_itself_and_is_then_refused(store: Store) -> None:
    remove(store, username="demo-owner")
    with pytest.raises(Forbidden):
        remove(store)


def test_an_admin_may_remove_the_owner(store: Store) -> None:
    remove(store, demo.ADMIN_TOKEN, username="demo-owner")
    assert "demo-owner" not in roster(store)


@pytest.mark.parametrize(
    "authorizations",
    [
        [],
        ["Bearer nope"],
        [f"Basic {demo.OWNER_TOKEN}"],
        [demo.OWNER_TOKEN],
        ["Bearer"],
        [f"Bearer {demo.OWNER_TOKEN}", f"Bearer {demo.OWNER_TOKEN}"],
    ],
)
def test_a_missing_or_unknown_token_is_401(store: Store, authorizations: list[str]) -> None:
    error = refusal(store, authorizations=authorizations)
    assert isinstance(error, Unauthorized) and error.status == 401


def test_the_401_messages_say_what_is_wrong(store: Store) -> None:
    assert refusal(store, authorizations=[]).message == turso.MISSING_TOKEN
    assert refusal(store, authorizations=["Bearer nope"]).message == "invalid or expired token"


@pytest.mark.parametrize(
    ("token", "org"),
    [
        (demo.VIEWER_TOKEN, "demo-org"),  # a viewer
        (demo.OUTSIDER_TOKEN, "demo-org"),  # an owner of another organization
        (demo.OWNER_TOKEN, "acme"),  # an owner here, nobody there
        (demo.OWNER_TOKEN, "no-such-org"),
    ],
)
def test_a_caller_who_is_not_owner_or_admin_there_is_403(store: Store, token: str, org: str) -> None:
    error = refusal(store, authorizations=[f"Bearer {token}"], org=org, username="outsider")
    assert isinstance(error, Forbidden) and error.status == 403
    assert error.message == turso.CANNOT_REMOVE


def test_a_plain_member_is_403() -> None:
    seed = demo.demo_seed()
    seed["turso"]["users"].append({"username": "erin", "tokens": ["erin-token"]})
    seed["turso"]["organizations"][0]["members"].append({"username": "erin", "role": "member"})
    store = Store(seed)
    assert isinstance(refusal(store, authorizations=["Bearer erin-token"]), Forbidden)


def test_order_is_401_then_403_then_404(store: Store) -> None:
    assert refusal(store, authorizations=["Bearer nope"], org="no-such-org", username="nobody").status == 401
    viewer = [f"Bearer {demo.VIEWER_TOKEN}"]
    assert refusal(store, authorizations=viewer, username="nobody").status == 403


def test_put_member_restores_a_removed_member_with_a_role(store: Store) -> None:
    remove(store)
    turso.put_member(store, "demo-org", "bob", "viewer")
    assert roster(store)["bob"] == "viewer"
    assert remove(store) == "bob"


def test_put_member_changes_the_role_of_a_member(store: Store) -> None:
    turso.put_member(store, "demo-org", "demo-viewer", "admin")
    assert remove(store, demo.VIEWER_TOKEN) == "bob"


@pytest.mark.parametrize(
    ("org", "username", "role", "error", "message"),
    [
        ("demo-org", "bob", "root", BadRequest, "role 'root' is not one of owner, admin, member, viewer"),
        ("demo-org", "", "member", BadRequest, "member must be a non-empty username without '/'"),
        ("demo-org", "a/b", "member", BadRequest, "member must be a non-empty username without '/'"),
        (
            "no-such-org",
            "bob",
            "member",
            NotFound,
            "turso organization no-such-org does not exist; organizations: demo-org, acme",
        ),
    ],
)
def test_put_member_refuses_bad_input(
    store: Store, org: str, username: str, role: str, error: type[RuleError], message: str
) -> None:
    with pytest.raises(error) as caught:
        turso.put_member(store, org, username, role)
    assert caught.value.message == message
    assert roster(store)["bob"] == "member"


def test_simultaneous_removals_from_threads_remove_exactly_once(store: Store) -> None:
    callers = 50
    barrier = threading.Barrier(callers)
    outcomes: list[str] = []

    def attempt() -> None:
        barrier.wait()
        try:
            outcomes.append(remove(store))
        except NotFound:
            outcomes.append("404")

    threads = [threading.Thread(target=attempt) for _ in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert sorted(outcomes) == ["404"] * (callers - 1) + ["bob"]


# --- the operations around removal ---------------------------------------------------------------

OWNER = [f"Bearer {demo.OWNER_TOKEN}"]
VIEWER = [f"Bearer {demo.VIEWER_TOKEN}"]


def test_reads_need_a_known_token(store: Store) -> None:
    for call in (turso.validate_token, turso.current_user, turso.list_organizations):
        with pytest.raises(Unauthorized):
            call(store, authorizations=[])
    assert turso.validate_token(store, authorizations=VIEWER) == -1
    assert turso.current_user(store, authorizations=OWNER) == ("demo-owner", "Demo Owner", "owner@demo-org.example")


def test_listing_members_needs_a_manager(store: Store) -> None:
    assert [m.username for m in turso.list_members(store, authorizations=OWNER, organization="demo-org")][:2] == [
        "demo-owner",
        "demo-admin",
    ]
    with pytest.raises(Forbidden, match=turso.CANNOT_LIST):
        turso.list_members(store, authorizations=VIEWER, organization="demo-org")


def test_add_member_checks_permission_body_user_membership_in_that_order(store: Store) -> None:
    def add(body: object, who: list[str] = OWNER) -> tuple[str, str]:
        return turso.add_member(store, authorizations=who, organization="demo-org", body=body)

    with pytest.raises(Forbidden, match=turso.CANNOT_ADD):
        add(None, VIEWER)
    with pytest.raises(BadRequest, match=turso.NOT_AN_OBJECT):
        add(None)
    with pytest.raises(BadRequest, match="invalid role 'owner'"):
        add({"username": "nobody", "role": "owner"})
    with pytest.raises(NotFound, match="could not find user nobody"):
        add({"username": "nobody"})
    with pytest.raises(Conflict, match="user alice is already a member of organization demo-org"):
        add({"username": "alice"})
    assert add({"username": "carol"}) == ("carol", "member")
    assert store.state.turso.organizations["demo-org"].members["carol"] == "member"


def test_update_role_and_retrieve_see_the_same_state(store: Store) -> None:
    member = turso.update_member_role(
        store, authorizations=OWNER, organization="demo-org", username="bob", body={"role": "viewer"}
    )
    assert member == turso.get_member(store, authorizations=VIEWER, organization="demo-org", username="bob")
    assert member.role == "viewer"
    with pytest.raises(BadRequest, match="role is required"):
        turso.update_member_role(store, authorizations=OWNER, organization="demo-org", username="bob", body={})
    with pytest.raises(NotFound):
        turso.update_member_role(
            store, authorizations=OWNER, organization="demo-org", username="carol", body={"role": "admin"}
        )
