"""A `State` as the state script writes it (`flat`), and the script's dump back as a `State`.

Credentials are indexed by their SHA-256 digest (`r:ak`, `r:bt`, `t:tk`), so a request's credential is
looked up by digest, as the in-memory index does. The secrets themselves are kept only in the account and
user records, for `GET /__admin/state?secrets=include`, the seed and snapshots.
"""

from __future__ import annotations

import json
from typing import Any

from ..core.credentials import CredentialIndex, hex_digest
from ..core.state import RecoupAccount, RecoupOrganization, State, TursoOrganization, TursoUser

_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(value: Any) -> str:
    return _JSON.encode(value)


def account_blob(name: str, email: str, api_keys: list[str], bearer_tokens: list[str]) -> str:
    return dumps({"name": name, "email": email, "api_keys": api_keys, "bearer_tokens": bearer_tokens})


def flat(state: State) -> str:
    """The input of the script's `load`: every record, in the state's order."""
    r, t = state.recoup, state.turso
    return dumps(
        {
            "r": {
                "accounts": [
                    [a.id, account_blob(a.name, a.email, a.api_keys, a.bearer_tokens)] for a in r.accounts.values()
                ],
                "ak": _digests(r.api_keys),
                "bt": _digests(r.bearer_tokens),
                "em": [[email, account] for email, account in r.emails.items()],
                "orgs": [[o.id, o.name, sorted(o.members)] for o in r.organizations.values()],
            },
            "t": {
                "users": [
                    [u.username, dumps({"name": u.name, "email": u.email, "tokens": u.tokens}), u.email]
                    for u in t.users.values()
                ],
                "tk": _digests(t.tokens),
                "orgs": [
                    [o.slug, o.name, [[n, role] for n, role in o.members.items()]] for o in t.organizations.values()
                ],
            },
            "demo": dumps(state.demo),
        }
    )


def _digests(index: CredentialIndex) -> list[list[str]]:
    return [[hex_digest(secret), owner] for secret, owner in index.secrets()]


def unflat(dump: str, demo: str) -> State:
    """The state the script's `dump` describes (records only: enough for `State.to_document`)."""
    accounts, orgs, users, torgs = json.loads(dump)
    state = State()
    for account_id, blob in _items(accounts):
        a = json.loads(blob)
        state.recoup.accounts[account_id] = RecoupAccount(
            account_id,
            a.get("name", ""),
            a.get("email", ""),
            list(a.get("api_keys") or []),
            list(a.get("bearer_tokens") or []),
        )
    for org_id, name, members in _items(orgs):
        state.recoup.organizations[org_id] = RecoupOrganization(org_id, name, set(_items(members)))
    for username, blob in _items(users):
        u = json.loads(blob)
        state.turso.users[username] = TursoUser(
            username, u.get("name", ""), u.get("email", ""), list(u.get("tokens") or [])
        )
    for slug, name, members in _items(torgs):
        state.turso.organizations[slug] = TursoOrganization(slug, name, {n: role for n, role in _items(members)})
    state.demo = dict(json.loads(demo) or {})
    return state


def _items(value: Any) -> list[Any]:
    """A list the script encoded; an empty one comes back as `{}` (Lua has one table type)."""
    return value if isinstance(value, list) else []
