"""Seed documents: validated and turned into State, with errors that name the bad location."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .faults import FaultError, parse_rules
from .state import (
    TURSO_ROLES,
    RecoupAccount,
    RecoupOrganization,
    State,
    TursoOrganization,
    TursoUser,
)

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# `format: email`: a local part, "@" and a domain, no spaces. The real Recoup validator is stricter;
# the contract does not say so, so the stub follows the contract, as for `format: uuid`.
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+")

DEMO_KEYS = (
    "RECOUP_API_KEY",
    "RECOUP_BEARER_TOKEN",
    "RECOUP_ORG_ID",
    "RECOUP_FOREIGN_ORG_ID",
    "RECOUP_DISPOSABLE_MEMBER_ID",
    "TURSO_TOKEN",
    "TURSO_ORG",
    "TURSO_DISPOSABLE_MEMBER",
)
# Further names a seed's `demo:` block may hold (printed by `make mock`, not read by the contract suite yet):
# TURSO_MEMBER_TOKEN is a token of a member or viewer of TURSO_ORG, who may not manage its members.
EXTRA_DEMO_KEYS = ("TURSO_MEMBER_TOKEN",)


class SeedError(ValueError):
    """A seed document is not usable; the message names the location and the fix."""


def is_uuid(value: str) -> bool:
    """True for a hyphenated 8-4-4-4-12 hexadecimal UUID (the `format: uuid` syntax)."""
    return UUID_RE.fullmatch(value) is not None


def is_email(value: str) -> bool:
    return EMAIL_RE.fullmatch(value) is not None


def load_seed_file(path: str | Path) -> dict[str, Any]:
    """Read and validate a YAML (or JSON) seed file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SeedError(f"seed file {p} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError(f"seed file {p} cannot be read: {exc}") from None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise SeedError(f"seed file {p} is not valid YAML{line}: {getattr(exc, 'problem', exc)}") from None
    try:
        build_state(doc)
    except SeedError as exc:
        raise SeedError(f"seed file {p}: {exc}") from None
    assert isinstance(doc, dict)  # build_state refuses anything else
    return doc


def build_state(doc: Any) -> State:
    """Turn a seed document into State; raises SeedError naming the first bad location."""
    root = _mapping(doc, "the seed", {"recoup", "turso", "demo", "faults"})
    state = State()
    _build_recoup(state, _mapping(root.get("recoup", {}), "recoup", {"accounts", "organizations"}))
    _build_turso(state, _mapping(root.get("turso", {}), "turso", {"users", "organizations"}))
    demo = _mapping(root.get("demo", {}), "demo", {*DEMO_KEYS, *EXTRA_DEMO_KEYS})
    state.demo = {k: _text(v, f"demo.{k}") for k, v in demo.items()}
    try:  # the rules' shape; their operations are checked against the specs when the app is built
        parse_rules(root.get("faults"), "faults")
    except FaultError as exc:
        raise SeedError(str(exc)) from None
    return state


def _build_recoup(state: State, doc: dict[str, Any]) -> None:
    r = state.recoup
    for i, item in enumerate(_list(doc.get("accounts", []), "recoup.accounts")):
        where = f"recoup.accounts[{i}]"
        a = _mapping(item, where, {"id", "name", "email", "api_keys", "bearer_tokens"})
        acc = RecoupAccount(
            id=_uuid(a.get("id"), f"{where}.id"),
            name=_text(a.get("name", ""), f"{where}.name"),
            email=_email(a.get("email", ""), f"{where}.email"),
            api_keys=_secrets(a.get("api_keys", []), f"{where}.api_keys"),
            bearer_tokens=_secrets(a.get("bearer_tokens", []), f"{where}.bearer_tokens"),
        )
        if acc.id in r.accounts:
            raise SeedError(f"{where}.id: account {acc.id} is listed twice")
        r.accounts[acc.id] = acc
        if acc.email:
            if acc.email in r.emails:
                raise SeedError(f"{where}.email: {acc.email!r} already belongs to account {r.emails[acc.email]}")
            r.emails[acc.email] = acc.id
        for key in acc.api_keys:
            _unique_secret(r.api_keys.owner_of(key), f"{where}.api_keys")
            r.api_keys.add(key, acc.id)
        for token in acc.bearer_tokens:
            _unique_secret(r.bearer_tokens.owner_of(token), f"{where}.bearer_tokens")
            r.bearer_tokens.add(token, acc.id)
    for i, item in enumerate(_list(doc.get("organizations", []), "recoup.organizations")):
        where = f"recoup.organizations[{i}]"
        o = _mapping(item, where, {"id", "name", "members"})
        org = RecoupOrganization(
            id=_uuid(o.get("id"), f"{where}.id"),
            name=_text(o.get("name", ""), f"{where}.name"),
        )
        if org.id in r.organizations:
            raise SeedError(f"{where}.id: organization {org.id} is listed twice")
        for j, member in enumerate(_list(o.get("members", []), f"{where}.members")):
            org.members.add(_uuid(member, f"{where}.members[{j}]"))
        r.organizations[org.id] = org


def _build_turso(state: State, doc: dict[str, Any]) -> None:
    t = state.turso
    for i, item in enumerate(_list(doc.get("users", []), "turso.users")):
        where = f"turso.users[{i}]"
        u = _mapping(item, where, {"username", "name", "email", "tokens"})
        user = TursoUser(
            username=_name(u.get("username"), f"{where}.username"),
            name=_text(u.get("name", ""), f"{where}.name"),
            email=_email(u.get("email", ""), f"{where}.email"),
            tokens=_secrets(u.get("tokens", []), f"{where}.tokens"),
        )
        if user.username in t.users:
            raise SeedError(f"{where}.username: user {user.username!r} is listed twice")
        t.users[user.username] = user
        for token in user.tokens:
            _unique_secret(t.tokens.owner_of(token), f"{where}.tokens")
            t.tokens.add(token, user.username)
    for i, item in enumerate(_list(doc.get("organizations", []), "turso.organizations")):
        where = f"turso.organizations[{i}]"
        o = _mapping(item, where, {"slug", "name", "members"})
        org = TursoOrganization(
            slug=_name(o.get("slug"), f"{where}.slug"),
            name=_text(o.get("name", ""), f"{where}.name"),
        )
        if org.slug in t.organizations:
            raise SeedError(f"{where}.slug: organization {org.slug!r} is listed twice")
        for j, m in enumerate(_list(o.get("members", []), f"{where}.members")):
            mw = f"{where}.members[{j}]"
            member = _mapping(m, mw, {"username", "role"})
            username = _name(member.get("username"), f"{mw}.username")
            role = _text(member.get("role"), f"{mw}.role")
            if role not in TURSO_ROLES:
                raise SeedError(f"{mw}.role: {role!r} is not one of {', '.join(TURSO_ROLES)}")
            org.members[username] = role
        t.organizations[org.slug] = org


def _mapping(value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SeedError(f"{where} must be a mapping, not {type(value).__name__}")
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise SeedError(f"{where}: unknown field {unknown[0]!r} (expected: {', '.join(sorted(allowed))})")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SeedError(f"{where} must be a list, not {type(value).__name__}")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise SeedError(f"{where} must be a string, not {type(value).__name__}")
    return value


def _name(value: Any, where: str) -> str:
    text = _text(value, where)
    if not text or "/" in text:
        raise SeedError(f"{where}: {text!r} is not usable in a URL path segment (empty or has '/')")
    return text


def _uuid(value: Any, where: str) -> str:
    text = _text(value, where)
    if not is_uuid(text):
        raise SeedError(f"{where}: {text!r} is not a hyphenated UUID")
    return text.lower()


def _email(value: Any, where: str) -> str:
    text = _text(value, where)
    if text and not is_email(text):
        raise SeedError(f"{where}: {text!r} is not an email address (name@domain.tld)")
    return text


def _secrets(value: Any, where: str) -> list[str]:
    out = []
    for i, item in enumerate(_list(value, where)):
        secret = _text(item, f"{where}[{i}]")
        if not secret:
            raise SeedError(f"{where}[{i}]: a credential cannot be empty")
        out.append(secret)
    return out


def _unique_secret(owner: str | None, where: str) -> None:
    if owner is not None:
        raise SeedError(f"{where}: this credential already belongs to {owner}")
