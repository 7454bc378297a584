from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mock_server.core.seed import DEMO_KEYS, EXTRA_DEMO_KEYS, SeedError, build_state, is_uuid, load_seed_file
from mock_server.settings import DEMO_SEED
from tests.mock_server import demo

ACCOUNT = "3f2a6c1e-8b4d-4e7a-9c21-5d0b7e9a1f01"
OTHER = "7c9e2f4a-1b3d-4c5e-8f6a-2d4b6c8e0a12"


def test_the_demo_seed_builds_the_demo_world() -> None:
    state = build_state(demo.demo_seed())
    assert state.recoup.api_keys.owner_of(demo.API_KEY) == demo.CALLER
    assert state.recoup.bearer_tokens.owner_of(demo.BEARER) == demo.CALLER
    assert state.recoup.organizations[demo.ORG].members == {demo.CALLER, demo.DISPOSABLE, demo.COLLEAGUE}
    assert state.recoup.organizations[demo.FOREIGN_ORG].members == {demo.OUTSIDER}
    assert state.turso.tokens.owner_of(demo.OWNER_TOKEN) == "demo-owner"
    assert state.turso.organizations["demo-org"].members["alice"] == "member"
    assert state.turso.organizations["acme"].members == {"outsider": "owner"}
    assert state.demo == demo.DEMO_VARIABLES
    assert set(state.demo) == {*DEMO_KEYS, *EXTRA_DEMO_KEYS}


def test_uuids_are_stored_lower_case() -> None:
    state = build_state(
        {
            "recoup": {
                "accounts": [{"id": ACCOUNT.upper()}],
                "organizations": [{"id": OTHER.upper(), "members": [ACCOUNT.upper()]}],
            }
        }
    )
    assert list(state.recoup.accounts) == [ACCOUNT]
    assert state.recoup.organizations[OTHER].members == {ACCOUNT}


@pytest.mark.parametrize("doc", [None, {}, {"recoup": None, "turso": None, "demo": None}])
def test_an_empty_seed_is_an_empty_world(doc: Any) -> None:
    state = build_state(doc)
    assert state.recoup.accounts == {} and state.turso.organizations == {} and state.demo == {}


@pytest.mark.parametrize(
    "value", [ACCOUNT, ACCOUNT.upper(), "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"]
)
def test_is_uuid_accepts_hyphenated_hex(value: str) -> None:
    assert is_uuid(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        ACCOUNT.replace("-", ""),
        "{" + ACCOUNT + "}",
        "urn:uuid:" + ACCOUNT,
        ACCOUNT + "\n",
        " " + ACCOUNT,
        ACCOUNT[:-1] + "g",
        ACCOUNT[:-1],
        "3f2a6c1e8-b4d-4e7a-9c21-5d0b7e9a1f01",
        "\uff13f2a6c1e-8b4d-4e7a-9c21-5d0b7e9a1f01",  # a full-width digit
    ],
)
def test_is_uuid_refuses_other_text(value: str) -> None:
    assert not is_uuid(value)


