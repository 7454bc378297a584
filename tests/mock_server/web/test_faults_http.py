"""Fault rules over real HTTP: /__admin/faults, the seed's `faults:`, and what each effect does on the wire."""

from __future__ import annotations

import random
import socket
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from mock_server.background import BackgroundStub
from tests.mock_server import demo
from tests.mock_server.web import conformance

TURSO_BOB = "/v1/organizations/demo-org/members/bob"
TURSO_MEMBERS = "/v1/organizations/demo-org/members"
RECOUP_MEMBERS = "/api/organizations/members"
OWNER = demo.bearer(demo.OWNER_TOKEN)
RECOUP_KEY = {"x-api-key": demo.API_KEY}
REMOVE_DISPOSABLE = {"organization_id": demo.ORG, "account_id": demo.DISPOSABLE}


def add(client: httpx.Client, rule: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/__admin/faults", json=rule)
    assert response.status_code == 201, response.text
    added: dict[str, Any] = response.json()
    return added


def turso_members(client: httpx.Client) -> list[str]:
    return [m["username"] for m in client.get(TURSO_MEMBERS, headers=OWNER).json()["members"]]


def recoup_remove(client: httpx.Client, **headers: str) -> httpx.Response:
    return client.delete(RECOUP_MEMBERS, params=REMOVE_DISPOSABLE, headers={**RECOUP_KEY, **headers})


def test_the_next_two_turso_removals_answer_503_then_the_third_is_served(client: httpx.Client) -> None:
    rule = add(client, {"operation": "tursoRemoveOrganizationMember", "status": 503, "times": 2})
    first, second = (client.delete(TURSO_BOB, headers=OWNER) for _ in range(2))
    for response in (first, second):
        assert response.status_code == 503
        assert set(response.json()) == {"error"}  # Turso's error shape
        assert rule["id"] in response.json()["error"]
    assert "bob" in turso_members(client)  # the faulted removals did not happen
    third = client.delete(TURSO_BOB, headers=OWNER)
    assert (third.status_code, third.json()) == (200, {"member": "bob"})
    assert "bob" not in turso_members(client)
    [listed] = client.get("/__admin/faults").json()["faults"]
    assert (listed["matched"], listed["fired"], listed["spent"]) == (2, 2, True)


def test_every_recoup_removal_answers_after_at_least_300_ms(client: httpx.Client) -> None:
    add(client, {"operation": "recoupRemoveOrganizationMember", "delay_ms": 300})
    for _ in range(2):
        started = time.perf_counter()
        response = recoup_remove(client)
        assert time.perf_counter() - started >= 0.3
        assert (response.status_code, response.json()) == (200, {"status": "success"})
    entries = client.get("/__admin/journal", params={"operation": "recoupRemoveOrganizationMember"}).json()
    assert [e["fault"]["applied"] for e in entries["requests"]] == ["delay 300 ms"] * 2
    assert all(e["latency_ms"] >= 300 for e in entries["requests"])


def test_a_delay_does_not_hold_up_other_requests(stub: BackgroundStub, client: httpx.Client) -> None:
    add(client, {"operation": "recoupRemoveOrganizationMember", "delay_ms": 800})
    done: list[str] = []

    def slow() -> None:
        with httpx.Client(base_url=stub.url, timeout=10) as other:
            assert recoup_remove(other).status_code == 200
        done.append("delayed")

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.1)  # the delayed request is in its sleep now
    assert client.get("/v1/user", headers=OWNER).status_code == 200
    done.append("plain")
    thread.join(10)
    assert done == ["plain", "delayed"]


def test_a_reset_drop_is_seen_by_a_raw_client(stub: BackgroundStub, client: httpx.Client) -> None:
    add(client, {"operation": "tursoRemoveOrganizationMember", "drop": "reset"})
    url = urlsplit(stub.url)
    with socket.create_connection((url.hostname, url.port), timeout=5) as raw:
        raw.sendall(
            f"DELETE {TURSO_BOB} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {demo.OWNER_TOKEN}\r\n\r\n".encode()
        )
        with pytest.raises(ConnectionResetError):
            while raw.recv(65536):
                pass
    assert "bob" in turso_members(client)
    [entry] = client.get("/__admin/journal", params={"operation": "tursoRemoveOrganizationMember"}).json()["requests"]
    assert entry["status"] == 0 and entry["fault"]["applied"] == "drop (reset)"


