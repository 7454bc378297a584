"""The zoo's own reading of specs/*.yaml: the response schema of an operation and status, and validating a body.

Written for the zoo's tests (it shares nothing with the suite's `responses.py`): `$ref`s, response `$ref`s
included, are resolved against the whole document by `referencing`; formats (`uuid`) are checked.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry
from referencing.jsonschema import DRAFT7, DRAFT202012

SPECS = Path(__file__).resolve().parents[2] / "specs"


@cache
def spec(vendor: str) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((SPECS / f"{vendor}.yaml").read_text())
    return doc


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def operations(vendor: str) -> dict[str, tuple[str, str]]:
    """operationId -> (path template, method) for every operation of a spec."""
    found = {}
    for template, item in spec(vendor)["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                found[operation["operationId"]] = (template, method.upper())
    return found


def statuses(vendor: str, template: str, method: str) -> set[int]:
    return {int(s) for s in spec(vendor)["paths"][template][method.lower()]["responses"]}


@cache
def _validator(vendor: str, template: str, method: str, status: int) -> jsonschema.protocols.Validator:
    doc = spec(vendor)
    response = doc["paths"][template][method.lower()]["responses"][str(status)]
    where = _pointer("paths", template, method.lower(), "responses", str(status))
    if "$ref" in response:
        where = response["$ref"].removeprefix("#/")
        response = doc
        for part in where.split("/"):
            response = response[part]
    specification = DRAFT202012 if doc["openapi"].startswith("3.1") else DRAFT7
    registry: Registry[Any] = Registry().with_resource("urn:spec", specification.create_resource(doc))
    schema = {"$ref": f"urn:spec#/{where}/content/application~1json/schema"}
    cls = jsonschema.Draft202012Validator if specification is DRAFT202012 else jsonschema.Draft7Validator
    return cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)


def problems(vendor: str, template: str, method: str, status: int, body: Any) -> list[str]:
    """What is wrong with `body` as the answer `status` of the operation; [] when it is valid."""
    if status not in statuses(vendor, template, method):
        return [f"HTTP {status} is not documented for {method} {template}"]
    validator = _validator(vendor, template, method, status)
    return [f"{'/'.join(map(str, e.absolute_path)) or 'body'}: {e.message}" for e in validator.iter_errors(body)]
