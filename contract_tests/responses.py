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

from .vendors import VENDORS

SPECS = Path(__file__).resolve().parents[1] / "specs"


@cache
def spec(vendor: str) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((SPECS / f"{vendor}.yaml").read_text(encoding="utf-8"))
    return doc


@cache
def _validator(vendor: str, status: int, operation: str | None = None) -> jsonschema.protocols.Validator | None:
    doc = spec(vendor)
    descriptor = VENDORS[vendor]
    op = descriptor.operation(operation or descriptor.remove)
    path, method = op.path, op.method.lower()
    response = doc["paths"][path][method]["responses"].get(str(status))
    schema = ((response or {}).get("content") or {}).get("application/json", {}).get("schema")
    if schema is None:
        return None
    resolved = inline(schema, doc)
    cls = jsonschema.Draft202012Validator if str(doc["openapi"]).startswith("3.1") else jsonschema.Draft4Validator
    validator: jsonschema.protocols.Validator = cls(resolved)
    return validator


def documented(vendor: str, status: int, operation: str | None = None) -> bool:
    """Whether the spec documents a response schema for this status of `operation` (an operationId; the removal)."""
    return _validator(vendor, status, operation) is not None


def problems(vendor: str, status: int, body: Any, operation: str | None = None) -> list[str]:
    """Why `body` does not match the spec's schema for `status` of `operation` (empty when it does)."""
    validator = _validator(vendor, status, operation)
    if validator is None:
        return [f"{vendor}.yaml documents no response schema for HTTP {status}"]
    return [_describe(e) for e in validator.iter_errors(body)]


def _describe(error: jsonschema.ValidationError) -> str:
    where = "".join(f"[{p!r}]" for p in error.absolute_path)
    return f"{'body' + where}: {error.message}"


def inline(node: Any, spec: dict[str, Any]) -> Any:
    """`node` with every local `$ref` replaced by what it points to (the specs have no recursive schema)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = spec
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return inline(target, spec)
        return {k: inline(v, spec) for k, v in node.items()}
    if isinstance(node, list):
        return [inline(v, spec) for v in node]
    return node
