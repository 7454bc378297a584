"""Generated cases are moved into the probe space before they are sent, so the client's policy lets them pass."""

from __future__ import annotations

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode

from contract_tests import probes, schemas
from contract_tests.cases import _recoup, _turso, probe_email
from contract_tests.http import Policy
from contract_tests.vendors import VENDORS

BASE = "http://127.0.0.1:9"
ORG = "0b5e8d2c-6f1a-4b3c-9d7e-1a2b3c4d5e6f"
POLICY = Policy(BASE)
RECOUP = schemas.load("recoup")["/api/organizations/members"]["DELETE"]
TURSO = schemas.load("turso")["/v1/organizations/{organizationSlug}/members/{username}"]["DELETE"]
MODES = st.sampled_from([GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


def _prepared(case: Case) -> requests.PreparedRequest:
    kwargs = case.as_transport_kwargs(base_url=BASE)
    return requests.Request(
        kwargs["method"], kwargs["url"], params=kwargs.get("params"), json=kwargs.get("json"), data=kwargs.get("data")
    ).prepare()


@SETTINGS
@given(data=st.data(), pin=st.booleans())
def test_generated_recoup_cases_are_rewritten_to_probes(data: st.DataObject, pin: bool) -> None:
    case = data.draw(RECOUP.as_strategy(generation_mode=data.draw(MODES)))
    valid_before = probes.is_uuid(str(case.query.get("account_id"))) if isinstance(case.query, dict) else False
    _recoup(case, ORG if pin else None, emails=False)
    request = _prepared(case)
    assert POLICY.refusal("DELETE", request.url or "", None) is None, request.url
    if valid_before:
        assert probes.is_uuid(case.query["account_id"])  # a valid id stays valid


@SETTINGS
@given(data=st.data(), pin=st.booleans())
def test_generated_turso_cases_are_rewritten_to_probes(data: st.DataObject, pin: bool) -> None:
    case = data.draw(TURSO.as_strategy(generation_mode=data.draw(MODES)))
    _turso(case, "demo-org" if pin else None)
    request = _prepared(case)
    assert POLICY.refusal("DELETE", request.url or "", None) is None, request.url
    if pin:
        assert "/v1/organizations/demo-org/members/probe__" in (request.url or "")


OPERATIONS = [
    (vendor, op.method, op.path) for vendor, v in VENDORS.items() for op in v.operations if op.method != "DELETE"
]


@pytest.mark.parametrize(("vendor", "method", "path"), OPERATIONS)
def test_generated_cases_of_every_operation_pass_the_live_policy_once_rewritten(
    vendor: str, method: str, path: str
) -> None:
    operation = schemas.load(vendor)[path][method]

    @SETTINGS
    @given(data=st.data(), pin=st.booleans())
    def check(data: st.DataObject, pin: bool) -> None:
        case = data.draw(operation.as_strategy(generation_mode=data.draw(MODES)))
        if vendor == "recoup":
            has_email = isinstance(case.body, dict) and any(str(k).lower() == "email" for k in case.body)
            assert _recoup(case, ORG if pin else None, emails=False) is not has_email  # never sent live
            if has_email:
                return
        else:
            _turso(case, "demo-org" if pin else None)
        request = _prepared(case)
        assert POLICY.refusal(method, request.url or "", request.body) is None, (request.url, request.body)

    check()


def test_stub_mode_emails_go_to_the_probe_domain() -> None:
    assert probe_email("someone@example.com") == "someone@probe.invalid"
    assert probe_email("no-at-sign") == "no-at-sign"
    assert probe_email(3) == 3
