"""The control API's sessions: `?session=` on reset and state reads, and GET /__admin/sessions.

Without `?session=` each call is the shared state's, answered by AdminHandlers as before.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from ..core.sessions import SessionError, SessionStores
from .admin import AdminHandlers
from .bodies import control_error


class SessionHandlers:
    def __init__(self, shared: AdminHandlers, sessions: SessionStores) -> None:
        self.shared = shared
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
        if session is None:
            return await _delegate(self.shared.get_state, other)
        try:
            store, _ = self.sessions.store(session)
        except SessionError as exc:
            return control_error(f"session: {exc}"), 400
        with store.lock:
            return store.state.to_document()

    async def list_sessions(self) -> dict[str, Any]:
        return {
            "limit": self.sessions.limit,
            "max_records": self.sessions.max_records,
            "sessions": self.sessions.summary(),
        }

    async def clear_sessions(self) -> dict[str, Any]:
        return {"status": "cleared", "removed": self.sessions.clear()}


async def _delegate(handler: Callable[..., Awaitable[Any]], given: dict[str, Any]) -> Any:
    """Call the shared handler with the arguments it takes (connexion passes every parameter to **other)."""
    accepted = inspect.signature(handler).parameters
    return await handler(**{k: v for k, v in given.items() if k in accepted})
