"""A live-mode run adds, re-roles and removes no member but the disposable one, however much generators love a name.

The stub is hidden (`NotTheStub`) so the suite treats it as any other server and works on its shared state:
against this project's stub it would work in sessions of its own, which this state would not show.
"""

from __future__ import annotations

from pathlib import Path

from mock_server.background import BackgroundStub

from .cli import run_suite
from .not_the_stub import NotTheStub

CALLER = "3f2a6c1e-8b4d-4e7a-9c21-5d0b7e9a1f01"
DISPOSABLE = "7c9e2f4a-1b3d-4c5e-8f6a-2d4b6c8e0a12"
ORG = "0b5e8d2c-6f1a-4b3c-9d7e-1a2b3c4d5e6f"
FOREIGN = "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f"
LOVED_IDS = [
    "00000000-0000-0000-0000-000000000000",  # nil
    "ffffffff-ffff-ffff-ffff-ffffffffffff",  # max
    "00000000-0000-0000-0000-000000000001",
    "11111111-1111-1111-1111-111111111111",
    "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa",
    "e3e70682-c209-1cac-a29f-6fbed82c07cd",  # schemathesis' first UUID
    "e3e70682-c209-4cac-a29f-6fbed82c07cd",  # Hypothesis' first version-4 UUID
    "00000000-0000-4000-8000-000000000000",
    "5afe7e57-0000-4000-8000-000000000000",  # starts like a probe, but is a version-4 id
]
LOVED_NAMES = [
    "a",
    "0",
    "A",
    "Z",
    "-",
    "_",
    "aa",
    "00",
    "a-b",
    "iku",
    "null",
    "true",
    "0.5",
    "probe",
    "probe_",
    "é",
    " ",
]

# Existing users and accounts that are members of nothing: an add must never reach them.
OUTSIDE_NAMES = ["b", "1", "B", "probe-", "new"]
OUTSIDE_IDS = ["22222222-2222-4222-8222-222222222222", "e3e70682-c209-4cac-a29f-6fbed82c07ce"]


def seed() -> dict:
    accounts = [{"id": CALLER, "api_keys": ["safety-key"], "bearer_tokens": ["safety-jwt"]}, {"id": DISPOSABLE}]
    members = [
        {"username": "owner", "role": "owner"},
        {"username": "leaving", "role": "member"},
        {"username": "watcher", "role": "viewer"},
    ]
    return {
        "recoup": {
            "accounts": accounts + [{"id": i} for i in LOVED_IDS] + [{"id": i} for i in OUTSIDE_IDS],
            "organizations": [
                {"id": ORG, "members": [CALLER, DISPOSABLE, *LOVED_IDS]},
                {"id": FOREIGN, "members": LOVED_IDS},
            ],
        },
        "turso": {
            "users": [
                {"username": "owner", "tokens": ["safety-token"]},
                {"username": "leaving"},
                {"username": "watcher", "tokens": ["safety-viewer"]},
            ]
            + [{"username": n} for n in LOVED_NAMES + OUTSIDE_NAMES],
            "organizations": [
                {"slug": "safety-org", "members": members + [{"username": n, "role": "member"} for n in LOVED_NAMES]},
                {"slug": "a", "members": [{"username": "owner", "role": "owner"}, {"username": "0", "role": "member"}]},
            ],
        },
    }


ENV = {
    "RECOUP_API_KEY": "safety-key",
    "RECOUP_BEARER_TOKEN": "safety-jwt",
    "RECOUP_ORG_ID": ORG,
    "RECOUP_FOREIGN_ORG_ID": FOREIGN,
    "RECOUP_DISPOSABLE_MEMBER_ID": DISPOSABLE,
    "TURSO_TOKEN": "safety-token",
    "TURSO_ORG": "safety-org",
    "TURSO_DISPOSABLE_MEMBER": "leaving",
    "TURSO_MEMBER_TOKEN": "safety-viewer",
}


def test_a_live_run_changes_none_of_the_members_generators_love(tmp_path: Path) -> None:
    with BackgroundStub(seed=seed(), wrap=NotTheStub) as stub:
        accounts_before = set(stub.store.state.recoup.accounts)
        run = run_suite(tmp_path, "--url", stub.url, env=ENV)
        state = stub.store.state
        recoup = state.recoup.organizations
        turso = state.turso.organizations
        assert recoup[ORG].members == {CALLER, DISPOSABLE, *LOVED_IDS}  # the disposable one was put back
        assert recoup[FOREIGN].members == set(LOVED_IDS)
        assert set(state.recoup.accounts) == accounts_before  # no account created (no add by email)
        roles = {"owner": "owner", "leaving": "member", "watcher": "viewer"} | {n: "member" for n in LOVED_NAMES}
        assert turso["safety-org"].members == roles  # nobody added or re-roled; the disposable one back as member
        assert turso["a"].members == {"owner": "owner", "0": "member"}  # an organization a generated slug can hit
    assert run.code == 0, run.output
    assert set(run.outcomes().values()) == {"pass"}, run.output
    assert run.summary()["generated_cases"] > 1000
    assert any("restored leaving in safety-org as member" in note for note in run.summary()["notes"])
