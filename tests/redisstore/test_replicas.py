"""Two stub processes sharing one real Redis, over real HTTP: every rule holds across them."""

from __future__ import annotations

import http.client
import json
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.redis_server import RedisServer
from tests.redisstore.replicas import ROOT, Replica, RoundRobin

OWNER = {"Authorization": "Bearer turso_demo_owner_3c7e19b5"}
MEMBERS = "/v1/organizations/demo-org/members"
N = 50


@pytest.fixture(scope="module")
def pair(redis_server: RedisServer) -> Iterator[list[Replica]]:
    replicas = [Replica(redis_server.url, "pair:").start(), Replica(redis_server.url, "pair:").start()]
    try:
        yield [r.wait() for r in replicas]
    finally:
        for r in replicas:
            r.stop()


@pytest.fixture
def urls(pair: list[Replica]) -> list[str]:
    for path in ("/__admin/reset", "/__admin/journal"):
        httpx.request("POST" if "reset" in path else "DELETE", pair[0].url + path).raise_for_status()
    httpx.delete(pair[0].url + "/__admin/faults").raise_for_status()
    return [r.url for r in pair]


def storm(requests: list[tuple[str, str, dict[str, str] | None]]) -> list[int]:
    """Send every (method, url, json body) at once, each from its own thread; the statuses in that order."""
    start = threading.Barrier(len(requests))

    def send(request: tuple[str, str, dict[str, str] | None]) -> int:
        method, url, body = request
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
        try:
            connection.connect()
            start.wait()
            payload = json.dumps(body).encode() if body is not None else None
            connection.request(method, parts.path, body=payload, headers={**OWNER, "Content-Type": "application/json"})
            return connection.getresponse().status
        finally:
            connection.close()

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(send, requests))


def members(url: str) -> set[str]:
    answer = httpx.get(url + MEMBERS, headers=OWNER)
    answer.raise_for_status()
    return {m["username"] for m in answer.json()["members"]}


def test_simultaneous_removals_of_one_member_over_both_succeed_once(urls: list[str]) -> None:
    statuses = storm([("DELETE", f"{urls[i % 2]}{MEMBERS}/bob", None) for i in range(N)])
    assert sorted(statuses) == [200] + [404] * (N - 1)
    assert "bob" not in members(urls[0]) and "bob" not in members(urls[1])


def test_simultaneous_adds_of_one_user_over_both_succeed_once(urls: list[str]) -> None:
    statuses = storm([("POST", urls[i % 2] + MEMBERS, {"username": "carol", "role": "viewer"}) for i in range(N)])
    assert sorted(statuses) == [200] + [409] * (N - 1)
    assert "carol" in members(urls[1])


def test_mixed_add_and_remove_storms_match_the_final_state(urls: list[str]) -> None:
    users = ["alice", "bob", "carol", "dave"]
    before = members(urls[0])
    rng = random.Random(7)
    plan = [(rng.choice(users), rng.choice(["add", "remove"]), i % 2) for i in range(80)]
    requests: list[tuple[str, str, dict[str, str] | None]] = [
        ("POST", urls[side] + MEMBERS, {"username": user, "role": "member"})
        if action == "add"
        else ("DELETE", f"{urls[side]}{MEMBERS}/{user}", None)
        for user, action, side in plan
    ]
    statuses = storm(requests)
    assert set(statuses) <= {200, 404, 409}
    after = members(urls[1])
    for user in users:
        added = sum(1 for (u, a, _), s in zip(plan, statuses, strict=True) if u == user and a == "add" and s == 200)
        removed = sum(
            1 for (u, a, _), s in zip(plan, statuses, strict=True) if u == user and a == "remove" and s == 200
        )
        # successes alternate: each 200 add needs the user out, each 200 remove needs the user in
        assert added - removed == (user in after) - (user in before), user
        assert abs(added - removed) <= 1, user


def test_a_change_through_one_replica_is_seen_by_the_other_at_once(urls: list[str]) -> None:
    assert httpx.delete(f"{urls[0]}{MEMBERS}/bob", headers=OWNER).status_code == 200
    assert httpx.get(f"{urls[1]}{MEMBERS}/bob", headers=OWNER).status_code == 404
    assert httpx.post(urls[1] + "/__admin/reset").status_code == 200
    assert httpx.get(f"{urls[0]}{MEMBERS}/bob", headers=OWNER).status_code == 200
    seed = httpx.get(urls[0] + "/__admin/seed?secrets=include").json()
    org = next(o for o in seed["turso"]["organizations"] if o["slug"] == "demo-org")
    org["members"] = [m for m in org["members"] if m["username"] != "alice"]
    assert httpx.put(urls[0] + "/__admin/seed", json=seed).status_code == 200
    assert "alice" not in members(urls[1])
    assert httpx.post(urls[1] + "/__admin/snapshots", json={"name": "no-alice"}).status_code in (200, 201)
    assert httpx.post(urls[0] + MEMBERS, headers=OWNER, json={"username": "alice"}).status_code == 200
    assert httpx.post(urls[0] + "/__admin/snapshots/no-alice/restore").status_code == 200
    assert "alice" not in members(urls[1])
    original = httpx.get(urls[0] + "/__admin/seed?secrets=include").json()
    next(o for o in original["turso"]["organizations"] if o["slug"] == "demo-org")["members"].append(
        {"username": "alice", "role": "member"}
    )
    assert httpx.put(urls[1] + "/__admin/seed", json=original).status_code == 200
    httpx.delete(urls[0] + "/__admin/snapshots/no-alice").raise_for_status()


