"""Deliberately broken servers: ASGI layers around the stub, each breaking exactly one rule of the contract.

`BROKEN` maps a name to (layer, vendor, the check ids the suite must name). `REFUSED` maps a name to (layer,
vendor, the variable the pre-flight must name): servers that refuse the configured credentials or
organization, which end the run before any check. Use with `BackgroundStub(wrap=layer)`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from mock_server.web.http import ASGIApp, Message, Receive, Scope, Send

RECOUP_PATH = "/api/organizations/members"
DEMO_KEY = "recoup_sk_demo_5f1c9a2e7b"
DEMO_TOKEN = "turso_demo_owner_3c7e19b5"
DEMO_ORG = "0b5e8d2c-6f1a-4b3c-9d7e-1a2b3c4d5e6f"
FOREIGN_ORG = "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f"
DEMO_MEMBERS = {
    "3f2a6c1e-8b4d-4e7a-9c21-5d0b7e9a1f01",
    "7c9e2f4a-1b3d-4c5e-8f6a-2d4b6c8e0a12",
    "2e4f6a8c-0b1d-4e3f-a5b7-c9d1e3f5a7b9",
}

Layer = Callable[[ASGIApp], ASGIApp]


# Small helpers over raw ASGI.


def is_recoup(scope: Scope) -> bool:
    """A Recoup removal (these layers break the removal's rules; `broken_lifecycle` breaks the others)."""
    return scope["type"] == "http" and scope["method"] == "DELETE" and scope["path"] == RECOUP_PATH


def is_turso(scope: Scope) -> bool:
    """A Turso removal."""
    path = scope["path"] if scope["type"] == "http" else ""
    return scope["method"] == "DELETE" and path.startswith("/v1/organizations/") and "/members/" in path


def query(scope: Scope) -> list[tuple[str, str]]:
    return parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)


def headers(scope: Scope) -> dict[bytes, bytes]:
    return dict(scope["headers"])


def with_headers(scope: Scope, **values: str) -> Scope:
    """A copy of scope with these headers (x_api_key -> x-api-key) replacing any of the same name."""
    names = {k.replace("_", "-").encode(): v.encode() for k, v in values.items()}
    kept = [(k, v) for k, v in scope["headers"] if k not in names]
    return {**scope, "headers": kept + list(names.items())}


def with_query(scope: Scope, pairs: list[tuple[str, str]]) -> Scope:
    from urllib.parse import urlencode

    return {**scope, "query_string": urlencode(pairs).encode()}


async def answer(send: Send, status: int, body: Any, content_type: bytes = b"application/json") -> None:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers_ = [(b"content-type", content_type), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers_})
    await send({"type": "http.response.body", "body": data})


@dataclass
class Captured:
    status: int = 0
    headers: list[tuple[bytes, bytes]] | None = None
    body: bytes = b""


async def capture(app: ASGIApp, scope: Scope, receive: Receive) -> Captured:
    out = Captured()

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            out.status, out.headers = message["status"], list(message["headers"])
        elif message["type"] == "http.response.body":
            out.body += message.get("body", b"")

    await app(scope, receive, send)
    return out


async def replace_answer(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, status: int, new_status: int, body: Any
) -> bool:
    """Pass the request to the stub; an answer of `status` goes out as `new_status` with `body` instead."""
    got = await capture(app, scope, receive)
    if got.status == status:
        await answer(send, new_status, body)
    else:
        await answer(send, got.status, got.body)
    return True


def layer(handler: Callable[[ASGIApp, Scope, Receive, Send], Awaitable[bool]]) -> Layer:
    """Build a layer from `handler(app, scope, receive, send) -> handled`; unhandled requests reach the stub."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def broken(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and await handler(app, scope, receive, send):
                return
            await app(scope, receive, send)

        return broken

    return wrap


def stateful(make: Callable[[], Callable[[ASGIApp, Scope, Receive, Send], Awaitable[bool]]]) -> Layer:
    """Like `layer`, with a fresh handler (and its state) per wrapped app."""

    def wrap(app: ASGIApp) -> ASGIApp:
        return layer(make())(app)

    return wrap


# Section 1: conformance.


@layer
async def server_error_on_odd_input(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """A 500 whenever a Recoup account_id has a character outside [0-9a-zA-Z-]."""
    if is_recoup(scope):
        for name, value in query(scope):
            if name == "account_id" and any(not (c.isascii() and (c.isalnum() or c == "-")) for c in value):
                await answer(send, 500, {"status": "error", "error": "internal error"})
                return True
    return False


@layer
async def undocumented_status(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Recoup answers 404 (undocumented) where it should answer 403."""
    if is_recoup(scope):
        got = await capture(app, scope, receive)
        status = 404 if got.status == 403 else got.status
        await answer(send, status, got.body)
        return True
    return False


