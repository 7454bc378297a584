"""Conformance over generated valid and invalid inputs: schemathesis' built-in checks under their rule names.

Each check runs inside `case.validate_response` as `(ctx, response, case)`. The built-ins left out, and why:
`ignored_auth` (its probes open their own connection, bypassing the safety policy, RATE and the request count;
the behaviour checks `rejects_missing_credentials` and `rejects_unknown_credentials` of both vendors cover the
same rule through the guarded client); `unsupported_method` and
`allow_header_conformance` (the specs describe one method of a path the real vendors serve more methods on;
no such requests are generated); `response_headers_conformance` (no response headers are documented);
`missing_required_header` (no header parameter besides credentials); the stateful checks (one operation per spec).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schemathesis import checks as core
from schemathesis.core.failures import Failure
from schemathesis.specs.openapi import checks as openapi


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
    """specs `responses:`: the only statuses are Recoup 200/400/401/403 and Turso 200/401/403/404."""
    return _run("documented_status_codes", openapi.status_code_conformance, ctx, response, case)


def documented_content_type(ctx: Any, response: Any, case: Any) -> Any:
    """specs `content: application/json` on every response: each answer is application/json."""
    return _run("documented_content_type", openapi.content_type_conformance, ctx, response, case)


def response_matches_schema(ctx: Any, response: Any, case: Any) -> Any:
    """specs response schemas: each body matches the schema documented for its status code."""
    return _run("response_matches_schema", openapi.response_schema_conformance, ctx, response, case)


def invalid_input_rejected(ctx: Any, response: Any, case: Any) -> Any:
    """specs `parameters:` (required, `format: uuid`, single values): input outside them is rejected (4xx)."""
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
