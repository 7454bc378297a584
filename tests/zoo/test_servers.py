"""The zoo's servers themselves, with raw requests: each member really is as different as it claims."""

from __future__ import annotations

import gzip
import http.client
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from . import recoup, turso
from .deployment import Deployment
from .exchange import Request
from .members import CORRECT, MEMBERS
from .run import serve
from .server import Served, accepts_gzip
from .variant import Quotas, RateLimit, Variant
from .world import COLLEAGUE, DISPOSABLE, FOREIGN_ORG, HOME_ORG, TURSO_DISPOSABLE, TURSO_ORG, fresh_world

ENV = fresh_world().environment()
KEY = {"x-api-key": ENV["RECOUP_API_KEY"]}
OWNER = {"Authorization": f"Bearer {ENV['TURSO_TOKEN']}"}
PROBE = "5afe7e57-0000-8000-8000-000000000001"


def recoup_path(org: str = HOME_ORG, account: str = PROBE) -> str:
    return f"/api/organizations/members?organization_id={org}&account_id={account}"


@dataclass
class Raw:
    status: int
    headers: list[tuple[str, str]]  # as written on the wire, names in their case
    body: bytes  # as received: still chunked / compressed

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def raw(served: Served, method: str, path: str, headers: dict[str, str] | None = None, close: bool = True) -> Raw:
    """One request on a fresh socket, read until the server closes it (so `close=False` proves it does)."""
    parts = urlsplit(served.url)
    lines = [f"{method} {parts.path}{path} HTTP/1.1", f"Host: {parts.netloc}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if close:
        lines.append("Connection: close")
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while chunk := sock.recv(65536):  # a timeout here means the server kept the connection open
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    pairs = [(n, v.strip()) for n, _, v in (line.partition(":") for line in header_lines)]
    return Raw(int(status_line.split()[1]), pairs, body)


def dechunk(body: bytes) -> tuple[bytes, int]:
    """The payload of a chunked body, and how many chunks it came in."""
    out, count = b"", 0
    while True:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            return out, count
        out, body, count = out + body[:size], body[size + 2 :], count + 1


def call(served: Served, method: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """A request through http.client (which undoes chunking); the status and the JSON body."""
    parts = urlsplit(served.url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    try:
        conn.request(method, parts.path + path, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        if response.getheader("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        return response.status, json.loads(data) if data else None
    finally:
        conn.close()


@pytest.fixture
def plain() -> Iterator[Served]:
    with serve(CORRECT["plain"]) as served:
        yield served


# The vendor logic, without HTTP.


def _recoup(deployment: Deployment, path: str, headers: dict[str, str]) -> tuple[int, Any]:
    split = urlsplit(path)
    query = tuple((name, value) for name, _, value in (p.partition("=") for p in split.query.split("&") if p))
    request = Request("DELETE", split.path, query, {k.lower(): (v,) for k, v in headers.items()})
    answer = deployment.handle(request)
    return answer.status, answer.body


def test_recoup_rules_in_order() -> None:
    d = Deployment(Variant())
    assert _recoup(d, "/api/organizations/members?organization_id=x", {}) == (
        401,
        recoup.error(recoup.WORDING["vendor"]["credentials"]),
    )
    assert _recoup(d, recoup_path(), {"x-api-key": "nope"})[0] == 401
    both = {**KEY, "Authorization": f"Bearer {ENV['RECOUP_BEARER_TOKEN']}"}
    assert _recoup(d, recoup_path(), both)[0] == 401
    assert _recoup(d, f"/api/organizations/members?organization_id={HOME_ORG}", KEY) == (
        400,
        recoup.error("account_id is required"),
    )
    assert _recoup(d, recoup_path(account="nope"), KEY) == (400, recoup.error("account_id must be a valid UUID"))
    assert _recoup(d, recoup_path() + f"&account_id={PROBE}", KEY)[0] == 400
    assert _recoup(d, recoup_path(org=FOREIGN_ORG), KEY)[0] == 403
    assert _recoup(d, recoup_path(org=PROBE), KEY)[0] == 403
    bearer = {"Authorization": f"bearer {ENV['RECOUP_BEARER_TOKEN']}"}
    assert _recoup(d, recoup_path(account=DISPOSABLE.upper()), bearer) == (200, recoup.success())
    assert DISPOSABLE not in d.world.recoup.organizations[HOME_ORG]
    assert _recoup(d, recoup_path(account=DISPOSABLE), KEY) == (200, recoup.success())
    assert COLLEAGUE in d.world.recoup.organizations[HOME_ORG]


def test_turso_rules_in_order(plain: Served) -> None:
    path = f"/v1/organizations/{TURSO_ORG}/members/"
    assert call(plain, "DELETE", path + "mira") == (401, turso.error(turso.WORDING["vendor"]["token"]))
    assert call(plain, "DELETE", path + "mira", {"Authorization": "Basic eDp5"})[0] == 401
    assert call(plain, "DELETE", path + "mira", {"Authorization": "Bearer zoo_tt_watcher_3b6d2f80"})[0] == 403
    assert call(plain, "DELETE", "/v1/organizations/far-co/members/stranger", OWNER)[0] == 403
    status, body = call(plain, "DELETE", path + "probe__x%2Fy", OWNER)
    assert status == 404 and body == turso.error(f"user probe__x/y is not a member of org {TURSO_ORG}")
    assert call(plain, "DELETE", path + TURSO_DISPOSABLE, OWNER) == (200, {"member": TURSO_DISPOSABLE})
    assert call(plain, "DELETE", path + TURSO_DISPOSABLE, OWNER)[0] == 404
    assert call(plain, "PUT", path + "mira", OWNER)[0] == 405


def test_unknown_paths_and_the_control_api_are_404_json(plain: Served) -> None:
    assert call(plain, "GET", "/__admin") == (404, {"error": "not found"})
    assert call(plain, "DELETE", "/api/other", KEY)[1]["status"] == "error"
    assert call(plain, "DELETE", "/v1/other", OWNER)[0] == 404


# The transport and wording differences.


def test_extra_properties_on_success_and_error() -> None:
    with serve(CORRECT["extra-properties"]) as served:
        status, ok = call(served, "DELETE", recoup_path(), KEY)
        _, err = call(served, "DELETE", recoup_path(), {})
        _, gone = call(served, "DELETE", f"/v1/organizations/{TURSO_ORG}/members/probe__a", OWNER)
    assert status == 200 and ok["status"] == "success"
    for body in (ok, err, gone):
        assert {"request_id", "meta"} <= set(body), body
    assert err["status"] == "error" and isinstance(err["error"], str) and isinstance(gone["error"], str)


def test_media_type_parameters_and_lower_case_header_names() -> None:
    with serve(CORRECT["media-type-and-header-case"]) as served:
        answer = raw(served, "DELETE", recoup_path(), KEY)
    assert ("content-type", "application/json; charset=utf-8") in answer.headers
    assert all(name == name.lower() for name, _ in answer.headers), answer.headers


def test_gzip_only_when_asked() -> None:
    with serve(CORRECT["gzip"]) as served:
        zipped = raw(served, "DELETE", recoup_path(), {**KEY, "Accept-Encoding": "br, gzip;q=0.8"})
        plain = raw(served, "DELETE", recoup_path(), KEY)
        refused = raw(served, "DELETE", recoup_path(), {**KEY, "Accept-Encoding": "gzip;q=0, identity"})
    assert zipped.header("Content-Encoding") == "gzip"
    assert json.loads(gzip.decompress(zipped.body)) == recoup.success()
    assert plain.header("Content-Encoding") is None and json.loads(plain.body) == recoup.success()
    assert refused.header("Content-Encoding") is None


def test_accept_encoding_parsing() -> None:
    assert accepts_gzip(["gzip, deflate"]) and accepts_gzip(["*"]) and accepts_gzip(["deflate", "GZIP;q=0.5"])
    assert not accepts_gzip([]) and not accepts_gzip(["gzip;q=0"]) and not accepts_gzip(["identity"])


def test_chunked_bodies() -> None:
    with serve(CORRECT["chunked"]) as served:
        answer = raw(served, "DELETE", f"/v1/organizations/{TURSO_ORG}/members/probe__a", OWNER)
        assert call(served, "DELETE", recoup_path(), KEY) == (200, recoup.success())
    assert answer.header("Transfer-Encoding") == "chunked" and answer.header("Content-Length") is None
    payload, chunks = dechunk(answer.body)
    assert chunks > 1 and json.loads(payload)["error"].startswith("user probe__a")


def test_connection_close_on_every_answer() -> None:
    with serve(CORRECT["connection-close"]) as served:
        for path, headers in ((recoup_path(), KEY), (recoup_path(), {}), ("/v1/x", {})):
            answer = raw(served, "DELETE", path, headers, close=False)  # returns only because the server closed
            assert answer.header("Connection") == "close"


def test_latency_is_in_its_range() -> None:
    deployment = Deployment(CORRECT["latency"].variant)
    delays = [deployment.delay() for _ in range(200)]
    assert all(0.001 <= d <= 0.004 for d in delays) and len(set(delays)) > 100
    assert Deployment(Variant()).delay() == 0


def test_base_path() -> None:
    with serve(CORRECT["base-path"]) as served:
        assert served.url.endswith("/gateway/v2")
        assert call(served, "DELETE", recoup_path(), KEY) == (200, recoup.success())
        root = Served(served.url.removesuffix("/gateway/v2"), None)
        assert call(root, "DELETE", recoup_path(), KEY)[0] == 404
        assert call(root, "DELETE", "/gateway/v2x" + recoup_path(), KEY)[0] == 404


def test_quota_renews_after_retry_after() -> None:
    now = [0.0]
    quotas = Quotas(RateLimit(quota=3, retry_after=1), clock=lambda: now[0])
    assert [quotas.take("a") for _ in range(4)] == [True, True, True, False]
    assert quotas.take("b")
    now[0] = 0.9
    assert not quotas.take("a")
    now[0] = 1.0
    assert [quotas.take("a") for _ in range(4)] == [True, True, True, False]


def test_rate_limit_answers_429_with_retry_after() -> None:
    with serve(CORRECT["rate-limited"]) as served:
        quota = CORRECT["rate-limited"].variant.rate_limit
        assert quota is not None
        statuses = [call(served, "DELETE", recoup_path(), KEY)[0] for _ in range(quota.quota)]
        limited = raw(served, "DELETE", recoup_path(), KEY)
        other = call(served, "DELETE", f"/v1/organizations/{TURSO_ORG}/members/probe__a", OWNER)
        turso_limited = [call(served, "DELETE", "/v1/organizations/x/members/probe__a", OWNER)[0] for _ in range(100)]
    assert set(statuses) == {200}
    assert limited.status == 429 and limited.header("Retry-After") == "1"
    assert json.loads(limited.body) == recoup.error(recoup.WORDING["vendor"]["rate"])
    assert other[0] == 404 and turso_limited[-1] == 429


def test_other_wording_differs_and_keeps_the_turso_404_facts() -> None:
    vendor, alternate = recoup.WORDING["vendor"], recoup.WORDING["alternate"]
    assert vendor.keys() == alternate.keys() and all(vendor[k] != alternate[k] for k in vendor)
    vendor, alternate = turso.WORDING["vendor"], turso.WORDING["alternate"]
    assert vendor.keys() == alternate.keys() and all(vendor[k] != alternate[k] for k in vendor)
    with serve(CORRECT["other-wording"]) as served:
        status, body = call(served, "DELETE", f"/v1/organizations/{TURSO_ORG}/members/probe__z-9", OWNER)
        assert call(served, "DELETE", recoup_path(), {})[1] == recoup.error(recoup.WORDING["alternate"]["credentials"])
    assert status == 404 and "probe__z-9" in body["error"] and TURSO_ORG in body["error"]
    assert body["error"] != turso.WORDING["vendor"]["not_member"].format(user="probe__z-9", org=TURSO_ORG)


def test_everything_at_once() -> None:
    with serve(CORRECT["everything-at-once"]) as served:
        answer = raw(served, "DELETE", recoup_path(), {**KEY, "Accept-Encoding": "gzip"}, close=False)
    names = [name for name, _ in answer.headers]
    assert all(n == n.upper() for n in names) and "CONTENT-ENCODING" in names and "CONNECTION" in names
    assert answer.header("Transfer-Encoding") == "chunked"
    assert answer.header("Content-Type") == 'Application/JSON; charset="UTF-8"'
    body = json.loads(gzip.decompress(dechunk(answer.body)[0]))
    assert body["status"] == "success" and "request_id" in body


def test_starlette_member() -> None:
    with serve(CORRECT["starlette"]) as served:
        assert call(served, "DELETE", recoup_path(), {})[0] == 401
        assert call(served, "DELETE", recoup_path(account="x"), KEY)[0] == 400
        assert call(served, "DELETE", recoup_path(org=FOREIGN_ORG), KEY)[0] == 403
        assert call(served, "DELETE", recoup_path(account=DISPOSABLE), KEY) == (200, recoup.success())
        assert call(served, "DELETE", recoup_path(account=DISPOSABLE), KEY) == (200, recoup.success())
        status, body = call(served, "DELETE", f"/v1/organizations/{TURSO_ORG}/members/probe__q", OWNER)
        assert status == 404 and body["error"] == f"user probe__q is not a member of org {TURSO_ORG}"
        assert call(served, "DELETE", "/v1/organizations/a%0Ab/members/probe__q", OWNER)[0] == 403
        assert call(served, "DELETE", "/v1/organizations/a%0Ab", OWNER)[0] == 405
        assert call(served, "DELETE", "/v1/organizations/a%0Ab/x", OWNER) == (404, {"error": "unknown route"})


def test_file_server_member_is_python_http_server() -> None:
    with serve(MEMBERS["recoup-file-server"]) as served:
        answer = raw(served, "DELETE", recoup_path(), KEY)
    assert answer.status == 501 and (answer.header("Content-Type") or "").startswith("text/html")
