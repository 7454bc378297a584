"""A second, separate implementation of both contracts: a bare Starlette app served by uvicorn.

It shares only the world data with the standard-library deployment, so a rule the two got wrong the same
way would have to be wrong twice. Where the contracts leave room it chooses differently: any member may list
a Turso organization's members, lists are in alphabetical order, tokens never expire (`exp: -1`), and new
Recoup membership ids are version-1 UUIDs.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .server import Served
from .world import World

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
UUID_SHAPE = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+$")
ROLES = ("admin", "member", "viewer")  # a tuple: `in` must not hash what a body holds
TURSO_ROUTE = re.compile(r"^/v1/organizations/([^/]+)(?:/(members)(?:/([^/]+))?)?$")


class Refusal(Exception):
    """An error answer, raised from anywhere in a handler."""

    def __init__(self, status: int, body: dict[str, str]) -> None:
        self.status, self.body = status, body


def recoup_fail(status: int, message: str) -> Refusal:
    return Refusal(status, {"status": "error", "error": message})


def turso_fail(status: int, message: str) -> Refusal:
    return Refusal(status, {"error": message})


async def read_json(request: Request) -> tuple[bool, Any]:
    raw = await request.body()
    try:
        return True, json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False, None


def kind(value: Any) -> str:
    names = {type(None): "null", bool: "boolean", int: "number", float: "number", str: "string", list: "array"}
    return names.get(type(value), "object")


def create_app(world: World) -> Starlette:
    recoup, turso = world.recoup, world.turso

    # Recoup

    def recoup_caller(request: Request) -> str:
        given = [("key", v) for v in request.headers.getlist("x-api-key")]
        given += [("auth", v) for v in request.headers.getlist("authorization")]
        if len(given) != 1:
            raise recoup_fail(401, "missing or invalid authentication")
        where, value = given[0]
        account = (
            recoup.api_keys.get(value)
            if where == "key"
            else recoup.bearer_tokens.get(value[7:].strip())
            if value[:7].lower() == "bearer "
            else None
        )
        if account is None:
            raise recoup_fail(401, "missing or invalid authentication")
        return account

    def one_uuid(request: Request, name: str, required: bool) -> str | None:
        values = [v for k, v in request.query_params.multi_items() if k == name]
        if not values or values == [""]:
            if required:
                raise recoup_fail(400, f"{name} is required")
            if not values:
                return None
        if len(values) > 1:
            raise recoup_fail(400, f"{name} was repeated")
        if not UUID_SHAPE.match(values[0]):
            raise recoup_fail(400, f"{name} is not a UUID")
        return values[0].lower()

    def manages(account: str, org: str) -> bool:
        return org in recoup.organizations and (account == org or account in recoup.organizations[org])

    async def recoup_whoami(request: Request) -> Response:
        try:
            return JSONResponse({"status": "success", "accountId": recoup_caller(request)})
        except Refusal as refusal:  # this operation's 401 carries `message`
            return JSONResponse({"status": "error", "message": refusal.body["error"]}, refusal.status)

    async def recoup_organizations(request: Request) -> Response:
        wanted = one_uuid(request, "account_id", required=False)
        account = recoup_caller(request)
        subject = wanted or account
        if subject != account and not any({subject, account} <= set(m) for m in recoup.organizations.values()):
            raise recoup_fail(403, "no access to that account")
        rows = sorted(
            (
                {"id": m[subject], "organization_id": org, "organization_name": recoup.names.get(org)}
                for org, m in recoup.organizations.items()
                if subject in m
            ),
            key=lambda row: str(row["organization_name"]),
        )
        return JSONResponse({"status": "success", "organizations": [{**r, "organization_image": None} for r in rows]})

    async def recoup_add(request: Request) -> Response:
        account = recoup_caller(request)
        ok, body = await read_json(request)
        if not ok or not isinstance(body, dict):
            raise recoup_fail(400, f"expected an object, got {kind(body if ok else None)}")
        org = body.get("organizationId")
        if not isinstance(org, str):
            raise recoup_fail(400, "organizationId is required")
        if not UUID_SHAPE.match(org):
            raise recoup_fail(400, "organizationId is not a UUID")
        for name, shape in (("accountId", UUID_SHAPE), ("email", EMAIL_SHAPE)):
            if name in body and not (isinstance(body[name], str) and shape.match(body[name])):
                raise recoup_fail(400, f"{name} is not valid")
        if len({"accountId", "email"} & set(body)) != 1:
            raise recoup_fail(400, "give accountId or email, exactly one")
        org = org.lower()
        if not manages(account, org):
            raise recoup_fail(403, "caller is outside this organization")
        if "accountId" in body:
            member = body["accountId"].lower()
            if member not in recoup.accounts:
                raise recoup_fail(404, "unknown account")
        else:
            member = next((a for a, e in recoup.accounts.items() if e == body["email"]), "")
            if not member:
                member = str(uuid.uuid4())
                recoup.accounts[member] = body["email"]
        membership = recoup.organizations[org].setdefault(member, str(uuid.uuid1()))
        return JSONResponse({"status": "success", "id": membership, "account_id": member})

    async def recoup_remove(request: Request) -> Response:
        account = recoup_caller(request)
        org = one_uuid(request, "organization_id", required=True)
        member = one_uuid(request, "account_id", required=True)
        assert org is not None and member is not None
        if not manages(account, org):
            raise recoup_fail(403, "caller is outside this organization")
        recoup.organizations[org].pop(member, None)
        return JSONResponse({"status": "success"})

    recoup_routes: dict[str, dict[str, Callable[[Request], Awaitable[Response]]]] = {
        "/api/accounts/id": {"GET": recoup_whoami},
        "/api/organizations": {"GET": recoup_organizations},
        "/api/organizations/members": {"POST": recoup_add, "DELETE": recoup_remove},
    }

    # Turso

    def turso_user(request: Request) -> str:
        auth = request.headers.getlist("authorization")
        token = auth[0][7:].strip() if len(auth) == 1 and auth[0][:7].lower() == "bearer " else ""
        who = turso.tokens.get(token) if token else None
        if who is None:
            raise turso_fail(401, "invalid token")
        return who

    def org_json(slug: str) -> dict[str, Any]:
        return {"name": turso.names.get(slug, slug), "slug": slug, "type": "team", "overages": False}

    def member_json(name: str, role: str) -> dict[str, str]:
        email = turso.users.get(name)
        return {"username": name, "role": role} | ({"email": email} if email else {})

    async def turso_request(
        request: Request, method: str, slug: str | None, tail: str | None, name: str | None
    ) -> Response:
        who = turso_user(request)
        roles = turso.organizations.get(slug or "", {})
        is_member, is_manager = who in roles, roles.get(who) in ("owner", "admin")
        if slug is None:
            return JSONResponse(sorted((org_json(s) for s, r in turso.organizations.items() if who in r), key=str))
        if tail is None:
            if not is_member:
                raise turso_fail(404, "organization not found")
            return JSONResponse({"organization": org_json(slug)})
        if name is None and method == "GET":
            if not is_member:
                raise turso_fail(403, "only members can list members")
            return JSONResponse({"members": [member_json(n, r) for n, r in sorted(roles.items())]})
        if name is not None and method == "GET":
            if not is_member:
                raise turso_fail(403, "only members can read members")
            if name not in roles:
                raise turso_fail(404, f"user {name} is not a member of org {slug}")
            return JSONResponse({"member": member_json(name, roles[name])})
        if not is_manager:
            raise turso_fail(403, "not allowed to manage members here")
        if method == "DELETE":
            assert name is not None
            if roles.pop(name, None) is None:
                raise turso_fail(404, f"user {name} is not a member of org {slug}")
            return JSONResponse({"member": name})
        ok, body = await read_json(request)
        if not ok or not isinstance(body, dict):
            raise turso_fail(400, "expected a JSON object")
        if method == "PATCH":
            assert name is not None
            if body.get("role") not in ROLES:
                raise turso_fail(400, "invalid role")
            if name not in roles:
                raise turso_fail(404, f"user {name} is not a member of org {slug}")
            roles[name] = body["role"]
            return JSONResponse({"member": member_json(name, roles[name])})
        username, role = body.get("username"), body.get("role", "member")
        if not isinstance(username, str) or not username or role not in ROLES:
            raise turso_fail(400, "username and a role of admin, member or viewer, please")
        if username not in turso.users:
            raise turso_fail(404, f"could not find user {username}")
        if username in roles:
            raise turso_fail(409, f"user {username} is already a member of organization {slug}")
        roles[username] = role
        return JSONResponse({"member": username, "role": role})

    def turso_methods(raw_path: str) -> tuple[set[str], tuple[str | None, str | None, str | None]] | None:
        fixed = {"/v1/auth/validate": "validate", "/v1/user": "user", "/v1/organizations": "orgs"}
        if raw_path in fixed:
            return {"GET"}, (None, None, fixed[raw_path])
        found = TURSO_ROUTE.match(raw_path)
        if found is None:
            return None
        slug, tail, name = (unquote(g, errors="replace") if g else None for g in found.groups())
        methods = {"GET"} if tail is None else {"GET", "POST"} if name is None else {"GET", "PATCH", "DELETE"}
        return methods, (slug, tail, name)

    async def turso_dispatch(request: Request) -> Response:
        raw_path = request.scope["raw_path"].decode("latin-1").partition("?")[0]
        found = turso_methods(raw_path)
        if found is None:
            raise turso_fail(404, "unknown route")
        methods, (slug, tail, name) = found
        method = "GET" if request.method == "HEAD" else request.method
        if method not in methods:
            return JSONResponse({"error": "method not served"}, 405, headers={"Allow": ", ".join(sorted(methods))})
        if slug is None and name == "validate":
            turso_user(request)
            return JSONResponse({"exp": -1})
        if slug is None and name == "user":
            who = turso_user(request)
            return JSONResponse({"user": {"username": who, "email": turso.users.get(who, ""), "mfa": False}})
        if slug is None:
            return await turso_request(request, method, None, None, None)
        return await turso_request(request, method, slug, tail, name)

    async def dispatch(request: Request) -> Response:
        path = request.url.path
        try:
            if path.startswith("/api/"):
                methods = recoup_routes.get(path)
                if methods is None:
                    raise recoup_fail(404, "not found")
                method = "GET" if request.method == "HEAD" else request.method
                if method not in methods:
                    allow = {"Allow": ", ".join(sorted(methods))}
                    return JSONResponse({"status": "error", "error": "method not served"}, 405, headers=allow)
                # One event loop and no suspension inside a handler (the body is read first): each
                # check-then-change is atomic.
                await request.body()
                return await methods[method](request)
            if path.startswith("/v1/"):
                await request.body()
                return await turso_dispatch(request)
        except Refusal as refusal:
            return JSONResponse(refusal.body, refusal.status)
        return JSONResponse({"error": "not found"}, status_code=404)

    async def unrouted(request: Request, exc: Exception) -> Response:
        return await dispatch(request)  # paths the route's pattern cannot match (a newline, say)

    return Starlette(routes=[Route("/{anything:path}", dispatch, methods=METHODS)], exception_handlers={404: unrouted})


@contextmanager
def serve_starlette(world: World) -> Iterator[Served]:
    config = uvicorn.Config(create_app(world), host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Served(f"http://127.0.0.1:{port}", None, world.environment(), world)
    finally:
        server.should_exit = True
        thread.join(5)
