from __future__ import annotations

import json
import uuid

import pytest

from mock_server.core.seed import build_state
from mock_server.core.state import MEMBERSHIP_NAMESPACE, membership_id
from tests.mock_server import demo


def test_the_document_masks_every_secret() -> None:
    doc = build_state(demo.demo_seed()).to_document()
    text = json.dumps(doc)
    for secret in demo.SECRETS:
        assert secret not in text
    assert doc["recoup"]["accounts"][0]["api_keys"] == ["***"]
    assert doc["turso"]["users"][0]["tokens"] == ["***"]
    assert doc["demo"]["RECOUP_API_KEY"] == "***"
    assert doc["demo"]["RECOUP_BEARER_TOKEN"] == "***"
    assert doc["demo"]["TURSO_TOKEN"] == "***"
    assert doc["demo"]["RECOUP_ORG_ID"] == demo.ORG
    assert doc["demo"]["TURSO_DISPOSABLE_MEMBER"] == "bob"


def test_an_account_without_credentials_shows_empty_lists() -> None:
    doc = build_state(demo.demo_seed()).to_document()
    disposable = next(a for a in doc["recoup"]["accounts"] if a["id"] == demo.DISPOSABLE)
    assert disposable["api_keys"] == [] and disposable["bearer_tokens"] == []


def test_the_unmasked_document_is_a_seed_for_the_same_state() -> None:
    doc = build_state(demo.demo_seed()).to_document(mask_secrets=False)
    again = build_state(doc).to_document(mask_secrets=False)
    assert again == doc
    assert doc["demo"] == demo.DEMO_VARIABLES
    assert {o["id"]: o["members"] for o in doc["recoup"]["organizations"]}[demo.ORG] == sorted(
        [demo.CALLER, demo.DISPOSABLE, demo.COLLEAGUE]
    )


@pytest.mark.parametrize(
    ("organization", "account"),
    [
        ("0b5e8d2c-6f1a-4b3c-9d7e-1a2b3c4d5e6f", "7c9e2f4a-1b3d-4c5e-8f6a-2d4b6c8e0a12"),
        ("00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"),
        ("a", "b"),
    ],
)
def test_a_membership_id_is_the_name_based_uuid_of_the_pair(organization: str, account: str) -> None:
    expected = str(uuid.uuid5(MEMBERSHIP_NAMESPACE, f"{organization}/{account}"))
    assert membership_id(organization, account) == expected
    assert membership_id(account, organization) != expected
