"""GET / (an index) and /docs/ (Swagger UI over both vendor specs and the control API).

The Swagger UI is 5.x, from the pinned `swagger-ui-py` package (requirements.lock): it renders OpenAPI
3.0 and 3.1, so each contract is shown as the document it is (Recoup's is 3.1.0), only its `servers`
pointed at this stub so that "Try it out" calls the stub.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.yamlfile import load_yaml
from .bodies import control_error, document
from .http import Receive, Scope, Send, send_bytes, send_json

if TYPE_CHECKING:
    from .vendors import Vendor

DOC_SPECS = ("recoup", "turso", "admin")
_TYPES = {".js": b"application/javascript", ".css": b"text/css", ".png": b"image/png", ".html": b"text/html"}
# The files of the Swagger UI distribution the page uses (the package also ships Swagger Editor bundles).
UI_FILES = (
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "swagger-ui.css",
    "favicon-32x32.png",
    "favicon-16x16.png",
    "oauth2-redirect.html",
)

_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Recoup + Turso stub</title>
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>
// ?api=turso (or admin) opens that API first; validatorUrl null: no request leaves this stub.
window.ui = SwaggerUIBundle({dom_id: "#ui", urls: %s,
  "urls.primaryName": new URLSearchParams(location.search).get("api") || "recoup", validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"});
</script></body></html>
"""


def swagger_ui_dir() -> Path:
    """Where the pinned `swagger-ui-py` package keeps the Swagger UI distribution (found without importing it)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py package is not installed; run make venv")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def docs_spec(path: Path) -> dict[str, Any]:
    """A spec as the docs page shows it: its server is this stub, so "Try it out" calls the stub."""
    spec: dict[str, Any] = load_yaml(path.read_text(encoding="utf-8"))
    spec["servers"] = [{"url": "/", "description": "this stub"}]
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
        static = swagger_ui_dir()
        self._static = {name: static / name for name in UI_FILES}
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
