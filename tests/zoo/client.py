"""Raw HTTP to a served zoo member, for the zoo's own tests (never through the contract suite)."""

from __future__ import annotations

import gzip
import http.client
import json
from typing import Any
from urllib.parse import urlsplit

from .server import Served
from .world import fresh_world

ENV = fresh_world().environment()
KEY = {"x-api-key": ENV["RECOUP_API_KEY"]}
BEARER = {"Authorization": f"Bearer {ENV['RECOUP_BEARER_TOKEN']}"}
OWNER = {"Authorization": f"Bearer {ENV['TURSO_TOKEN']}"}
VIEWER = {"Authorization": f"Bearer {ENV['TURSO_MEMBER_TOKEN']}"}
PROBE = "5afe7e57-0000-8000-8000-000000000001"
TURSO_PROBE = "probe__nobody"


def call(
    served: Served, method: str, path: str, headers: dict[str, str] | None = None, body: Any = None
) -> tuple[int, Any]:
    """One request through http.client (which undoes chunking, gzip undone here); the status and the JSON body.

    `body` is sent as JSON (bytes as they are), without a Content-Type unless `headers` give one.
    """
    parts = urlsplit(served.url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    try:
        conn.request(method, parts.path + path, body=data, headers=headers or {})
        response = conn.getresponse()
        raw = response.read()
        if response.getheader("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        return response.status, json.loads(raw) if raw else None
    finally:
        conn.close()


def recoup_path(org: str, account: str) -> str:
    return f"/api/organizations/members?organization_id={org}&account_id={account}"


def turso_members(org: str, username: str | None = None) -> str:
    return f"/v1/organizations/{org}/members" + (f"/{username}" if username is not None else "")
