"""`lifecycle_model`: random sequences of member operations, each answer checked against a model.

A Hypothesis rule-based state machine per vendor drives the operations over a small pool of accounts and
compares every answer, and the reads after every step, with a model of the organization. Before the random
sequences, one fixed walk takes every account of the pool through every transition (re-role to each role,
remove twice, re-add, add twice, remove after a re-add), so a server that breaks one transition is caught on
every run, not only when Hypothesis happens to draw it. On a failure Hypothesis shrinks the sequence (stub
mode) and the violation lists the steps that led to it.

Stub mode: the pool is the disposable member, seed users or accounts that are not members yet, and a probe
(Turso); the stub is reset before each sequence. Live mode: the pool is the disposable member (and a probe,
which cannot exist); each sequence ends with the disposable member restored as it was.
"""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from ..apis import Headers, RecoupApi, TursoApi
from ..http import Exchange
from ..vendors import recoup as rop
from ..vendors import turso as top
from . import Violation, expect_documented
from . import recoup_lifecycle as recoup_rules
from . import turso_lifecycle as turso_rules
from .plan import Plan


def _settings(plan: Plan) -> settings:
    phases = [Phase.generate, Phase.shrink] if plan.shrink else [Phase.generate]
    return settings(
        max_examples=plan.examples,
        stateful_step_count=plan.steps,
        deadline=None,
        database=None,
        phases=phases,
        print_blob=False,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )


Step = tuple[str, dict[str, str | int]]  # a rule's name and its arguments


def _walk(machine: RuleBasedStateMachine, steps: list[Step], invariants: tuple[str, ...]) -> None:
    """Drive `machine` through `steps`, checking `invariants` after each, then tear it down."""
    try:
        for name, args in steps:
            getattr(machine, name)(**args)
            for invariant_name in invariants:
                getattr(machine, invariant_name)()
    finally:
        machine.teardown()


def turso_walk(model: dict[str, str], pool: tuple[str, ...], unknown: tuple[str, ...]) -> list[Step]:
    """Every member transition for each pool account, each ending where it started; then the probes."""
    steps: list[Step] = []
    for user in pool:
        start = model.get(user)
        if start not in top.ROLES and start is not None:
            continue  # an owner: its role cannot be given back
        first = start or "member"
        other, third = (r for r in top.ROLES if r != first)
        if start is None:
            steps.append(("add", {"user": user, "role": first}))
        steps += [
            ("retrieve", {"user": user}),
            ("update", {"user": user, "role": other}),
            ("update", {"user": user, "role": third}),
            ("retrieve", {"user": user}),
            ("remove", {"user": user}),
            ("remove", {"user": user}),
            ("retrieve", {"user": user}),
            ("update", {"user": user, "role": first}),
            ("add", {"user": user, "role": other}),
            ("add", {"user": user, "role": third}),
            ("retrieve", {"user": user}),
            ("update", {"user": user, "role": first}),
        ]
        if start is None:
            steps.append(("remove", {"user": user}))
    for user in unknown:
        steps += [("add", {"user": user, "role": "member"}), ("retrieve", {"user": user}), ("remove", {"user": user})]
    return steps


def recoup_walk(members: set[str], pool: tuple[str, ...]) -> list[Step]:
    """Remove twice, re-add, add again, remove after the re-add, for each pool account, ending where it started."""
    steps: list[Step] = []
    for account in pool:
        add: Step = ("add", {"account": account})
        once: Step = ("remove", {"account": account, "times": 1})
        twice: Step = ("remove", {"account": account, "times": 2})
        if account in members:
            steps += [twice, add, add, once, add]
        else:
            steps += [add, add, twice, add, once]
    return steps


class _Steps:
    def __init__(self) -> None:
        self.done: list[str] = []

    def fail(self, problem: str, *exchanges: Exchange) -> Violation:
        steps = "; ".join(self.done) or "(none)"
        return Violation(f"{problem}\nafter the steps: {steps}", *exchanges)


