"""Turso lifecycle: list, add, retrieve, update the role of, remove and restore members, with reads as evidence.

Every test here changes or compares TURSO_ORG's members, so in a concurrent run they share one worker, in order.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from . import inputs, probes
from .apis import TursoApi
from .checks import turso as removal
from .checks import turso_lifecycle as rules
from .plugin import covers, few, shares_state
from .suite import Suite
from .vendors.turso import ROLES

V = "turso"
pytestmark = shares_state(V)


@covers(V, "validates_token")
def test_validates_token(suite: Suite, turso: TursoApi) -> None:
    suite.verify(V, rules.validates_token, turso)


@covers(V, "lists_members", "retrieves_member")
def test_lists_and_retrieves_the_disposable_member(suite: Suite, turso: TursoApi) -> None:
    suite.verify(V, rules.lists_members, turso)
    suite.verify(V, rules.retrieves_member, turso)


@covers(V, "retrieve_non_member_not_found")
@given(username=probes.turso_probe_usernames())
def test_retrieve_non_member_not_found(suite: Suite, turso: TursoApi, username: str) -> None:
    suite.verify(V, rules.retrieve_non_member_not_found, turso, username)


@covers(V, "add_existing_member_conflicts")
@settings(max_examples=few())
@given(role=st.sampled_from(ROLES))
def test_add_existing_member_conflicts(suite: Suite, turso: TursoApi, role: str) -> None:
    suite.verify(V, rules.add_existing_member_conflicts, turso, role)


@covers(V, "add_unknown_user_not_found")
@settings(max_examples=few())
@given(username=probes.turso_probe_usernames())
def test_add_unknown_user_not_found(suite: Suite, turso: TursoApi, username: str) -> None:
    suite.verify(V, rules.add_unknown_user_not_found, turso, username)


@covers(V, "add_rejects_bad_input")
@settings(max_examples=few())
@given(body=inputs.bad_turso_add_bodies())
def test_add_rejects_bad_input(suite: Suite, turso: TursoApi, body: Any) -> None:
    suite.verify(V, rules.add_rejects_bad_input, turso, body)


@covers(V, "update_role_persists")
@settings(max_examples=2)
@given(role=st.sampled_from(ROLES))
def test_update_role_persists(suite: Suite, turso: TursoApi, role: str) -> None:
    suite.verify(V, rules.update_role_persists, turso, role)


@covers(V, "update_non_member_not_found")
@given(username=probes.turso_probe_usernames())
def test_update_non_member_not_found(suite: Suite, turso: TursoApi, username: str) -> None:
    suite.verify(V, rules.update_non_member_not_found, turso, username)


@covers(V, "non_manager_forbidden")
def test_non_manager_forbidden(suite: Suite, turso: TursoApi) -> None:
    role = suite.require(lambda: rules.role_of(turso))
    try:
        suite.verify(V, rules.non_manager_forbidden, turso, probes.TURSO_PREFIX + "non-manager")
    finally:
        suite.put_back(V, lambda: rules.restores_disposable_member(turso, role))


@covers(
    V,
    "removes_disposable_member",
    "removal_persists",
    "removal_is_observed",
    "removal_spares_others",
    "restores_disposable_member",
)
def test_disposable_member(suite: Suite, turso: TursoApi) -> None:
    role = suite.require(lambda: rules.role_of(turso))
    before, _ = rules.members(turso)
    try:
        suite.verify(V, removal.removes_disposable_member, turso)
        suite.verify(V, removal.removal_persists, turso)
        suite.verify(V, rules.removal_is_observed, turso)
        suite.verify(V, rules.removal_spares_others, turso, before)
    finally:
        suite.restored(V, suite.verify(V, rules.restores_disposable_member, turso, role))


@covers(V, "lifecycle_model")
def test_lifecycle_model(suite: Suite, turso: TursoApi) -> None:
    plan = suite.require(lambda: suite.plan(V))
    suite.verify(V, rules.lifecycle_model, turso, plan)
