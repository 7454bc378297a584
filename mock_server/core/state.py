"""The in-memory state of both vendors, and the store that guards it."""

from __future__ import annotations

import functools
import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from .credentials import CredentialIndex, mask

TURSO_ROLES = ("owner", "admin", "member", "viewer")
# A membership's id is derived from the pair, so an idempotent add returns the same id every time.
MEMBERSHIP_NAMESPACE = uuid.UUID("6f1c2b7e-3a4d-5e6f-8a9b-0c1d2e3f4a5b")
_NAMESPACE = MEMBERSHIP_NAMESPACE.bytes


@functools.lru_cache(maxsize=65536)  # a pure function: the cache holds no state, only saves the hashing
def membership_id(organization_id: str, account_id: str) -> str:
    """The id of the membership of `account_id` in `organization_id` (lower-case UUIDs).

    `str(uuid.uuid5(MEMBERSHIP_NAMESPACE, "<organization>/<account>"))`, computed without building UUID
    objects (it runs on every Recoup add and organizations list).
    """
    digest = bytearray(hashlib.sha1(_NAMESPACE + f"{organization_id}/{account_id}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = digest.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


@dataclass
class RecoupAccount:
    id: str
    name: str = ""
    email: str = ""
    api_keys: list[str] = field(default_factory=list)
    bearer_tokens: list[str] = field(default_factory=list)


@dataclass
class RecoupOrganization:
    id: str
    name: str = ""
    members: set[str] = field(default_factory=set)  # account ids


@dataclass
class RecoupState:
    accounts: dict[str, RecoupAccount] = field(default_factory=dict)
    organizations: dict[str, RecoupOrganization] = field(default_factory=dict)
    api_keys: CredentialIndex = field(default_factory=CredentialIndex)
    bearer_tokens: CredentialIndex = field(default_factory=CredentialIndex)
    emails: dict[str, str] = field(default_factory=dict)  # email -> account id (exact, case-sensitive)


@dataclass
class TursoUser:
    username: str
    name: str = ""
    email: str = ""
    tokens: list[str] = field(default_factory=list)


@dataclass
class TursoOrganization:
    slug: str
    name: str = ""
    members: dict[str, str] = field(default_factory=dict)  # username -> role


@dataclass
class TursoState:
    users: dict[str, TursoUser] = field(default_factory=dict)
    organizations: dict[str, TursoOrganization] = field(default_factory=dict)
    tokens: CredentialIndex = field(default_factory=CredentialIndex)


@dataclass
class State:
    recoup: RecoupState = field(default_factory=RecoupState)
    turso: TursoState = field(default_factory=TursoState)
    demo: dict[str, str] = field(default_factory=dict)

    def to_document(self, *, mask_secrets: bool = True) -> dict[str, Any]:
        """The state in seed-file form; secrets are masked unless asked otherwise."""
        hide = mask if mask_secrets else (lambda s: s)
        demo = {k: (hide(v) if is_secret_name(k) else v) for k, v in self.demo.items()}
        return {
            "recoup": {
                "accounts": [
                    {
                        "id": a.id,
                        "name": a.name,
                        **({"email": a.email} if a.email else {}),
                        "api_keys": [hide(k) for k in a.api_keys],
                        "bearer_tokens": [hide(t) for t in a.bearer_tokens],
                    }
                    for a in self.recoup.accounts.values()
                ],
                "organizations": [
                    {"id": o.id, "name": o.name, "members": sorted(o.members)}
                    for o in self.recoup.organizations.values()
                ],
            },
            "turso": {
                "users": [
                    {
                        "username": u.username,
                        **({"name": u.name} if u.name else {}),
                        **({"email": u.email} if u.email else {}),
                        "tokens": [hide(t) for t in u.tokens],
                    }
                    for u in self.turso.users.values()
                ],
                "organizations": [
                    {
                        "slug": o.slug,
                        "name": o.name,
                        "members": [{"username": n, "role": r} for n, r in o.members.items()],
                    }
                    for o in self.turso.organizations.values()
                ],
            },
            "demo": demo,
        }


def is_secret_name(name: str) -> bool:
    return name.endswith(("_KEY", "_TOKEN"))
