"""Deliberately broken servers for the lifecycle checks: each layer breaks exactly one rule around removal.

`BROKEN_LIFECYCLE` maps a name to (layer, vendor, the check ids the suite must name), as `broken.BROKEN` does.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from mock_server.web.http import ASGIApp, Message, Receive, Scope, Send

from .broken import (
    DEMO_ORG,
    DEMO_TOKEN,
    FOREIGN_ORG,
    Layer,
    answer,
    capture,
    headers,
    layer,
    query,
    replace_answer,
    stateful,
    with_headers,
)

MEMBERS_PREFIX = "/v1/organizations/demo-org/members"
VIEWER_TOKEN = "turso_demo_viewer_91b4e2c7"
DISPOSABLE = "bob"
RECOUP_MEMBERS = "/api/organizations/members"
RECOUP_DISPOSABLE = "7c9e2f4a-1b3d-4c5e-8f6a-2d4b6c8e0a12"
RECOUP_CALLER = "3f2a6c1e-8b4d-4e7a-9c21-5d0b7e9a1f01"
OUTSIDER_KEY = "recoup_sk_outsider_a41d93"
Handler = Callable[[ASGIApp, Scope, Receive, Send], Awaitable[bool]]


async def read_body(receive: Receive) -> tuple[bytes, Receive]:
    """The whole request body, and a receive that replays it for the app."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return body, replay


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _is(scope: Scope, method: str, path: str) -> bool:
    return scope["type"] == "http" and scope["method"] == method and scope["path"] == path


def _member_path(scope: Scope) -> str | None:
    """The username of a /v1/organizations/demo-org/members/{username} request, else None."""
    prefix = MEMBERS_PREFIX + "/"
    return scope["path"][len(prefix) :] if scope["path"].startswith(prefix) else None


def _replayed(body: bytes) -> Receive:
    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _call(app: ASGIApp, scope: Scope, method: str, path: str, body: bytes = b"") -> Any:
    """Send one more request to the stub (as the same caller); its parsed JSON answer."""
    got = await capture(
        app, {**scope, "method": method, "path": path, "raw_path": path.encode(), "query_string": b""}, _replayed(body)
    )
    return _json(got.body)


# Turso.


