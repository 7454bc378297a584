"""The control API: connexion serves specs/admin.yaml, these handlers act on the store."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import connexion
import yaml
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.exceptions import HTTPException

from ..core import recoup, turso
from ..core.errors import RuleError
from ..core.seed import SeedError
from ..core.store import Store
from .bodies import control_error, document
from .journal import Journal

# connexion hands the raw bytes to the handler when a body comes without a JSON Content-Type.
NOT_JSON = control_error("send the body as a JSON object with Content-Type: application/json"), 415
_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


class AdminHandlers:
    """One method per operationId of specs/admin.yaml, bound to a store and a journal."""

    def __init__(self, store: Store, journal: Journal) -> None:
        self.store = store
        self.journal = journal

    async def info(self) -> dict[str, Any]:
        return {"service": "recoup-turso-stub", "apis": ["recoup", "turso"], "journal_size": self.journal.size}

    async def demo(self) -> dict[str, str]:
        with self.store.lock:
            return dict(self.store.state.demo)

    async def reset(self) -> dict[str, str]:
        self.store.reset()
        return {"status": "reset"}

    async def get_state(self) -> dict[str, Any]:
        with self.store.lock:
            return self.store.state.to_document()

    async def load_state(self, body: Any) -> Any:
        if not isinstance(body, dict):
            return NOT_JSON
        try:
            self.store.load(body)
        except SeedError as exc:
            return control_error(f"invalid seed, state unchanged: {exc}"), 400
        return {"status": "loaded"}

    async def add_membership(self, body: Any) -> Any:
        if not isinstance(body, dict):
            return NOT_JSON
        try:
            if body["vendor"] == "recoup":
                recoup.put_member(self.store, body["organization"], body["member"])
            else:
                turso.put_member(self.store, body["organization"], body["member"], body.get("role", "member"))
        except RuleError as exc:
            return control_error(exc.message), exc.status
        return {"status": "added"}

    async def get_journal(
        self, limit: int | None = None, operation: str | None = None, status: int | None = None
    ) -> dict[str, Any]:
        entries = self.journal.entries(limit, operation=operation, status=status)
        return {"total": self.journal.total, "size": self.journal.size, "requests": entries}

    async def clear_journal(self) -> dict[str, str]:
        self.journal.clear()
        return {"status": "cleared"}


class _BoundResolver(Resolver):
    """Binds each operationId to the method of that name: of the first extra handler object that has it, else of
    AdminHandlers."""

    def __init__(self, handlers: AdminHandlers, extra: Sequence[object] = ()) -> None:
        def bound(operation_id: str) -> Any:
            owner = next((h for h in extra if hasattr(h, operation_id)), handlers)
            return getattr(owner, operation_id)

        super().__init__(function_resolver=bound)


def _allowed_methods(spec: Path) -> dict[str, str]:
    """Path -> the Allow header value for it: every method the spec documents there (GET implies HEAD)."""
    paths = yaml.safe_load(spec.read_text(encoding="utf-8"))["paths"]
    allowed: dict[str, str] = {}
    for path, item in paths.items():
        methods = {m.upper() for m in item if m in _METHODS}
        if "GET" in methods:
            methods.add("HEAD")
        allowed[path] = ", ".join(sorted(methods))
    return allowed


def _error_handler(allowed: dict[str, str]) -> Callable[[ConnexionRequest, Exception], Awaitable[ConnexionResponse]]:
    async def problem(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        """Connexion's validation and routing errors, in the stub's {"error": ...} shape."""
        if isinstance(exc, ProblemException):
            status, message, headers = exc.status, str(exc.detail or exc.title), exc.headers
        elif isinstance(exc, HTTPException):
            status, message, headers = exc.status_code, str(exc.detail), exc.headers
        elif isinstance(exc, ValueError | RecursionError):
            # Raised while connexion reads the request: a Content-Type or JSON body that is not valid UTF-8,
            # JSON nested too deep, an integer too long to convert.
            status, headers = 400, None
            message = f"the request could not be read (headers or JSON body): {str(exc)[:200]}"
        else:
            status, message, headers = 500, "internal error", None
        if status == 405:
            # Starlette's Allow names the methods of the first route matching the path only; a path with
            # two operations (GET and PUT /__admin/state) has two routes.
            headers = {**(headers or {}), "Allow": allowed.get(request.scope["path"], "")}
        return ConnexionResponse(
            status_code=status, body=document(control_error(message)), mimetype="application/json", headers=headers
        )

    return problem


def create_admin_app(
    spec: Path,
    store: Store,
    journal: Journal,
    extra: Callable[[AdminHandlers], Sequence[object]] | None = None,
) -> connexion.AsyncApp:
    """`extra(handlers)`: further handler objects (given the AdminHandlers instance), searched first."""
    app = connexion.AsyncApp(__name__, swagger_ui_options=SwaggerUIOptions(swagger_ui=False, serve_spec=False))
    handlers = AdminHandlers(store, journal)
    resolver = _BoundResolver(handlers, extra(handlers) if extra is not None else ())
    app.add_api(spec, base_path="", resolver=resolver, strict_validation=True)
    problem = _error_handler(_allowed_methods(spec))
    app.add_error_handler(ProblemException, problem)
    app.add_error_handler(HTTPException, problem)
    app.add_error_handler(ValueError, problem)
    app.add_error_handler(RecursionError, problem)
    return app
