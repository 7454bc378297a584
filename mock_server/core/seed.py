"""Seed documents: validated and turned into State, with errors that name the bad location.

A seed is checked completely before it is used: its shape (every field and type), duplicate YAML keys,
credentials and ids given twice, members that are no account or user, and its `demo:` block against the
state it describes (the demo caller is in `RECOUP_ORG_ID`, `TURSO_TOKEN` manages `TURSO_ORG`, the
disposable members are members, ...). Each error names the location as a path such as
`turso.organizations[0].members[2]`, and, for a file, the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NoReturn

import yaml

from .credentials import MASKED
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
_DEMO_UUIDS = ("RECOUP_ORG_ID", "RECOUP_FOREIGN_ORG_ID", "RECOUP_DISPOSABLE_MEMBER_ID")
_PATH_PART = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


class SeedError(ValueError):
    """A seed document is not usable; the message names the location and the fix.

    `where` is the location as a path (`turso.organizations[0].members[2]`), when there is one.
    """

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.where = where


def is_uuid(value: str) -> bool:
    """True for a hyphenated 8-4-4-4-12 hexadecimal UUID (the `format: uuid` syntax)."""
    return UUID_RE.fullmatch(value) is not None


def is_email(value: str) -> bool:
    return EMAIL_RE.fullmatch(value) is not None


class _SeedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice in one mapping (PyYAML keeps the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key; the base class reports it
                break
            if first is not None:
                raise SeedError(
                    f"line {key_node.start_mark.line + 1}: the key {key!r} is given twice in one mapping "
                    f"(first at line {first}); YAML keeps only one of them, so remove the other"
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str) -> Any:
    """A YAML (or JSON) text as Python values; SeedError for a duplicate key (naming its line)."""
    return yaml.load(text, Loader=_SeedLoader)


def load_seed_file(path: str | Path) -> dict[str, Any]:
    """Read and validate a YAML (or JSON) seed file; errors name the file, the line and the location."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SeedError(f"seed file {p} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError(f"seed file {p} cannot be read: {exc}") from None
    try:
        doc = parse_yaml(text)
    except SeedError as exc:
        raise SeedError(f"seed file {p}, {exc}") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise SeedError(f"seed file {p} is not valid YAML{line}: {getattr(exc, 'problem', exc)}") from None
    try:
        build_state(doc)
    except SeedError as exc:
        at = line_of(text, exc.where) if exc.where else None
        shown = f"seed file {p}, line {at}" if at else f"seed file {p}"
        raise SeedError(f"{shown}: {exc}", exc.where) from None
    assert isinstance(doc, dict)  # build_state refuses anything else
    return doc


