"""State documents (the seed-file form of a state) sent back with masked secrets.

`GET /__admin/state` shows every credential as `***`. Sending that document back means "the same
state": each `***` stands for the secret at the same place in the current document (the same account's
or user's n-th credential, the same `demo:` name), so a masked document round-trips without the secrets
ever leaving the stub.
"""

from __future__ import annotations

import copy
from typing import Any

from .credentials import MASKED
from .seed import SeedError
from .state import is_secret_name

# (vendor, list of principals, the field naming a principal, its credential lists)
_PRINCIPALS = (
    ("recoup", "accounts", "id", ("api_keys", "bearer_tokens")),
    ("turso", "users", "username", ("tokens",)),
)


def keep_masked_secrets(doc: Any, current: dict[str, Any]) -> Any:
    """`doc` with every masked secret replaced by the one it stands for in `current` (an unmasked document).

    Raises SeedError naming the location when a `***` has no secret to stand for. Anything else is left
    for seed validation to judge.
    """
    if not isinstance(doc, dict):
        return doc
    out = copy.deepcopy(doc)
    for vendor, kind, key, fields in _PRINCIPALS:
        items = (out.get(vendor) or {}).get(kind) if isinstance(out.get(vendor), dict) else None
        if not isinstance(items, list):
            continue
        known = {_principal(p.get(key), vendor): p for p in current.get(vendor, {}).get(kind, [])}
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            name = _principal(item.get(key), vendor)
            for field in fields:
                secrets = item.get(field)
                if not isinstance(secrets, list):
                    continue
                now = known.get(name, {}).get(field, [])
                for j, secret in enumerate(secrets):
                    if secret != MASKED:
                        continue
                    if j >= len(now):
                        where = f"{vendor}.{kind}[{i}].{field}[{j}]"
                        raise SeedError(
                            f"{where}: {MASKED!r} keeps the current secret, but {name or 'this entry'} has no "
                            f"{field}[{j}] now; give the secret itself",
                            where,
                        )
                    secrets[j] = now[j]
    demo = out.get("demo")
    if isinstance(demo, dict):
        for name, value in demo.items():
            if value == MASKED and is_secret_name(str(name)):
                if name not in current.get("demo", {}):
                    raise SeedError(
                        f"demo.{name}: {MASKED!r} keeps the current value, but there is none now; give the value",
                        f"demo.{name}",
                    )
                demo[name] = current["demo"][name]
    return out


def _principal(value: Any, vendor: str) -> str:
    """An account id or username as the state keys it (Recoup ids lower-case, usernames as they are)."""
    if not isinstance(value, str):
        return ""
    return value.lower() if vendor == "recoup" else value
