"""The outermost ASGI layer: sends each request to its vendor operation, the docs, or the control API.

The vendor operations are matched against the route table compiled from specs/ at startup and
answered here directly, without connexion's per-request middleware stack: their checks
(credentials, parameters, access) are the membership rules themselves, and running a generic
validator in front of them would only repeat that work. Everything under /__admin goes to the
connexion app after the guard (a CORS preflight is answered before it).

Fault rules and sessions cost the plain request nothing measurable: with no rule the fault check is
one truth test of an empty dictionary, and the session header is looked for in the same header list
the handlers read anyway. Neither applies to the control API; CORS does, unless turned off.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from ..core.errors import RuleError
from ..core.faults import FaultBook, FaultRules
from ..core.sessions import SessionError, Sessions, SessionStores
from ..core.store import StateStore
from .bodies import control_error, document
from .cors import ALLOW_ORIGIN, CONTROL_HEADERS, CONTROL_METHODS, is_preflight, send_preflight
from .faults import send_fault
from .guard import AdminGuard
from .http import ASGIApp, Message, Receive, Scope, Send, path_segments, read_body, send_json
from .journal import Journal
from .routes import Call
from .site import Site
from .vendors import Vendor

ADMIN_PREFIX = "/__admin"
MAX_BODY = 64 * 1024
SESSION_HEADER = b"x-stub-session"
_CREATING = ("POST", "PUT")  # the HTTP methods that create resources: a session is re-measured after them


class Router:
    def __init__(
        self,
        store: StateStore,
        journal: Journal,
        site: Site,
        admin: ASGIApp,
        guard: AdminGuard,
        vendors: Sequence[Vendor],
        *,
        faults: FaultRules | None = None,
        sessions: SessionStores | None = None,
        cors: bool = True,
    ) -> None:
        self.store = store
        self.faults: FaultRules = faults if faults is not None else FaultBook()
        self.sessions: SessionStores = sessions if sessions is not None else Sessions(lambda: store.seed)
        # headers every answer carries (None: CORS off)
        self._extra: list[tuple[bytes, bytes]] | None = [ALLOW_ORIGIN] if cors else None
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
        started = time.perf_counter()
        path: str = scope["path"]
        for prefix, under, vendor in self._prefixes:
            if path.startswith(under) or path == prefix:
                await self._vendor(vendor, scope, receive, send, started)
                return
        if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
            status = await self._admin(scope, receive, send)
        else:
            out = send if self._extra is None else self._with_extra(send)
            if self.site.serves(path):
                status = await self.site(scope, receive, out)
            else:
                status = 404
                body = document(control_error(f"no route for {path}; GET / lists what this stub serves"))
                await send_json(out, status, body)
        self.journal.record(scope, status, started)

    def _with_extra(self, send: Send) -> Send:
        extra = self._extra or []

        async def with_extra(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        return with_extra

    async def _vendor(self, vendor: Vendor, scope: Scope, receive: Receive, send: Send, started: float) -> None:
        extra = self._extra
        routes = vendor.routes
        route = routes.literal.get(scope.get("raw_path") or b"")  # the hot path: one dictionary lookup
        params: dict[str, str] = {}
        if route is None:
            found = routes.match_segments(path_segments(scope))
            if found is None:
                message = f"no route for {scope['path']}; the {vendor.title} operations are listed at /docs/"
                await send_json(send, 404, vendor.error(message), extra)
                self.journal.record(scope, 404, started)
                return
            route, params = found
        method: str = scope["method"]
        operation = route.operations.get(method)
        if operation is None:
            if extra is not None and is_preflight(scope):
                await send_preflight(send, route.allow)
                self.journal.record(scope, 204, started)
                return
            allow = route.allow.decode()
            message = f"method {method} is not allowed on {scope['path']}; use {allow}"
            await send_json(send, 405, vendor.error(message), [(b"allow", route.allow), *(extra or ())])
            self.journal.record(scope, 405, started)
            return
        operation_id = operation.operation_id
        fault = None
        if self.faults.by_operation:  # empty unless a fault rule exists
            fault = self.faults.decide(operation_id, scope["headers"])
            if fault is not None:
                if fault.delay:
                    await _sleep(fault.delay)
                if fault.answers:  # answered by the fault: the request never reaches the rules
                    status = await send_fault(fault, vendor.error, send, extra)
                    self.journal.record(scope, status, started, operation_id, fault)
                    return
        store: object = self.store
        session: str | None = None
        evicted: tuple[str, ...] = ()
        for name, value in scope["headers"]:
            if name == SESSION_HEADER:
                session = value.decode("latin-1")
                try:
                    store, dropped = self.sessions.store(session)
                except SessionError as exc:
                    await send_json(send, 400, vendor.error(f"X-Stub-Session: {exc}"), extra)
                    self.journal.record(scope, 400, started, operation_id, fault, session[:64])
                    return
                evicted = tuple(dropped)
                break
        body = b""
        if operation.has_body:
            read = await read_body(receive, MAX_BODY)
            if read is None:
                await send_json(send, 413, vendor.error(f"the request body is longer than {MAX_BODY} bytes"), extra)
                self.journal.record(scope, 413, started, operation_id, fault, session)
                return
            body = read
        try:
            status, answer = operation.handler(store, Call(scope, params, body))
        except RuleError as exc:
            status, answer = exc.status, vendor.error(exc.message)
        await send_json(send, status, answer, extra)
        if session is not None and method in _CREATING and status < 300:  # only these can add records
            evicted += tuple(self.sessions.measure(session))
        self.journal.record(scope, status, started, operation_id, fault, session, evicted)

    async def _admin(self, scope: Scope, receive: Receive, send: Send) -> int:
        if self._extra is not None:
            if is_preflight(scope):  # browsers send no credentials with a preflight: the guard is for the request
                await send_preflight(send, CONTROL_METHODS, CONTROL_HEADERS)
                return 204
            send = self._with_extra(send)
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


async def _sleep(seconds: float) -> None:
    """At least `seconds`, without holding up other requests (the loop's timers may fire a little early)."""
    deadline = time.perf_counter() + seconds
    while (left := deadline - time.perf_counter()) > 0:
        await asyncio.sleep(left)
