from __future__ import annotations

from collections.abc import Sequence

import pytest

from mock_server.core import recoup
from mock_server.core.errors import BadRequest, Forbidden, NotFound, RuleError, Unauthorized
from mock_server.core.store import Store
from tests.mock_server import demo

KEY = {"api_keys": [demo.API_KEY]}


@pytest.fixture
def store() -> Store:
    return Store(demo.demo_seed())


def remove(
    store: Store,
    *,
    api_keys: Sequence[str] = (),
    authorizations: Sequence[str] = (),
    org: Sequence[str] = (demo.ORG,),
    account: Sequence[str] = (demo.DISPOSABLE,),
) -> None:
    recoup.remove_member(
        store, api_keys=api_keys, authorizations=authorizations, organization_ids=org, account_ids=account
    )


def members(store: Store, org: str = demo.ORG) -> set[str]:
    return set(store.state.recoup.organizations[org].members)


def refusal(store: Store, **request: Sequence[str]) -> RuleError:
    before = {o: set(org.members) for o, org in store.state.recoup.organizations.items()}
    with pytest.raises(RuleError) as caught:
        remove(store, **request)
    after = {o: set(org.members) for o, org in store.state.recoup.organizations.items()}
    assert after == before, "a refused request changed the state"
    return caught.value


def test_an_api_key_caller_removes_a_member(store: Store) -> None:
    remove(store, api_keys=[demo.API_KEY])
    assert members(store) == {demo.CALLER, demo.COLLEAGUE}


def test_a_bearer_caller_removes_a_member(store: Store) -> None:
    remove(store, authorizations=[f"Bearer {demo.BEARER}"])
    assert demo.DISPOSABLE not in members(store)


def test_removal_is_idempotent(store: Store) -> None:
    remove(store, api_keys=[demo.API_KEY])
    remove(store, api_keys=[demo.API_KEY])
    assert members(store) == {demo.CALLER, demo.COLLEAGUE}


def test_removing_a_non_member_succeeds_and_changes_nothing(store: Store) -> None:
    remove(store, api_keys=[demo.API_KEY], account=[demo.STRANGER])
    assert members(store) == {demo.CALLER, demo.DISPOSABLE, demo.COLLEAGUE}


def test_a_member_may_remove_itself_and_is_then_refused(store: Store) -> None:
    remove(store, api_keys=[demo.API_KEY], account=[demo.CALLER])
    assert demo.CALLER not in members(store)
    error = refusal(store, api_keys=[demo.API_KEY])
    assert isinstance(error, Forbidden)


def test_upper_case_uuids_address_the_same_records(store: Store) -> None:
    remove(store, api_keys=[demo.API_KEY], org=[demo.ORG.upper()], account=[demo.DISPOSABLE.upper()])
    assert demo.DISPOSABLE not in members(store)


def test_only_the_named_organization_changes(store: Store) -> None:
    store.state.recoup.organizations[demo.FOREIGN_ORG].members.add(demo.DISPOSABLE)
    remove(store, api_keys=[demo.API_KEY])
    assert demo.DISPOSABLE in members(store, demo.FOREIGN_ORG)


def test_the_organization_account_itself_may_remove_members() -> None:
    seed = {
        "recoup": {
            "accounts": [{"id": demo.ORG, "api_keys": ["org-key"]}, {"id": demo.DISPOSABLE}],
            "organizations": [{"id": demo.ORG, "members": [demo.DISPOSABLE]}],
        }
    }
    store = Store(seed)
    remove(store, api_keys=["org-key"])
    assert members(store) == set()


UNAUTHORIZED: list[dict[str, list[str]]] = [
    {},
    {"api_keys": ["nope"]},
    {"api_keys": [""]},
    {"authorizations": ["Bearer nope"]},
    {"authorizations": [f"Basic {demo.BEARER}"]},
    {"authorizations": [demo.BEARER]},
    {"authorizations": ["Bearer"]},
    {"api_keys": [demo.API_KEY], "authorizations": [f"Bearer {demo.BEARER}"]},
    {"api_keys": ["nope"], "authorizations": [f"Bearer {demo.BEARER}"]},
    {"api_keys": [demo.API_KEY], "authorizations": ["Bearer nope"]},
    {"api_keys": [demo.API_KEY, demo.API_KEY]},
    {"api_keys": [demo.API_KEY, "nope"]},
    {"authorizations": [f"Bearer {demo.BEARER}", f"Bearer {demo.BEARER}"]},
]


