from __future__ import annotations

import pytest

from mock_server.core.credentials import CredentialIndex, bearer_token, mask


@pytest.mark.parametrize(
    ("value", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer abc", "abc"),
        ("BEARER abc", "abc"),
        ("  Bearer   abc  ", "abc"),
        ("Bearer a.b-c_d~e+f/g=", "a.b-c_d~e+f/g="),
    ],
)
def test_bearer_token_reads_the_token(value: str, token: str) -> None:
    assert bearer_token(value) == token


@pytest.mark.parametrize(
    "value",
    ["", "Bearer", "Bearer ", "Bearer    ", "Bearerabc", "Basic abc", "Token abc", "abc", "Bearer a b", "Bearer\tabc"],
)
def test_bearer_token_refuses_anything_else(value: str) -> None:
    assert bearer_token(value) is None


def test_index_finds_the_owner_of_a_known_secret() -> None:
    index = CredentialIndex([("k1", "alice"), ("k2", "bob")])
    assert index.owner_of("k1") == "alice"
    assert index.owner_of("k2") == "bob"


@pytest.mark.parametrize("secret", ["", "k", "k1 ", "K1", "k1\x00", "k11"])
def test_index_does_not_match_a_near_miss(secret: str) -> None:
    assert CredentialIndex([("k1", "alice")]).owner_of(secret) is None


def test_index_handles_non_ascii_secrets() -> None:
    index = CredentialIndex()
    index.add("clé-ü", "alice")
    assert index.owner_of("clé-ü") == "alice"
    # the same bytes read as latin-1 (how an HTTP header arrives) are a different secret
    assert index.owner_of("clé-ü".encode().decode("latin-1")) is None


def test_index_lists_its_secrets_and_an_empty_index_knows_nobody() -> None:
    assert CredentialIndex().owner_of("anything") is None
    assert sorted(CredentialIndex([("k1", "a"), ("k2", "b")]).secrets()) == [("k1", "a"), ("k2", "b")]


def test_mask_reveals_only_that_a_secret_was_given() -> None:
    assert mask("recoup_sk_demo_5f1c9a2e7b") == "***"
    assert mask("x") == "***"
    assert mask("") == ""
