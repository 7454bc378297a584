"""The control API's sessions: `?session=` on reset, the state and memberships, and /__admin/sessions[/{name}].

Without `?session=` each call is the shared state's, answered by the shared handlers as before. With it, the
state and membership calls are answered by the same StateHandlers code working on the session's store.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from ..core.sessions import SessionError, SessionStores
from .admin import AdminHandlers
from .admin_state import StateHandlers
from .bodies import control_error


class SessionHandlers:
    def __init__(self, shared: AdminHandlers, state: StateHandlers, sessions: SessionStores) -> None:
        self.shared = shared
        self.state = state
        self.sessions = sessions

    async def reset(self, session: str | None = None, **other: Any) -> Any:
        if session is None:
            return await _delegate(self.shared.reset, other)
        try:
            self.sessions.reset(session)
        except SessionError as exc:
            return control_error(f"session: {exc}"), 400
        return {"status": "reset", "session": session}

    async def get_state(self, session: str | None = None, **other: Any) -> Any:
        return await self._on(session, "get_state", other)

    async def load_state(self, session: str | None = None, **other: Any) -> Any:
        body = other.get("body")
        if isinstance(body, dict) and "faults" in body:
            return control_error("faults: a seed's fault rules are read at start only; use /__admin/faults"), 400
        return await self._on(session, "load_state", other)

    async def add_membership(self, session: str | None = None, **other: Any) -> Any:
        return await self._on(session, "add_membership", other)

    async def _on(self, session: str | None, operation: str, given: dict[str, Any]) -> Any:
        """The shared handler of `operation`, on the session's store when a session is named."""
        handlers = self.state
        if session is not None:
            try:
                store, _ = self.sessions.store(session)
            except SessionError as exc:
                return control_error(f"session: {exc}"), 400
            handlers = copy.copy(self.state)
            handlers.store = store
        return await _delegate(getattr(handlers, operation), given)

    async def list_sessions(self) -> dict[str, Any]:
        return {
            "limit": self.sessions.limit,
            "max_records": self.sessions.max_records,
            "sessions": self.sessions.summary(),
        }

    async def drop_session(self, session: str) -> Any:
        if self.sessions.drop(session):
            return {"status": "dropped", "session": session}
        names = [s["name"] for s in self.sessions.summary()]
        there = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "") if names else "none"
        return control_error(f"no session {session!r}; the sessions are: {there}"), 404

    async def clear_sessions(self) -> dict[str, Any]:
        return {"status": "cleared", "removed": self.sessions.clear()}


async def _delegate(handler: Callable[..., Awaitable[Any]], given: dict[str, Any]) -> Any:
    """Call the shared handler with the arguments it takes (connexion passes every parameter to **other)."""
    accepted = inspect.signature(handler).parameters
    return await handler(**{k: v for k, v in given.items() if k in accepted})
