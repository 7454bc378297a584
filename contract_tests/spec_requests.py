"""Whether a request as sent fits its operation's documented parameters and body (specs/*.yaml).

Generated negative cases are often edited before they are sent (members moved into the probe space,
organizations pinned), and some stop being invalid on the way; `invalid_input_rejected` counts only
the requests that are still outside the spec as sent. Query parameters: each documented one given at
most once, the required ones present, `format: uuid` ones UUIDs. Bodies: valid JSON against the
operation's request schema, formats (uuid, email) checked.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jsonschema

from . import probes
from .responses import inline, spec
from .vendors import VENDORS

_FORMATS = jsonschema.FormatChecker(("uuid", "email"))


@cache
def _body_validator(vendor: str, operation: str) -> jsonschema.protocols.Validator | None:
    doc = spec(vendor)
    op = VENDORS[vendor].operation(operation)
    raw = doc["paths"][op.path][op.method.lower()]
    schema = ((raw.get("requestBody") or {}).get("content") or {}).get("application/json", {}).get("schema")
    if schema is None:
        return None
    cls = jsonschema.Draft202012Validator if str(doc["openapi"]).startswith("3.1") else jsonschema.Draft4Validator
    validator: jsonschema.protocols.Validator = cls(inline(schema, doc), format_checker=_FORMATS)
    return validator


@cache
def _query_parameters(vendor: str, operation: str) -> tuple[tuple[str, bool, bool], ...]:
    """(name, required, is a uuid) of each query parameter."""
    doc = spec(vendor)
    op = VENDORS[vendor].operation(operation)
    params = inline(doc["paths"][op.path][op.method.lower()].get("parameters") or [], doc)
    return tuple(
        (p["name"], bool(p.get("required")), (p.get("schema") or {}).get("format") == "uuid")
        for p in params
        if p.get("in") == "query"
    )


def is_valid(vendor: str, operation: str, url: str, body: bytes | str | None) -> bool:
    """Whether this request, as sent, fits the operation's query parameters and request body."""
    pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    for name, required, uuid in _query_parameters(vendor, operation):
        values = [v for n, v in pairs if n == name]
        if len(values) > 1 or (required and not values) or (values and uuid and not probes.is_uuid(values[0])):
            return False
    validator = _body_validator(vendor, operation)
    if validator is None:
        return True
    if not body:
        return False
    try:
        doc: Any = json.loads(body)
    except ValueError:
        return False
    return validator.is_valid(doc)