# (seed document, text the error must contain: the location of the problem, and what it is)
BAD_SEEDS: list[tuple[Any, str]] = [
    ([], "the seed must be a mapping, not list"),
    ("text", "the seed must be a mapping, not str"),
    ({"recup": {}}, "the seed: unknown field 'recup'"),
    ({"recoup": []}, "recoup must be a mapping, not list"),
    ({"recoup": {"users": []}}, "recoup: unknown field 'users'"),
    ({"recoup": {"accounts": {}}}, "recoup.accounts must be a list, not dict"),
    ({"recoup": {"accounts": ["x"]}}, "recoup.accounts[0] must be a mapping, not str"),
    ({"recoup": {"accounts": [{"id": ACCOUNT, "key": "k"}]}}, "recoup.accounts[0]: unknown field 'key'"),
    ({"recoup": {"accounts": [{}]}}, "recoup.accounts[0].id must be a string, not NoneType"),
    ({"recoup": {"accounts": [{"id": "acct-1"}]}}, "recoup.accounts[0].id: 'acct-1' is not a hyphenated UUID"),
    ({"recoup": {"accounts": [{"id": ACCOUNT, "name": 5}]}}, "recoup.accounts[0].name must be a string, not int"),
    ({"recoup": {"accounts": [{"id": ACCOUNT, "api_keys": "k"}]}}, "recoup.accounts[0].api_keys must be a list"),
    (
        {"recoup": {"accounts": [{"id": ACCOUNT, "api_keys": [""]}]}},
        "recoup.accounts[0].api_keys[0]: a credential cannot",
    ),
    ({"recoup": {"accounts": [{"id": ACCOUNT, "api_keys": [7]}]}}, "recoup.accounts[0].api_keys[0] must be a string"),
    ({"recoup": {"accounts": [{"id": ACCOUNT, "bearer_tokens": ["t", None]}]}}, "recoup.accounts[0].bearer_tokens[1]"),
    ({"recoup": {"accounts": [{"id": ACCOUNT}, {"id": ACCOUNT.upper()}]}}, "recoup.accounts[1].id: account"),
    (
        {"recoup": {"accounts": [{"id": ACCOUNT, "api_keys": ["k"]}, {"id": OTHER, "api_keys": ["k"]}]}},
        f"recoup.accounts[1].api_keys: this credential already belongs to {ACCOUNT}",
    ),
    (
        {"recoup": {"accounts": [{"id": ACCOUNT, "bearer_tokens": ["t", "t"]}]}},
        "recoup.accounts[0].bearer_tokens: this credential already belongs to",
    ),
    ({"recoup": {"organizations": "o"}}, "recoup.organizations must be a list, not str"),
    ({"recoup": {"organizations": [{"id": "org"}]}}, "recoup.organizations[0].id: 'org' is not a hyphenated UUID"),
    (
        {"recoup": {"organizations": [{"id": OTHER, "owner": ACCOUNT}]}},
        "recoup.organizations[0]: unknown field 'owner'",
    ),
    ({"recoup": {"organizations": [{"id": OTHER}, {"id": OTHER}]}}, "recoup.organizations[1].id: organization"),
    ({"recoup": {"organizations": [{"id": OTHER, "members": [ACCOUNT, "m"]}]}}, "recoup.organizations[0].members[1]:"),
    (
        {"recoup": {"organizations": [{"id": OTHER, "members": ACCOUNT}]}},
        "recoup.organizations[0].members must be a list",
    ),
    ({"turso": 3}, "turso must be a mapping, not int"),
    ({"turso": {"users": [{"login": "x"}]}}, "turso.users[0]: unknown field 'login'"),
    ({"turso": {"users": [{"username": "x", "email": "x"}]}}, "turso.users[0].email: 'x' is not an email address"),
    ({"turso": {"users": [{"username": "x", "name": 5}]}}, "turso.users[0].name must be a string, not int"),
    (
        {"recoup": {"accounts": [{"id": ACCOUNT, "email": "nope@"}]}},
        "recoup.accounts[0].email: 'nope@' is not an email address",
    ),
    (
        {"recoup": {"accounts": [{"id": ACCOUNT, "email": "a@b.co"}, {"id": OTHER, "email": "a@b.co"}]}},
        "recoup.accounts[1].email: 'a@b.co' already belongs to account",
    ),
    ({"demo": {"TURSO_MEMBER_TOKEN": 5}}, "demo.TURSO_MEMBER_TOKEN must be a string, not int"),
    ({"turso": {"users": [{"username": ""}]}}, "turso.users[0].username: '' is not usable in a URL path segment"),
    ({"turso": {"users": [{"username": "a/b"}]}}, "turso.users[0].username: 'a/b' is not usable"),
    ({"turso": {"users": [{"username": "a"}, {"username": "a"}]}}, "turso.users[1].username: user 'a' is listed twice"),
    (
        {"turso": {"users": [{"username": "a", "tokens": [""]}]}},
        "turso.users[0].tokens[0]: a credential cannot be empty",
    ),
    (
        {"turso": {"users": [{"username": "a", "tokens": ["t"]}, {"username": "b", "tokens": ["t"]}]}},
        "turso.users[1].tokens: this credential already belongs to a",
    ),
    ({"turso": {"organizations": [{"name": "x"}]}}, "turso.organizations[0].slug must be a string, not NoneType"),
    ({"turso": {"organizations": [{"slug": "o/p"}]}}, "turso.organizations[0].slug: 'o/p' is not usable"),
    ({"turso": {"organizations": [{"slug": "o"}, {"slug": "o"}]}}, "turso.organizations[1].slug: organization 'o'"),
    (
        {"turso": {"organizations": [{"slug": "o", "members": ["a"]}]}},
        "turso.organizations[0].members[0] must be a mapping",
    ),
    (
        {"turso": {"organizations": [{"slug": "o", "members": [{"username": "a", "role": "root"}]}]}},
        "turso.organizations[0].members[0].role: 'root' is not one of owner, admin, member, viewer",
    ),
    (
        {"turso": {"organizations": [{"slug": "o", "members": [{"username": "a"}]}]}},
        "turso.organizations[0].members[0].role must be a string",
    ),
    (
        {"turso": {"organizations": [{"slug": "o", "members": [{"username": "", "role": "member"}]}]}},
        "turso.organizations[0].members[0].username: '' is not usable",
    ),
    (
        {"turso": {"organizations": [{"slug": "o", "members": [{"username": "a", "role": "member", "x": 1}]}]}},
        "turso.organizations[0].members[0]: unknown field 'x'",
    ),
    ({"demo": []}, "demo must be a mapping, not list"),
    ({"demo": {"RECOUP_KEY": "x"}}, "demo: unknown field 'RECOUP_KEY'"),
    ({"demo": {"TURSO_ORG": 5}}, "demo.TURSO_ORG must be a string, not int"),
]


