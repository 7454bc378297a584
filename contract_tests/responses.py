"""The specs' documented response schemas, loaded once per spec, and validation of bodies against them.

A body is valid when it matches the schema of its status code as the spec writes it: extra properties
are allowed wherever the schema does not forbid them (neither spec sets `additionalProperties: false`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SPECS = Path(__file__).resolve().parents[1] / "specs"
OPERATIONS = {
    "recoup": ("/api/organizations/members", "delete"),
    "turso": ("/v1/organizations/{organizationSlug}/members/{username}", "delete"),
}


@cache
def _spec(vendor: str) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((SPECS / f"{vendor}.yaml").read_text(encoding="utf-8"))
    return doc


@cache
def _validator(vendor: str, status: int) -> jsonschema.protocols.Validator | None:
    spec = _spec(vendor)
    path, method = OPERATIONS[vendor]
    response = spec["paths"][path][method]["responses"].get(str(status))
    schema = ((response or {}).get("content") or {}).get("application/json", {}).get("schema")
    if schema is None:
        return None
    resolved = _inline(schema, spec)
    cls = jsonschema.Draft202012Validator if str(spec["openapi"]).startswith("3.1") else jsonschema.Draft4Validator
    validator: jsonschema.protocols.Validator = cls(resolved)
    return validator


def documented(vendor: str, status: int) -> bool:
    """Whether the spec documents a response schema for this status."""
    return _validator(vendor, status) is not None


def problems(vendor: str, status: int, body: Any) -> list[str]:
    """Why `body` does not match the spec's schema for `status` (empty when it does)."""
    validator = _validator(vendor, status)
    if validator is None:
        return [f"{vendor}.yaml documents no response schema for HTTP {status}"]
    return [_describe(e) for e in validator.iter_errors(body)]


def _describe(error: jsonschema.ValidationError) -> str:
    where = "".join(f"[{p!r}]" for p in error.absolute_path)
    return f"{'body' + where}: {error.message}"


def _inline(node: Any, spec: dict[str, Any]) -> Any:
    """`node` with every local `$ref` replaced by what it points to (the specs have no recursive schema)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = spec
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return _inline(target, spec)
        return {k: _inline(v, spec) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, spec) for v in node]
    return node