@pytest.mark.parametrize("credentials", UNAUTHORIZED)
def test_anything_but_exactly_one_known_credential_is_401(store: Store, credentials: dict[str, list[str]]) -> None:
    error = refusal(store, **credentials)
    assert isinstance(error, Unauthorized) and error.status == 401


def test_none_or_two_credentials_get_the_vendor_message(store: Store) -> None:
    assert refusal(store).message == recoup.EXACTLY_ONE
    two = refusal(store, api_keys=[demo.API_KEY], authorizations=[f"Bearer {demo.BEARER}"])
    assert two.message == "Exactly one of x-api-key or Authorization must be provided"


def test_credentials_are_checked_before_parameters(store: Store) -> None:
    error = refusal(store, org=["bad"], account=[])
    assert error.status == 401
    error = refusal(store, api_keys=["nope"], org=[], account=["bad"])
    assert error.status == 401


BAD_PARAMETERS: list[tuple[list[str], list[str], str]] = [
    ([], [demo.DISPOSABLE], "organization_id is required"),
    ([""], [demo.DISPOSABLE], "organization_id is required"),
    (["", ""], [demo.DISPOSABLE], "organization_id is required"),
    (["not-a-uuid"], [demo.DISPOSABLE], "organization_id must be a valid UUID"),
    ([demo.ORG.replace("-", "")], [demo.DISPOSABLE], "organization_id must be a valid UUID"),
    ([demo.ORG, demo.ORG], [demo.DISPOSABLE], "organization_id must be given once, got 2 values"),
    ([demo.ORG, ""], [demo.DISPOSABLE], "organization_id must be given once, got 2 values"),
    ([demo.ORG], [], "account_id is required"),
    ([demo.ORG], ["42"], "account_id must be a valid UUID"),
    ([demo.ORG], [demo.DISPOSABLE, demo.COLLEAGUE], "account_id must be given once, got 2 values"),
    (["bad"], ["bad"], "organization_id must be a valid UUID"),
    ([], [], "organization_id is required"),
]


@pytest.mark.parametrize(("org", "account", "message"), BAD_PARAMETERS)
def test_bad_parameters_are_400_naming_the_first_bad_one(
    store: Store, org: list[str], account: list[str], message: str
) -> None:
    error = refusal(store, api_keys=[demo.API_KEY], org=org, account=account)
    assert isinstance(error, BadRequest) and error.status == 400
    assert error.message == message


def test_parameters_are_checked_before_access(store: Store) -> None:
    error = refusal(store, api_keys=[demo.API_KEY], org=[demo.FOREIGN_ORG], account=["bad"])
    assert error.status == 400


@pytest.mark.parametrize(
    ("org", "key"),
    [
        (demo.FOREIGN_ORG, demo.API_KEY),  # an existing organization the caller is not in
        (demo.UNKNOWN_ORG, demo.API_KEY),  # an organization that does not exist
        (demo.ORG, demo.OUTSIDER_KEY),
    ],
)
def test_a_caller_outside_the_organization_is_403(store: Store, org: str, key: str) -> None:
    error = refusal(store, api_keys=[key], org=[org])
    assert isinstance(error, Forbidden) and error.status == 403
    assert error.message == "Caller is not a member of the organization"


def test_an_unknown_organization_is_403_even_when_it_is_the_callers_own_id(store: Store) -> None:
    error = refusal(store, api_keys=[demo.API_KEY], org=[demo.CALLER])
    assert isinstance(error, Forbidden)


def test_parameter_returns_the_lower_case_uuid() -> None:
    assert recoup.parameter("x", [demo.ORG.upper()]) == demo.ORG


def test_put_member_adds_and_is_idempotent(store: Store) -> None:
    recoup.put_member(store, demo.FOREIGN_ORG, demo.CALLER.upper())
    recoup.put_member(store, demo.FOREIGN_ORG, demo.CALLER)
    assert members(store, demo.FOREIGN_ORG) == {demo.OUTSIDER, demo.CALLER}
    remove(store, api_keys=[demo.API_KEY], org=[demo.FOREIGN_ORG], account=[demo.OUTSIDER])
    assert members(store, demo.FOREIGN_ORG) == {demo.CALLER}


