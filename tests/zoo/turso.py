"""Turso, from specs/turso.yaml: token, user, organizations, and the members family (list, add, retrieve,
update role, remove).

Order of checks: token (401), then permission (403), then the body (400), then user or membership (404/409),
then the change. Every Turso body is built here: `member(name)`, `error(text)` and the object builders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from .exchange import Answer, Request, Style, json_body
from .world import TursoWorld

PREFIX = "/v1/"
MANAGERS = ("owner", "admin")
ASSIGNABLE = ("admin", "member", "viewer")
EXPIRY = 4102444800  # every zoo token expires on 2100-01-01 (the contract: an integer epoch, or -1)

WORDING: dict[str, dict[str, str]] = {
    "vendor": {
        "token": "token is missing, invalid or expired",
        "forbidden": "only organization admins or owners can remove members",
        "forbidden_list": "only organization admins or owners can list members",
        "forbidden_add": "only organization admins or owners can add members",
        "forbidden_update": "updating member roles is only allowed for admin or owner",
        "forbidden_read": "only members of the organization can view its members",
        "not_member": "user {user} is not a member of org {org}",
        "no_user": "could not find user {user}",
        "conflict": "user {user} is already a member of organization {org}",
        "no_org": "organization not found",
        "bad_body": "the body must be a JSON object",
        "username": "username is required",
        "role": "invalid role",
        "not_found": "not found",
        "method": "method not allowed",
        "rate": "rate limit exceeded",
    },
    "alternate": {
        "token": "could not authenticate you with this token",
        "forbidden": "your role in this organization does not allow removing members",
        "forbidden_list": "your role in this organization does not allow listing members",
        "forbidden_add": "your role in this organization does not allow adding members",
        "forbidden_update": "your role in this organization does not allow changing roles",
        "forbidden_read": "you are not in this organization",
        "not_member": "no member named '{user}' in organization '{org}'",
        "no_user": "nobody is called '{user}' here",
        "conflict": "'{user}' already belongs to '{org}'",
        "no_org": "no such organization for you",
        "bad_body": "send a JSON object",
        "username": "say who to add (username)",
        "role": "roles are admin, member or viewer",
        "not_found": "this route does not exist",
        "method": "that method is not served here",
        "rate": "quota exhausted, retry later",
    },
}


def member(name: str) -> dict[str, str]:
    return {"member": name}


def error(text: str) -> dict[str, str]:
    return {"error": text}


def member_object(world: TursoWorld, name: str, role: str) -> dict[str, str]:
    email = world.users.get(name, "")
    return {"username": name, "role": role, **({"email": email} if email else {})}


def organization(world: TursoWorld, slug: str) -> dict[str, Any]:
    return {
        "name": world.names.get(slug, slug),
        "slug": slug,
        "type": "team",
        "overages": False,
        "blocked_reads": False,
        "blocked_writes": False,
        "plan_id": "scaler",
    }


def segments(path: str) -> list[str] | None:
    """The decoded segments after /v1/, decoded one by one (`%2F` stays inside its segment)."""
    if not path.startswith(PREFIX):
        return None
    return [unquote(part, errors="replace") for part in path[len(PREFIX) :].split("/")]


def target(path: str) -> tuple[str, str] | None:
    """(organization slug, username) when `path` is a single-member operation."""
    parts = segments(path)
    if parts is None or len(parts) != 4 or parts[0] != "organizations" or parts[2] != "members":
        return None
    return parts[1], parts[3]


def user(world: TursoWorld, request: Request) -> str | None:
    auths = request.values("authorization")
    if len(auths) != 1:
        return None
    scheme, _, token = auths[0].partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return world.tokens.get(token.strip())


Handler = Callable[[TursoWorld, str, Request, Style, list[str]], Answer]


def validate(world: TursoWorld, who: str, request: Request, style: Style, args: list[str]) -> Answer:
    return Answer(200, {"exp": EXPIRY})


def current_user(world: TursoWorld, who: str, request: Request, style: Style, args: list[str]) -> Answer:
    email = world.users.get(who, "")
    doc: dict[str, Any] = {"username": who, "name": who.title(), "plan": "scaler", "mfa": False}
    doc.update({"email": email} if email else {})
    return Answer(200, {"user": {**doc, "has_pending_invites": False}})


def organizations(world: TursoWorld, who: str, request: Request, style: Style, args: list[str]) -> Answer:
    found = [organization(world, slug) for slug, roles in world.organizations.items() if who in roles]
    return Answer(200, found[::-1] if style.newest_first else found)


def get_organization(world: TursoWorld, who: str, request: Request, style: Style, args: list[str]) -> Answer:
    if who not in world.organizations.get(args[0], {}):
        return Answer(404, error(WORDING[style.wording]["no_org"]))
    return Answer(200, {"organization": organization(world, args[0])})


def _manager(world: TursoWorld, who: str, org: str) -> bool:
    return world.organizations.get(org, {}).get(who) in MANAGERS


def list_members(world: TursoWorld, who: str, request: Request, style: Style, args: list[str]) -> Answer:
    org = args[0]
    if not _manager(world, who, org):
        return Answer(403, error(WORDING[style.wording]["forbidden_list"]))
    rows = [member_object(world, name, role) for name, role in world.organizations[org].items()]
    return Answer(200, {"members": rows[::-1] if style.newest_first else rows})


def _role(body: dict[str, Any], default: str | None) -> str | None:
    """The requested role, or None when it is not one that can be given."""
    role = body.get("role", default)
    return role if isinstance(role, str) and role in ASSIGNABLE else None


def add_member(world: TursoWorld, who: str, request: Request, style: Style, args: list[str]) -> Answer:
    text, org = WORDING[style.wording], args[0]
    if not _manager(world, who, org):
        return Answer(403, error(text["forbidden_add"]))
    ok, body = json_body(request)
    if not ok or not isinstance(body, dict):
        return Answer(400, error(text["bad_body"]))
    name = body.get("username")
    if not isinstance(name, str) or not name:
        return Answer(400, error(text["username"]))
    role = _role(body, "member")
    if role is None:
        return Answer(400, error(text["role"]))
    if name not in world.users:
        return Answer(404, error(text["no_user"].format(user=name)), effect="unknown user")
    roles = world.organizations[org]
    if name in roles:
        return Answer(409, error(text["conflict"].format(user=name, org=org)), effect="already a member")
    roles[name] = role
    return Answer(200, {"member": name, "role": role}, effect="added")


def get_member(world: TursoWorld, who: str, request: Request, style: Style, args: list[str]) -> Answer:
    text, (org, name) = WORDING[style.wording], args
    roles = world.organizations.get(org, {})
    if who not in roles:
        return Answer(403, error(text["forbidden_read"]))
    if name not in roles:
        return Answer(404, error(text["not_member"].format(user=name, org=org)), effect="not a member")
    return Answer(200, {"member": member_object(world, name, roles[name])})


def update_role(world: TursoWorld, who: str, request: Request, style: Style, args: list[str]) -> Answer:
    text, (org, name) = WORDING[style.wording], args
    if not _manager(world, who, org):
        return Answer(403, error(text["forbidden_update"]))
    ok, body = json_body(request)
    if not ok or not isinstance(body, dict):
        return Answer(400, error(text["bad_body"]))
    role = _role(body, None)
    if role is None:
        return Answer(400, error(text["role"]))
    roles = world.organizations[org]
    if name not in roles:
        return Answer(404, error(text["not_member"].format(user=name, org=org)), effect="not a member")
    roles[name] = role
    return Answer(200, {"member": member_object(world, name, role)}, effect="updated")


def remove_member(world: TursoWorld, who: str, request: Request, style: Style, args: list[str]) -> Answer:
    text, (org, name) = WORDING[style.wording], args
    if not _manager(world, who, org):
        return Answer(403, error(text["forbidden"]))
    members = world.organizations[org]
    if name not in members:
        return Answer(404, error(text["not_member"].format(user=name, org=org)), effect="not a member")
    del members[name]
    return Answer(200, member(name), effect="removed")


# Routes: the literal segments after /v1/ ("*" for a path parameter) -> method -> handler.
ROUTES: dict[tuple[str, ...], dict[str, Handler]] = {
    ("auth", "validate"): {"GET": validate},
    ("user",): {"GET": current_user},
    ("organizations",): {"GET": organizations},
    ("organizations", "*"): {"GET": get_organization},
    ("organizations", "*", "members"): {"GET": list_members, "POST": add_member},
    ("organizations", "*", "members", "*"): {"GET": get_member, "PATCH": update_role, "DELETE": remove_member},
}


def route(path: str) -> tuple[dict[str, Handler], list[str]] | None:
    """The methods served on `path` and its path parameters, or None when no operation has that path."""
    parts = segments(path)
    if parts is None:
        return None
    for shape, methods in ROUTES.items():
        if len(shape) == len(parts) and all(s == "*" or s == p for s, p in zip(shape, parts, strict=True)):
            return methods, [p for s, p in zip(shape, parts, strict=True) if s == "*"]
    return None


def answer(world: TursoWorld, request: Request, style: Style) -> Answer:
    found = route(request.path)
    if found is None:
        return refuse(404, "not_found", style.wording)
    methods, args = found
    method = "GET" if request.method == "HEAD" else request.method
    if method not in methods:
        return refuse(405, "method", style.wording, allow=", ".join(sorted(methods)))
    who = user(world, request)
    if who is None:
        return Answer(401, error(WORDING[style.wording]["token"]))
    return methods[method](world, who, request, style, args)


def refuse(status: int, what: str, wording: str = "vendor", allow: str = "DELETE") -> Answer:
    headers = (("Allow", allow),) if status == 405 else ()
    return Answer(status, error(WORDING[wording][what]), headers=headers)