@pytest.mark.parametrize(("doc", "message"), BAD_SEEDS)
def test_every_bad_seed_is_refused_naming_the_location(doc: Any, message: str) -> None:
    with pytest.raises(SeedError) as caught:
        build_state(doc)
    assert message in str(caught.value)


def test_a_duplicate_credential_error_does_not_repeat_the_secret() -> None:
    doc = {
        "recoup": {"accounts": [{"id": ACCOUNT, "api_keys": ["s3cr3t-key"]}, {"id": OTHER, "api_keys": ["s3cr3t-key"]}]}
    }
    with pytest.raises(SeedError) as caught:
        build_state(doc)
    assert "s3cr3t-key" not in str(caught.value)


def test_load_seed_file_reads_the_demo_seed() -> None:
    doc = load_seed_file(DEMO_SEED)
    assert doc["demo"]["TURSO_ORG"] == "demo-org"


def test_load_seed_file_reads_json_too(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text('{"turso": {"organizations": [{"slug": "o"}]}}', encoding="utf-8")
    assert build_state(load_seed_file(path)).turso.organizations["o"].members == {}


def test_a_missing_seed_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(SeedError, match=f"seed file {path} does not exist"):
        load_seed_file(path)


def test_a_directory_is_not_a_seed_file(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match=f"seed file {tmp_path} cannot be read"):
        load_seed_file(tmp_path)


def test_a_seed_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"demo:\n  TURSO_ORG: caf\xe9\n")
    with pytest.raises(SeedError, match=f"seed file {path} cannot be read"):
        load_seed_file(path)