@layer
async def turso_add_accepts_bad_roles(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """An add or role update with a role outside admin/member/viewer answers 200 (and changes nothing)."""
    if scope["method"] in ("POST", "PATCH") and scope["path"].startswith(MEMBERS_PREFIX):
        body, receive = await read_body(receive)
        doc = _json(body)
        role = doc.get("role") if isinstance(doc, dict) else None
        if isinstance(doc, dict) and "role" in doc and role not in ("admin", "member", "viewer"):
            user = doc.get("username") if scope["method"] == "POST" else _member_path(scope)
            out = {"member": str(user), "role": "member"}
            await answer(
                send, 200, out if scope["method"] == "POST" else {"member": {"username": str(user), "role": "member"}}
            )
            return True
        await app(scope, receive, send)
        return True
    return False


@layer
async def turso_validate_exp_text(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """GET /v1/auth/validate answers {"exp": "never"}: not an integer."""
    if _is(scope, "GET", "/v1/auth/validate") and b"authorization" in headers(scope):
        await answer(send, 200, {"exp": "never"})
        return True
    return False


@layer
async def turso_list_omits_disposable(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """The member list leaves out bob, who is a member."""
    if _is(scope, "GET", MEMBERS_PREFIX):
        got = await capture(app, scope, receive)
        doc = _json(got.body)
        if got.status == 200 and isinstance(doc, dict):
            doc["members"] = [m for m in doc["members"] if m.get("username") != DISPOSABLE]
        await answer(send, got.status, doc if got.status == 200 else got.body)
        return True
    return False


@layer
async def turso_retrieve_wrong_role(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Retrieving a member always says "admin", whatever the list says."""
    if scope["method"] == "GET" and _member_path(scope):
        got = await capture(app, scope, receive)
        doc = _json(got.body)
        if got.status == 200 and isinstance(doc, dict):
            doc["member"]["role"] = "admin"
            await answer(send, 200, doc)
        else:
            await answer(send, got.status, got.body)
        return True
    return False


@layer
async def turso_retrieve_anyone(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Retrieving a non-member answers 200 as if it were a member."""
    user = _member_path(scope) if scope["method"] == "GET" else None
    if user:
        return await replace_answer(
            app, scope, receive, send, 404, 200, {"member": {"username": user, "role": "member"}}
        )
    return False


@layer
async def turso_add_existing_200(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Adding an existing member answers 200 instead of 409."""
    if _is(scope, "POST", MEMBERS_PREFIX):
        return await replace_answer(app, scope, receive, send, 409, 200, {"member": DISPOSABLE, "role": "member"})
    return False


@layer
async def turso_add_unknown_200(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Adding a user that does not exist answers 200 (and adds nobody)."""
    if _is(scope, "POST", MEMBERS_PREFIX):
        return await replace_answer(app, scope, receive, send, 404, 200, {"member": "someone", "role": "member"})
    return False


@layer
async def turso_add_ignores_bad_roles(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """An add with a role outside admin/member/viewer is read as role member (so a probe gets 404, not 400)."""
    if _is(scope, "POST", MEMBERS_PREFIX):
        body, receive = await read_body(receive)
        doc = _json(body)
        if isinstance(doc, dict) and doc.get("role") not in ("admin", "member", "viewer"):
            doc["role"] = "member"
            body = json.dumps(doc).encode()
        await app(scope, _replayed(body), send)
        return True
    return False


@layer
async def turso_update_forgets(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """A role update answers 200 with the new role but changes nothing."""
    user = _member_path(scope) if scope["method"] == "PATCH" else None
    if user:
        body, receive = await read_body(receive)
        doc = _json(body)
        current = await _call(app, scope, "GET", scope["path"])
        if isinstance(doc, dict) and isinstance(current, dict) and "member" in current:
            await answer(send, 200, {"member": {"username": user, "role": doc.get("role")}})
            return True
        await app(scope, receive, send)
        return True
    return False


@layer
async def turso_update_anyone(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """A role update of a non-member answers 200."""
    user = _member_path(scope) if scope["method"] == "PATCH" else None
    if user:
        return await replace_answer(
            app, scope, receive, send, 404, 200, {"member": {"username": user, "role": "member"}}
        )
    return False


def _stale_list() -> Handler:
    removed: dict[str, dict[str, Any]] = {}

    async def handler(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
        user = _member_path(scope) if scope["method"] == "DELETE" else None
        if user:
            listed = await _call(app, scope, "GET", MEMBERS_PREFIX)
            entry = next((m for m in (listed or {}).get("members", []) if m.get("username") == user), None)
            got = await capture(app, scope, receive)
            if got.status == 200 and entry is not None:
                removed[user] = entry
            await answer(send, got.status, got.body)
            return True
        if _is(scope, "GET", MEMBERS_PREFIX):
            got = await capture(app, scope, receive)
            doc = _json(got.body)
            if got.status == 200 and isinstance(doc, dict):
                names = {m["username"] for m in doc["members"]}
                doc["members"] += [e for u, e in removed.items() if u not in names]
            await answer(send, got.status, doc if got.status == 200 else got.body)
            return True
        if _is(scope, "POST", MEMBERS_PREFIX):
            removed.clear()
        return False

    return handler


turso_list_stale_after_removal = stateful(_stale_list)


@layer
async def turso_removal_takes_a_neighbour(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Removing bob also removes alice."""
    if scope["method"] == "DELETE" and _member_path(scope) == DISPOSABLE:
        got = await capture(app, scope, receive)
        if got.status == 200:
            await _call(app, scope, "DELETE", MEMBERS_PREFIX + "/alice")
        await answer(send, got.status, got.body)
        return True
    return False


@layer
async def turso_add_pretends(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Adding a user who is not a member answers 200 but adds nobody."""
    if _is(scope, "POST", MEMBERS_PREFIX):
        body, receive = await read_body(receive)
        doc = _json(body)
        if isinstance(doc, dict) and isinstance(doc.get("username"), str):
            listed = await _call(app, scope, "GET", MEMBERS_PREFIX)
            names = {m.get("username") for m in (listed or {}).get("members", [])}
            if doc["username"] not in names:
                await answer(send, 200, {"member": doc["username"], "role": doc.get("role", "member")})
                return True
        await app(scope, receive, send)
        return True
    return False


@layer
async def turso_viewer_may_manage(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """A viewer's token may remove, add and re-role members (it is treated as the owner's)."""
    if (
        scope["path"].startswith(MEMBERS_PREFIX)
        and headers(scope).get(b"authorization") == f"Bearer {VIEWER_TOKEN}".encode()
    ):
        await app(with_headers(scope, authorization=f"Bearer {DEMO_TOKEN}"), receive, send)
        return True
    return False


def _list_keeps_first_roles() -> Handler:
    first: dict[str, str] = {}

    async def handler(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
        if scope["path"] == "/__admin/reset":
            first.clear()
            return False
        if not _is(scope, "GET", MEMBERS_PREFIX):
            return False
        got = await capture(app, scope, receive)
        doc = _json(got.body)
        if got.status == 200 and isinstance(doc, dict):
            for m in doc["members"]:
                m["role"] = first.setdefault(m["username"], m["role"])  # role updates never reach the list
        await answer(send, got.status, doc if got.status == 200 else got.body)
        return True

    return handler


turso_list_keeps_first_roles = stateful(_list_keeps_first_roles)


# Recoup.


@layer
async def recoup_account_id_not_uuid(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """GET /api/accounts/id answers an accountId that is not a UUID."""
    if _is(scope, "GET", "/api/accounts/id"):
        return await replace_answer(app, scope, receive, send, 200, 200, {"status": "success", "accountId": "caller-1"})
    return False


@layer
async def recoup_add_new_id_each_time(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Adding an existing member answers 200 with a new membership id each time."""
    if _is(scope, "POST", RECOUP_MEMBERS):
        got = await capture(app, scope, receive)
        doc = _json(got.body)
        if got.status == 200 and isinstance(doc, dict):
            doc["id"] = str(uuid.uuid4())
        await answer(send, got.status, doc if got.status == 200 else got.body)
        return True
    return False


@layer
async def recoup_add_without_organization(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """An add body without organizationId answers 200 (and adds nobody)."""
    if _is(scope, "POST", RECOUP_MEMBERS):
        body, receive = await read_body(receive)
        doc = _json(body)
        if isinstance(doc, dict) and "organizationId" not in doc:
            await answer(send, 200, {"status": "success", "id": str(uuid.uuid4()), "account_id": RECOUP_DISPOSABLE})
            return True
        await app(scope, receive, send)
        return True
    return False


@layer
async def recoup_add_ignores_credentials(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """An add without credentials is served as the demo caller's."""
    if _is(scope, "POST", RECOUP_MEMBERS) and not ({b"x-api-key", b"authorization"} & set(headers(scope))):
        await app(with_headers(scope, x_api_key="recoup_sk_demo_5f1c9a2e7b"), receive, send)
        return True
    return False


@layer
async def recoup_add_anywhere(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """An add to an organization the caller is not in answers 200."""
    if _is(scope, "POST", RECOUP_MEMBERS):
        return await replace_answer(
            app,
            scope,
            receive,
            send,
            403,
            200,
            {"status": "success", "id": str(uuid.uuid4()), "account_id": RECOUP_DISPOSABLE},
        )
    return False


def _recoup_stale_organizations() -> Handler:
    last: dict[str, bytes] = {}
    removed: set[str] = set()

    async def handler(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
        if _is(scope, "GET", "/api/organizations"):
            account = dict(query(scope)).get("account_id", "")
            got = await capture(app, scope, receive)
            if account in removed and account in last:
                await answer(send, 200, last[account])
                return True
            if got.status == 200:
                last[account] = got.body
            await answer(send, got.status, got.body)
            return True
        if _is(scope, "DELETE", RECOUP_MEMBERS):
            removed.add(dict(query(scope)).get("account_id", ""))
        if _is(scope, "POST", RECOUP_MEMBERS):
            removed.clear()
        return False

    return handler


recoup_organizations_stale_after_removal = stateful(_recoup_stale_organizations)


@layer
async def recoup_removal_moves_the_caller(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Removing the disposable member also makes the caller a member of the foreign organization."""
    if _is(scope, "DELETE", RECOUP_MEMBERS) and dict(query(scope)).get("account_id") == RECOUP_DISPOSABLE:
        got = await capture(app, scope, receive)
        if got.status == 200:
            body = json.dumps({"organizationId": FOREIGN_ORG, "accountId": RECOUP_CALLER}).encode()
            kept = [(k, v) for k, v in scope["headers"] if k not in (b"x-api-key", b"authorization")]
            add = {
                **scope,
                "method": "POST",
                "query_string": b"",
                "headers": [*kept, (b"x-api-key", OUTSIDER_KEY.encode())],
            }
            await capture(app, add, _replayed(body))
        await answer(send, got.status, got.body)
        return True
    return False


@layer
async def recoup_add_pretends(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Adding the disposable member back answers 200 but adds nobody."""
    if _is(scope, "POST", RECOUP_MEMBERS):
        body, receive = await read_body(receive)
        doc = _json(body)
        if isinstance(doc, dict) and doc.get("accountId") == RECOUP_DISPOSABLE:
            await answer(send, 200, {"status": "success", "id": str(uuid.uuid4()), "account_id": RECOUP_DISPOSABLE})
            return True
        await app(scope, receive, send)
        return True
    return False


def _recoup_second_removal_readds() -> Handler:
    removed: set[str] = set()

    async def handler(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> bool:
        if scope["path"] == "/__admin/reset":
            removed.clear()
            return False
        if _is(scope, "DELETE", RECOUP_MEMBERS):
            params = dict(query(scope))
            account = params.get("account_id", "")
            if account in removed and params.get("organization_id") == DEMO_ORG:
                removed.discard(account)  # removing a non-member again toggles it back in
                body = json.dumps({"organizationId": DEMO_ORG, "accountId": account}).encode()
                await capture(app, {**scope, "method": "POST", "query_string": b""}, _replayed(body))
                await answer(send, 200, {"status": "success"})
                return True
            got = await capture(app, scope, receive)
            if got.status == 200:
                removed.add(account)
            await answer(send, got.status, got.body)
            return True
        if _is(scope, "POST", RECOUP_MEMBERS):
            body, receive = await read_body(receive)
            doc = _json(body)
            if isinstance(doc, dict):
                removed.discard(str(doc.get("accountId")))
            await app(scope, receive, send)
            return True
        return False

    return handler


recoup_second_removal_readds = stateful(_recoup_second_removal_readds)


BROKEN_LIFECYCLE: dict[str, tuple[Layer, str, tuple[str, ...]]] = {
    "Turso add/update accept bad roles": (turso_add_accepts_bad_roles, "turso", ("turso.invalid_input_rejected",)),
    "Turso validate exp text": (turso_validate_exp_text, "turso", ("turso.validates_token",)),
    "Turso list omits the disposable": (turso_list_omits_disposable, "turso", ("turso.lists_members",)),
    "Turso retrieve wrong role": (turso_retrieve_wrong_role, "turso", ("turso.retrieves_member",)),
    "Turso retrieve of anyone 200": (turso_retrieve_anyone, "turso", ("turso.retrieve_non_member_not_found",)),
    "Turso add existing 200": (turso_add_existing_200, "turso", ("turso.add_existing_member_conflicts",)),
    "Turso add unknown 200": (turso_add_unknown_200, "turso", ("turso.add_unknown_user_not_found",)),
    "Turso add ignores bad roles": (turso_add_ignores_bad_roles, "turso", ("turso.add_rejects_bad_input",)),
    "Turso update forgets": (turso_update_forgets, "turso", ("turso.update_role_persists",)),
    "Turso update of anyone 200": (turso_update_anyone, "turso", ("turso.update_non_member_not_found",)),
    "Turso list stale after removal": (turso_list_stale_after_removal, "turso", ("turso.removal_is_observed",)),
    "Turso removal takes a neighbour": (turso_removal_takes_a_neighbour, "turso", ("turso.removal_spares_others",)),
    "Turso add pretends": (turso_add_pretends, "turso", ("turso.restores_disposable_member",)),
    "Turso viewer may manage": (turso_viewer_may_manage, "turso", ("turso.non_manager_forbidden",)),
    "Turso list keeps first roles": (turso_list_keeps_first_roles, "turso", ("turso.lifecycle_model",)),
    "Recoup account id not a UUID": (recoup_account_id_not_uuid, "recoup", ("recoup.identifies_caller",)),
    "Recoup add new id each time": (recoup_add_new_id_each_time, "recoup", ("recoup.add_is_idempotent",)),
    "Recoup add without organization 200": (
        recoup_add_without_organization,
        "recoup",
        ("recoup.add_rejects_malformed_body",),
    ),
    "Recoup add ignores credentials": (recoup_add_ignores_credentials, "recoup", ("recoup.add_requires_credentials",)),
    "Recoup add anywhere": (recoup_add_anywhere, "recoup", ("recoup.add_forbids_outside_organizations",)),
    "Recoup organizations stale after removal": (
        recoup_organizations_stale_after_removal,
        "recoup",
        ("recoup.removal_is_observed",),
    ),
    "Recoup removal moves the caller": (recoup_removal_moves_the_caller, "recoup", ("recoup.removal_spares_others",)),
    "Recoup add pretends": (recoup_add_pretends, "recoup", ("recoup.restores_disposable_member",)),
    "Recoup second removal re-adds": (recoup_second_removal_readds, "recoup", ("recoup.lifecycle_model",)),
}