@layer
async def wrong_content_type(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Recoup's 200 answer is labelled text/plain."""
    if is_recoup(scope):
        got = await capture(app, scope, receive)
        await answer(send, got.status, got.body, b"text/plain" if got.status == 200 else b"application/json")
        return True
    return False


@layer
async def schema_violating_success(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Recoup's 200 body is {"status": "ok"}, outside the schema's enum."""
    if is_recoup(scope):
        got = await capture(app, scope, receive)
        await answer(send, got.status, {"status": "ok"} if got.status == 200 else got.body)
        return True
    return False


@layer
async def refuses_valid_uuids(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Recoup accepts only lower-case version-4 UUIDs, answering 400 to other valid UUIDs."""
    if is_recoup(scope) and (b"x-api-key" in headers(scope) or b"authorization" in headers(scope)):
        for name, value in query(scope):
            if name in ("organization_id", "account_id") and len(value) == 36 and value[14] != "4":
                await answer(send, 400, {"status": "error", "error": f"{name} must be a valid UUID"})
                return True
    return False


def _turso_username(scope: Scope) -> str:
    return unquote(scope["raw_path"].decode("latin-1").rsplit("/", 1)[-1])


@layer
async def turso_server_error_on_odd_username(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """A 500 whenever a Turso username has a character outside ASCII letters, digits, '-' and '_'."""
    if is_turso(scope) and any(not (c.isascii() and (c.isalnum() or c in "-_")) for c in _turso_username(scope)):
        await answer(send, 500, {"error": "internal error"})
        return True
    return False


@layer
async def turso_gone_for_non_members(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Turso answers 410 (undocumented) where it should answer 404."""
    if is_turso(scope):
        got = await capture(app, scope, receive)
        await answer(send, 410 if got.status == 404 else got.status, got.body)
        return True
    return False


@layer
async def turso_not_found_as_html(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Turso's 404 is labelled text/html."""
    if is_turso(scope):
        got = await capture(app, scope, receive)
        await answer(send, got.status, got.body, b"text/html" if got.status == 404 else b"application/json")
        return True
    return False


@layer
async def turso_not_found_with_message(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Turso's 404 body is {"message": "..."}, without the required "error"."""
    if is_turso(scope):
        got = await capture(app, scope, receive)
        body = {"message": json.loads(got.body)["error"]} if got.status == 404 else got.body
        await answer(send, got.status, body)
        return True
    return False


@layer
async def turso_refuses_non_ascii(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Turso answers 400 to usernames with non-ASCII characters, which the spec allows."""
    if is_turso(scope) and b"authorization" in headers(scope) and not _turso_username(scope).isascii():
        await answer(send, 400, {"error": "invalid username"})
        return True
    return False


@layer
async def recoup_accepts_invalid_input(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Whatever is wrong with the parameters, Recoup answers 200 success instead of 400."""
    if is_recoup(scope):
        return await replace_answer(app, scope, receive, send, 400, 200, {"status": "success"})
    return False


# Section 2: Recoup behaviour.


@layer
async def recoup_ignores_missing_credentials(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """No credentials: treated as the demo caller."""
    h = headers(scope)
    if is_recoup(scope) and b"x-api-key" not in h and b"authorization" not in h:
        await app(with_headers(scope, x_api_key=DEMO_KEY), receive, send)
        return True
    return False


@layer
async def recoup_accepts_unknown_keys(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Any x-api-key or bearer token is taken as the demo caller's."""
    h = headers(scope)
    if is_recoup(scope) and (b"x-api-key" in h) != (b"authorization" in h):
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k not in (b"x-api-key", b"authorization")]}
        await app(with_headers(scope, x_api_key=DEMO_KEY), receive, send)
        return True
    return False


@layer
async def recoup_refuses_api_keys(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """The x-api-key scheme is refused: 401."""
    if is_recoup(scope) and b"x-api-key" in headers(scope):
        await answer(send, 401, {"status": "error", "error": "API keys are not supported"})
        return True
    return False


@layer
async def recoup_refuses_bearer_tokens(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """The bearer scheme is refused: 401."""
    if is_recoup(scope) and b"authorization" in headers(scope):
        await answer(send, 401, {"status": "error", "error": "bearer tokens are not supported"})
        return True
    return False


@layer
async def recoup_api_key_answers_400(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """The x-api-key scheme gets a 400, as if the header were not understood."""
    if is_recoup(scope) and b"x-api-key" in headers(scope):
        await answer(send, 400, {"status": "error", "error": "use Authorization: Bearer"})
        return True
    return False


@layer
async def recoup_bearer_success_body_wrong(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Removals authenticated with a bearer token answer 200 {"status": "removed"}, outside the schema's enum."""
    if is_recoup(scope) and b"authorization" in headers(scope):
        got = await capture(app, scope, receive)
        await answer(send, got.status, {"status": "removed"} if got.status == 200 else got.body)
        return True
    return False


@layer
async def recoup_upper_case_ids_unauthorized(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """An upper-case account_id gets 401, every time: the same (wrong) answer twice."""
    if is_recoup(scope):
        account = dict(query(scope)).get("account_id", "")
        if account != account.lower():
            await answer(send, 401, {"status": "error", "error": "Unauthorized"})
            return True
    return False


@layer
async def recoup_non_member_501_html(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Removing a non-member answers 501 with an HTML page, like `python3 -m http.server`, every time."""
    if is_recoup(scope):
        got = await capture(app, scope, receive)
        account = dict(query(scope)).get("account_id", "").lower()
        if got.status == 200 and account not in DEMO_MEMBERS:
            await answer(send, 501, b"<html><body>Unsupported method</body></html>", b"text/html")
        else:
            await answer(send, got.status, got.body)
        return True
    return False


@layer
async def recoup_org_forbidden(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """The configured organization answers 403 to its own members."""
    if is_recoup(scope) and dict(query(scope)).get("organization_id", "").lower() == DEMO_ORG:
        h = headers(scope)
        if b"x-api-key" in h or b"authorization" in h:
            await answer(send, 403, {"status": "error", "error": "Caller is not a member of the organization"})
            return True
    return False


@layer
async def turso_refuses_the_token(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Every token is refused with 401, the configured one included."""
    if is_turso(scope):
        await answer(send, 401, {"error": "invalid token"})
        return True
    return False


@layer
async def turso_org_forbidden(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """The configured token may not remove members of its organization: 403."""
    mine = headers(scope).get(b"authorization") == f"Bearer {DEMO_TOKEN}".encode()
    if is_turso(scope) and scope["path"].startswith("/v1/organizations/demo-org/") and mine:
        await answer(send, 403, {"error": "only organization admins or owners can remove members"})
        return True
    return False


@layer
async def recoup_accepts_missing_parameters(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """A missing account_id is a no-op success for authenticated callers."""
    h = headers(scope)
    names = {n for n, _ in query(scope)}
    if is_recoup(scope) and "account_id" not in names and (b"x-api-key" in h or b"authorization" in h):
        await answer(send, 200, {"status": "success"})
        return True
    return False


@layer
async def recoup_accepts_bad_uuids(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """No 400 for a malformed id: the request is answered as if the id were a valid, unknown one."""
    if is_recoup(scope):
        pairs = query(scope)
        fixed = [
            (n, v) if n not in ("organization_id", "account_id") or _uuid(v) else (n, _unknown(n)) for n, v in pairs
        ]
        if fixed != pairs:
            await app(with_query(scope, fixed), receive, send)
            return True
    return False


@layer
async def recoup_accepts_repeated_parameters(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """A repeated parameter is not refused: the last value wins."""
    if is_recoup(scope):
        pairs = query(scope)
        last = dict(pairs)
        if len(last) != len(pairs):
            await app(with_query(scope, list(last.items())), receive, send)
            return True
    return False


@layer
async def recoup_allows_unknown_organizations(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Removing from an organization that does not exist succeeds (it should be 403)."""
    if is_recoup(scope):
        got = await capture(app, scope, receive)
        org = dict(query(scope)).get("organization_id", "").lower()
        known = org in (DEMO_ORG, FOREIGN_ORG)
        if got.status == 403 and not known:
            await answer(send, 200, {"status": "success"})
        else:
            await answer(send, got.status, got.body)
        return True
    return False


@layer
async def recoup_allows_foreign_organization(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """The caller may remove members of RECOUP_FOREIGN_ORG_ID, which it is outside of."""
    if is_recoup(scope):
        got = await capture(app, scope, receive)
        org = dict(query(scope)).get("organization_id", "").lower()
        if got.status == 403 and org == FOREIGN_ORG:
            await answer(send, 200, {"status": "success"})
        else:
            await answer(send, got.status, got.body)
        return True
    return False


@layer
async def recoup_non_member_not_found(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Removing an account that is not a member answers 404 instead of success."""
    if is_recoup(scope):
        got = await capture(app, scope, receive)
        account = dict(query(scope)).get("account_id", "").lower()
        if got.status == 200 and account not in DEMO_MEMBERS:
            await answer(send, 404, {"status": "error", "error": "not a member"})
        else:
            await answer(send, got.status, got.body)
        return True
    return False


def _repeat_not_found(members_only: bool) -> Callable[[], Callable[[ASGIApp, Scope, Receive, Send], Awaitable[bool]]]:
    def make() -> Callable[[ASGIApp, Scope, Receive, Send], Awaitable[bool]]:
        removed: set[tuple[str, str]] = set()

        async def handler(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
            if not is_recoup(scope):
                if scope["path"] == "/__admin/reset":
                    removed.clear()
                return False
            got = await capture(app, scope, receive)
            q = dict(query(scope))
            key = (q.get("organization_id", "").lower(), q.get("account_id", "").lower())
            if got.status == 200 and (key[1] in DEMO_MEMBERS or not members_only):
                if key in removed:
                    await answer(send, 404, {"status": "error", "error": "already removed"})
                    return True
                removed.add(key)
            await answer(send, got.status, got.body)
            return True

        return handler

    return make


recoup_repeat_not_found = stateful(_repeat_not_found(members_only=False))
recoup_member_repeat_not_found = stateful(_repeat_not_found(members_only=True))


@layer
async def recoup_disposable_removal_fails(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Removing a real member of the organization fails with 403."""
    if is_recoup(scope) and dict(query(scope)).get("account_id", "").lower() in DEMO_MEMBERS:
        await answer(send, 403, {"status": "error", "error": "Caller is not a member of the organization"})
        return True
    return False


# Section 3: Turso behaviour.


@layer
async def turso_ignores_missing_token(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """No token: treated as the demo owner."""
    if is_turso(scope) and b"authorization" not in headers(scope):
        await app(with_headers(scope, authorization=f"Bearer {DEMO_TOKEN}"), receive, send)
        return True
    return False


@layer
async def turso_accepts_any_token(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Any Authorization value is taken as the demo owner's token."""
    if is_turso(scope) and b"authorization" in headers(scope):
        await app(with_headers(scope, authorization=f"Bearer {DEMO_TOKEN}"), receive, send)
        return True
    return False


@layer
async def turso_non_member_success(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Removing a non-member answers 200 {"member": name} instead of 404."""
    if is_turso(scope):
        return await replace_answer(app, scope, receive, send, 404, 200, {"member": _turso_username(scope)})
    return False


@layer
async def turso_vague_not_found(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """The 404 says "member not found", naming neither the user nor the organization."""
    if is_turso(scope):
        got = await capture(app, scope, receive)
        await answer(send, got.status, {"error": "member not found"} if got.status == 404 else got.body)
        return True
    return False


@layer
async def turso_wrong_removal_body(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """A successful removal answers {"username": name} instead of {"member": name}."""
    if is_turso(scope):
        got = await capture(app, scope, receive)
        body = got.body
        if got.status == 200:
            body = json.dumps({"username": json.loads(got.body)["member"]}).encode()
        await answer(send, got.status, body)
        return True
    return False


def _turso_forgets() -> Callable[[ASGIApp, Scope, Receive, Send], Awaitable[bool]]:
    removed: dict[str, bytes] = {}

    async def handler(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
        if not is_turso(scope):
            if scope["path"] == "/__admin/reset":
                removed.clear()
            return False
        path = scope["path"]
        if path in removed:  # answer as if the member were still there
            await answer(send, 200, removed[path])
            return True
        got = await capture(app, scope, receive)
        if got.status == 200:
            removed[path] = got.body
        await answer(send, got.status, got.body)
        return True

    return handler


turso_removal_does_not_persist = stateful(_turso_forgets)


# Section 4: error bodies.


@layer
async def recoup_error_without_status(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Recoup errors are {"error": "..."}, without "status"."""
    if is_recoup(scope):
        got = await capture(app, scope, receive)
        body = got.body
        if got.status >= 400:
            body = json.dumps({"error": json.loads(got.body)["error"]}).encode()
        await answer(send, got.status, body)
        return True
    return False


@layer
async def recoup_error_with_message(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """The real server's drift: 401 bodies are {"status": "error", "message": "Unauthorized"}."""
    if is_recoup(scope):
        return await replace_answer(app, scope, receive, send, 401, 401, {"status": "error", "message": "Unauthorized"})
    return False


@layer
async def recoup_unknown_key_error_with_message(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """The real server's drift, exactly: 401 for unknown credentials is {"status": "error", "message": "Unauthorized"}.

    A 401 without credentials keeps the documented body, so only the unknown-credentials errors show it.
    """
    h = headers(scope)
    if is_recoup(scope) and (b"x-api-key" in h or b"authorization" in h):
        return await replace_answer(app, scope, receive, send, 401, 401, {"status": "error", "message": "Unauthorized"})
    return False


@layer
async def turso_error_json_seq(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Turso errors are labelled application/json-seq, which is not JSON."""
    if is_turso(scope):
        got = await capture(app, scope, receive)
        await answer(send, got.status, got.body, b"application/json-seq" if got.status >= 400 else b"application/json")
        return True
    return False


@layer
async def turso_removal_names_someone_else(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """A successful removal answers {"member": "iku"} whoever was removed: schema-valid, but not the member."""
    if is_turso(scope):
        got = await capture(app, scope, receive)
        await answer(send, got.status, {"member": "iku"} if got.status == 200 else got.body)
        return True
    return False


@layer
async def turso_error_not_json(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Turso errors are plain text."""
    if is_turso(scope):
        got = await capture(app, scope, receive)
        if got.status >= 400:
            await answer(send, got.status, json.loads(got.body)["error"].encode(), b"text/plain; charset=utf-8")
        else:
            await answer(send, got.status, got.body)
        return True
    return False


def _uuid(value: str) -> bool:
    parts = value.split("-")
    return [len(p) for p in parts] == [8, 4, 4, 4, 12] and all(c in "0123456789abcdefABCDEF" for p in parts for c in p)


def _unknown(name: str) -> str:
    return "00000000-0000-4000-8000-00000000000" + ("1" if name == "account_id" else "2")


# name -> (layer, vendor, the check ids the suite must report as failed)
BROKEN: dict[str, tuple[Layer, str, tuple[str, ...]]] = {
    "500 on odd input": (server_error_on_odd_input, "recoup", ("recoup.no_server_errors",)),
    "undocumented status": (undocumented_status, "recoup", ("recoup.documented_status_codes",)),
    "wrong content type": (wrong_content_type, "recoup", ("recoup.documented_content_type",)),
    "schema-violating 200": (schema_violating_success, "recoup", ("recoup.response_matches_schema",)),
    "valid UUIDs refused": (refuses_valid_uuids, "recoup", ("recoup.valid_input_accepted",)),
    "invalid input answered 200": (recoup_accepts_invalid_input, "recoup", ("recoup.invalid_input_rejected",)),
    "401 ignored": (recoup_ignores_missing_credentials, "recoup", ("recoup.rejects_missing_credentials",)),
    "unknown key accepted": (recoup_accepts_unknown_keys, "recoup", ("recoup.rejects_unknown_credentials",)),
    "x-api-key answered 400": (recoup_api_key_answers_400, "recoup", ("recoup.accepts_api_key",)),
    "bearer success body wrong": (recoup_bearer_success_body_wrong, "recoup", ("recoup.accepts_bearer_token",)),
    "missing parameter accepted": (
        recoup_accepts_missing_parameters,
        "recoup",
        ("recoup.rejects_missing_parameters",),
    ),
    "bad UUID accepted": (recoup_accepts_bad_uuids, "recoup", ("recoup.rejects_malformed_parameters",)),
    "duplicate parameters accepted": (
        recoup_accepts_repeated_parameters,
        "recoup",
        ("recoup.rejects_repeated_parameters",),
    ),
    "unknown organization answers 200": (
        recoup_allows_unknown_organizations,
        "recoup",
        ("recoup.forbids_outside_organizations",),
    ),
    "foreign organization answers 200": (
        recoup_allows_foreign_organization,
        "recoup",
        ("recoup.forbids_foreign_organization",),
    ),
    "non-member removal 404": (recoup_non_member_not_found, "recoup", ("recoup.removes_non_member",)),
    "repeated removal 404": (recoup_repeat_not_found, "recoup", ("recoup.removal_is_idempotent",)),
    "removal 401 twice": (recoup_upper_case_ids_unauthorized, "recoup", ("recoup.removal_is_idempotent",)),
    "removal 501 HTML twice": (recoup_non_member_501_html, "recoup", ("recoup.removal_is_idempotent",)),
    "disposable removal fails": (
        recoup_disposable_removal_fails,
        "recoup",
        ("recoup.removes_disposable_member",),
    ),
    "repeated disposable removal 404": (
        recoup_member_repeat_not_found,
        "recoup",
        ("recoup.disposable_removal_is_idempotent",),
    ),
    "Turso 401 missing": (turso_ignores_missing_token, "turso", ("turso.rejects_missing_credentials",)),
    "Turso any token accepted": (turso_accepts_any_token, "turso", ("turso.rejects_unknown_credentials",)),
    "Turso non-member 200": (turso_non_member_success, "turso", ("turso.rejects_non_member",)),
    "Turso 404 text vague": (turso_vague_not_found, "turso", ("turso.not_found_names_user_and_org",)),
    "Turso removal body wrong": (turso_wrong_removal_body, "turso", ("turso.removes_disposable_member",)),
    "Turso removals do not persist": (turso_removal_does_not_persist, "turso", ("turso.removal_persists",)),
    "Recoup error without status": (recoup_error_without_status, "recoup", ("recoup.error_body",)),
    "Recoup error with message": (recoup_error_with_message, "recoup", ("recoup.error_body",)),
    "Recoup unknown-key 401 with message": (recoup_unknown_key_error_with_message, "recoup", ("recoup.error_body",)),
    "Turso error as json-seq": (turso_error_json_seq, "turso", ("turso.error_body",)),
    "Turso removal names someone else": (
        turso_removal_names_someone_else,
        "turso",
        ("turso.removes_disposable_member",),
    ),
    "Turso error not JSON": (turso_error_not_json, "turso", ("turso.error_body",)),
    "Turso 500 on odd username": (turso_server_error_on_odd_username, "turso", ("turso.no_server_errors",)),
    "Turso 410 for non-members": (turso_gone_for_non_members, "turso", ("turso.documented_status_codes",)),
    "Turso 404 as HTML": (turso_not_found_as_html, "turso", ("turso.documented_content_type",)),
    "Turso 404 body without error": (turso_not_found_with_message, "turso", ("turso.response_matches_schema",)),
    "Turso 400 for non-ASCII usernames": (turso_refuses_non_ascii, "turso", ("turso.valid_input_accepted",)),
}


# name -> (layer, vendor, the variable the pre-flight must name)
REFUSED: dict[str, tuple[Layer, str, str]] = {
    "x-api-key refused": (recoup_refuses_api_keys, "recoup", "RECOUP_API_KEY"),
    "bearer refused": (recoup_refuses_bearer_tokens, "recoup", "RECOUP_BEARER_TOKEN"),
    "Recoup organization forbidden": (recoup_org_forbidden, "recoup", "RECOUP_ORG_ID"),
    "Turso token refused": (turso_refuses_the_token, "turso", "TURSO_TOKEN"),
    "Turso organization forbidden": (turso_org_forbidden, "turso", "TURSO_ORG"),
}