def test_a_truncated_answer_is_cut_short(stub: BackgroundStub, client: httpx.Client) -> None:
    add(client, {"operation": "tursoListOrganizationMembers", "drop": "truncate", "status": 200})
    url = urlsplit(stub.url)
    with socket.create_connection((url.hostname, url.port), timeout=5) as raw:
        raw.sendall(
            f"GET {TURSO_MEMBERS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {demo.OWNER_TOKEN}\r\n\r\n".encode()
        )
        received = b""
        while chunk := raw.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    assert 0 < len(body) < length
    with httpx.Client(base_url=stub.url) as other, pytest.raises(httpx.RemoteProtocolError):
        other.get(TURSO_MEMBERS, headers=OWNER)


def test_probability_with_a_seed_is_reproducible(client: httpx.Client) -> None:
    rule = {"operation": "tursoGetCurrentUser", "status": 500, "probability": 0.5, "seed": 7}
    draws = random.Random(7)
    expected = [500 if draws.random() < 0.5 else 200 for _ in range(24)]
    runs = []
    for _ in range(2):
        client.delete("/__admin/faults")
        add(client, rule)
        runs.append([client.get("/v1/user", headers=OWNER).status_code for _ in range(24)])
    assert runs == [expected, expected]
    assert {200, 500} <= set(expected)


def test_every_kth_request(client: httpx.Client) -> None:
    add(client, {"operation": "tursoGetCurrentUser", "status": 502, "every": 3})
    assert [client.get("/v1/user", headers=OWNER).status_code for _ in range(6)] == [200, 200, 502] * 2


def test_header_selected_faults_do_not_hit_other_requests(client: httpx.Client) -> None:
    add(client, {"operation": "tursoRemoveOrganizationMember", "status": 503, "match_headers": {"x-test-id": "A"}})
    assert client.delete(TURSO_BOB, headers={**OWNER, "x-test-id": "A"}).status_code == 503
    assert client.delete(TURSO_BOB, headers={**OWNER, "x-test-id": "B"}).status_code == 200
    assert client.post("/__admin/reset").status_code == 200
    assert client.delete(TURSO_BOB, headers=OWNER).status_code == 200


def test_an_answer_with_status_headers_and_body(stub: BackgroundStub, client: httpx.Client) -> None:
    body = {"message": "maintenance", "code": 42}
    add(
        client,
        {"operation": "recoupAddOrganizationMember", "status": 503, "headers": {"Retry-After": "30"}, "body": body},
    )
    with httpx.Client(base_url=stub.url) as plain:  # a body the contract does not have, on purpose
        response = plain.post(RECOUP_MEMBERS, headers=RECOUP_KEY, json={"organizationId": demo.ORG, "email": "n@x.io"})
    assert (response.status_code, response.json(), response.headers["retry-after"]) == (503, body, "30")
    assert "n@x.io" not in client.get("/__admin/state").text  # the add did not happen


def test_the_default_body_is_the_vendors_error_shape(client: httpx.Client) -> None:
    add(client, {"operation": "recoupRemoveOrganizationMember", "status": 500})
    response = recoup_remove(client)
    assert response.status_code == 500
    assert set(response.json()) == {"status", "error"} and response.json()["status"] == "error"
    assert (
        demo.DISPOSABLE
        in next(o for o in client.get("/__admin/state").json()["recoup"]["organizations"] if o["id"] == demo.ORG)[
            "members"
        ]
    )


def test_rate_limit_per_credential_then_429_with_retry_after(client: httpx.Client) -> None:
    add(client, {"operation": "tursoListOrganizationMembers", "rate_limit": 2})
    statuses = []
    for _ in range(10):
        response = client.get(TURSO_MEMBERS, headers=OWNER)
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[-1] == 429 and statuses[-3:-1] == [200, 200]
    assert response.headers["retry-after"] == "1" and set(response.json()) == {"error"}
    assert client.get(TURSO_MEMBERS, headers=demo.bearer(demo.ADMIN_TOKEN)).status_code == 200  # another credential
    time.sleep(1.05)
    assert client.get(TURSO_MEMBERS, headers=OWNER).status_code == 200


def test_faults_never_apply_to_the_control_api(client: httpx.Client) -> None:
    refused = client.post("/__admin/faults", json={"operation": "get_state", "status": 503})
    assert refused.status_code == 400
    assert "known: recoupAddOrganizationMember" in refused.json()["error"]
    for op in conformance.SPECS["recoup"]["paths"].values():
        for method in op.values():
            add(client, {"operation": method["operationId"], "drop": "reset"})
    for op in conformance.SPECS["turso"]["paths"].values():
        for method in op.values():
            add(client, {"operation": method["operationId"], "drop": "reset"})
    for path in ("/__admin", "/__admin/state", "/__admin/journal", "/__admin/faults", "/", "/docs/recoup.json"):
        assert client.get(path).status_code == 200
    assert client.post("/__admin/reset").status_code == 200


