"""Conformance over generated valid and invalid inputs: schemathesis' built-in checks under their rule names.

Each check runs inside `case.validate_response` as `(ctx, response, case)`. The built-ins left out, and why:
`ignored_auth` (its probes open their own connection, bypassing the safety policy, RATE and the request count;
the behaviour checks `rejects_missing_credentials` and `rejects_unknown_credentials` of both vendors cover the
same rule through the guarded client); `unsupported_method` and
`allow_header_conformance` (the specs describe one method of a path the real vendors serve more methods on;
no such requests are generated); `response_headers_conformance` (no response headers are documented);
`missing_required_header` (no header parameter besides credentials); schemathesis' stateful links (the
specs declare none; `lifecycle_model` is the suite's own state machine).

`invalid_input_rejected` runs on both vendors. The Turso spec admits any string in its path parameters
(`organizationSlug`, `username`), so its negative cases that count are the add and update-role bodies
(a role outside the enum, no username, not an object); whether a request as sent is still outside the
spec is decided by `spec_requests.is_valid` (query parameters and the request body against its schema).

Each case counts only for the checks that apply to it (`applies`): `invalid_input_rejected` for a
negative case whose request as sent is outside the spec, `valid_input_accepted` for a positive case,
`response_matches_schema` and `documented_content_type` for a status the spec documents a body for.
A check no case applied to is "not exercised", never a pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schemathesis import checks as core
from schemathesis.core.failures import Failure
from schemathesis.specs.openapi import checks as openapi

from .. import responses, spec_requests


class ConformanceFailure(AssertionError):
    """A conformance check failed on one generated case."""

    def __init__(self, check: str, title: str, message: str) -> None:
        super().__init__(f"{title}: {message}" if message else title)
        self.check = check
        self.title = title
        self.message = message


def _run(name: str, builtin: Callable[..., Any], ctx: Any, response: Any, case: Any) -> Any:
    try:
        return builtin(ctx, response, case)
    except Failure as failure:
        raise ConformanceFailure(name, failure.title, failure.message.strip()) from None


def no_server_errors(ctx: Any, response: Any, case: Any) -> Any:
    """Both specs document no 5xx answer: no input, valid or not, may cause a server error."""
    return _run("no_server_errors", core.not_a_server_error, ctx, response, case)


def documented_status_codes(ctx: Any, response: Any, case: Any) -> Any:
    """specs `responses:`: each operation answers only the statuses its spec documents for it."""
    return _run("documented_status_codes", openapi.status_code_conformance, ctx, response, case)


def documented_content_type(ctx: Any, response: Any, case: Any) -> Any:
    """specs `content: application/json` on every response: each answer is application/json."""
    return _run("documented_content_type", openapi.content_type_conformance, ctx, response, case)


def response_matches_schema(ctx: Any, response: Any, case: Any) -> Any:
    """specs response schemas: each body matches the schema documented for its status code."""
    return _run("response_matches_schema", openapi.response_schema_conformance, ctx, response, case)


def invalid_input_rejected(ctx: Any, response: Any, case: Any) -> Any:
    """specs `parameters:` and `requestBody:` (required, formats, enums, single values): input outside is rejected."""
    return _run("invalid_input_rejected", openapi.negative_data_rejection, ctx, response, case)


def valid_input_accepted(ctx: Any, response: Any, case: Any) -> Any:
    """specs `parameters:`: input that fits them is accepted: 2xx, or 401/403/404 (auth, access), never 400."""
    return _run("valid_input_accepted", openapi.positive_data_acceptance, ctx, response, case)


CHECKS = (
    no_server_errors,
    documented_status_codes,
    documented_content_type,
    response_matches_schema,
    invalid_input_rejected,
    valid_input_accepted,
)
RECOUP_ONLY: set[Callable[..., Any]] = set()
# Why a check applied to no case, by check name.
WHY_NOT = {
    "documented_status_codes": "every case was a request-shape probe, whose status the spec does not fix",
    "documented_content_type": "no answer had a status the spec documents a body for",
    "response_matches_schema": "no answer had a status the spec documents a response schema for",
    "invalid_input_rejected": "no generated case was outside the spec's parameters as sent",
    "valid_input_accepted": "no generated case was inside the spec's parameters",
}


def vendors(fn: Callable[..., Any]) -> tuple[str, ...]:
    return ("recoup",) if fn in RECOUP_ONLY else ("recoup", "turso")


def applies(name: str, vendor: str, case: Any, response: Any) -> str | None:
    """None when check `name` applies to this case and answer; otherwise why not (see `WHY_NOT`)."""
    if name == "no_server_errors":
        return None
    if openapi.is_unexpected_http_status_case(case):
        return WHY_NOT["documented_status_codes"]
    operation = operation_id(case)
    if name in ("documented_content_type", "response_matches_schema"):
        return None if responses.documented(vendor, response.status_code, operation) else WHY_NOT[name]
    meta = case.meta
    if name == "invalid_input_rejected":
        negative = meta is not None and meta.generation.mode.is_negative
        sent = response.request
        url, body = (str(sent.url), sent.body) if sent is not None else ("", None)
        return None if negative and not spec_requests.is_valid(vendor, operation, url, body) else WHY_NOT[name]
    if name == "valid_input_accepted":
        return None if meta is not None and meta.generation.mode.is_positive else WHY_NOT[name]
    return None


def operation_id(case: Any) -> str:
    found: str = case.operation.definition.raw["operationId"]
    return found
