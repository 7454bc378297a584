"""State you cannot lose, over real HTTP: state documents round-trip, the seed, snapshots, memberships."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mock_server.background import BackgroundStub
from mock_server.core.store import MAX_SNAPSHOTS
from tests.mock_server import demo
from tests.mock_server.web.remote import from_afar

RECOUP = "/api/organizations/members"
MEMBERS = "/v1/organizations/demo-org/members"
OWNER = demo.bearer(demo.OWNER_TOKEN)


def change_everything(client: httpx.Client) -> str:
    """Removals and adds of both vendors; the id of the Recoup account an add by email created."""
    key = {"x-api-key": demo.API_KEY}
    assert client.delete(RECOUP, params={"organization_id": demo.ORG, "account_id": demo.DISPOSABLE}, headers=key)
    assert client.delete(f"{MEMBERS}/bob", headers=OWNER).status_code == 200
    assert client.post(MEMBERS, headers=OWNER, json={"username": "carol", "role": "viewer"}).status_code == 200
    assert client.patch(f"{MEMBERS}/alice", headers=OWNER, json={"role": "admin"}).status_code == 200
    added = client.post(RECOUP, headers=key, json={"organizationId": demo.ORG, "email": "new@example.com"})
    assert added.status_code == 200
    account: str = added.json()["account_id"]
    return account


def observed(client: httpx.Client, account: str) -> dict[str, Any]:
    """What callers see of the state, through the vendor operations only."""
    members = client.get(MEMBERS, headers=OWNER).json()["members"]
    orgs = client.get("/api/organizations", params={"account_id": account}, headers={"x-api-key": demo.API_KEY})
    viewer = client.get("/v1/organizations/demo-org", headers=demo.bearer(demo.VIEWER_TOKEN))
    bearer = client.get("/api/accounts/id", headers=demo.bearer(demo.BEARER))
    return {"members": members, "orgs": orgs.json(), "viewer": viewer.status_code, "bearer": bearer.json()}


def test_the_masked_state_sent_back_gives_the_same_state(client: httpx.Client) -> None:
    account = change_everything(client)
    masked = client.get("/__admin/state").json()
    for secret in demo.SECRETS:
        assert secret not in str(masked)
    seen = observed(client, account)
    assert client.post("/__admin/reset").status_code == 200
    assert client.get("/__admin/state").json() != masked
    assert client.put("/__admin/state", json=masked).json() == {"status": "loaded"}
    assert client.get("/__admin/state").json() == masked
    assert observed(client, account) == seen  # the masked credentials still authenticate
    assert client.delete(f"{MEMBERS}/bob", headers=OWNER).status_code == 404  # still removed


def test_the_state_with_secrets_sent_back_gives_the_same_state(client: httpx.Client) -> None:
    account = change_everything(client)
    full = client.get("/__admin/state", params={"secrets": "include"}).json()
    assert full["demo"]["TURSO_TOKEN"] == demo.OWNER_TOKEN
    caller = next(a for a in full["recoup"]["accounts"] if a["id"] == demo.CALLER)
    assert caller["api_keys"] == [demo.API_KEY]
    seen = observed(client, account)
    client.post("/__admin/reset")
    client.put("/__admin/state", json=full)
    assert client.get("/__admin/state", params={"secrets": "include"}).json() == full
    assert observed(client, account) == seen


def test_a_masked_secret_that_stands_for_nothing_is_400_naming_the_place(client: httpx.Client) -> None:
    doc = client.get("/__admin/state").json()
    doc["turso"]["users"].append({"username": "newbie", "tokens": ["***"]})
    before = client.get("/__admin/state").json()
    response = client.put("/__admin/state", json=doc)
    assert response.status_code == 400
    assert response.json()["error"] == (
        "invalid state, state unchanged: turso.users[8].tokens[0]: '***' keeps the current secret, "
        "but newbie has no tokens[0] now; give the secret itself"
    )
    assert client.get("/__admin/state").json() == before


def test_a_state_may_have_lost_its_disposable_members_but_a_seed_may_not(client: httpx.Client) -> None:
    client.delete(f"{MEMBERS}/bob", headers=OWNER)
    doc = client.get("/__admin/state").json()
    assert client.put("/__admin/state", json=doc).status_code == 200
    response = client.put("/__admin/seed", json=doc)
    assert response.status_code == 400
    assert response.json()["error"] == (
        "invalid seed, state and seed unchanged: demo.TURSO_DISPOSABLE_MEMBER: 'bob' is not a member of "
        "TURSO_ORG (demo-org)"
    )


def test_the_seed_is_what_reset_returns_to_until_it_is_replaced(client: httpx.Client) -> None:
    start = client.get("/__admin/seed").json()
    assert start == client.get("/__admin/state").json()  # nothing changed yet
    change_everything(client)
    assert client.get("/__admin/seed").json() == start
    changed = client.get("/__admin/state").json()
    for name in ("TURSO_DISPOSABLE_MEMBER", "RECOUP_DISPOSABLE_MEMBER_ID"):  # removed, so a seed cannot name them
        changed["demo"].pop(name)
    assert client.put("/__admin/seed", json=changed).status_code == 200
    assert client.get("/__admin/seed").json() == changed
    client.delete(f"{MEMBERS}/alice", headers=OWNER)
    client.post("/__admin/reset")
    assert client.get("/__admin/state").json() == changed
    assert client.get("/__admin/seed", params={"secrets": "include"}).json()["demo"]["TURSO_TOKEN"] == demo.OWNER_TOKEN


def test_snapshots_save_list_restore_and_delete(client: httpx.Client) -> None:
    assert client.get("/__admin/snapshots").json() == {"max": MAX_SNAPSHOTS, "snapshots": []}
    saved = client.post("/__admin/snapshots", json={"name": "before-run"})
    assert saved.json() == {"status": "saved", "name": "before-run", "replaced": False}
    before = client.get("/__admin/state").json()
    change_everything(client)
    after = client.get("/__admin/state").json()
    restored = client.post("/__admin/snapshots/before-run/restore")
    assert restored.json() == {"status": "restored", "name": "before-run"}
    assert client.get("/__admin/state").json() == before
    assert client.delete(f"{MEMBERS}/bob", headers=OWNER).status_code == 200  # bob is back
    client.post("/__admin/reset")
    assert client.get("/__admin/state").json() == before  # restoring did not change the seed
    listed = client.get("/__admin/snapshots").json()["snapshots"]
    assert [s["name"] for s in listed] == ["before-run"]
    assert listed[0]["saved"].endswith("Z")
    assert client.delete("/__admin/snapshots/before-run").json() == {"status": "deleted", "name": "before-run"}
    assert client.get("/__admin/snapshots").json()["snapshots"] == []
    assert after != before


def test_an_unknown_snapshot_is_404_naming_the_saved_ones(client: httpx.Client) -> None:
    client.post("/__admin/snapshots", json={"name": "a"})
    client.post("/__admin/snapshots", json={"name": "b"})
    for response in (client.post("/__admin/snapshots/c/restore"), client.delete("/__admin/snapshots/c")):
        assert response.status_code == 404
        assert response.json()["error"] == (
            "no snapshot named 'c'; saved snapshots: a, b (save one with POST /__admin/snapshots {\"name\": ...})"
        )


def test_snapshots_are_bounded_in_number(client: httpx.Client) -> None:
    for i in range(MAX_SNAPSHOTS):
        assert client.post("/__admin/snapshots", json={"name": f"s{i}"}).status_code == 200
    response = client.post("/__admin/snapshots", json={"name": "one-more"})
    assert response.status_code == 409
    assert response.json()["error"].startswith(f"there are already {MAX_SNAPSHOTS} snapshots (s0, s1, ")
    replaced = client.post("/__admin/snapshots", json={"name": "s3"})
    assert replaced.json() == {"status": "saved", "name": "s3", "replaced": True}
    assert len(client.get("/__admin/snapshots").json()["snapshots"]) == MAX_SNAPSHOTS


@pytest.mark.parametrize("body", [{"name": "a/b"}, {"name": ""}, {"name": "x" * 65}, {}, {"name": 5}, {"n": "a"}])
def test_a_bad_snapshot_name_is_400(client: httpx.Client, body: dict[str, Any]) -> None:
    response = client.post("/__admin/snapshots", json=body)
    assert response.status_code == 400
    assert "\n" not in response.json()["error"]
    assert client.get("/__admin/snapshots").json()["snapshots"] == []


def test_a_membership_of_an_unknown_account_is_404_naming_the_accounts(client: httpx.Client) -> None:
    before = client.get("/__admin/state").json()
    body = {"vendor": "recoup", "organization": demo.ORG, "member": demo.STRANGER}
    response = client.post("/__admin/memberships", json=body)
    assert response.status_code == 404
    error = response.json()["error"]
    assert error.startswith(f"recoup account {demo.STRANGER} does not exist; accounts: {demo.CALLER}, ")
    assert "POST /api/organizations/members {organizationId, email}" in error
    assert client.get("/__admin/state").json() == before


def test_a_membership_of_an_unknown_user_is_404_naming_the_users(client: httpx.Client) -> None:
    body = {"vendor": "turso", "organization": "demo-org", "member": "ghost"}
    response = client.post("/__admin/memberships", json=body)
    assert response.status_code == 404
    assert response.json()["error"] == (
        "turso user ghost does not exist; users: demo-owner, demo-admin, demo-viewer, alice, bob, carol, dave, "
        "outsider (users come from the seed: add one with PUT /__admin/state)"
    )


def test_an_unknown_organization_is_404_naming_the_organizations(client: httpx.Client) -> None:
    body = {"vendor": "turso", "organization": "nowhere", "member": "bob"}
    response = client.post("/__admin/memberships", json=body)
    assert response.status_code == 404
    assert response.json()["error"] == "turso organization nowhere does not exist; organizations: demo-org, acme"


def test_a_membership_says_whether_anything_changed(client: httpx.Client) -> None:
    recoup_body = {"vendor": "recoup", "organization": demo.ORG, "member": demo.DISPOSABLE}
    assert client.post("/__admin/memberships", json=recoup_body).json() == {"status": "unchanged", "changed": False}
    bob = {"vendor": "turso", "organization": "demo-org", "member": "bob"}
    assert client.post("/__admin/memberships", json=bob).json() == {"status": "unchanged", "changed": False}
    admin = {**bob, "role": "admin"}
    assert client.post("/__admin/memberships", json=admin).json() == {"status": "role changed", "changed": True}
    carol = {"vendor": "turso", "organization": "demo-org", "member": "carol"}
    assert client.post("/__admin/memberships", json=carol).json() == {"status": "added", "changed": True}


def test_secrets_are_shown_to_loopback_callers_only() -> None:
    token = "adm-5ecret"
    far = BackgroundStub(demo.demo_seed(), admin_token=token, wrap=from_afar)
    with far, httpx.Client(base_url=far.url, headers=demo.bearer(token)) as client:
        assert client.get("/__admin/state").status_code == 200
        for path in ("/__admin/state", "/__admin/seed"):
            response = client.get(path, params={"secrets": "include"})
            assert response.status_code == 403
            assert response.json() == {"error": "secrets=include is answered to loopback callers only"}
            assert demo.OWNER_TOKEN not in response.text
