"""Turso DELETE /v1/organizations/{organizationSlug}/members/{username}, from specs/turso.yaml.

Token (401), then permission (403), then membership (404), then 200. Every Turso body is built here:
`member(name)` and `error(text)`.
"""

from __future__ import annotations

from urllib.parse import unquote

from .exchange import Answer, Request
from .world import TursoWorld

PREFIX = "/v1/"
MANAGERS = ("owner", "admin")

WORDING: dict[str, dict[str, str]] = {
    "vendor": {
        "token": "token is missing, invalid or expired",
        "forbidden": "only organization admins or owners can remove members",
        "not_member": "user {user} is not a member of org {org}",
        "not_found": "not found",
        "method": "method not allowed",
        "rate": "rate limit exceeded",
    },
    "alternate": {
        "token": "could not authenticate you with this token",
        "forbidden": "your role in this organization does not allow removing members",
        "not_member": "no member named '{user}' in organization '{org}'",
        "not_found": "this route does not exist",
        "method": "use DELETE",
        "rate": "quota exhausted, retry later",
    },
}


def member(name: str) -> dict[str, str]:
    return {"member": name}


def error(text: str) -> dict[str, str]:
    return {"error": text}


def target(path: str) -> tuple[str, str] | None:
    """(organization slug, username) when `path` is the member operation; segments decoded one by one."""
    parts = path.split("/")
    if len(parts) != 6 or parts[:3] != ["", "v1", "organizations"] or parts[4] != "members":
        return None
    return unquote(parts[3], errors="replace"), unquote(parts[5], errors="replace")


def user(world: TursoWorld, request: Request) -> str | None:
    auths = request.values("authorization")
    if len(auths) != 1:
        return None
    scheme, _, token = auths[0].partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return world.tokens.get(token.strip())


def remove_member(world: TursoWorld, request: Request, wording: str = "vendor") -> Answer:
    text = WORDING[wording]
    found = target(request.path)
    if found is None:
        return refuse(404, "not_found", wording)
    org, username = found
    who = user(world, request)
    if who is None:
        return Answer(401, error(text["token"]))
    members = world.organizations.get(org)
    if members is None or members.get(who) not in MANAGERS:
        return Answer(403, error(text["forbidden"]))
    if username not in members:
        return Answer(404, error(text["not_member"].format(user=username, org=org)), effect="not a member")
    del members[username]
    return Answer(200, member(username), effect="removed")


def refuse(status: int, what: str, wording: str = "vendor") -> Answer:
    headers = (("Allow", "DELETE"),) if status == 405 else ()
    return Answer(status, error(WORDING[wording][what]), headers=headers)
