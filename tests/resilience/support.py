"""What the resilience tests share: the demo world's names and secrets, state snapshots, a request tally."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from mock_server.core.store import Store
from mock_server.settings import DEMO_SEED
from mock_server.specs import load_spec

from .rawhttp import RawConnection, RawResponse, request

SEED: dict[str, Any] = load_spec(DEMO_SEED)
DEMO: dict[str, str] = SEED["demo"]

RECOUP_PATH = "/api/organizations/members"
RECOUP_KEY = DEMO["RECOUP_API_KEY"]
RECOUP_BEARER = DEMO["RECOUP_BEARER_TOKEN"]
RECOUP_ORG = DEMO["RECOUP_ORG_ID"]
RECOUP_FOREIGN_ORG = DEMO["RECOUP_FOREIGN_ORG_ID"]
RECOUP_MEMBER = DEMO["RECOUP_DISPOSABLE_MEMBER_ID"]
# An account that exists but is not a member of RECOUP_ORG: removing it is a 200 that changes nothing.
RECOUP_NON_MEMBER = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d"
RECOUP_OUTSIDER_KEY = "recoup_sk_outsider_a41d93"

TURSO_TOKEN = DEMO["TURSO_TOKEN"]  # demo-owner, owner of demo-org
TURSO_ORG = DEMO["TURSO_ORG"]
TURSO_MEMBER = DEMO["TURSO_DISPOSABLE_MEMBER"]
TURSO_VIEWER_TOKEN = "turso_demo_viewer_91b4e2c7"
TURSO_OUTSIDER_TOKEN = "turso_outsider_5e8d21a3"

# Every credential the demo seed holds: none of them may ever show up in a log or the journal.
SEED_SECRETS: tuple[str, ...] = tuple(
    [s for a in SEED["recoup"]["accounts"] for s in a.get("api_keys", []) + a.get("bearer_tokens", [])]
    + [t for u in SEED["turso"]["users"] for t in u.get("tokens", [])]
)


def turso_path(organization: str, username: str) -> str:
    return f"/v1/organizations/{organization}/members/{username}"


def recoup_query(organization_id: str, account_id: str) -> str:
    return f"{RECOUP_PATH}?organization_id={organization_id}&account_id={account_id}"


def snapshot(store: Store) -> dict[str, Any]:
    """The whole state, secrets included, as a plain document to compare before and after."""
    with store.lock:
        return json.loads(json.dumps(store.state.to_document(mask_secrets=False), sort_keys=True))


class Tally(Counter[str]):
    """How many requests each kind of resilience test sent (reported at the end of the session)."""


def probe(conn: RawConnection, n: int) -> None:
    """A state-neutral request with one exact answer: proves the connection is still in step.

    The username is unique per probe, so an answer that belongs to another request cannot pass.
    """
    name = f"probe-{n}"
    resp = conn.exchange(request("DELETE", turso_path(TURSO_ORG, name), [("Authorization", f"Bearer {TURSO_TOKEN}")]))
    assert resp is not None, f"probe {n}: the connection closed instead of answering"
    expected = {"error": f"user {name} is not a member of org {TURSO_ORG}"}
    assert (resp.status, resp.json()) == (404, expected), f"probe {n}: out of step or wrong: {resp!r}"


def assert_still_serving(url: str) -> None:
    """After a barrage: fresh connections still get exact, correct answers (state-neutral ones)."""
    with RawConnection.to(url) as conn:
        r = conn.exchange(request("DELETE", recoup_query(RECOUP_ORG, RECOUP_NON_MEMBER), [("x-api-key", RECOUP_KEY)]))
        assert_answer(r, 200, {"status": "success"})
        r = conn.exchange(request("DELETE", RECOUP_PATH + "?organization_id=x", [("x-api-key", "nope")]))
        assert_answer(r, 401, {"status": "error", "error": "Invalid API key"})
        r = conn.exchange(
            request("DELETE", turso_path(TURSO_ORG, "nobody"), [("Authorization", f"Bearer {TURSO_TOKEN}")])
        )
        assert_answer(r, 404, {"error": f"user nobody is not a member of org {TURSO_ORG}"})
        r = conn.exchange(request("GET", "/__admin"))
        assert r is not None and r.status == 200 and r.json()["service"] == "recoup-turso-stub", r


def assert_answer(resp: RawResponse | None, status: int, body: dict[str, Any]) -> None:
    assert resp is not None, "no answer"
    assert resp.header("content-type") == "application/json", resp
    assert (resp.status, resp.json()) == (status, body), resp