def test_put_member_restores_a_removed_member(store: Store) -> None:
    remove(store, api_keys=[demo.API_KEY])
    recoup.put_member(store, demo.ORG, demo.DISPOSABLE)
    assert demo.DISPOSABLE in members(store)


@pytest.mark.parametrize(
    ("org", "account", "error", "message"),
    [
        (
            demo.UNKNOWN_ORG,
            demo.CALLER,
            NotFound,
            f"recoup organization {demo.UNKNOWN_ORG} does not exist; organizations: {demo.ORG}, {demo.FOREIGN_ORG}",
        ),
        ("org", demo.CALLER, BadRequest, "organization must be a valid UUID"),
        (demo.ORG, "", BadRequest, "member is required"),
        (demo.ORG, "acct", BadRequest, "member must be a valid UUID"),
    ],
)
def test_put_member_refuses_bad_input(
    store: Store, org: str, account: str, error: type[RuleError], message: str
) -> None:
    with pytest.raises(error) as caught:
        recoup.put_member(store, org, account)
    assert caught.value.message == message
    assert members(store) == {demo.CALLER, demo.DISPOSABLE, demo.COLLEAGUE}


# --- the operations around removal ---------------------------------------------------------------


def test_get_account_id_authenticates_like_every_operation(store: Store) -> None:
    assert recoup.get_account_id(store, api_keys=[demo.API_KEY], authorizations=[]) == demo.CALLER
    with pytest.raises(Unauthorized):
        recoup.get_account_id(store, api_keys=[], authorizations=[])


def test_list_organizations_validates_the_query_before_the_credentials(store: Store) -> None:
    with pytest.raises(BadRequest, match="account_id must be a valid UUID"):
        recoup.list_organizations(store, api_keys=[], authorizations=[], account_ids=["x"])
    with pytest.raises(Unauthorized):
        recoup.list_organizations(store, api_keys=[], authorizations=[], account_ids=[demo.CALLER])


def test_list_organizations_is_the_callers_or_a_colleagues(store: Store) -> None:
    own = recoup.list_organizations(store, api_keys=[demo.API_KEY], authorizations=[], account_ids=[])
    colleague = recoup.list_organizations(
        store, api_keys=[demo.API_KEY], authorizations=[], account_ids=[demo.COLLEAGUE]
    )
    assert [m.organization_id for m in own] == [m.organization_id for m in colleague] == [demo.ORG]
    assert own[0].id != colleague[0].id  # one membership each
    with pytest.raises(Forbidden, match=recoup.ACCESS_DENIED):
        recoup.list_organizations(store, api_keys=[demo.API_KEY], authorizations=[], account_ids=[demo.OUTSIDER])


def test_add_member_checks_body_before_access_and_access_before_the_account(store: Store) -> None:
    def add(body: object) -> tuple[str, str]:
        return recoup.add_member(store, api_keys=[demo.API_KEY], authorizations=[], body=body)

    with pytest.raises(BadRequest, match="organizationId is required"):
        add({"accountId": demo.STRANGER})
    with pytest.raises(Forbidden):
        add({"organizationId": demo.FOREIGN_ORG, "accountId": demo.STRANGER})
    with pytest.raises(NotFound):
        add({"organizationId": demo.ORG, "accountId": demo.STRANGER})
    membership, account = add({"organizationId": demo.ORG, "accountId": demo.NEWCOMER.upper()})
    assert account == demo.NEWCOMER and demo.NEWCOMER in members(store)
    assert add({"organizationId": demo.ORG, "email": demo.NEWCOMER_EMAIL}) == (membership, demo.NEWCOMER)


def test_the_organization_account_itself_may_add_and_an_unknown_email_creates_an_account() -> None:
    seed = demo.demo_seed()
    seed["recoup"]["accounts"].append({"id": demo.ORG, "name": "Demo Records", "api_keys": ["org-key"]})
    store = Store(seed)
    _, account = recoup.add_member(
        store, api_keys=["org-key"], authorizations=[], body={"organizationId": demo.ORG, "email": "x@example.com"}
    )
    assert store.state.recoup.accounts[account].email == "x@example.com"
    assert store.state.recoup.emails["x@example.com"] == account
    assert account in members(store)