def test_the_journal_marks_faulted_requests_and_filters(client: httpx.Client) -> None:
    rule = add(client, {"operation": "tursoRemoveOrganizationMember", "status": 503, "times": 2})
    for _ in range(3):
        client.delete(TURSO_BOB, headers=OWNER)
    client.get("/v1/user", headers=OWNER)
    journal = client.get("/__admin/journal", params={"operation": "tursoRemoveOrganizationMember"}).json()
    assert [(e["status"], e.get("fault")) for e in journal["requests"]] == [
        (200, None),
        (503, {"rule": rule["id"], "applied": "status 503"}),
        (503, {"rule": rule["id"], "applied": "status 503"}),
    ]
    only_503 = client.get("/__admin/journal", params={"status": 503}).json()["requests"]
    assert len(only_503) == 2
    both = client.get("/__admin/journal", params={"operation": "tursoGetCurrentUser", "status": 200}).json()
    assert [e["path"] for e in both["requests"]] == ["/v1/user"]
    assert client.delete("/__admin/journal").status_code == 200
    assert client.get("/__admin/journal").json()["total"] == 1  # the clear itself, counted after it


def test_listing_and_removing_rules(client: httpx.Client) -> None:
    first = add(client, {"operation": "tursoGetCurrentUser", "status": 500})
    second = add(client, {"operation": "tursoGetCurrentUser", "delay_ms": 1, "id": "slow-user"})
    assert second["id"] == "slow-user"
    assert (
        client.post(
            "/__admin/faults", json={"operation": "tursoGetCurrentUser", "delay_ms": 1, "id": "slow-user"}
        ).status_code
        == 409
    )
    assert [r["id"] for r in client.get("/__admin/faults").json()["faults"]] == [first["id"], "slow-user"]
    assert client.delete(f"/__admin/faults/{first['id']}").json() == {"status": "removed", "id": first["id"]}
    missing = client.delete(f"/__admin/faults/{first['id']}")
    assert missing.status_code == 404 and "slow-user" in missing.json()["error"]
    assert client.get("/v1/user", headers=OWNER).status_code == 200
    assert client.delete("/__admin/faults").json() == {"status": "cleared", "removed": 1}
    assert client.get("/__admin/faults").json() == {"faults": []}


@pytest.mark.parametrize(
    "rule",
    [
        {"operation": "tursoGetCurrentUser"},
        {"operation": "tursoGetCurrentUser", "status": "503"},
        {"operation": "tursoGetCurrentUser", "status": 503, "bogus": 1},
        {"operation": "tursoGetCurrentUser", "drop": "reset", "status": 503},
    ],
)
def test_invalid_rules_are_400s(client: httpx.Client, rule: dict[str, Any]) -> None:
    response = client.post("/__admin/faults", json=rule)
    assert response.status_code == 400
    assert client.get("/__admin/faults").json() == {"faults": []}


@pytest.mark.parametrize("status", [204, 205, 304])
def test_an_answer_without_content_keeps_the_connection_usable(stub: BackgroundStub, status: int) -> None:
    with httpx.Client(base_url=stub.url) as plain:  # 204/205/304 are not in the contract: no conformance hook
        plain.delete("/__admin/faults")
        assert (
            plain.post("/__admin/faults", json={"operation": "tursoGetCurrentUser", "status": status}).status_code
            == 201
        )
        for _ in range(2):  # the same keep-alive connection, twice: nothing of a body is left on it
            response = plain.get("/v1/user", headers=OWNER)
            assert (response.status_code, response.content) == (status, b"")
        assert plain.delete("/__admin/faults").status_code == 200
        assert plain.get("/v1/user", headers=OWNER).status_code == 200


def test_a_rule_not_sent_as_json_is_a_415(client: httpx.Client) -> None:
    rule = b'{"operation": "tursoGetCurrentUser", "status": 503}'
    response = client.post("/__admin/faults", content=rule, headers={"content-type": "text/plain"})
    assert response.status_code == 415
    assert client.get("/__admin/faults").json() == {"faults": []}


def test_seed_faults_apply_from_the_start() -> None:
    seed = demo.demo_seed() | {"faults": [{"operation": "tursoGetCurrentUser", "status": 503, "times": 1}]}
    with BackgroundStub(seed) as stub, conformance.client(stub.url) as client:
        assert [client.get("/v1/user", headers=OWNER).status_code for _ in range(2)] == [503, 200]
        [rule] = client.get("/__admin/faults").json()["faults"]
        assert (rule["id"], rule["fired"], rule["spent"]) == ("f1", 1, True)
