"""The vendor route table, compiled once at startup from specs/: path templates, methods, handlers.

Each operation of a vendor's spec is bound to the handler its descriptor module names after the
operationId (`tursoListOrganizationMembers` -> `list_organization_members`), as connexion's resolver
binds operationIds to functions. A path or method exists in the stub exactly when it exists in the
contract: an operation without a handler stops the start, naming it; a path that matches no template
is a 404 and a method the template does not have a 405 whose Allow lists the spec's methods.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from ..core.yamlfile import load_yaml
from .http import Scope

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAMETER = re.compile(r"\{([^{}/]+)\}")
_WORD = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


class RouteError(ValueError):
    """A spec and its descriptor do not fit together; the message names the operation and the fix."""


@dataclass(slots=True)
class Call:
    """What a handler gets: the ASGI scope, the decoded path parameters, the body (when the spec has one)."""

    scope: Scope
    params: Mapping[str, str]
    body: bytes = b""


Handler = Callable[[Any, Call], tuple[int, bytes]]  # the store: `core.store.Store` or one kept elsewhere


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    method: str
    template: str
    handler: Handler
    has_body: bool


@dataclass(slots=True)
class Route:
    """One path template and the operations on it; HEAD is served by GET, as HTTP has it."""

    template: str
    segments: tuple[str | None, ...]  # a literal segment, or None for a parameter
    names: tuple[str, ...]  # the parameters, in path order
    operations: dict[str, Operation] = field(default_factory=dict)
    allow: bytes = b""

    def finish(self) -> None:
        if "GET" in self.operations:
            self.operations["HEAD"] = self.operations["GET"]
        self.allow = ", ".join(sorted(self.operations)).encode()

    def bind(self, segments: list[str]) -> dict[str, str] | None:
        """The path parameters if `segments` (split, decoded) fit this template; parameters are never empty."""
        params: dict[str, str] = {}
        names = iter(self.names)
        for want, got in zip(self.segments, segments, strict=True):
            if want is None:
                if not got:
                    return None
                params[next(names)] = got
            elif want != got:
                return None
        return params


@dataclass
class VendorRoutes:
    """One vendor's compiled table: literal paths by raw bytes (looked up first), templates by segment count."""

    routes: list[Route]  # in spec order
    literal: dict[bytes, Route]
    templated: dict[int, list[Route]]

    def match_segments(self, parts: list[str]) -> tuple[Route, dict[str, str]] | None:
        """The route whose template fits the path split on '/' and percent-decoded segment by segment."""
        for candidate in self.templated.get(len(parts), ()):
            params = candidate.bind(parts)
            if params is not None:
                return candidate, params
        return None

    @property
    def operations(self) -> list[Operation]:
        return [op for r in self.routes for m, op in r.operations.items() if m != "HEAD"]


def handler_name(operation_id: str, prefix: str) -> str:
    """`tursoValidateAPIToken` -> `validate_api_token`: the operationId without the vendor prefix, in snake case."""
    return _WORD.sub("_", operation_id.removeprefix(prefix)).lower()


def compile_routes(spec_path: Path, descriptor: ModuleType, prefix: str) -> VendorRoutes:
    """The route table of one vendor spec, each operation bound to `descriptor.<handler_name>`."""
    spec: dict[str, Any] = load_yaml(spec_path.read_text(encoding="utf-8"))
    routes: list[Route] = []
    for template, item in spec.get("paths", {}).items():
        names = tuple(_PARAMETER.findall(template))
        segments = tuple(None if _PARAMETER.fullmatch(s) else s for s in template.split("/"))
        route = Route(template, segments, names)
        for method, op in item.items():  # in spec order, which is also the order the index lists them
            if method not in HTTP_METHODS or not isinstance(op, dict):
                continue
            where = f"{spec_path.name}: {method.upper()} {template}"
            operation_id = op.get("operationId")
            if not isinstance(operation_id, str):
                raise RouteError(f"{where} has no operationId, so no handler can be bound to it")
            name = handler_name(operation_id, prefix)
            handler = getattr(descriptor, name, None)
            if not callable(handler):
                raise RouteError(
                    f"{where} ({operation_id}) has no handler: define {name}(store, call) in {descriptor.__name__}"
                )
            route.operations[method.upper()] = Operation(
                operation_id, method.upper(), template, handler, "requestBody" in op
            )
        route.finish()
        routes.append(route)
    # More literal segments first: /a/b/members before /a/{x}/members, as OpenAPI matches concrete paths first.
    by_specificity = sorted(routes, key=lambda r: (-sum(s is not None for s in r.segments), r.template))
    literal = {r.template.encode(): r for r in routes if not r.names}
    templated: dict[int, list[Route]] = {}
    for r in by_specificity:
        templated.setdefault(len(r.segments), []).append(r)
    return VendorRoutes(routes, literal, templated)
