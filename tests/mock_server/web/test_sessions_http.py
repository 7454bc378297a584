"""Isolated sessions over real HTTP: X-Stub-Session, ?session= on the control API, bounded eviction."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from mock_server.background import BackgroundStub
from tests.mock_server import demo
from tests.mock_server.web import conformance

TURSO_MEMBERS = "/v1/organizations/demo-org/members"
OWNER = demo.bearer(demo.OWNER_TOKEN)


def in_session(name: str) -> dict[str, str]:
    return {**OWNER, "x-stub-session": name}


def members(client: httpx.Client, headers: dict[str, str]) -> list[str]:
    return [m["username"] for m in client.get(TURSO_MEMBERS, headers=headers).json()["members"]]


def test_eight_parallel_workers_never_see_each_others_removals(stub: BackgroundStub, client: httpx.Client) -> None:
    start = threading.Barrier(8)

    def worker(i: int) -> list[object]:
        headers = in_session(f"worker-{i}")
        with conformance.client(stub.url) as http:
            start.wait(timeout=10)
            seen: list[object] = ["bob" in members(http, headers)]
            seen.append(http.delete(f"{TURSO_MEMBERS}/bob", headers=headers).status_code)
            seen.append(http.post(TURSO_MEMBERS, headers=headers, json={"username": "carol"}).status_code)
            seen.append(http.delete(f"{TURSO_MEMBERS}/bob", headers=headers).status_code)
            seen.append(sorted(members(http, headers)))
        return seen

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(worker, range(8)))
    after = sorted({*demo_members(), "carol"} - {"bob"})
    assert results == [[True, 200, 200, 404, after]] * 8
    assert "bob" in members(client, OWNER) and "carol" not in members(client, OWNER)  # the shared state
    assert sorted(s["name"] for s in client.get("/__admin/sessions").json()["sessions"]) == [
        f"worker-{i}" for i in range(8)
    ]


def demo_members() -> set[str]:
    return {m["username"] for m in demo.demo_seed()["turso"]["organizations"][0]["members"]}


def test_reset_and_state_of_one_session(client: httpx.Client) -> None:
    assert client.delete(f"{TURSO_MEMBERS}/bob", headers=in_session("a")).status_code == 200
    assert client.delete(f"{TURSO_MEMBERS}/alice", headers=in_session("b")).status_code == 200

    def turso_of(session: str | None) -> list[str]:
        state = client.get("/__admin/state", params={"session": session} if session else None).json()
        return [m["username"] for m in state["turso"]["organizations"][0]["members"]]

    assert "bob" not in turso_of("a") and "alice" in turso_of("a")
    assert "alice" not in turso_of("b") and "bob" in turso_of("b")
    assert {"bob", "alice"} <= set(turso_of(None))
    assert client.post("/__admin/reset", params={"session": "a"}).json() == {"status": "reset", "session": "a"}
    assert "bob" in turso_of("a") and "alice" not in turso_of("b")  # b is untouched
    refused = client.post("/__admin/reset", params={"session": "no spaces"})
    assert refused.status_code == 400


def test_a_bad_session_name_is_a_400_in_the_vendors_shape(client: httpx.Client) -> None:
    response = client.get(TURSO_MEMBERS, headers=in_session("x" * 65))
    assert response.status_code == 400 and "a session name is 1 to 64" in response.json()["error"]
    recoup = client.get("/api/accounts/id", headers={"x-api-key": demo.API_KEY, "x-stub-session": "a/b"})
    assert recoup.status_code == 400 and recoup.json()["status"] == "error"


def test_the_oldest_idle_session_is_dropped_and_the_journal_says_so() -> None:
    with BackgroundStub(demo.demo_seed(), max_sessions=3) as stub, conformance.client(stub.url) as client:
        for name in ("a", "b", "c"):
            assert client.delete(f"{TURSO_MEMBERS}/bob", headers=in_session(name)).status_code == 200
        assert client.get(TURSO_MEMBERS, headers=in_session("a")).status_code == 200  # a is used again
        assert client.get(TURSO_MEMBERS, headers=in_session("d")).status_code == 200  # b is the oldest idle
        [entry] = client.get(
            "/__admin/journal", params={"limit": 1, "operation": "tursoListOrganizationMembers"}
        ).json()["requests"]
        assert (entry["session"], entry["evicted_sessions"]) == ("d", ["b"])
        names = [s["name"] for s in client.get("/__admin/sessions").json()["sessions"]]
        assert names == ["c", "a", "d"]
        assert client.delete(f"{TURSO_MEMBERS}/bob", headers=in_session("a")).status_code == 404  # a was kept
        assert client.delete(f"{TURSO_MEMBERS}/bob", headers=in_session("b")).status_code == 200  # b starts again


def test_sessions_are_bounded_in_records() -> None:
    seed = demo.demo_seed()
    with BackgroundStub(seed) as probe, conformance.client(probe.url) as client:
        client.get(TURSO_MEMBERS, headers=in_session("probe"))
        size = client.get("/__admin/sessions").json()["sessions"][0]["records"]
    with BackgroundStub(seed, session_records=2 * size + 3) as stub, conformance.client(stub.url) as client:
        client.get(TURSO_MEMBERS, headers=in_session("old"))
        key = {"x-api-key": demo.API_KEY, "x-stub-session": "growing"}
        for i in range(2):  # each add of a new email creates an account and a membership: two records
            body = {"organizationId": demo.ORG, "email": f"n{i}@example.com"}
            assert client.post("/api/organizations/members", headers=key, json=body).status_code == 200
        sessions = client.get("/__admin/sessions").json()["sessions"]
        assert [s["name"] for s in sessions] == ["growing"]  # the first add fit, the second did not: old is dropped
        journal = client.get("/__admin/journal", params={"operation": "recoupAddOrganizationMember"}).json()
        assert [e.get("evicted_sessions") for e in journal["requests"]] == [["old"], None]


def test_memberships_and_loading_a_state_in_one_session(client: httpx.Client) -> None:
    assert client.delete(f"{TURSO_MEMBERS}/bob", headers=in_session("w")).status_code == 200
    restore = {"vendor": "turso", "organization": "demo-org", "member": "bob"}
    assert client.post("/__admin/memberships", params={"session": "w"}, json=restore).status_code == 200
    assert "bob" in members(client, in_session("w"))
    small = {"turso": {"users": [{"username": "solo", "tokens": ["solo-token"]}], "organizations": []}}
    assert client.put("/__admin/state", params={"session": "w"}, json=small).status_code == 200
    assert client.get("/v1/user", headers={**demo.bearer("solo-token"), "x-stub-session": "w"}).status_code == 200
    assert client.get("/v1/user", headers=demo.bearer("solo-token")).status_code == 401  # the shared state is as it was
    assert "bob" in members(client, OWNER)


def test_a_state_with_faults_is_refused_not_ignored(client: httpx.Client) -> None:
    seed = demo.demo_seed() | {"faults": [{"operation": "tursoGetCurrentUser", "status": 503}]}
    response = client.put("/__admin/state", json=seed)
    assert response.status_code == 400 and "/__admin/faults" in response.json()["error"]
    assert client.get("/v1/user", headers=OWNER).status_code == 200


def test_a_fault_rule_can_select_one_session(client: httpx.Client) -> None:
    rule = {"operation": "tursoRemoveOrganizationMember", "status": 503, "match_headers": {"x-stub-session": "w1"}}
    assert client.post("/__admin/faults", json=rule).status_code == 201
    assert client.delete(f"{TURSO_MEMBERS}/bob", headers=in_session("w1")).status_code == 503
    assert client.delete(f"{TURSO_MEMBERS}/bob", headers=in_session("w2")).status_code == 200
    assert "bob" in members(client, in_session("w1"))  # the fault changed nothing in w1


def test_one_session_is_dropped_and_the_others_kept(client: httpx.Client) -> None:
    for name in ("run-1-gw0", "run-1-gw1", "other"):
        assert client.delete(f"{TURSO_MEMBERS}/bob", headers=in_session(name)).status_code == 200
    dropped = client.delete("/__admin/sessions/run-1-gw0")
    assert dropped.status_code == 200 and dropped.json() == {"status": "dropped", "session": "run-1-gw0"}
    names = [s["name"] for s in client.get("/__admin/sessions").json()["sessions"]]
    assert names == ["run-1-gw1", "other"]
    assert "bob" in members(client, in_session("run-1-gw0"))  # back from the seed on its next request
    assert "bob" not in members(client, in_session("other"))
    again = client.delete("/__admin/sessions/never-used")
    assert again.status_code == 404
    assert again.json()["error"] == "no session 'never-used'; the sessions are: run-1-gw1, run-1-gw0, other"
    assert client.delete("/__admin/sessions/a%20b").status_code == 400
