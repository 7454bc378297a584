"""Recoup DELETE /api/organizations/members, from specs/recoup.yaml: 401, then 400, then 403, then 200.

Every Recoup body is built here: `success()` and `error(text)`.
"""

from __future__ import annotations

import re

from .exchange import Answer, Request
from .world import RecoupWorld

PATH = "/api/organizations/members"
PARAMETERS = ("organization_id", "account_id")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)

WORDING: dict[str, dict[str, str]] = {
    "vendor": {
        "credentials": "Exactly one of x-api-key or Authorization must be provided",
        "unknown": "Unauthorized",
        "required": "{name} is required",
        "twice": "{name} must be given once",
        "uuid": "{name} must be a valid UUID",
        "outside": "Caller is not a member of the organization",
        "not_found": "Not found",
        "method": "Method not allowed",
        "rate": "Too many requests",
    },
    "alternate": {
        "credentials": "authentication failed: send one credential, an x-api-key header or a bearer token",
        "unknown": "authentication failed: this credential is not recognised",
        "required": "missing query parameter '{name}'",
        "twice": "query parameter '{name}' appears more than once",
        "uuid": "'{name}' is not a UUID",
        "outside": "you are not part of this organization",
        "not_found": "no such route",
        "method": "only DELETE is served here",
        "rate": "slow down: request quota used up",
    },
}


def success() -> dict[str, str]:
    return {"status": "success"}


def error(text: str) -> dict[str, str]:
    return {"status": "error", "error": text}


def is_uuid(value: str) -> bool:
    return _UUID.fullmatch(value) is not None


def caller(world: RecoupWorld, request: Request) -> str | None:
    """The account of the one credential sent, or None (no, several, or unknown credentials)."""
    keys, auths = request.values("x-api-key"), request.values("authorization")
    if len(keys) + len(auths) != 1:
        return None
    if keys:
        return world.api_keys.get(keys[0])
    scheme, _, token = auths[0].partition(" ")
    if scheme.lower() != "bearer":
        return None
    return world.bearer_tokens.get(token.strip())


def remove_member(world: RecoupWorld, request: Request, wording: str = "vendor") -> Answer:
    text = WORDING[wording]
    keys, auths = request.values("x-api-key"), request.values("authorization")
    account = caller(world, request)
    if account is None:
        message = text["credentials"] if len(keys) + len(auths) != 1 else text["unknown"]
        return Answer(401, error(message))
    values: dict[str, str] = {}
    for name in PARAMETERS:
        given = request.params(name)
        if not given or not given[0]:
            return Answer(400, error(text["required"].format(name=name)))
        if len(given) > 1:
            return Answer(400, error(text["twice"].format(name=name)))
        if not is_uuid(given[0]):
            return Answer(400, error(text["uuid"].format(name=name)))
        values[name] = given[0].lower()
    org, member = values["organization_id"], values["account_id"]
    members = world.organizations.get(org)
    if members is None or (account not in members and account != org):
        return Answer(403, error(text["outside"]))
    effect = "removed" if member in members else "not a member"
    members.discard(member)
    return Answer(200, success(), effect=effect)


def refuse(status: int, what: str, wording: str = "vendor") -> Answer:
    """An answer outside the operation (unknown path 404, wrong method 405, rate limit 429)."""
    headers = (("Allow", "DELETE"),) if status == 405 else ()
    return Answer(status, error(WORDING[wording][what]), headers=headers)
