"""Checks every response an HTTP test receives against the contracts in specs/.

`check_response` is installed as an httpx response hook by the `client` fixtures, so each test
also proves that the stub's answers conform: a documented status must match the response schema
of that status in specs/recoup.yaml, specs/turso.yaml or specs/admin.yaml; an undocumented one
(404, 405, ...) must still be JSON in the error shape of whoever owns the path. No answer may be a
5xx (unless a fault rule gave it, as its X-Stub-Fault header says), HTML (outside /docs/) or problem+json,
and every JSON body ends with a newline (so a terminal prompt after `curl -s` starts on its own line).
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import jsonschema

from mock_server.specs import SPECS_DIR, load_spec

SPECS = {name: load_spec(SPECS_DIR / f"{name}.yaml") for name in ("recoup", "turso", "admin")}
ERROR_SCHEMA = {"recoup": "ErrorEnvelope", "turso": "Error", "admin": "Error", "site": None}
# The site's own errors (unknown paths, /docs/ misses) have the control API's error shape.
SITE_ERROR = SPECS["admin"]["components"]["schemas"]["Error"]
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def inline(node: Any, root: dict[str, Any]) -> Any:
    """`node` with every local $ref replaced by what it points to."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = root
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return inline(target, root)
        return {k: inline(v, root) for k, v in node.items()}
    if isinstance(node, list):
        return [inline(v, root) for v in node]
    return node


def _template_re(template: str) -> re.Pattern[str]:
    return re.compile("/".join("[^/]+" if part.startswith("{") else re.escape(part) for part in template.split("/")))


# Each vendor's path templates, as patterns over the raw path (a %2F stays inside its segment).
TEMPLATES = {vendor: [(_template_re(t), t) for t in SPECS[vendor]["paths"]] for vendor in ("recoup", "turso", "admin")}
PREFIXES = {"recoup": "/api", "turso": "/v1", "admin": "/__admin"}


def owner(path: str) -> tuple[str, str | None]:
    """Which contract a path belongs to, and its path template there (None: not in the spec)."""
    for vendor, prefix in PREFIXES.items():
        if path == prefix or path.startswith(prefix + "/"):
            found = [t for pattern, t in TEMPLATES[vendor] if pattern.fullmatch(path)]
            # a literal template wins over one with parameters, as routing does
            found.sort(key=lambda t: t.count("{"))
            return vendor, found[0] if found else None
    return "site", None


def response_schema(vendor: str, template: str | None, method: str, status: int) -> dict[str, Any] | None:
    """The documented JSON schema of this response, or None if the spec does not document it."""
    if template is None:
        return None
    spec = SPECS[vendor]
    operation = spec["paths"][template].get(method.lower())
    if operation is None:
        return None
    documented = operation["responses"].get(str(status))
    if documented is None:
        return None
    return inline(inline(documented, spec)["content"]["application/json"]["schema"], spec)


def documented_methods(vendor: str, template: str) -> set[str]:
    """The methods the spec documents on a path; a GET also answers HEAD."""
    methods = {m.upper() for m in SPECS[vendor]["paths"][template] if m in HTTP_METHODS}
    return methods | {"HEAD"} if "GET" in methods else methods


def error_schema(vendor: str) -> dict[str, Any]:
    name = ERROR_SCHEMA[vendor]
    if name is None:
        return SITE_ERROR
    return inline(SPECS[vendor]["components"]["schemas"][name], SPECS[vendor])


def validator(vendor: str, schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    version = SPECS[vendor]["openapi"] if vendor != "site" else "3.0"
    cls = jsonschema.Draft202012Validator if version.startswith("3.1") else jsonschema.Draft4Validator
    return cls(schema)


def check_response(response: httpx.Response) -> None:
    """Raise AssertionError if `response` breaks the contract of the path it answers."""
    response.read()
    request = response.request
    method = request.method
    # the raw path: a %2F inside a segment must not look like a separator
    path = request.url.raw_path.decode("latin-1").split("?", 1)[0]
    where = f"{method} {request.url.raw_path.decode('latin-1')} -> {response.status_code}"
    injected = "x-stub-fault" in response.headers  # an answer a fault rule gave: a 5xx on purpose
    assert response.status_code < 500 or injected, f"{where}: a server error: {response.text[:300]}"
    content_type = response.headers.get("content-type", "")
    assert "problem+json" not in content_type, f"{where}: problem+json"
    vendor, template = owner(path)
    if response.status_code == 405:
        assert response.headers.get("allow"), f"{where}: a 405 without Allow"
        if template is not None:
            allow = {m.strip() for m in response.headers["allow"].split(",")}
            assert allow == documented_methods(vendor, template), f"{where}: Allow {allow} is not what the spec has"
    if vendor == "site" and path.startswith("/docs") and response.status_code == 200:
        return  # the docs pages: HTML, JavaScript, CSS
    if response.status_code == 204:  # a CORS preflight answer
        assert not response.content, f"{where}: a 204 with a body"
        return
    if 300 <= response.status_code < 400:
        assert not response.content, f"{where}: a redirect with a body"
        return
    assert content_type == "application/json", f"{where}: content-type {content_type!r}, not application/json"
    if method == "HEAD":
        assert not response.content, f"{where}: a HEAD answer with a body"
        return
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"{where}: the body is not JSON: {response.text[:300]!r}") from None
    assert response.content.endswith(b"\n"), f"{where}: the body does not end with a newline"
    schema = response_schema(vendor, template, method, response.status_code)
    if schema is None:
        if vendor == "site" and response.status_code == 200:
            assert isinstance(body, dict) and body.get("service") == "recoup-turso-stub", f"{where}: not the index"
            return
        assert response.status_code >= 400, f"{where}: an undocumented success"
        schema = error_schema(vendor)
    errors = sorted(validator(vendor, schema).iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, f"{where}: the body {body!r} breaks the {vendor} contract: {errors[0].message}"


def client(base_url: str, **kwargs: Any) -> httpx.Client:
    """An httpx client whose every response is checked by `check_response`."""
    return httpx.Client(base_url=base_url, event_hooks={"response": [check_response]}, timeout=10, **kwargs)


async def acheck_response(response: httpx.Response) -> None:
    await response.aread()
    check_response(response)


def async_client(base_url: str, **kwargs: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base_url, event_hooks={"response": [acheck_response]}, timeout=10, **kwargs)
