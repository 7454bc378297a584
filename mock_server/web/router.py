"""The outermost ASGI layer: sends each request to its vendor adapter, the docs, or the control API.

The two vendor operations are matched and answered here directly, without connexion's
per-request middleware stack: their checks (credentials, parameters, access) are the
membership rules themselves, and running a generic validator in front of them would only
repeat that work. Everything under /__admin goes to the connexion app after the guard.
"""

from __future__ import annotations

from ..core.store import Store
from .bodies import control_error, document, recoup_error, turso_error
from .guard import AdminGuard
from .http import ASGIApp, Message, Receive, Scope, Send, path_segments, send_json
from .journal import Journal
from .site import Site
from .vendors import recoup_remove_member, turso_remove_member

RECOUP_PATH = "/api/organizations/members"
ADMIN_PREFIX = "/__admin"
ALLOW_DELETE = [(b"allow", b"DELETE")]


class Router:
    def __init__(self, store: Store, journal: Journal, site: Site, admin: ASGIApp, guard: AdminGuard) -> None:
        self.store = store
        self.journal = journal
        self.site = site
        self.admin = admin
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.admin(scope, receive, send)  # lifespan events
            return
        path: str = scope["path"]
        if path == RECOUP_PATH:
            status = await self._recoup(scope, send)
        elif path == "/v1" or path.startswith("/v1/"):
            status = await self._turso(scope, send)
        elif path == "/api" or path.startswith("/api/"):
            status = 404
            await send_json(send, status, recoup_error(f"no route for {path}; the Recoup operation is {RECOUP_PATH}"))
        elif path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
            status = await self._admin(scope, receive, send)
        elif self.site.serves(path):
            status = await self.site(scope, receive, send)
        else:
            status = 404
            body = document(control_error(f"no route for {path}; GET / lists what this stub serves"))
            await send_json(send, status, body)
        self.journal.record(scope, status)

    async def _recoup(self, scope: Scope, send: Send) -> int:
        if scope["method"] != "DELETE":
            body = recoup_error(f"method {scope['method']} is not allowed on {RECOUP_PATH}; use DELETE")
            await send_json(send, 405, body, ALLOW_DELETE)
            return 405
        status, body = recoup_remove_member(self.store, scope)
        await send_json(send, status, body)
        return status

    async def _turso(self, scope: Scope, send: Send) -> int:
        seg = path_segments(scope)
        if not (len(seg) == 6 and seg[2] == "organizations" and seg[4] == "members" and seg[3] and seg[5]):
            body = turso_error(
                f"no route for {scope['path']}; the Turso operation is "
                "/v1/organizations/{organizationSlug}/members/{username}"
            )
            await send_json(send, 404, body)
            return 404
        if scope["method"] != "DELETE":
            body = turso_error(f"method {scope['method']} is not allowed here; use DELETE")
            await send_json(send, 405, body, ALLOW_DELETE)
            return 405
        status, body = turso_remove_member(self.store, scope, seg[3], seg[5])
        await send_json(send, status, body)
        return status

    async def _admin(self, scope: Scope, receive: Receive, send: Send) -> int:
        refusal = self.guard.refusal(scope)
        if refusal is not None:
            await send_json(send, 403, document(control_error(refusal)))
            return 403
        status = 0

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.admin(scope, receive, capture)
        return status
