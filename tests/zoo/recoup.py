"""Recoup, from specs/recoup.yaml: who am I, an account's organizations, add member, remove member.

Order of checks: credentials (401), then the query or body (400, the first problem only), then access (403),
then the change; the organizations read checks its query before the credentials. Every Recoup body is built
here: `success(...)`, `error(text)` and `account_error(text)` (the who-am-I 401 envelope).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .exchange import Answer, Request, Style, json_body, json_type
from .world import RecoupWorld

PATH = "/api/organizations/members"
ORGANIZATIONS = "/api/organizations"
WHO_AM_I = "/api/accounts/id"
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
        "access": "Access denied to specified account_id",
        "object": "Invalid input: expected object, received {type}",
        "string": "Invalid input: expected string, received {type}",
        "email": "email must be a valid email address",
        "one_of": "Provide exactly one of accountId or email",
        "no_account": "accountId {id} is not an existing account",
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
        "access": "you may not look at that account",
        "object": "the body must be a JSON object, not {type}",
        "string": "a text value was expected, not {type}",
        "email": "that is not an email address",
        "one_of": "name the member once: accountId or email",
        "no_account": "no account {id}",
        "not_found": "no such route",
        "method": "that method is not served here",
        "rate": "slow down: request quota used up",
    },
}


def success(**values: Any) -> dict[str, Any]:
    return {"status": "success", **values}


def error(text: str) -> dict[str, str]:
    return {"status": "error", "error": text}


def account_error(text: str) -> dict[str, str]:
    """The 401 body of GET /api/accounts/id (`AccountErrorResponse`: `message`, not `error`)."""
    return {"status": "error", "message": text}


def is_uuid(value: str) -> bool:
    return _UUID.fullmatch(value) is not None


def is_email(value: str) -> bool:
    """`format: email`: a local part, `@`, and a domain, without white space."""
    local, at, domain = value.rpartition("@")
    return bool(at and local and domain) and not any(c.isspace() for c in value)


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


def _unauthenticated(request: Request, text: dict[str, str], envelope: Callable[[str], dict[str, str]]) -> Answer:
    one = len(request.values("x-api-key")) + len(request.values("authorization")) == 1
    return Answer(401, envelope(text["unknown"] if one else text["credentials"]))


def may_manage(world: RecoupWorld, account: str, org: str) -> bool:
    """Add and remove: a member of the organization, or the organization's own account."""
    members = world.organizations.get(org)
    return members is not None and (account in members or account == org)


def shares_organization(world: RecoupWorld, one: str, other: str) -> bool:
    return any(one in members and other in members for members in world.organizations.values())


def who_am_i(world: RecoupWorld, request: Request, style: Style) -> Answer:
    account = caller(world, request)
    if account is None:
        return _unauthenticated(request, WORDING[style.wording], account_error)
    return Answer(200, success(accountId=account))


def organizations(world: RecoupWorld, request: Request, style: Style) -> Answer:
    text = WORDING[style.wording]
    given = request.params("account_id")
    if len(given) > 1:
        return Answer(400, error(text["twice"].format(name="account_id")))
    if given and not is_uuid(given[0]):
        return Answer(400, error(text["uuid"].format(name="account_id")))
    account = caller(world, request)
    if account is None:
        return _unauthenticated(request, text, error)
    target = given[0].lower() if given else account
    if target != account and not shares_organization(world, account, target):
        return Answer(403, error(text["access"]))
    rows = [
        {
            "id": members[target],
            "organization_id": org,
            "organization_name": world.names.get(org),
            "organization_image": None,
        }
        for org, members in world.organizations.items()
        if target in members
    ]
    return Answer(200, success(organizations=rows[::-1] if style.newest_first else rows))


def _add_body_problem(body: Any, text: dict[str, str]) -> str | None:
    """The first problem of an add body, in the real validator's order, or None."""
    if not isinstance(body, dict):
        return text["object"].format(type=json_type(body))
    org = body.get("organizationId")
    if not isinstance(org, str):
        return text["required"].format(name="organizationId")
    if not is_uuid(org):
        return text["uuid"].format(name="organizationId")
    for name, valid, rule in (("accountId", is_uuid, "uuid"), ("email", is_email, "email")):
        if name not in body:
            continue
        if not isinstance(body[name], str):
            return text["string"].format(type=json_type(body[name]))
        if not valid(body[name]):
            return text[rule].format(name=name)
    if ("accountId" in body) == ("email" in body):
        return text["one_of"]
    return None


def add_member(world: RecoupWorld, request: Request, style: Style) -> Answer:
    text = WORDING[style.wording]
    account = caller(world, request)
    if account is None:
        return _unauthenticated(request, text, error)
    ok, body = json_body(request)
    problem = _add_body_problem(body if ok else None, text)
    if problem is not None:
        return Answer(400, error(problem))
    org = body["organizationId"].lower()
    if not may_manage(world, account, org):
        return Answer(403, error(text["outside"]))
    if "accountId" in body:
        member = body["accountId"].lower()
        if member not in world.accounts:
            return Answer(404, error(text["no_account"].format(id=member)))
    else:
        found = [a for a, email in world.accounts.items() if email == body["email"]]
        member = found[0] if found else style.mint()
        world.accounts.setdefault(member, body["email"])
    members = world.organizations[org]
    if member in members:
        return Answer(200, success(id=members[member], account_id=member), effect="already a member")
    members[member] = style.mint()
    return Answer(200, success(id=members[member], account_id=member), effect="added")


def remove_member(world: RecoupWorld, request: Request, style: Style) -> Answer:
    text = WORDING[style.wording]
    account = caller(world, request)
    if account is None:
        return _unauthenticated(request, text, error)
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
    if not may_manage(world, account, org):
        return Answer(403, error(text["outside"]))
    members = world.organizations[org]
    effect = "removed" if member in members else "not a member"
    members.pop(member, None)
    return Answer(200, success(), effect=effect)


OPERATIONS: dict[str, dict[str, Callable[[RecoupWorld, Request, Style], Answer]]] = {
    WHO_AM_I: {"GET": who_am_i},
    ORGANIZATIONS: {"GET": organizations},
    PATH: {"POST": add_member, "DELETE": remove_member},
}


def answer(world: RecoupWorld, request: Request, style: Style) -> Answer:
    methods = OPERATIONS.get(request.path)
    if methods is None:
        return refuse(404, "not_found", style.wording)
    method = "GET" if request.method == "HEAD" else request.method
    if method not in methods:
        return refuse(405, "method", style.wording, allow=", ".join(sorted(methods)))
    return methods[method](world, request, style)


def refuse(status: int, what: str, wording: str = "vendor", allow: str = "DELETE, POST") -> Answer:
    """An answer outside the operations (unknown path 404, wrong method 405, rate limit 429)."""
    headers = (("Allow", allow),) if status == 405 else ()
    return Answer(status, error(WORDING[wording][what]), headers=headers)