def test_sessions_fault_rules_and_the_journal_are_shared(urls: list[str]) -> None:
    session = {**OWNER, "X-Stub-Session": "shared-1"}
    assert httpx.delete(f"{urls[0]}{MEMBERS}/bob", headers=session).status_code == 200
    assert httpx.get(f"{urls[1]}{MEMBERS}/bob", headers=session).status_code == 404
    assert httpx.get(f"{urls[1]}{MEMBERS}/bob", headers=OWNER).status_code == 200  # the shared state kept bob
    names = [s["name"] for s in httpx.get(urls[1] + "/__admin/sessions").json()["sessions"]]
    assert "shared-1" in names
    rule = {"operation": "tursoGetOrganizationMember", "status": 503, "times": 1}
    assert httpx.post(urls[0] + "/__admin/faults", json=rule).status_code == 201
    deadline, status = time.monotonic() + 2, 0
    while time.monotonic() < deadline and status != 503:  # the other replica learns of the rule within 50 ms
        status = httpx.get(f"{urls[1]}{MEMBERS}/alice", headers=OWNER).status_code
    assert status == 503
    assert httpx.get(f"{urls[0]}{MEMBERS}/alice", headers=OWNER).status_code == 200  # fired once, on either
    assert httpx.get(urls[0] + "/__admin/faults").json()["faults"][0]["fired"] == 1
    time.sleep(0.05)
    journal = httpx.get(urls[1] + "/__admin/journal?operation=tursoRemoveOrganizationMember").json()
    assert any(e.get("session") == "shared-1" and e["status"] == 200 for e in journal["requests"])
    httpx.delete(urls[0] + "/__admin/sessions").raise_for_status()


def test_redis_stopped_and_started_again(urls: list[str], redis_server: RedisServer) -> None:
    assert httpx.delete(f"{urls[0]}{MEMBERS}/bob", headers=OWNER).status_code == 200
    unselected = {"operation": "tursoGetOrganizationMember", "status": 500, "match_headers": {"x-never": "1"}}
    assert httpx.post(urls[0] + "/__admin/faults", json=unselected).status_code == 201
    time.sleep(0.2)  # both replicas know of the rule: each request of that operation asks the book
    redis_server.stop()
    try:
        for url in urls:
            started = time.monotonic()
            answer = httpx.get(f"{url}{MEMBERS}/alice", headers=OWNER, timeout=5)
            assert answer.status_code == 503 and "unavailable" in answer.json()["error"]
            assert time.monotonic() - started < 1
            session = {**OWNER, "X-Stub-Session": "during-outage"}
            added = httpx.post(url + MEMBERS, headers=session, json={"username": "carol"}, timeout=5)
            assert added.status_code == 503 and "unavailable" in added.json()["error"]
            assert httpx.get(url + "/__admin").json()["store"]["healthy"] is False
            assert httpx.post(url + "/__admin/reset").status_code == 503
    finally:
        redis_server.start()
    time.sleep(0.15)  # past the fail-fast window of the last refused request
    statuses = [httpx.get(f"{url}{MEMBERS}/alice", headers=OWNER).status_code for url in urls for _ in range(3)]
    assert statuses == [200] * 6  # the connections from before the restart are replaced at once
    assert httpx.get(f"{urls[1]}{MEMBERS}/bob", headers=OWNER).status_code == 404  # the state survived (AOF)
    assert all(httpx.get(url + "/__admin").json()["store"]["healthy"] for url in urls)


def test_a_restarted_replica_keeps_the_state_and_reset_returns_to_the_seed(
    urls: list[str], pair: list[Replica]
) -> None:
    assert httpx.delete(f"{urls[0]}{MEMBERS}/bob", headers=OWNER).status_code == 200
    pair[0].stop()
    pair[0].start().wait()
    assert httpx.get(f"{urls[0]}{MEMBERS}/bob", headers=OWNER).status_code == 404
    assert httpx.post(urls[0] + "/__admin/reset").status_code == 200
    assert httpx.get(f"{urls[1]}{MEMBERS}/bob", headers=OWNER).status_code == 200


def test_the_contract_suite_passes_against_the_pair_round_robin(urls: list[str]) -> None:
    proxy = RoundRobin(urls).start()
    try:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "contract_tests",
                "--url",
                proxy.url,
                "--examples",
                "10",
                "--workers",
                "4",
                "--strict",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=240,
        )
    finally:
        proxy.stop()
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    counts = [httpx.get(u + "/__admin/journal?limit=1").json()["total"] for u in urls]
    assert counts[0] > 100  # the shared journal saw the suite's requests


def test_workers_share_one_port_and_one_state(redis_server: RedisServer) -> None:
    pair = Replica(redis_server.url, "workers:", "--workers", "2").start().wait()
    try:
        assert pair.process is not None
        assert len(children(pair.process.pid)) == 2  # two worker processes under the one started
        statuses = storm([("DELETE", f"{pair.url}{MEMBERS}/bob", None) for _ in range(20)])
        assert sorted(statuses) == [200] + [404] * 19
    finally:
        pair.stop()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_workers_without_a_shared_store_are_refused() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mock_server", "--workers", "2", "--port", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "STORE=redis://" in run.stderr
