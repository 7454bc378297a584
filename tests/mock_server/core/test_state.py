from __future__ import annotations

import json

from mock_server.core.seed import build_state
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