def line_of(text: str, where: str) -> int | None:
    """The 1-based line of the node at `where` (`turso.organizations[0].members[2]`) in a YAML text."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    for name, index in _PATH_PART.findall(where):
        if isinstance(node, yaml.MappingNode) and name:
            found = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == name]
            if not found:
                break
            node = found[0]
        elif isinstance(node, yaml.SequenceNode) and index:
            if int(index) >= len(node.value):
                break
            node = node.value[int(index)]
        else:
            break
    return node.start_mark.line + 1 if node is not None else None


def build_state(doc: Any, *, strict: bool = True) -> State:
    """Turn a seed document into State; raises SeedError naming the first bad location.

    `strict` also checks that the `demo:` block's memberships and roles hold (the disposable members are
    members, `TURSO_TOKEN` manages `TURSO_ORG`, ...), which a seed must satisfy; a state document (what
    `GET /__admin/state` shows) may be any state the stub reaches, e.g. one where the disposable member
    was removed, so it is checked without them.
    """
    root = _mapping(doc, "the seed", {"recoup", "turso", "demo", "faults"})
    state = State()
    references: list[tuple[str, str, str]] = []  # (where, vendor, account id or username)
    _build_recoup(state, _mapping(root.get("recoup", {}), "recoup", {"accounts", "organizations"}), references)
    _build_turso(state, _mapping(root.get("turso", {}), "turso", {"users", "organizations"}), references)
    demo = _mapping(root.get("demo", {}), "demo", {*DEMO_KEYS, *EXTRA_DEMO_KEYS})
    state.demo = {k: _text(v, f"demo.{k}") for k, v in demo.items()}
    _check_references(state, references)
    _check_demo(state, strict=strict)
    try:  # the rules' shape; their operations are checked against the specs when the app is built
        parse_rules(root.get("faults"), "faults")
    except FaultError as exc:
        raise SeedError(str(exc)) from None
    return state


def _build_recoup(state: State, doc: dict[str, Any], references: list[tuple[str, str, str]]) -> None:
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
            _fail(f"{where}.id", f"account {acc.id} is listed twice")
        r.accounts[acc.id] = acc
        if acc.email:
            if acc.email in r.emails:
                _fail(f"{where}.email", f"{acc.email!r} already belongs to account {r.emails[acc.email]}")
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
            _fail(f"{where}.id", f"organization {org.id} is listed twice")
        for j, member in enumerate(_list(o.get("members", []), f"{where}.members")):
            mw = f"{where}.members[{j}]"
            account = _uuid(member, mw)
            if account in org.members:
                _fail(mw, f"account {account} is listed twice in this organization")
            org.members.add(account)
            references.append((mw, "recoup", account))
        r.organizations[org.id] = org


def _build_turso(state: State, doc: dict[str, Any], references: list[tuple[str, str, str]]) -> None:
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
            _fail(f"{where}.username", f"user {user.username!r} is listed twice")
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
            _fail(f"{where}.slug", f"organization {org.slug!r} is listed twice")
        for j, m in enumerate(_list(o.get("members", []), f"{where}.members")):
            mw = f"{where}.members[{j}]"
            member = _mapping(m, mw, {"username", "role"})
            username = _name(member.get("username"), f"{mw}.username")
            role = _text(member.get("role"), f"{mw}.role")
            if role not in TURSO_ROLES:
                _fail(f"{mw}.role", f"{role!r} is not one of {', '.join(TURSO_ROLES)}")
            if username in org.members:
                _fail(f"{mw}.username", f"user {username!r} is listed twice in this organization")
            org.members[username] = role
            references.append((f"{mw}.username", "turso", username))
        t.organizations[org.slug] = org


def _check_references(state: State, references: list[tuple[str, str, str]]) -> None:
    """Every member is an account (Recoup) or a user (Turso) of the seed."""
    for where, vendor, name in references:
        if vendor == "recoup" and name not in state.recoup.accounts:
            _fail(where, f"account {name} is not one of recoup.accounts; add it there (id, and name or email)")
        if vendor == "turso" and name not in state.turso.users:
            _fail(where, f"user {name!r} is not one of turso.users; add it there (username, and name or email)")


def _check_demo(state: State, *, strict: bool) -> None:
    """The `demo:` block names what the state holds: credentials, ids, organizations, members."""
    demo, r, t = state.demo, state.recoup, state.turso
    for name in _DEMO_UUIDS:
        if name in demo and not is_uuid(demo[name]):
            _fail(f"demo.{name}", f"{demo[name]!r} is not a hyphenated UUID")
    callers: dict[str, str] = {}
    for name, index in (("RECOUP_API_KEY", r.api_keys), ("RECOUP_BEARER_TOKEN", r.bearer_tokens)):
        if name in demo:
            owner = index.owner_of(demo[name])
            kind = "API key" if name == "RECOUP_API_KEY" else "bearer token"
            if owner is None:
                _fail(f"demo.{name}", f"no account in recoup.accounts has this {kind}")
            callers[name] = owner
    if len(set(callers.values())) > 1:
        _fail(
            "demo.RECOUP_BEARER_TOKEN", "belongs to another account than RECOUP_API_KEY; give one caller's credentials"
        )
    caller = next(iter(callers.values()), None)
    org_id = demo.get("RECOUP_ORG_ID", "").lower()
    if org_id and org_id not in r.organizations:
        _fail("demo.RECOUP_ORG_ID", f"organization {org_id} is not one of recoup.organizations")
    users: dict[str, str] = {}
    for name in ("TURSO_TOKEN", "TURSO_MEMBER_TOKEN"):
        if name in demo:
            owner = t.tokens.owner_of(demo[name])
            if owner is None:
                _fail(f"demo.{name}", "no user in turso.users has this token")
            users[name] = owner
    slug = demo.get("TURSO_ORG")
    if slug is not None and slug not in t.organizations:
        _fail("demo.TURSO_ORG", f"organization {slug!r} is not one of turso.organizations")
    if not strict:
        return
    if caller is not None:
        if org_id and caller != org_id and caller not in r.organizations[org_id].members:
            _fail("demo.RECOUP_ORG_ID", f"the demo caller (account {caller}) is not a member of organization {org_id}")
        foreign = demo.get("RECOUP_FOREIGN_ORG_ID", "").lower()
        outside = r.organizations.get(foreign)
        if foreign and (caller == foreign or (outside is not None and caller in outside.members)):
            _fail("demo.RECOUP_FOREIGN_ORG_ID", f"the demo caller (account {caller}) is a member of {foreign}")
    member = demo.get("RECOUP_DISPOSABLE_MEMBER_ID", "").lower()
    if member and org_id and member not in r.organizations[org_id].members:
        _fail("demo.RECOUP_DISPOSABLE_MEMBER_ID", f"account {member} is not a member of RECOUP_ORG_ID ({org_id})")
    if member and member == caller:
        _fail("demo.RECOUP_DISPOSABLE_MEMBER_ID", "is the demo caller itself; removing it would lock the caller out")
    if slug is None:
        return
    members = t.organizations[slug].members
    manager = users.get("TURSO_TOKEN")
    if manager is not None and members.get(manager) not in ("owner", "admin"):
        _fail("demo.TURSO_TOKEN", f"its user {manager!r} is not an owner or admin of {slug}")
    viewer = users.get("TURSO_MEMBER_TOKEN")
    if viewer is not None and members.get(viewer) not in ("member", "viewer"):
        _fail("demo.TURSO_MEMBER_TOKEN", f"its user {viewer!r} is not a member or viewer of {slug}")
    disposable = demo.get("TURSO_DISPOSABLE_MEMBER")
    if disposable is not None and disposable not in members:
        _fail("demo.TURSO_DISPOSABLE_MEMBER", f"{disposable!r} is not a member of TURSO_ORG ({slug})")
    if disposable is not None and disposable == manager:
        _fail("demo.TURSO_DISPOSABLE_MEMBER", "is the user of TURSO_TOKEN; removing it would lock the caller out")


def _fail(where: str, message: str) -> NoReturn:
    raise SeedError(f"{where}: {message}", where)


def _mapping(value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SeedError(f"{where} must be a mapping, not {type(value).__name__}", where)
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        _fail(where, f"unknown field {unknown[0]!r} (expected: {', '.join(sorted(allowed))})")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SeedError(f"{where} must be a list, not {type(value).__name__}", where)
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise SeedError(f"{where} must be a string, not {type(value).__name__}", where)
    return value


def _name(value: Any, where: str) -> str:
    text = _text(value, where)
    if not text or "/" in text:
        _fail(where, f"{text!r} is not usable in a URL path segment (empty or has '/')")
    return text


def _uuid(value: Any, where: str) -> str:
    text = _text(value, where)
    if not is_uuid(text):
        _fail(where, f"{text!r} is not a hyphenated UUID")
    return text.lower()


def _email(value: Any, where: str) -> str:
    text = _text(value, where)
    if text and not is_email(text):
        _fail(where, f"{text!r} is not an email address (name@domain.tld)")
    return text


def _secrets(value: Any, where: str) -> list[str]:
    out = []
    for i, item in enumerate(_list(value, where)):
        secret = _text(item, f"{where}[{i}]")
        if not secret:
            _fail(f"{where}[{i}]", "a credential cannot be empty")
        if secret == MASKED:
            _fail(
                f"{where}[{i}]", f"{MASKED!r} stands for a masked secret (keep the current one); give the secret itself"
            )
        out.append(secret)
    return out


def _unique_secret(owner: str | None, where: str) -> None:
    if owner is not None:
        _fail(where, f"this credential already belongs to {owner}")
