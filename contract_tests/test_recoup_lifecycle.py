"""Recoup lifecycle: who am I, add, remove and restore the disposable member, with the organizations read as evidence.

Every test here changes or compares memberships of RECOUP_ORG_ID, so in a concurrent run they share one worker.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from . import inputs, probes
from .apis import RecoupApi
from .checks import recoup as removal
from .checks import recoup_lifecycle as rules
from .plugin import covers, few, shares_state
from .suite import Suite
from .test_recoup import credentials

V = "recoup"
pytestmark = shares_state(V)


@covers(V, "identifies_caller")
def test_identifies_caller(suite: Suite, recoup: RecoupApi) -> None:
    suite.verify(V, rules.identifies_caller, recoup)


@covers(V, "add_is_idempotent")
@settings(max_examples=2)
@given(data=st.data())
def test_add_is_idempotent(suite: Suite, recoup: RecoupApi, data: st.DataObject) -> None:
    suite.verify(V, rules.add_is_idempotent, recoup, credentials(suite, recoup, data))


@covers(V, "add_rejects_malformed_body")
@given(data=st.data())
def test_add_rejects_malformed_body(suite: Suite, recoup: RecoupApi, data: st.DataObject) -> None:
    emails = suite.target.mode == "stub"
    body: Any = data.draw(inputs.malformed_add_bodies(recoup.target, emails=emails), label="body")
    suite.verify(V, rules.add_rejects_malformed_body, recoup, body, credentials(suite, recoup, data))


@covers(V, "add_requires_credentials")
@given(data=st.data(), account=probes.recoup_probe_ids())
def test_add_requires_credentials(suite: Suite, recoup: RecoupApi, data: st.DataObject, account: str) -> None:
    headers = data.draw(st.one_of(st.just({}), inputs.unknown_recoup_credentials()), label="headers")
    suite.verify(V, rules.add_requires_credentials, recoup, headers, account)


@covers(V, "add_forbids_outside_organizations")
@settings(max_examples=few(2))
@given(data=st.data(), account=probes.recoup_probe_ids())
def test_add_forbids_outside_organizations(suite: Suite, recoup: RecoupApi, data: st.DataObject, account: str) -> None:
    org = data.draw(inputs.outside_organizations(recoup.target), label="organizationId")
    suite.verify(V, rules.add_forbids_outside_organizations, recoup, org, account, credentials(suite, recoup, data))


@covers(
    V,
    "removes_disposable_member",
    "disposable_removal_is_idempotent",
    "removal_is_observed",
    "removal_spares_others",
    "restores_disposable_member",
)
def test_disposable_member(suite: Suite, recoup: RecoupApi) -> None:
    headers = credentials(suite, recoup)
    suite.require(lambda: rules.require_member(recoup, headers))
    before, _ = rules.organizations_of(recoup, None, headers)
    assert before is not None
    try:
        suite.verify(V, removal.removes_disposable_member, recoup, headers)
        suite.verify(V, removal.disposable_removal_is_idempotent, recoup, headers)
        suite.verify(V, rules.removal_is_observed, recoup, headers)
        suite.verify(V, rules.removal_spares_others, recoup, before, headers)
    finally:
        suite.restored(V, suite.verify(V, rules.restores_disposable_member, recoup, headers))


@covers(V, "lifecycle_model")
def test_lifecycle_model(suite: Suite, recoup: RecoupApi) -> None:
    plan = suite.require(lambda: suite.plan(V))
    suite.verify(V, rules.lifecycle_model, recoup, plan, credentials(suite, recoup))