def turso_lifecycle_model(api: TursoApi, plan: Plan) -> None:
    """turso.yaml members family: add/retrieve/list/update/remove in any order agree with a model after every step."""
    org, disposable = api.target.require_all("TURSO_ORG", "TURSO_DISPOSABLE_MEMBER")
    headers = api.token()
    pool = st.sampled_from(plan.pool + plan.unknown)
    roles = st.sampled_from(top.ROLES)

    class Machine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            if plan.reset is not None:
                plan.reset()
            self.log = _Steps()
            self.model, _ = turso_rules.members(api, headers)
            self.original = self.model.get(disposable)

        @rule(user=pool, role=roles)
        def add(self, user: str, role: str) -> None:
            self.log.done.append(f"add {user} as {role}")
            ex = api.add(org, {"username": user, "role": role}, headers)
            wanted = 409 if user in self.model else 404 if user in plan.unknown else 200
            self._status(ex, wanted)
            if wanted == 200:
                self.model[user] = role

        @rule(user=pool)
        def retrieve(self, user: str) -> None:
            self.log.done.append(f"retrieve {user}")
            ex = api.retrieve(org, user, headers)
            if user not in self.model:
                self._status(ex, 404)
                return
            body = expect_documented(ex, "turso", 200, f"retrieving {user}", top.RETRIEVE)
            if body["member"].get("role") != self.model[user]:
                raise self.log.fail(
                    f"retrieve shows {user} as {body['member'].get('role')!r}, not {self.model[user]}", ex
                )

        @rule(user=pool, role=roles)
        def update(self, user: str, role: str) -> None:
            self.log.done.append(f"update {user} to {role}")
            ex = api.update(org, user, {"role": role}, headers)
            self._status(ex, 200 if user in self.model else 404)
            if user in self.model:
                self.model[user] = role

        @rule(user=pool)
        def remove(self, user: str) -> None:
            self.log.done.append(f"remove {user}")
            ex = api.remove(org, user, headers)
            self._status(ex, 200 if user in self.model else 404)
            self.model.pop(user, None)

        @invariant()
        def listed_as_modelled(self) -> None:
            if not hasattr(self, "log"):
                return
            listed, ex = turso_rules.members(api, headers)
            if listed != self.model:
                raise self.log.fail(f"the member list is not the model: {turso_rules.diff(self.model, listed)}", ex)

        def _status(self, ex: Exchange, wanted: int) -> None:
            if ex.status != wanted:
                raise self.log.fail(f"expected HTTP {wanted}, got {ex.status}", ex)

        def teardown(self) -> None:
            if self.original is not None and plan.reset is None:
                _restore_turso(api, org, disposable, self.original, headers)

    first = Machine()
    _walk(first, turso_walk(first.model, plan.pool, plan.unknown), ("listed_as_modelled",))
    run_state_machine_as_test(Machine, settings=_settings(plan))


def _restore_turso(api: TursoApi, org: str, member: str, role: str, headers: Headers) -> None:
    """Leave the disposable member as it was found (live mode), or fail saying what to re-add."""
    current = api.retrieve(org, member, headers)
    if current.status == 404:
        ex = api.add(org, {"username": member, "role": role}, headers)
    else:
        ex = api.update(org, member, {"role": role}, headers)
    if ex.status != 200:
        raise Violation(
            f"could not restore {member} in {org} as {role} (HTTP {ex.status}); re-add it by hand: "
            f'POST /v1/organizations/{org}/members {{"username": "{member}", "role": "{role}"}}',
            ex,
        )


def recoup_lifecycle_model(api: RecoupApi, plan: Plan, headers: Headers) -> None:
    """recoup.yaml add/remove in any order agree with the organizations reads after every step (add keeps its id)."""
    org, disposable = api.target.require_all("RECOUP_ORG_ID", "RECOUP_DISPOSABLE_MEMBER_ID")
    org = org.lower()
    pool = st.sampled_from(plan.pool)

    class Machine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            if plan.reset is not None:
                plan.reset()
            self.log = _Steps()
            self.members = {a for a in plan.pool if recoup_rules.is_member_of(api, org, a, headers)}
            self.was_member = disposable.lower() in self.members
            self.ids: dict[str, str] = {}
            self.callers, _ = recoup_rules.organizations_of(api, None, headers)

        @rule(account=pool)
        def add(self, account: str) -> None:
            self.log.done.append(f"add {account}")
            ex = api.add_member(org, account, headers)
            if ex.status != 200:
                raise self.log.fail(f"adding {account}: expected HTTP 200, got {ex.status}", ex)
            body = expect_documented(ex, "recoup", 200, f"adding {account}", rop.ADD)
            known = self.ids.get(account)
            if account in self.members and known is not None and known != str(body["id"]).lower():
                raise self.log.fail(f"adding the existing member {account} gave a new membership id", ex)
            self.members.add(account)
            self.ids[account] = str(body["id"]).lower()

        @rule(account=pool, times=st.integers(1, 2))
        def remove(self, account: str, times: int) -> None:
            """Once, or twice in a row: removal is idempotent."""
            for _ in range(times):
                self.log.done.append(f"remove {account}")
                ex = api.remove_member(org, account, headers)
                if ex.status != 200:
                    raise self.log.fail(f"removing {account}: expected HTTP 200, got {ex.status}", ex)
            self.members.discard(account)
            self.ids.pop(account, None)

        @invariant()
        def read_as_modelled(self) -> None:
            if not hasattr(self, "log"):
                return
            for account in plan.pool:
                orgs, ex = recoup_rules.organizations_of(api, account, headers)
                shown = orgs is not None and org in orgs
                if shown != (account in self.members):
                    said = "lists" if shown else "does not list"
                    raise self.log.fail(f"the organizations read {said} {org} for {account}", ex)

        @invariant()
        def caller_unchanged(self) -> None:
            if not hasattr(self, "log"):
                return
            orgs, ex = recoup_rules.organizations_of(api, None, headers)
            if orgs != self.callers:
                raise self.log.fail(f"the caller's organizations changed: {self.callers} -> {orgs}", ex)

        def teardown(self) -> None:
            if plan.reset is None and self.was_member and disposable.lower() not in self.members:
                ex = api.add_member(org, disposable, headers)
                if ex.status != 200:
                    raise Violation(
                        f"could not restore {disposable} in {org} (HTTP {ex.status}); re-add it by hand: "
                        f'POST /api/organizations/members {{"organizationId": "{org}", "accountId": "{disposable}"}}',
                        ex,
                    )

    first = Machine()
    _walk(first, recoup_walk(first.members, plan.pool), ("read_as_modelled", "caller_unchanged"))
    run_state_machine_as_test(Machine, settings=_settings(plan))
