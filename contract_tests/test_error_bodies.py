"""Section 4: error bodies. Each example provokes one documented error and checks the body's shape.

Each kind of error is a test of its own, so every kind is provoked on every run (drawn at random, a short run
could miss one).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from . import inputs, probes
from .apis import RecoupApi, TursoApi
from .checks import bodies
from .plugin import covers
from .suite import Suite

RECOUP_ERRORS = ("401 no credentials", "401 unknown credentials", "400 malformed parameters", "403 other organization")
TURSO_ERRORS = ("401 no token", "401 invalid token", "403 other organization", "404 non-member")


@covers("recoup", "error_body")
@pytest.mark.parametrize("kind", RECOUP_ERRORS)
@given(data=st.data())
def test_recoup_error_body(suite: Suite, recoup: RecoupApi, data: st.DataObject, kind: str) -> None:
    target = recoup.target
    if kind.startswith("401"):
        headers = {} if kind == "401 no credentials" else data.draw(inputs.unknown_recoup_credentials())
        ex = recoup.remove(data.draw(inputs.recoup_queries(target)), headers)
    else:
        headers = data.draw(st.sampled_from(suite.require(recoup.credentials)))
        if kind.startswith("400"):
            ex = recoup.remove(data.draw(inputs.malformed_parameter_queries(target)), headers)
        else:
            org = data.draw(inputs.outside_organizations(target))
            ex = recoup.remove_member(org, data.draw(probes.recoup_probe_ids()), headers)
    suite.verify("recoup", bodies.recoup_error_body, ex)


@covers("turso", "error_body")
@pytest.mark.parametrize("kind", TURSO_ERRORS)
@given(data=st.data(), username=probes.turso_probe_usernames())
def test_turso_error_body(suite: Suite, turso: TursoApi, data: st.DataObject, username: str, kind: str) -> None:
    target = turso.target
    if kind == "404 non-member" and not target.get("TURSO_ORG"):
        return  # the 404 needs TURSO_ORG; without it the other kinds are still provoked and counted
    if kind == "401 no token":
        ex = turso.remove(data.draw(inputs.turso_organizations(target)), username, {})
    elif kind == "401 invalid token":
        authorization = data.draw(inputs.invalid_authorizations())
        ex = turso.remove(data.draw(inputs.turso_organizations(target)), username, {"Authorization": authorization})
    elif kind == "403 other organization":
        org = data.draw(inputs.turso_organizations(target).filter(lambda o: o != target.get("TURSO_ORG")))
        ex = turso.remove(org, username, suite.require(turso.token))
    else:
        ex = turso.remove(suite.require(lambda: target.require("TURSO_ORG")), username, suite.require(turso.token))
    suite.verify("turso", bodies.turso_error_body, ex)
