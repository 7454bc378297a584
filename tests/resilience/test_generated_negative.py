"""Schemathesis-generated requests against both operations, over real HTTP to the running stub.

Negative data (values that break the contract: wrong types, missing or extra parameters, bad
headers) and positive data, each sent once per credential variant: as generated, with wrong
credentials, and with real ones. Some plans pin the organization to the demo one so that real
callers get past the access check into the parameter checks and the removal itself.

No request can remove anyone: wrong credentials stop at 401; a generated organization does not
exist (403); in the demo organization a generated member is not a member (Recoup: a 200 that
changes nothing, Turso: 404). A guard skips the one-in-a-billion case that would name a real
membership, so the state must come out exactly as it went in.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.core.transport import Response
from schemathesis.generation import GenerationMode

from mock_server.background import BackgroundStub
from mock_server.specs import VENDOR_SPECS

from .support import (
    RECOUP_BEARER,
    RECOUP_KEY,
    RECOUP_ORG,
    TURSO_ORG,
    TURSO_TOKEN,
    TURSO_VIEWER_TOKEN,
    Tally,
    assert_still_serving,
    snapshot,
)


@dataclass(frozen=True)
class Variant:
    """Credentials laid over a generated case, and the statuses they allow (None: any below 500)."""

    name: str
    headers: dict[str, str] | None
    statuses: frozenset[int] | None
    authenticates: bool = False


AS_GENERATED = Variant("as generated", None, None)
RECOUP_WRONG = [
    AS_GENERATED,
    Variant("wrong api key", {"x-api-key": "recoup_sk_wrong_00000000"}, frozenset({401})),
    Variant("wrong bearer", {"Authorization": "Bearer recoup_jwt_wrong_0000"}, frozenset({401})),
]
# 404 too: an empty path parameter makes a path that is not the operation
TURSO_WRONG = [
    AS_GENERATED,
    Variant("wrong token", {"Authorization": "Bearer turso_wrong_00000000"}, frozenset({401, 404})),
]
RECOUP_KEY_HEADERS = {"x-api-key": RECOUP_KEY}
RECOUP_BEARER_HEADERS = {"Authorization": f"Bearer {RECOUP_BEARER}"}
VIEWER = {"Authorization": f"Bearer {TURSO_VIEWER_TOKEN}"}
OWNER = {"Authorization": f"Bearer {TURSO_TOKEN}"}
# (401 for a real caller too: the generated case may carry a second credential)
VARIANTS: dict[tuple[str, bool], list[Variant]] = {
    # a generated organization never exists: a real caller gets 400 or 403
    ("recoup", False): [
        *RECOUP_WRONG,
        Variant("valid api key", RECOUP_KEY_HEADERS, frozenset({400, 401, 403}), authenticates=True),
        Variant("valid bearer", RECOUP_BEARER_HEADERS, frozenset({400, 401, 403}), authenticates=True),
    ],
    # the demo organization, a generated account: 400, or a 200 that removes a non-member (no change)
    ("recoup", True): [
        *RECOUP_WRONG,
        Variant("valid api key", RECOUP_KEY_HEADERS, frozenset({200, 400, 401}), authenticates=True),
        Variant("valid bearer", RECOUP_BEARER_HEADERS, frozenset({200, 400, 401}), authenticates=True),
    ],
    ("turso", False): [
        *TURSO_WRONG,
        Variant("viewer token", VIEWER, frozenset({403, 404}), authenticates=True),
        Variant("owner token", OWNER, frozenset({403, 404}), authenticates=True),
    ],
    # demo-org, a generated username: the viewer may not remove (403), the owner finds no such member (404)
    ("turso", True): [
        *TURSO_WRONG,
        Variant("viewer token", VIEWER, frozenset({403, 404}), authenticates=True),
        Variant("owner token", OWNER, frozenset({404}), authenticates=True),
    ],
}
PINS = {
    "recoup": {"query": {"organization_id": RECOUP_ORG}},
    "turso": {"path_parameters": {"organizationSlug": TURSO_ORG}},
}


@dataclass(frozen=True)
class Plan:
    vendor: str
    mode: GenerationMode
    examples: int
    pinned: bool = False  # the organization fixed to the demo one, so real callers get past the access check
    reaches: frozenset[int] = frozenset()  # statuses the real callers must have seen at least once

    @property
    def id(self) -> str:
        return f"{self.vendor}-{self.mode.value}" + ("-demo-org" if self.pinned else "")


NEG, POS = GenerationMode.NEGATIVE, GenerationMode.POSITIVE
PLANS = [
    Plan("recoup", NEG, 300, reaches=frozenset({400, 403})),
    Plan("recoup", NEG, 200, pinned=True, reaches=frozenset({200, 400})),
    Plan("recoup", POS, 150, reaches=frozenset({403})),
    Plan("turso", NEG, 300, reaches=frozenset({403})),
    Plan("turso", POS, 150, reaches=frozenset({403})),
    Plan("turso", POS, 150, pinned=True, reaches=frozenset({403, 404})),
]
# Hypothesis may stop a little short of max_examples (it ends early when it runs out of new data).
MINIMUM_SHARE = 0.8
GENERATED_MINIMUM = 4000


def operation(vendor: str) -> Any:
    # The removal: what these plans and the membership check below are written for.
    schema = schemathesis.openapi.from_path(str(VENDOR_SPECS[vendor])).include(
        operation_id=f"{vendor}RemoveOrganizationMember"
    )
    (result,) = list(schema.get_all_operations())
    return result.ok()


def touches_a_real_membership(vendor: str, case: Any, stub: BackgroundStub) -> bool:
    """Whether a real caller's request could name an existing membership (never, in practice)."""
    state = stub.store.state
    if vendor == "recoup":
        query = case.query if isinstance(case.query, dict) else {}
        org, account = query.get("organization_id"), query.get("account_id")
        found_org = state.recoup.organizations.get(org.lower()) if isinstance(org, str) else None
        return found_org is not None and isinstance(account, str) and account.lower() in found_org.members
    org = case.path_parameters.get("organizationSlug") if case.path_parameters else None
    user = case.path_parameters.get("username") if case.path_parameters else None
    found = state.turso.organizations.get(org) if isinstance(org, str) else None
    return found is not None and isinstance(user, str) and user in found.members


