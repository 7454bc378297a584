"""Schemathesis-generated requests to every operation of both contracts, valid and invalid, over real HTTP.

Each case goes out as generated and with a real caller's credentials (pinned to the demo organization,
so the body and access checks are reached); every answer must pass the conformance check (no 5xx,
documented statuses with their schemas, the vendor's error shape otherwise), and, with credentials,
every schemathesis check (valid input accepted, invalid input refused, credentials required, ...).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.generation import GenerationMode

from mock_server.background import BackgroundStub
from mock_server.specs import VENDOR_SPECS, load_spec
from tests.mock_server import demo
from tests.mock_server.web.conformance import check_response

EXAMPLES = 15
CREDENTIALS = {"recoup": {"x-api-key": demo.API_KEY}, "turso": {"Authorization": f"Bearer {demo.OWNER_TOKEN}"}}
OPERATIONS = [
    (vendor, op["operationId"])
    for vendor in ("recoup", "turso")
    for item in load_spec(VENDOR_SPECS[vendor])["paths"].values()
    for op in item.values()
    if isinstance(op, dict) and "operationId" in op
]


def as_httpx(response: Any) -> httpx.Response:
    headers = [(k, v) for k, values in response.headers.items() for v in values]
    request = httpx.Request(response.request.method, response.request.url)
    return httpx.Response(response.status_code, headers=headers, content=response.content, request=request)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize(("vendor", "operation_id"), OPERATIONS)
def test_generated_requests_get_answers_the_contract_allows(
    client: httpx.Client, stub: BackgroundStub, vendor: str, operation_id: str, mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_path(str(VENDOR_SPECS[vendor])).include(operation_id=operation_id)
    (result,) = list(schema.get_all_operations())
    operation = result.ok()
    pins: dict[str, Any] = {}
    if "organizationSlug" in operation.path:
        pins["path_parameters"] = {"organizationSlug": demo.TURSO_ORG}
    statuses: set[int] = set()
    with requests.Session() as session:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def exchange(case: Any) -> None:
            for headers in (None, CREDENTIALS[vendor]):
                if pins and mode == GenerationMode.POSITIVE:
                    case.path_parameters = {**(case.path_parameters or {}), **pins["path_parameters"]}
                sent = case.call(base_url=stub.url, session=session, headers=dict(headers or {}), timeout=5)
                check_response(as_httpx(sent))
                if headers:  # and schemathesis' own checks, with a real caller's credentials
                    case.validate_response(sent, headers=dict(headers))
                statuses.add(sent.status_code)

        exchange()
    assert statuses, "no request was sent"
