"""The contracts in specs/: loading them, and checking they are valid OpenAPI.

`python -m mock_server.specs [FILE...]` checks the given files (default: every spec in specs/)
and prints each problem with the JSON path of the broken location. Besides the OpenAPI meta-schema,
it enforces what a contract needs to be usable by tools and clients, which the meta-schema allows:
every operation has an operationId; when the document defines security schemes, every operation
requires one and documents its 401; an object schema's `required` names only its own properties;
a 3.1 document does not use the 3.0 keyword `nullable` (which 3.1 ignores).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import jsonschema

# The OpenAPI meta-schemas schemathesis ships (pinned in requirements.lock).
from schemathesis.specs.openapi.definitions import OPENAPI_30, OPENAPI_31

from .core.yamlfile import load_yaml

SPECS_DIR = Path(__file__).resolve().parents[1] / "specs"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
VENDOR_SPECS = {"recoup": SPECS_DIR / "recoup.yaml", "turso": SPECS_DIR / "turso.yaml"}


def load_spec(path: str | Path) -> dict[str, Any]:
    doc: dict[str, Any] = load_yaml(Path(path).read_text(encoding="utf-8"))
    return doc


def spec_problems(doc: Any) -> list[str]:
    """Every way `doc` is not a valid OpenAPI 3.0/3.1 document, each as 'location: message'."""
    if not isinstance(doc, dict) or not isinstance(doc.get("openapi"), str):
        return ["(root): not an OpenAPI 3 document (no 'openapi' version string)"]
    meta = OPENAPI_31 if doc["openapi"].startswith("3.1") else OPENAPI_30
    validator = jsonschema.validators.validator_for(meta)(meta)
    problems = []
    for error in validator.iter_errors(doc):
        worst = _deepest(error)
        where = json_path(worst.absolute_path)
        problems.append(f"{where}: {worst.message}")
    return sorted(set(problems + contract_problems(doc)))


def contract_problems(doc: dict[str, Any]) -> list[str]:
    """What makes a valid OpenAPI document a poor contract (see the module docstring), each as 'location: message'."""
    problems = []
    components = doc.get("components") if isinstance(doc.get("components"), dict) else {}
    schemes = sorted((components or {}).get("securitySchemes") or {})
    paths = doc.get("paths") if isinstance(doc.get("paths"), dict) else {}
    for path, item in (paths or {}).items():
        for method, op in (item or {}).items() if isinstance(item, dict) else ():
            if method not in HTTP_METHODS or not isinstance(op, dict):
                continue
            where = json_path(["paths", path, method])
            if not op.get("operationId"):
                problems.append(f"{where}: no operationId (tools and reports cannot name the operation)")
            security = op.get("security", doc.get("security"))
            if schemes and not security:
                problems.append(
                    f"{where}: no security requirement although the document defines {', '.join(schemes)}: "
                    "the operation reads as anonymous"
                )
            responses = op.get("responses") if isinstance(op.get("responses"), dict) else {}
            if security and "401" not in (responses or {}):
                problems.append(f"{where}.responses: no 401 although the operation requires credentials")
    is_31 = str(doc.get("openapi", "")).startswith("3.1")
    for parts, node, in_properties in _nodes(doc, []):
        if in_properties:
            continue  # a map of property names, not a schema
        required, properties = node.get("required"), node.get("properties")
        if isinstance(required, list) and isinstance(properties, dict):
            for name in required:
                if name not in properties:
                    problems.append(
                        f"{json_path([*parts, 'required'])}: {name!r} is required but is not one of the properties "
                        f"({', '.join(map(str, properties))})"
                    )
        if is_31 and "nullable" in node:
            problems.append(
                f"{json_path([*parts, 'nullable'])}: `nullable` is OpenAPI 3.0; a 3.1 document ignores it, "
                "so null is refused (write type: [<type>, 'null'])"
            )
    return problems


def _nodes(node: Any, parts: list[Any], in_properties: bool = False) -> Any:
    """Every mapping in the document, with its location and whether it is a `properties` map."""
    if isinstance(node, dict):
        yield parts, node, in_properties
        for key, value in node.items():
            yield from _nodes(value, [*parts, key], key == "properties" and not in_properties)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _nodes(value, [*parts, i])


def operation_ids(*docs: dict[str, Any]) -> list[str]:
    return [
        op["operationId"]
        for doc in docs
        for item in doc.get("paths", {}).values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    ]


def json_path(parts: Any) -> str:
    """`$.paths['/v1/x'].delete.responses['200']` — readable, and unambiguous for keys with '/'."""
    out = "$"
    for part in parts:
        text = str(part)
        if isinstance(part, int):
            out += f"[{part}]"  # a list index, not the key '0'
        else:
            out += f".{text}" if text.isidentifier() else f"[{text!r}]"
    return out


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """The most specific sub-error: 'not valid under any of the given schemas' says where, not what."""
    best = error
    for sub in error.context or ():
        candidate = _deepest(sub)
        if len(candidate.absolute_path) > len(best.absolute_path):
            best = candidate
    return best


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(SPECS_DIR.glob("*.yaml"))
    docs, failed = [], False
    for path in paths:
        doc = load_spec(path)
        docs.append(doc)
        for problem in spec_problems(doc):
            print(f"{path}: {problem}")
            failed = True
    ids = operation_ids(*docs)
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        print(f"operationId {dup!r} is used more than once; each operation needs its own")
        failed = True
    if not failed:
        print(f"specs ok: {', '.join(str(p) for p in paths)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