def check(vendor: str, variant: Variant, case: Any, response: Response) -> Variant:
    """Raise if the answer is wrong; returns the variant that really went out."""
    sent = response.request.headers
    if variant.headers and any(sent.get(k) != v for k, v in variant.headers.items()):
        # Negative data that drops a security header drops ours too: then it is a request as generated.
        variant = AS_GENERATED
    status = response.status_code
    problem = _problem(vendor, variant, status, response)
    if problem:
        curl = case.as_curl_command(headers=variant.headers)
        raise AssertionError(
            f"{problem}: {vendor} / {variant.name}\n  {curl}\n  got {status} {response.content[:300]!r}"
        )
    return variant


def _problem(vendor: str, variant: Variant, status: int, response: Response) -> str | None:
    if status >= 500:
        return "server error"
    if response.headers.get("content-type") != ["application/json"]:
        return "not JSON"
    try:
        body = response.json()
    except ValueError:
        return "body is not JSON"
    if not isinstance(body, dict):
        return "not a JSON object"
    if variant.statuses is not None and status not in variant.statuses:
        return "unexpected status"
    if status < 400:
        return None
    if vendor == "recoup" and (set(body) != {"status", "error"} or body["status"] != "error"):
        return "not Recoup's error shape"
    if vendor == "turso" and set(body) != {"error"}:
        return "not Turso's error shape"
    if not isinstance(body["error"], str) or not body["error"]:
        return "empty error message"
    return None


def test_the_plan_is_big_enough() -> None:
    planned = sum(p.examples * len(VARIANTS[p.vendor, p.pinned]) for p in PLANS)
    assert planned * MINIMUM_SHARE >= GENERATED_MINIMUM


def test_bad_input_adds_up_to_the_issue_minimum() -> None:
    """The resilience suite sends at least 10,000 malformed requests: each test asserts its own share of them."""
    from .test_malformed_http import MALFORMED_MINIMUM, PIPELINED_MINIMUM

    assert GENERATED_MINIMUM + MALFORMED_MINIMUM + PIPELINED_MINIMUM >= 10_000


@pytest.mark.parametrize("plan", PLANS, ids=[p.id for p in PLANS])
def test_generated_requests(stub: BackgroundStub, tally: Tally, plan: Plan) -> None:
    vendor = plan.vendor
    variants = VARIANTS[vendor, plan.pinned]
    pins: dict[str, Any] = PINS[vendor] if plan.pinned else {}
    before = snapshot(stub.store)
    sent = 0
    skipped = 0
    reached: Counter[int] = Counter()

    with requests.Session() as session:

        @settings(
            max_examples=plan.examples,
            deadline=None,
            database=None,
            derandomize=True,  # the same cases on every run: a failure in CI reproduces locally
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation(vendor).as_strategy(generation_mode=plan.mode, **pins))
        def exchange(case: Any) -> None:
            nonlocal sent, skipped
            for variant in variants:
                if variant.authenticates and touches_a_real_membership(vendor, case, stub):
                    skipped += 1
                    continue
                # a copy: schemathesis adds its own headers to the dict it is given
                headers = dict(variant.headers) if variant.headers else None
                response = case.call(base_url=stub.url, session=session, headers=headers, timeout=5)
                sent += 1
                if check(vendor, variant, case, response).authenticates:
                    reached[response.status_code] += 1

        exchange()

    tally[f"generated: {plan.id}"] += sent
    assert snapshot(stub.store) == before, "a generated request changed the state"
    assert sent >= MINIMUM_SHARE * plan.examples * len(variants), f"only {sent} requests sent ({skipped} skipped)"
    assert plan.reaches <= set(reached), f"real callers never got {set(plan.reaches - set(reached))}: {reached}"
    assert_still_serving(stub.url)


def test_hypothesis_strategies_are_usable() -> None:
    """Both operations load from specs/ and yield cases in both modes (a broken spec fails here first)."""
    for vendor in VENDOR_SPECS:
        for mode in (GenerationMode.NEGATIVE, GenerationMode.POSITIVE):
            strategy = operation(vendor).as_strategy(generation_mode=mode)
            assert isinstance(strategy, st.SearchStrategy)
