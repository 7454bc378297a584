"""The control API: connexion serves specs/admin.yaml, these handlers act on the store."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import connexion
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.exceptions import HTTPException

from ..core.errors import Unavailable
from ..core.store import StateStore
from ..core.yamlfile import load_yaml
from .admin_state import Rules, StateHandlers
from .bodies import control_error, document
from .http import query_values
from .journal import Journal

_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


class AdminHandlers:
    """One method per operationId of specs/admin.yaml, bound to a store and a journal."""

    def __init__(self, store: StateStore, journal: Journal, health: Callable[[], dict[str, Any]] | None = None) -> None:
        self.store = store
        self.journal = journal
        self.health = health or (lambda: {"kind": "memory", "healthy": True})

    async def info(self) -> dict[str, Any]:
        return {
            "service": "recoup-turso-stub",
            "apis": ["recoup", "turso"],
            "journal_size": self.journal.size,
            "store": self.health(),
        }

    async def demo(self) -> dict[str, str]:
        return self.store.demo()

    async def reset(self) -> dict[str, str]:
        self.store.reset()
        return {"status": "reset"}

    async def get_journal(
        self, limit: int | None = None, operation: str | None = None, status: int | None = None
    ) -> dict[str, Any]:
        entries = self.journal.entries(limit, operation=operation, status=status)
        return {"total": self.journal.total, "size": self.journal.size, "requests": entries}

    async def clear_journal(self) -> dict[str, str]:
        self.journal.clear()
        return {"status": "cleared"}


class _BoundResolver(Resolver):
    """operationId -> the method of that name on the first handler object that has one."""

    def __init__(self, *handlers: object) -> None:
        def resolve(operation_id: str) -> Any:
            return next(getattr(h, operation_id) for h in handlers if hasattr(h, operation_id))

        super().__init__(function_resolver=resolve)


def _allowed_methods(spec: dict[str, Any]) -> dict[str, str]:
    """Path -> the Allow header value for it: every method the spec documents there (GET implies HEAD)."""
    paths = spec["paths"]
    allowed: dict[str, str] = {}
    for path, item in paths.items():
        methods = {m.upper() for m in item if m in _METHODS}
        if "GET" in methods:
            methods.add("HEAD")
        allowed[path] = ", ".join(sorted(methods))
    return allowed


def _allowed_for(path: str, allowed: dict[str, str]) -> str:
    """The Allow value of the spec path template `path` falls under ('' when none)."""
    if path in allowed:
        return allowed[path]
    parts = path.split("/")
    for template, methods in allowed.items():
        want = template.split("/")
        if len(want) == len(parts) and all(
            w == p or (w.startswith("{") and p) for w, p in zip(want, parts, strict=True)
        ):
            return methods
    return ""


def _operations(allowed: dict[str, str]) -> str:
    """Every control operation, as `GET /__admin, POST /__admin/reset, ...` (HEAD left out)."""
    return ", ".join(f"{m} {path}" for path, methods in allowed.items() for m in methods.split(", ") if m != "HEAD")


def _one_line(detail: str, query: dict[str, list[str]]) -> str:
    """A validation message without the schema dump jsonschema appends, naming the query parameter it is about."""
    first = detail.split("\n", 1)[0].strip()
    if "\nOn instance:" not in detail:
        return first
    instance = detail.rsplit("\nOn instance:", 1)[1].strip()
    for name, values in query.items():
        if any(instance in (v, repr(v)) for v in values):
            return f"query parameter {name}: {first}"
    return first


def _error_handler(allowed: dict[str, str]) -> Callable[[ConnexionRequest, Exception], Awaitable[ConnexionResponse]]:
    async def problem(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        """Connexion's validation and routing errors, in the stub's {"error": ...} shape, each in one line."""
        if isinstance(exc, ProblemException):
            status, headers = exc.status, exc.headers
            message = _one_line(str(exc.detail or exc.title), query_values(request.scope))
        elif isinstance(exc, HTTPException):
            status, message, headers = exc.status_code, str(exc.detail), exc.headers
        elif isinstance(exc, ValueError | RecursionError):
            # Raised while connexion reads the request: a Content-Type or JSON body that is not valid UTF-8,
            # JSON nested too deep, an integer too long to convert.
            status, headers = 400, None
            message = f"the request could not be read (headers or JSON body): {str(exc)[:200]}"
        else:
            status, message, headers = 500, "internal error", None
        path = request.scope["path"]
        if status == 405:
            # Starlette's Allow names the methods of the first route matching the path only; a path with
            # two operations (GET and PUT /__admin/state) has two routes.
            headers = {**(headers or {}), "Allow": _allowed_for(path, allowed)}
        if status == 404 and not _allowed_for(path, allowed):
            message = f"no control operation at {path}; the control API has: {_operations(allowed)}"
        return ConnexionResponse(
            status_code=status, body=document(control_error(message)), mimetype="application/json", headers=headers
        )

    return problem


def create_admin_app(
    spec: Path,
    store: StateStore,
    journal: Journal,
    extra: Callable[[AdminHandlers, StateHandlers], Sequence[object]] | None = None,
    *,
    rules: Rules | None = None,
    health: Callable[[], dict[str, Any]] | None = None,
) -> connexion.AsyncApp:
    """`extra(handlers, state)`: further handler objects (given the shared ones), searched first."""
    # specs/admin.yaml declares the admin token (so the docs page offers Authorize); the router's guard
    # checks it before connexion sees the request, so connexion has no token function to call and
    # would warn once per operation that it cannot check one.
    logging.getLogger("connexion.security").setLevel(logging.ERROR)
    app = connexion.AsyncApp(__name__, swagger_ui_options=SwaggerUIOptions(swagger_ui=False, serve_spec=False))
    handlers, state = AdminHandlers(store, journal, health), StateHandlers(store, rules)
    resolver = _BoundResolver(*(extra(handlers, state) if extra is not None else ()), handlers, state)
    # parsed here with libyaml: connexion's own loading of the file is PyYAML's pure-Python parser (0.1 s)
    document: dict[str, Any] = load_yaml(spec.read_text(encoding="utf-8"))
    app.add_api(document, base_path="", resolver=resolver, strict_validation=True)
    problem = _error_handler(_allowed_methods(document))
    app.add_error_handler(ProblemException, problem)
    app.add_error_handler(HTTPException, problem)
    app.add_error_handler(ValueError, problem)
    app.add_error_handler(RecursionError, problem)
    app.add_error_handler(Unavailable, _unavailable)
    return app


async def _unavailable(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """The state store cannot be reached: 503 in the stub's shape, nothing changed."""
    message = exc.message if isinstance(exc, Unavailable) else str(exc)
    return ConnexionResponse(status_code=503, body=document(control_error(message)), mimetype="application/json")
