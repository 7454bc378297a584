"""The outermost ASGI layer: sends each request to its vendor operation, the docs, or the control API.

The vendor operations are matched against the route table compiled from specs/ at startup and
answered here directly, without connexion's per-request middleware stack: their checks
(credentials, parameters, access) are the membership rules themselves, and running a generic
validator in front of them would only repeat that work. Everything under /__admin goes to the
connexion app after the guard.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.errors import RuleError
from ..core.store import Store
from .bodies import control_error, document
from .guard import AdminGuard
from .http import ASGIApp, Message, Receive, Scope, Send, path_segments, read_body, send_json
from .journal import Journal
from .routes import Call
from .site import Site
from .vendors import Vendor

ADMIN_PREFIX = "/__admin"
MAX_BODY = 64 * 1024


class Router:
    def __init__(
        self, store: Store, journal: Journal, site: Site, admin: ASGIApp, guard: AdminGuard, vendors: Sequence[Vendor]
    ) -> None:
        self.store = store
        self.journal = journal
        self.site = site
        self.admin = admin
        self.guard = guard
        self.vendors = tuple(vendors)
        # (prefix, prefix + "/", vendor): checked inline on every request
        self._prefixes = tuple((v.prefix, v.prefix + "/", v) for v in self.vendors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.admin(scope, receive, send)  # lifespan events
            return
        path: str = scope["path"]
        for prefix, under, vendor in self._prefixes:
            if path.startswith(under) or path == prefix:
                status = await self._vendor(vendor, scope, receive, send)
                break
        else:
            if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
                status = await self._admin(scope, receive, send)
            elif self.site.serves(path):
                status = await self.site(scope, receive, send)
            else:
                status = 404
                body = document(control_error(f"no route for {path}; GET / lists what this stub serves"))
                await send_json(send, status, body)
        self.journal.record(scope, status)

    async def _vendor(self, vendor: Vendor, scope: Scope, receive: Receive, send: Send) -> int:
        routes = vendor.routes
        route = routes.literal.get(scope.get("raw_path") or b"")  # the hot path: one dictionary lookup
        params: dict[str, str] = {}
        if route is None:
            found = routes.match_segments(path_segments(scope))
            if found is None:
                message = f"no route for {scope['path']}; the {vendor.title} operations are listed at /docs/"
                await send_json(send, 404, vendor.error(message))
                return 404
            route, params = found
        method: str = scope["method"]
        operation = route.operations.get(method)
        if operation is None:
            allow = route.allow.decode()
            message = f"method {method} is not allowed on {scope['path']}; use {allow}"
            await send_json(send, 405, vendor.error(message), [(b"allow", route.allow)])
            return 405
        body = b""
        if operation.has_body:
            read = await read_body(receive, MAX_BODY)
            if read is None:
                await send_json(send, 413, vendor.error(f"the request body is longer than {MAX_BODY} bytes"))
                return 413
            body = read
        try:
            status, answer = operation.handler(self.store, Call(scope, params, body))
        except RuleError as exc:
            status, answer = exc.status, vendor.error(exc.message)
        await send_json(send, status, answer)
        return status

    async def _admin(self, scope: Scope, receive: Receive, send: Send) -> int:
        refusal = self.guard.refusal(scope)
        if refusal is not None:
            await send_json(send, refusal.status, document(control_error(refusal.message)), list(refusal.headers))
            return refusal.status
        status = 0

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.admin(scope, receive, capture)
        return status
