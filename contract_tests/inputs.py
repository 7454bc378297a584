"""Generated inputs for the behaviour properties. Member values always come from the probe space.

Strategies are built once per set of configured values (cached): building one per example is slow.
"""

from __future__ import annotations

import base64
from functools import cache

from hypothesis import strategies as st

from . import probes
from .apis import Query
from .target import Target

NIL_UUID = "00000000-0000-0000-0000-000000000000"
MAX_UUID = "ffffffff-ffff-ffff-ffff-ffffffffffff"


@cache
def any_uuids() -> st.SearchStrategy[str]:
    """Any UUID, any version, lower or upper case, with the nil and max UUIDs likely."""
    text = st.uuids().map(str)
    return st.one_of(st.sampled_from([NIL_UUID, MAX_UUID]), text, text.map(str.upper))


def outside_organizations(target: Target) -> st.SearchStrategy[str]:
    """Organization ids the caller is outside of: random ones (never RECOUP_ORG_ID) and RECOUP_FOREIGN_ORG_ID."""
    return _outside(target.get("RECOUP_ORG_ID") or "", target.get("RECOUP_FOREIGN_ORG_ID"))


@cache
def _outside(own: str, foreign: str | None) -> st.SearchStrategy[str]:
    own = own.lower()
    orgs = any_uuids()
    if foreign:
        orgs = st.one_of(st.just(foreign), orgs)
    return orgs.filter(lambda o: o.lower() != own)


def organization_ids(target: Target) -> st.SearchStrategy[str]:
    """Valid organization ids: the configured ones and random ones."""
    return _organizations(_known(target))


@cache
def _organizations(known: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(known), any_uuids()) if known else any_uuids()


def recoup_queries(target: Target) -> st.SearchStrategy[Query]:
    """Any parameters: each of organization_id and account_id absent, valid, malformed or repeated."""
    return _any_queries(_known(target))


@cache
def _any_queries(known: tuple[str, ...]) -> st.SearchStrategy[Query]:
    orgs = st.one_of(_organizations(known), probes.malformed_recoup_probes())
    accounts = st.one_of(probes.recoup_probe_ids(), probes.malformed_recoup_probes())
    return st.builds(_query, st.lists(orgs, max_size=2), st.lists(accounts, max_size=2))


def missing_parameter_queries(target: Target) -> st.SearchStrategy[Query]:
    """Valid values, but organization_id, account_id or both left out."""
    return _missing(_known(target))


@cache
def _missing(known: tuple[str, ...]) -> st.SearchStrategy[Query]:
    org = st.lists(_organizations(known), max_size=1)
    account = st.lists(probes.recoup_probe_ids(), max_size=1)
    return st.builds(_query, org, account).filter(lambda q: len(q) < 2)


def malformed_parameter_queries(target: Target) -> st.SearchStrategy[Query]:
    """One value each, at least one of them not a UUID."""
    return _malformed(_known(target))


@cache
def _malformed(known: tuple[str, ...]) -> st.SearchStrategy[Query]:
    org = st.one_of(_organizations(known), probes.malformed_recoup_probes())
    account = st.one_of(probes.recoup_probe_ids(), probes.malformed_recoup_probes())
    pairs = st.tuples(org, account).filter(lambda t: not (probes.is_uuid(t[0]) and probes.is_uuid(t[1])))
    return pairs.map(lambda t: _query([t[0]], [t[1]]))


def repeated_parameter_queries(target: Target) -> st.SearchStrategy[Query]:
    """Valid values, with organization_id, account_id or both given two or three times."""
    return _repeated(_known(target))


@cache
def _repeated(known: tuple[str, ...]) -> st.SearchStrategy[Query]:
    orgs = st.lists(_organizations(known), min_size=1, max_size=3)
    accounts = st.lists(probes.recoup_probe_ids(), min_size=1, max_size=3)
    return st.builds(_query, orgs, accounts).filter(lambda q: len(q) > 2)


def _known(target: Target) -> tuple[str, ...]:
    return tuple(v for n in ("RECOUP_ORG_ID", "RECOUP_FOREIGN_ORG_ID") if (v := target.get(n)))


