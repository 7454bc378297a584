"""GET / (an index) and /docs/ (Swagger UI over both vendor specs and the control API)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from swagger_ui_bundle import swagger_ui_path

from .bodies import control_error, document
from .http import Receive, Scope, Send, send_bytes, send_json

if TYPE_CHECKING:
    from .vendors import Vendor

DOC_SPECS = ("recoup", "turso", "admin")
_TYPES = {".js": b"application/javascript", ".css": b"text/css", ".png": b"image/png", ".html": b"text/html"}

_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Recoup + Turso stub</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>
window.ui = SwaggerUIBundle({dom_id: "#ui", urls: %s, "urls.primaryName": "recoup",
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"});
</script></body></html>
"""


# The Swagger UI that swagger_ui_bundle ships (4.x) renders OpenAPI 3.0 only; the Recoup contract is 3.1.0
# and uses one thing 3.1 adds, `type: [string, 'null']`, which its docs copy spells the 3.0 way
# (`nullable: true`) and labels 3.0.3. The contract itself is left as it is.
DOCS_OPENAPI = "3.0.3"


def as_openapi_30(node: Any) -> Any:
    """`node` with every JSON Schema 2020-12 `type: [T, 'null']` written as OpenAPI 3.0 `type: T, nullable: true`."""
    if isinstance(node, list):
        return [as_openapi_30(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: as_openapi_30(v) for k, v in node.items()}
    kind = out.get("type")
    if isinstance(kind, list) and "null" in kind and len(kind) == 2:
        out["type"] = next(t for t in kind if t != "null")
        out["nullable"] = True
    return out


def docs_spec(path: Path) -> dict[str, Any]:
    """A spec as the docs page shows it: its server is this stub, so "Try it out" calls the stub."""
    spec: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec["servers"] = [{"url": "/", "description": "this stub"}]
    if spec["openapi"].startswith("3.1"):
        info = spec.setdefault("info", {})
        info["description"] = (
            f"{info.get('description', '')}\n\n(The contract, specs/{path.name}, is OpenAPI {spec['openapi']}; "
            f"shown here as {DOCS_OPENAPI}, which this page renders.)"
        ).strip()
        spec["openapi"] = DOCS_OPENAPI
        spec["components"] = as_openapi_30(spec.get("components", {}))
    return spec


class Site:
    def __init__(self, specs_dir: Path, vendors: Sequence[Vendor] = ()) -> None:
        self._vendors = tuple(vendors)
        urls = [{"url": f"/docs/{name}.json", "name": name} for name in DOC_SPECS]
        self._files: dict[str, tuple[bytes, bytes]] = {
            f"/docs/{name}.json": (document(docs_spec(specs_dir / f"{name}.yaml")), b"application/json")
            for name in DOC_SPECS
        }
        self._files["/docs/"] = ((_PAGE % json.dumps(urls)).encode(), b"text/html; charset=utf-8")
        self._static = {p.name: p for p in Path(swagger_ui_path).iterdir() if p.suffix in _TYPES}
        self._index = document(self.index())

    def index(self) -> dict[str, Any]:
        apis = {
            v.name: {
                "operations": [f"{op.method} {op.template}" for op in v.routes.operations],
                "spec": f"/docs/{v.name}.json",
            }
            for v in self._vendors
        }
        return {
            "service": "recoup-turso-stub",
            "apis": apis,
            "docs": "/docs/",
            "control": {"base": "/__admin", "spec": "/docs/admin.json"},
        }

    def serves(self, path: str) -> bool:
        return path == "/" or path == "/docs" or path.startswith("/docs/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> int:
        path, method = scope["path"], scope["method"]
        if method not in ("GET", "HEAD"):
            body = document(control_error(f"{method} is not allowed on {path}; use GET"))
            await send_json(send, 405, body, [(b"allow", b"GET, HEAD")])
            return 405
        if path == "/":
            await send_json(send, 200, self._index)
            return 200
        if path == "/docs":
            path = "/docs/"
        found = self._files.get(path) or self._static_file(path)
        if found is None:
            await send_json(send, 404, document(control_error(f"no such page {path}; the docs are at /docs/")))
            return 404
        await send_bytes(send, 200, *found)
        return 200

    def _static_file(self, path: str) -> tuple[bytes, bytes] | None:
        file = self._static.get(path.removeprefix("/docs/"))
        if file is None:
            return None
        found = (file.read_bytes(), _TYPES[file.suffix])
        self._files[path] = found
        return found
