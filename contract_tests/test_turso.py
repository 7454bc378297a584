"""Section 3: Turso behaviour, as properties over generated usernames, organizations and tokens."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from . import inputs, probes
from .apis import TursoApi
from .checks import turso as rules
from .plugin import covers
from .suite import Suite

V = "turso"


@covers(V, "rejects_missing_credentials")
@given(data=st.data(), username=probes.turso_probe_usernames())
def test_rejects_missing_credentials(suite: Suite, turso: TursoApi, data: st.DataObject, username: str) -> None:
    org = data.draw(inputs.turso_organizations(turso.target), label="organization")
    suite.verify(V, rules.rejects_missing_credentials, turso, org, username)


@covers(V, "rejects_unknown_credentials")
@given(data=st.data(), username=probes.turso_probe_usernames(), authorization=inputs.invalid_authorizations())
def test_rejects_unknown_credentials(
    suite: Suite, turso: TursoApi, data: st.DataObject, username: str, authorization: str
) -> None:
    org = data.draw(inputs.turso_organizations(turso.target), label="organization")
    suite.verify(V, rules.rejects_unknown_credentials, turso, org, username, authorization)


@covers(V, "rejects_non_member")
@given(username=probes.turso_probe_usernames())
def test_rejects_non_member(suite: Suite, turso: TursoApi, username: str) -> None:
    suite.verify(V, rules.rejects_non_member, turso, username)


@covers(V, "not_found_names_user_and_org")
@given(username=probes.turso_probe_usernames(plain=True))
def test_not_found_names_user_and_org(suite: Suite, turso: TursoApi, username: str) -> None:
    suite.verify(V, rules.not_found_names_user_and_org, turso, username)
