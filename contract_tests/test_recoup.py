"""Section 2: Recoup behaviour, as properties over generated parameters and credentials."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from . import inputs, probes
from .apis import RecoupApi
from .checks import recoup as rules
from .plugin import covers
from .suite import Suite

V = "recoup"


@covers(V, "rejects_missing_credentials")
@given(data=st.data())
def test_rejects_missingcredentials(suite: Suite, recoup: RecoupApi, data: st.DataObject) -> None:
    query = data.draw(inputs.recoup_queries(recoup.target), label="query")
    suite.verify(V, rules.rejects_missing_credentials, recoup, query)


@covers(V, "rejects_unknown_credentials")
@given(data=st.data(), headers=inputs.unknown_recoup_credentials())
def test_rejects_unknown_credentials(
    suite: Suite, recoup: RecoupApi, data: st.DataObject, headers: dict[str, str]
) -> None:
    query = data.draw(inputs.recoup_queries(recoup.target), label="query")
    suite.verify(V, rules.rejects_unknown_credentials, recoup, query, headers)


@covers(V, "accepts_api_key")
@given(account=probes.recoup_probe_ids())
def test_accepts_api_key(suite: Suite, recoup: RecoupApi, account: str) -> None:
    suite.verify(V, rules.accepts_api_key, recoup, account)


@covers(V, "accepts_bearer_token")
@given(account=probes.recoup_probe_ids())
def test_accepts_bearer_token(suite: Suite, recoup: RecoupApi, account: str) -> None:
    suite.verify(V, rules.accepts_bearer_token, recoup, account)


@covers(V, "rejects_missing_parameters")
@given(data=st.data())
def test_rejects_missing_parameters(suite: Suite, recoup: RecoupApi, data: st.DataObject) -> None:
    query = data.draw(inputs.missing_parameter_queries(recoup.target), label="query")
    suite.verify(V, rules.rejects_missing_parameters, recoup, query, credentials(suite, recoup, data))


@covers(V, "rejects_malformed_parameters")
@given(data=st.data())
def test_rejects_malformed_parameters(suite: Suite, recoup: RecoupApi, data: st.DataObject) -> None:
    query = data.draw(inputs.malformed_parameter_queries(recoup.target), label="query")
    suite.verify(V, rules.rejects_malformed_parameters, recoup, query, credentials(suite, recoup, data))


@covers(V, "rejects_repeated_parameters")
@given(data=st.data())
def test_rejects_repeated_parameters(suite: Suite, recoup: RecoupApi, data: st.DataObject) -> None:
    query = data.draw(inputs.repeated_parameter_queries(recoup.target), label="query")
    suite.verify(V, rules.rejects_repeated_parameters, recoup, query, credentials(suite, recoup, data))


@covers(V, "forbids_outside_organizations")
@given(data=st.data(), account=probes.recoup_probe_ids())
def test_forbids_outside_organizations(suite: Suite, recoup: RecoupApi, data: st.DataObject, account: str) -> None:
    org = data.draw(inputs.outside_organizations(recoup.target), label="organization_id")
    headers = credentials(suite, recoup, data)
    suite.verify(V, rules.forbids_outside_organizations, recoup, org, account, headers)


@covers(V, "forbids_foreign_organization")
@given(data=st.data(), account=probes.recoup_probe_ids())
def test_forbids_foreign_organization(suite: Suite, recoup: RecoupApi, data: st.DataObject, account: str) -> None:
    suite.verify(V, rules.forbids_foreign_organization, recoup, account, credentials(suite, recoup, data))


@covers(V, "removes_non_member")
@given(data=st.data(), account=probes.recoup_probe_ids())
def test_removes_non_member(suite: Suite, recoup: RecoupApi, data: st.DataObject, account: str) -> None:
    suite.verify(V, rules.removes_non_member, recoup, account, credentials(suite, recoup, data))


@covers(V, "removal_is_idempotent")
@given(data=st.data(), account=probes.recoup_probe_ids())
def test_removal_is_idempotent(suite: Suite, recoup: RecoupApi, data: st.DataObject, account: str) -> None:
    suite.verify(V, rules.removal_is_idempotent, recoup, account, credentials(suite, recoup, data))


def credentials(suite: Suite, recoup: RecoupApi, data: st.DataObject | None = None) -> dict[str, str]:
    """One configured scheme's headers, drawn when both are configured; a skip names what to set."""
    options = suite.require(recoup.credentials)
    return data.draw(st.sampled_from(options), label="credentials") if data is not None else options[0]
