"""A second, separate implementation of both operations: a bare Starlette app served by uvicorn.

It shares only the world data with the standard-library deployment, so a rule the two got wrong the same
way would have to be wrong twice.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


def create_app(world: World) -> Starlette:
    def recoup_fail(status: int, message: str) -> Response:
        return JSONResponse({"status": "error", "error": message}, status_code=status)

    def turso_fail(status: int, message: str) -> Response:
        return JSONResponse({"error": message}, status_code=status)

    def recoup_caller(request: Request) -> str | None:
        given = [("key", v) for v in request.headers.getlist("x-api-key")]
        given += [("auth", v) for v in request.headers.getlist("authorization")]
        if len(given) != 1:
            return None
        kind, value = given[0]
        if kind == "key":
            return world.recoup.api_keys.get(value)
        if value[:7].lower() != "bearer ":
            return None
        return world.recoup.bearer_tokens.get(value[7:].strip())

    def recoup_remove(request: Request) -> Response:
        if request.method != "DELETE":
            return JSONResponse({"status": "error", "error": "use DELETE"}, 405, headers={"Allow": "DELETE"})
        account = recoup_caller(request)
        if account is None:
            return recoup_fail(401, "missing or invalid authentication")
        pairs = request.query_params.multi_items()
        chosen = {}
        for name in ("organization_id", "account_id"):
            values = [v for k, v in pairs if k == name]
            problem = (
                "is required"
                if not values or values == [""]
                else "was repeated"
                if len(values) > 1
                else "is not a UUID"
                if not UUID_SHAPE.match(values[0])
                else None
            )
            if problem:
                return recoup_fail(400, f"{name} {problem}")
            chosen[name] = values[0].lower()
        members = world.recoup.organizations.get(chosen["organization_id"])
        if members is None or account not in members:
            return recoup_fail(403, "caller is outside this organization")
        members.discard(chosen["account_id"])
        return JSONResponse({"status": "success"})

    def turso_remove(request: Request) -> Response:
        segments = request.scope["raw_path"].decode("latin-1").split("/")
        shape_ok = len(segments) == 6 and segments[1:3] == ["v1", "organizations"] and segments[4] == "members"
        if not shape_ok:
            return turso_fail(404, "unknown route")
        if request.method != "DELETE":
            return turso_fail(405, "only DELETE")
        org, username = unquote(segments[3], errors="replace"), unquote(segments[5], errors="replace")
        auth = request.headers.getlist("authorization")
        token = auth[0][7:].strip() if len(auth) == 1 and auth[0][:7].lower() == "bearer " else ""
        who = world.turso.tokens.get(token) if token else None
        if who is None:
            return turso_fail(401, "invalid token")
        roles = world.turso.organizations.get(org, {})
        if roles.get(who) not in ("owner", "admin"):
            return turso_fail(403, "not allowed to manage members here")
        if username not in roles:
            return turso_fail(404, f"user {username} is not a member of org {org}")
        roles.pop(username)
        return JSONResponse({"member": username})

    async def dispatch(request: Request) -> Response:
        path = request.url.path
        if path == "/api/organizations/members":
            return recoup_remove(request)
        if path.startswith("/api/"):
            return recoup_fail(404, "not found")
        if path.startswith("/v1/"):
            return turso_remove(request)
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
        yield Served(f"http://127.0.0.1:{port}", None, world.environment())
    finally:
        server.should_exit = True
        thread.join(5)