def test_invalid_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("recoup:\n  accounts:\n    - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        load_seed_file(path)
    message = str(caught.value)
    assert message.startswith(f"seed file {path} is not valid YAML at line ")
    assert "\n" not in message


def test_a_valid_yaml_file_with_a_bad_seed_names_file_and_location(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("turso:\n  organizations:\n    - slug: o\n      members: [{username: a, role: boss}]\n")
    with pytest.raises(SeedError) as caught:
        load_seed_file(path)
    assert str(caught.value) == (
        f"seed file {path}, line 4: turso.organizations[0].members[0].role: 'boss' is not one of owner, admin, "
        "member, viewer"
    )


def test_a_duplicate_yaml_key_is_refused_naming_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text("turso:\n  users: []\n  organizations: []\n  users: [{username: a}]\n", encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        load_seed_file(path)
    assert str(caught.value) == (
        f"seed file {path}, line 4: the key 'users' is given twice in one mapping (first at line 2); "
        "YAML keeps only one of them, so remove the other"
    )


def test_a_duplicate_key_deep_inside_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text("demo:\n  TURSO_ORG: a\n  TURSO_ORG: b\n", encoding="utf-8")
    with pytest.raises(SeedError, match="line 3: the key 'TURSO_ORG' is given twice"):
        load_seed_file(path)


REFERENCES: list[tuple[Any, str]] = [
    (
        {"recoup": {"accounts": [{"id": ACCOUNT}], "organizations": [{"id": OTHER, "members": [ACCOUNT, ACCOUNT]}]}},
        f"recoup.organizations[0].members[1]: account {ACCOUNT} is listed twice in this organization",
    ),
    (
        {"recoup": {"accounts": [{"id": ACCOUNT}], "organizations": [{"id": OTHER, "members": [ACCOUNT, OTHER]}]}},
        f"recoup.organizations[0].members[1]: account {OTHER} is not one of recoup.accounts",
    ),
    (
        {
            "turso": {
                "users": [{"username": "a"}],
                "organizations": [
                    {"slug": "o", "members": [{"username": "a", "role": "owner"}, {"username": "a", "role": "admin"}]}
                ],
            }
        },
        "turso.organizations[0].members[1].username: user 'a' is listed twice in this organization",
    ),
    (
        {
            "turso": {
                "users": [{"username": "a"}],
                "organizations": [{"slug": "o", "members": [{"username": "b", "role": "member"}]}],
            }
        },
        "turso.organizations[0].members[0].username: user 'b' is not one of turso.users",
    ),
    (
        {"recoup": {"accounts": [{"id": ACCOUNT, "api_keys": ["***"]}]}},
        "recoup.accounts[0].api_keys[0]: '***' stands for a masked secret",
    ),
]


@pytest.mark.parametrize(("doc", "message"), REFERENCES)
def test_members_are_listed_once_and_are_accounts_or_users(doc: Any, message: str) -> None:
    with pytest.raises(SeedError) as caught:
        build_state(doc)
    assert str(caught.value).startswith(message)


def demo_with(**changes: str | None) -> dict[str, Any]:
    doc = load_seed_file(DEMO_SEED)
    for name, value in changes.items():
        if value is None:
            del doc["demo"][name]
        else:
            doc["demo"][name] = value
    return doc


DEMO_MISMATCHES: list[tuple[dict[str, str | None], str]] = [
    ({"RECOUP_ORG_ID": "0b5e8d2c"}, "demo.RECOUP_ORG_ID: '0b5e8d2c' is not a hyphenated UUID"),
    ({"RECOUP_ORG_ID": demo.UNKNOWN_ORG}, f"demo.RECOUP_ORG_ID: organization {demo.UNKNOWN_ORG} is not one of"),
    (
        {"RECOUP_ORG_ID": demo.FOREIGN_ORG, "RECOUP_FOREIGN_ORG_ID": demo.ORG},
        f"demo.RECOUP_ORG_ID: the demo caller (account {demo.CALLER}) is not a member of organization "
        f"{demo.FOREIGN_ORG}",
    ),
    (
        {"RECOUP_FOREIGN_ORG_ID": demo.ORG},
        f"demo.RECOUP_FOREIGN_ORG_ID: the demo caller (account {demo.CALLER}) is a member",
    ),
    ({"RECOUP_API_KEY": "nobody's key"}, "demo.RECOUP_API_KEY: no account in recoup.accounts has this API key"),
    ({"RECOUP_BEARER_TOKEN": "nope"}, "demo.RECOUP_BEARER_TOKEN: no account in recoup.accounts has this bearer token"),
    ({"RECOUP_API_KEY": demo.OUTSIDER_KEY}, "demo.RECOUP_BEARER_TOKEN: belongs to another account than RECOUP_API_KEY"),
    (
        {"RECOUP_DISPOSABLE_MEMBER_ID": demo.NEWCOMER},
        f"demo.RECOUP_DISPOSABLE_MEMBER_ID: account {demo.NEWCOMER} is not a member",
    ),
    ({"RECOUP_DISPOSABLE_MEMBER_ID": demo.CALLER}, "demo.RECOUP_DISPOSABLE_MEMBER_ID: is the demo caller itself"),
    (
        {"TURSO_TOKEN": demo.VIEWER_TOKEN},
        "demo.TURSO_TOKEN: its user 'demo-viewer' is not an owner or admin of demo-org",
    ),
    ({"TURSO_TOKEN": "nope"}, "demo.TURSO_TOKEN: no user in turso.users has this token"),
    ({"TURSO_ORG": "acme"}, "demo.TURSO_TOKEN: its user 'demo-owner' is not an owner or admin of acme"),
    ({"TURSO_ORG": "nowhere"}, "demo.TURSO_ORG: organization 'nowhere' is not one of turso.organizations"),
    (
        {"TURSO_DISPOSABLE_MEMBER": "carol"},
        "demo.TURSO_DISPOSABLE_MEMBER: 'carol' is not a member of TURSO_ORG (demo-org)",
    ),
    ({"TURSO_DISPOSABLE_MEMBER": "demo-owner"}, "demo.TURSO_DISPOSABLE_MEMBER: is the user of TURSO_TOKEN"),
    (
        {"TURSO_MEMBER_TOKEN": demo.ADMIN_TOKEN},
        "demo.TURSO_MEMBER_TOKEN: its user 'demo-admin' is not a member or viewer",
    ),
]


@pytest.mark.parametrize(("changes", "message"), DEMO_MISMATCHES)
def test_a_demo_block_that_does_not_match_the_state_is_refused(changes: dict[str, str | None], message: str) -> None:
    with pytest.raises(SeedError) as caught:
        build_state(demo_with(**changes))
    assert str(caught.value).startswith(message)


def test_a_state_document_may_have_lost_its_disposable_members() -> None:
    doc = demo_with()
    org = next(o for o in doc["turso"]["organizations"] if o["slug"] == "demo-org")
    org["members"] = [m for m in org["members"] if m["username"] != "bob"]
    with pytest.raises(SeedError, match="TURSO_DISPOSABLE_MEMBER"):
        build_state(doc)
    assert "bob" not in build_state(doc, strict=False).turso.organizations["demo-org"].members
    with pytest.raises(SeedError, match=r"no user in turso\.users has this token"):
        build_state(demo_with(TURSO_TOKEN="nope"), strict=False)  # what cannot change at run time is still checked


def test_a_demo_mismatch_in_a_file_names_its_line(tmp_path: Path) -> None:
    text = DEMO_SEED.read_text(encoding="utf-8").replace(
        "TURSO_DISPOSABLE_MEMBER: bob", "TURSO_DISPOSABLE_MEMBER: carol"
    )
    path = tmp_path / "seed.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  TURSO_DISPOSABLE_MEMBER: carol") + 1
    with pytest.raises(SeedError) as caught:
        load_seed_file(path)
    assert str(caught.value).startswith(f"seed file {path}, line {line}: demo.TURSO_DISPOSABLE_MEMBER: 'carol'")


def test_a_member_that_is_no_user_in_a_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(
        "turso:\n  users:\n    - {username: a}\n  organizations:\n    - slug: o\n      members:\n"
        "        - {username: a, role: owner}\n        - {username: ghost, role: member}\n",
        encoding="utf-8",
    )
    with pytest.raises(SeedError) as caught:
        load_seed_file(path)
    assert str(caught.value).startswith(
        f"seed file {path}, line 8: turso.organizations[0].members[1].username: user 'ghost' is not one of turso.users"
    )