@cache
def unknown_recoup_credentials() -> st.SearchStrategy[dict[str, str]]:
    """One credential header that no server issued."""
    secret = probes.invalid_secrets()
    return st.one_of(
        secret.map(lambda s: {"x-api-key": s}),
        secret.map(lambda s: {"Authorization": f"Bearer {s}"}),
        st.just({"x-api-key": ""}),
        st.just({"Authorization": "Bearer"}),
    )


@cache
def invalid_authorizations() -> st.SearchStrategy[str]:
    """Authorization values that carry no valid Turso token."""
    secret = probes.invalid_secrets()
    basic = secret.map(lambda s: "Basic " + base64.b64encode(f"{s}:{s}".encode()).decode())
    return st.one_of(secret.map(lambda s: f"Bearer {s}"), basic, secret, st.just("Bearer"), st.just("Bearer "))


def turso_organizations(target: Target) -> st.SearchStrategy[str]:
    """TURSO_ORG when set, and random slugs."""
    return _slugs(target.get("TURSO_ORG"))


@cache
def _slugs(org: str | None) -> st.SearchStrategy[str]:
    slugs = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=30)
    return st.one_of(st.just(org), slugs) if org else slugs


def _query(orgs: list[str], accounts: list[str]) -> Query:
    return [("organization_id", o) for o in orgs] + [("account_id", a) for a in accounts]


@cache
def bad_turso_add_bodies() -> st.SearchStrategy[dict[str, object]]:
    """Turso add bodies the spec refuses: a role outside admin/member/viewer (owner too), or no username.

    Usernames are probes, so a server that wrongly accepts one still adds nobody.
    """
    roles = st.one_of(st.just("owner"), st.text(max_size=12)).filter(lambda r: r not in ("admin", "member", "viewer"))
    bad_role = st.builds(lambda u, r: {"username": u, "role": r}, probes.turso_probe_usernames(plain=True), roles)
    no_username: st.SearchStrategy[dict[str, object]] = st.one_of(
        st.sampled_from(["admin", "member", "viewer"]).map(lambda r: {"role": r}),
        st.just({}),
    )
    return st.one_of(bad_role, no_username)


MALFORMED_ADDS = (
    "no organizationId",
    "invalid organizationId",
    "neither accountId nor email",
    "invalid accountId",
    "not an object",
    "both accountId and email",
    "invalid email",
)
EMAIL_KINDS = ("both accountId and email", "invalid email")  # never sent to a live target


def malformed_add_bodies(target: Target, *, emails: bool) -> st.SearchStrategy[object]:
    """Recoup add bodies the spec refuses, one problem each; with `emails` also those that carry an email."""
    return _malformed_adds(target.get("RECOUP_ORG_ID") or "", emails)


@cache
def _malformed_adds(org: str, emails: bool) -> st.SearchStrategy[object]:
    orgs = st.just(org) if org else any_uuids()
    accounts = probes.recoup_probe_ids()
    kinds = [k for k in MALFORMED_ADDS if emails or k not in EMAIL_KINDS]
    by_kind: dict[str, st.SearchStrategy[object]] = {
        "no organizationId": accounts.map(lambda a: {"accountId": a}),
        "invalid organizationId": st.tuples(probes.malformed_recoup_probes(), accounts).map(
            lambda t: {"organizationId": t[0], "accountId": t[1]}
        ),
        "neither accountId nor email": orgs.map(lambda o: {"organizationId": o}),
        "invalid accountId": st.tuples(orgs, probes.malformed_recoup_probes()).map(
            lambda t: {"organizationId": t[0], "accountId": t[1]}
        ),
        "not an object": st.one_of(st.lists(accounts, max_size=2), st.text(max_size=10), st.integers()),
        "both accountId and email": st.tuples(orgs, accounts).map(
            lambda t: {"organizationId": t[0], "accountId": t[1], "email": "both@probe.invalid"}
        ),
        "invalid email": st.tuples(orgs, st.text("abcdefgh.", min_size=1, max_size=10)).map(
            lambda t: {"organizationId": t[0], "email": t[1]}
        ),
    }
    return st.one_of(*(by_kind[k] for k in kinds))
