"""Named breaks, one contract rule each, applied around the zoo's correct vendor logic.

`before(request, world)` may rewrite the request or answer it outright; `after(request, answer, world)` may
change the answer. Each fault is deterministic on common inputs, so a short run of the suite meets it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from . import recoup, turso
from .exchange import Answer, Request, json_body
from .world import HOME_ORG, World

Before = Callable[[Request, World], Request | Answer]
After = Callable[[Request, Answer, World], Answer]


def _keep(request: Request, world: World) -> Request | Answer:
    return request


def _same(request: Request, answer: Answer, world: World) -> Answer:
    return answer


@dataclass(frozen=True)
class Fault:
    vendor: str
    before: Before = _keep
    after: After = _same


# Helpers over the request.


def _is_recoup(request: Request) -> bool:
    """The request is a Recoup removal (the remove-operation faults touch nothing else)."""
    return request.path == recoup.PATH and request.method == "DELETE"


def _is_turso(request: Request) -> bool:
    """The request is a Turso removal (the remove-operation faults touch nothing else)."""
    return turso.target(request.path) is not None and request.method == "DELETE"


def _org(request: Request) -> str:
    orgs = request.params("organization_id")
    return orgs[0].lower() if orgs else ""


def _account(request: Request) -> str:
    accounts = request.params("account_id")
    return accounts[0].lower() if accounts else ""


def _recoup_key(world: World) -> str:
    return next(iter(world.recoup.api_keys))


def _turso_token(world: World) -> str:
    return next(iter(world.turso.tokens))


def _recoup_authenticated(request: Request, world: World) -> bool:
    return recoup.caller(world.recoup, request) is not None


def _username(request: Request) -> str:
    found = turso.target(request.path)
    return found[1] if found else ""


# Recoup: conformance.


def _recoup_500_on_malformed(request: Request, world: World) -> Request | Answer:
    if _is_recoup(request) and any(not recoup.is_uuid(v) for v in request.params("account_id")):
        return Answer(500, recoup.error("Internal Server Error"))
    return request


def _recoup_404_unknown_org(request: Request, answer: Answer, world: World) -> Answer:
    if _is_recoup(request) and answer.status == 403 and _org(request) not in world.recoup.organizations:
        return Answer(404, recoup.error("organization not found"))
    return answer


def _recoup_text_plain(request: Request, answer: Answer, world: World) -> Answer:
    return answer.but(content_type="text/plain") if _is_recoup(request) and answer.status == 200 else answer


def _recoup_status_ok(request: Request, answer: Answer, world: World) -> Answer:
    return answer.but(body={"status": "ok"}) if _is_recoup(request) and answer.status == 200 else answer


def _recoup_invalid_answered_200(request: Request, answer: Answer, world: World) -> Answer:
    return Answer(200, recoup.success()) if _is_recoup(request) and answer.status == 400 else answer


def _recoup_only_v4(request: Request, world: World) -> Request | Answer:
    if _is_recoup(request) and _recoup_authenticated(request, world):
        for name in recoup.PARAMETERS:
            for value in request.params(name):
                if recoup.is_uuid(value) and value[14] != "4":
                    return Answer(400, recoup.error(f"{name} must be a valid UUID"))
    return request


# Recoup: behaviour.


def _no_credentials(request: Request) -> bool:
    return not request.values("x-api-key") and not request.values("authorization")


def _recoup_anonymous(request: Request, world: World) -> Request | Answer:
    if _is_recoup(request) and _no_credentials(request):
        return request.with_headers(x_api_key=_recoup_key(world))
    return request


def _recoup_any_credential(request: Request, world: World) -> Request | Answer:
    if _is_recoup(request) and len(request.values("x-api-key")) + len(request.values("authorization")) == 1:
        return request.with_headers(x_api_key=_recoup_key(world), authorization=None)
    return request


def _recoup_refuses_api_keys(request: Request, world: World) -> Request | Answer:
    if _is_recoup(request) and request.values("x-api-key"):
        return Answer(401, recoup.error("API keys are not accepted"))
    return request


def _recoup_refuses_bearer(request: Request, world: World) -> Request | Answer:
    if _is_recoup(request) and request.values("authorization"):
        return Answer(401, recoup.error("bearer tokens are not accepted"))
    return request


def _recoup_api_key_204(request: Request, answer: Answer, world: World) -> Answer:
    if _is_recoup(request) and answer.status == 200 and request.values("x-api-key"):
        return Answer(204, b"", effect=answer.effect)
    return answer


def _recoup_bearer_202(request: Request, answer: Answer, world: World) -> Answer:
    if _is_recoup(request) and answer.status == 200 and request.values("authorization"):
        return answer.but(status=202)
    return answer


def _recoup_missing_ok(request: Request, world: World) -> Request | Answer:
    missing = any(not request.params(name) for name in recoup.PARAMETERS)
    if _is_recoup(request) and missing and _recoup_authenticated(request, world):
        return Answer(200, recoup.success())
    return request


_UNKNOWN = {
    "organization_id": "6b1f0c2e-3d4a-4e5b-8c6d-7e8f9a0b1c2d",
    "account_id": "0e1d2c3b-4a59-4687-b6a5-f4e3d2c1b0a9",
}


def _recoup_malformed_as_unknown(request: Request, world: World) -> Request | Answer:
    if not _is_recoup(request):
        return request
    pairs = [(k, _UNKNOWN[k] if k in _UNKNOWN and not recoup.is_uuid(v) else v) for k, v in request.query]
    return request.with_query(pairs)


def _recoup_last_wins(request: Request, world: World) -> Request | Answer:
    if not _is_recoup(request):
        return request
    last = dict(request.query)
    return request.with_query(list(last.items()))


def _recoup_unknown_org_allowed(request: Request, answer: Answer, world: World) -> Answer:
    if _is_recoup(request) and answer.status == 403 and _org(request) not in world.recoup.organizations:
        return Answer(200, recoup.success())
    return answer


def _recoup_foreign_allowed(request: Request, answer: Answer, world: World) -> Answer:
    if _is_recoup(request) and answer.status == 403 and _org(request) in world.recoup.organizations:
        world.recoup.organizations[_org(request)].pop(_account(request), None)
        return Answer(200, recoup.success())
    return answer


def _recoup_non_member_404(request: Request, answer: Answer, world: World) -> Answer:
    if _is_recoup(request) and answer.effect == "not a member":
        return Answer(404, recoup.error("account is not a member of the organization"))
    return answer


def _recoup_repeat_404(request: Request, answer: Answer, world: World) -> Answer:
    if not _is_recoup(request) or answer.status != 200:
        return answer
    key = ("recoup removed", _org(request), _account(request))
    if key in world.memory:
        return Answer(404, recoup.error("already removed"))
    world.memory.add(key)
    return answer


def _recoup_member_403(request: Request, world: World) -> Request | Answer:
    members = world.recoup.organizations.get(_org(request), {})
    if _is_recoup(request) and _recoup_authenticated(request, world) and _account(request) in members:
        return Answer(403, recoup.error("Caller is not a member of the organization"))
    return request


def _recoup_former_member_404(request: Request, answer: Answer, world: World) -> Answer:
    if not _is_recoup(request):
        return answer
    key = ("recoup former member", _org(request), _account(request))
    if answer.effect == "removed":
        world.memory.add(key)
    elif answer.effect == "not a member" and key in world.memory:
        return Answer(404, recoup.error("account is not a member of the organization"))
    return answer


# Recoup: error bodies, and the real server's drift.


def _recoup_error_without_status(request: Request, answer: Answer, world: World) -> Answer:
    if _is_recoup(request) and answer.status >= 400 and isinstance(answer.body, dict):
        return answer.but(body={"error": answer.body.get("error", "")})
    return answer


def _recoup_unknown_key_message(request: Request, answer: Answer, world: World) -> Answer:
    one = len(request.values("x-api-key")) + len(request.values("authorization")) == 1
    if _is_recoup(request) and answer.status == 401 and one:
        return answer.but(body={"status": "error", "message": "Unauthorized"})
    return answer


def _recoup_always_401(request: Request, world: World) -> Request | Answer:
    return Answer(401, recoup.error("Unauthorized")) if _is_recoup(request) else request


# Turso.


def _turso_500_odd_username(request: Request, world: World) -> Request | Answer:
    name = _username(request)
    if _is_turso(request) and any(not (c.isascii() and (c.isalnum() or c in "-_")) for c in name):
        return Answer(500, turso.error("internal error"))
    return request


def _turso_410(request: Request, answer: Answer, world: World) -> Answer:
    return answer.but(status=410) if _is_turso(request) and answer.effect == "not a member" else answer


def _turso_404_html(request: Request, answer: Answer, world: World) -> Answer:
    return answer.but(content_type="text/html") if _is_turso(request) and answer.status == 404 else answer


def _turso_404_message(request: Request, answer: Answer, world: World) -> Answer:
    if _is_turso(request) and answer.status == 404 and isinstance(answer.body, dict):
        return answer.but(body={"message": answer.body["error"]})
    return answer


def _turso_400_underscore(request: Request, world: World) -> Request | Answer:
    if _is_turso(request) and turso.user(world.turso, request) and "_" in _username(request):
        return Answer(400, turso.error("usernames hold letters, digits and hyphens only"))
    return request


def _turso_anonymous(request: Request, world: World) -> Request | Answer:
    if _is_turso(request) and not request.values("authorization"):
        return request.with_headers(authorization=f"Bearer {_turso_token(world)}")
    return request


def _turso_any_token(request: Request, world: World) -> Request | Answer:
    if _is_turso(request) and request.values("authorization"):
        return request.with_headers(authorization=f"Bearer {_turso_token(world)}")
    return request


def _turso_non_member_200(request: Request, answer: Answer, world: World) -> Answer:
    if _is_turso(request) and answer.effect == "not a member":
        return Answer(200, turso.member(_username(request)))
    return answer


def _turso_vague_404(request: Request, answer: Answer, world: World) -> Answer:
    if _is_turso(request) and answer.effect == "not a member":
        return answer.but(body=turso.error("member not found"))
    return answer


def _turso_renamed_body(request: Request, answer: Answer, world: World) -> Answer:
    if _is_turso(request) and answer.status == 200:
        return answer.but(body={"username": _username(request)})
    return answer


def _turso_forgets(request: Request, answer: Answer, world: World) -> Answer:
    found = turso.target(request.path)
    if found and answer.effect == "removed":
        world.turso.organizations[found[0]][found[1]] = "member"
    return answer


def _turso_401_message(request: Request, answer: Answer, world: World) -> Answer:
    if _is_turso(request) and answer.status == 401 and isinstance(answer.body, dict):
        return answer.but(body={"message": answer.body["error"]})
    return answer


def _turso_empty_200(request: Request, answer: Answer, world: World) -> Answer:
    return answer.but(body=b"") if _is_turso(request) and answer.status == 200 else answer


# The lifecycle operations: helpers.


def _turso_shape(request: Request, method: str, length: int) -> list[str] | None:
    """The decoded segments after /v1/ of a members-family request with this method and length, or None."""
    parts = turso.segments(request.path)
    if request.method != method or parts is None or len(parts) != length or parts[0] != "organizations":
        return None
    return parts if length == 2 or parts[2] == "members" else None


def _json(request: Request) -> Any:
    ok, body = json_body(request)
    return body if ok else None


def _with_json(request: Request, body: Any) -> Request:
    return replace(request, body=json.dumps(body).encode())


# Turso lifecycle.


def _turso_validate_anonymous(request: Request, world: World) -> Request | Answer:
    if request.path == "/v1/auth/validate" and not request.values("authorization"):
        return Answer(200, {"exp": -1})
    return request


def _turso_list_hides_members(request: Request, answer: Answer, world: World) -> Answer:
    if _turso_shape(request, "GET", 3) and answer.status == 200:
        return answer.but(body={"members": [m for m in answer.body["members"] if m["role"] != "member"]})
    return answer


def _turso_retrieve_says_viewer(request: Request, answer: Answer, world: World) -> Answer:
    if _turso_shape(request, "GET", 4) and answer.status == 200 and answer.body["member"]["role"] != "owner":
        return answer.but(body={"member": {**answer.body["member"], "role": "viewer"}})
    return answer


def _turso_retrieve_phantom(request: Request, answer: Answer, world: World) -> Answer:
    parts = _turso_shape(request, "GET", 4)
    if parts and answer.effect == "not a member":
        return Answer(200, {"member": {"username": parts[3], "role": "viewer"}})
    return answer


def _turso_add_existing_200(request: Request, answer: Answer, world: World) -> Answer:
    if _turso_shape(request, "POST", 3) and answer.effect == "already a member":
        body = _json(request)
        return Answer(200, {"member": body["username"], "role": body.get("role", "member")})
    return answer


def _turso_add_unknown_200(request: Request, answer: Answer, world: World) -> Answer:
    parts = _turso_shape(request, "POST", 3)
    if parts and answer.effect == "unknown user":
        body = _json(request)
        world.turso.organizations[parts[1]][body["username"]] = body.get("role", "member")
        return Answer(200, {"member": body["username"], "role": body.get("role", "member")})
    return answer


def _turso_add_any_role(request: Request, world: World) -> Request | Answer:
    body = _json(request)
    if not _turso_shape(request, "POST", 3) or not isinstance(body, dict):
        return request
    if body.get("role", "member") not in turso.ASSIGNABLE:
        return _with_json(request, {**body, "role": "member"})
    return request


def _turso_bad_body_200(request: Request, answer: Answer, world: World) -> Answer:
    """An add or role update whose body is rejected answers 200 instead, as if done (nothing is stored)."""
    body = _json(request)
    fields = body if isinstance(body, dict) else {}
    name = fields.get("username") if isinstance(fields.get("username"), str) else ""
    if _turso_shape(request, "POST", 3) and answer.status == 400:
        return Answer(200, {"member": name, "role": "member"})
    parts = _turso_shape(request, "PATCH", 4)
    if parts and answer.status == 400:
        return Answer(200, {"member": {"username": parts[3], "role": "member"}})
    return answer


def _turso_update_not_persisted(request: Request, world: World) -> Request | Answer:
    parts = _turso_shape(request, "PATCH", 4)
    roles = world.turso.organizations.get(parts[1], {}) if parts else {}
    if parts and parts[3] in roles:
        world.recall[("turso role", parts[1], parts[3])] = roles[parts[3]]
    return request


def _turso_update_not_persisted_after(request: Request, answer: Answer, world: World) -> Answer:
    parts = _turso_shape(request, "PATCH", 4)
    if parts and answer.effect == "updated":
        world.turso.organizations[parts[1]][parts[3]] = world.recall.pop(("turso role", parts[1], parts[3]))
    return answer


def _turso_update_phantom(request: Request, answer: Answer, world: World) -> Answer:
    parts = _turso_shape(request, "PATCH", 4)
    if parts and answer.effect == "not a member":
        return Answer(200, {"member": {"username": parts[3], "role": _json(request)["role"]}})
    return answer


def _turso_list_stale(request: Request, answer: Answer, world: World) -> Answer:
    removed = turso.target(request.path)
    if removed and request.method == "DELETE" and answer.effect == "removed":
        world.recall[("turso listed", *removed)] = "member"
    added = _turso_shape(request, "POST", 3)
    if added and answer.effect == "added":
        world.recall.pop(("turso listed", added[1], answer.body["member"]), None)
    listing = _turso_shape(request, "GET", 3)
    if listing and answer.status == 200:
        gone = [key[2] for key in world.recall if key[:2] == ("turso listed", listing[1])]
        stale = [turso.member_object(world.turso, name, "member") for name in gone]
        return answer.but(body={"members": answer.body["members"] + stale})
    return answer


def _turso_removal_takes_neighbour(request: Request, answer: Answer, world: World) -> Answer:
    parts = turso.target(request.path)
    if parts and request.method == "DELETE" and answer.effect == "removed":
        roles = world.turso.organizations[parts[0]]
        neighbour = next((name for name, role in roles.items() if role == "member"), None)
        if neighbour is not None:
            del roles[neighbour]
    return answer


def _turso_add_ignores_role(request: Request, answer: Answer, world: World) -> Answer:
    parts = _turso_shape(request, "POST", 3)
    if parts and answer.effect == "added":
        world.turso.organizations[parts[1]][answer.body["member"]] = "viewer"
    return answer


def _turso_viewer_may_remove(request: Request, world: World) -> Request | Answer:
    parts = turso.target(request.path)
    who = turso.user(world.turso, request)
    if parts and request.method == "DELETE" and who in world.turso.organizations.get(parts[0], {}):
        return request.with_headers(authorization=f"Bearer {_turso_token(world)}")
    return request


def _turso_remember_role(request: Request, world: World) -> Request | Answer:
    parts = turso.target(request.path)
    role = world.turso.organizations.get(parts[0], {}).get(parts[1]) if parts else None
    if parts and request.method == "DELETE" and role is not None:
        world.recall[("turso role at removal", *parts)] = role
    return request


def _turso_readd_keeps_old_role(request: Request, answer: Answer, world: World) -> Answer:
    shape = _turso_shape(request, "POST", 3)
    if shape and answer.effect == "added":
        old = world.recall.pop(("turso role at removal", shape[1], answer.body["member"]), None)
        if old is not None:  # the add answers the requested role, and stores the one it had
            world.turso.organizations[shape[1]][answer.body["member"]] = old
    return answer


def _turso_members_without_username(request: Request, answer: Answer, world: World) -> Answer:
    if _turso_shape(request, "GET", 3) and answer.status == 200:
        rows = [{"name": m["username"], "role": m["role"]} for m in answer.body["members"]]
        return answer.but(body={"members": rows})
    return answer


def _turso_add_422(request: Request, answer: Answer, world: World) -> Answer:
    return answer.but(status=422) if _turso_shape(request, "POST", 3) and answer.status == 400 else answer


# Recoup lifecycle.


def _is_recoup_add(request: Request) -> bool:
    return request.path == recoup.PATH and request.method == "POST"


def _add_body(request: Request) -> dict[str, Any]:
    body = _json(request)
    return body if isinstance(body, dict) else {}


def _recoup_whoami_refuses_bearer(request: Request, world: World) -> Request | Answer:
    if request.path == recoup.WHO_AM_I and request.values("authorization"):
        return Answer(401, recoup.account_error("Unauthorized"))
    return request


def _recoup_add_new_id(request: Request, answer: Answer, world: World) -> Answer:
    if _is_recoup_add(request) and answer.effect == "already a member":
        with_new = {**answer.body, "id": str(uuid.uuid4())}
        return answer.but(body=with_new)
    return answer


def _recoup_add_guesses_organization(request: Request, world: World) -> Request | Answer:
    """An add without organizationId goes to the caller's organization instead of a 400."""
    body = _add_body(request)
    if _is_recoup_add(request) and isinstance(body, dict) and "organizationId" not in body:
        return _with_json(request, {**body, "organizationId": HOME_ORG})
    return request


def _recoup_add_anonymous(request: Request, world: World) -> Request | Answer:
    if _is_recoup_add(request) and _no_credentials(request):
        return request.with_headers(x_api_key=_recoup_key(world))
    return request


def _recoup_add_anywhere(request: Request, answer: Answer, world: World) -> Answer:
    if _is_recoup_add(request) and answer.status == 403:
        body = _add_body(request)
        member = str(body.get("accountId") or uuid.uuid4()).lower()
        return Answer(200, recoup.success(id=str(uuid.uuid4()), account_id=member))
    return answer


def _recoup_orgs_stale(request: Request, answer: Answer, world: World) -> Answer:
    if request.path == recoup.PATH and request.method == "DELETE" and answer.effect == "removed":
        world.recall[("recoup removed", _org(request), _account(request))] = "stale"
    if _is_recoup_add(request) and answer.effect == "added":
        body = _add_body(request)
        world.recall.pop(("recoup removed", str(body["organizationId"]).lower(), answer.body["account_id"]), None)
    given = request.params("account_id")
    if request.path == recoup.ORGANIZATIONS and given and answer.status in (200, 403):
        account = given[0].lower()
        stale = [key[1] for key in world.recall if key[0] == "recoup removed" and key[2] == account]
        if stale:
            rows = list(answer.body["organizations"]) if answer.status == 200 else []
            rows += [
                {
                    "id": str(uuid.uuid4()),
                    "organization_id": org,
                    "organization_name": world.recoup.names.get(org),
                    "organization_image": None,
                }
                for org in stale
            ]
            return Answer(200, recoup.success(organizations=rows))
    return answer


def _recoup_removal_takes_caller(request: Request, answer: Answer, world: World) -> Answer:
    if request.path == recoup.PATH and request.method == "DELETE" and answer.effect == "removed":
        account, member = recoup.caller(world.recoup, request), _account(request)
        for org, members in world.recoup.organizations.items():
            if org != _org(request) and member in members and account in members:
                del members[account]
    return answer


def _recoup_readd_not_persisted(request: Request, answer: Answer, world: World) -> Answer:
    if request.path == recoup.PATH and request.method == "DELETE" and answer.effect == "removed":
        world.memory.add(("recoup tombstone", _org(request), _account(request)))
    if _is_recoup_add(request) and answer.effect == "added":
        org, member = str(_add_body(request)["organizationId"]).lower(), answer.body["account_id"]
        if ("recoup tombstone", org, member) in world.memory:
            del world.recoup.organizations[org][member]
    return answer


def _recoup_readd_duplicates(request: Request, answer: Answer, world: World) -> Answer:
    if request.path == recoup.PATH and request.method == "DELETE" and answer.effect == "removed":
        key = (_org(request), _account(request))
        twice = world.recall.pop(("recoup second row", *key), None)
        if twice is not None:  # one of the two rows went: the membership stays
            world.recoup.organizations[key[0]][key[1]] = twice
        else:
            world.memory.add(("recoup removed", *key))
    if _is_recoup_add(request) and answer.effect == "added":
        key = (str(_add_body(request)["organizationId"]).lower(), answer.body["account_id"])
        if ("recoup removed", *key) in world.memory:  # a re-add writes two rows
            world.recall[("recoup second row", *key)] = answer.body["id"]
    return answer


def _recoup_orgs_without_id(request: Request, answer: Answer, world: World) -> Answer:
    if request.path == recoup.ORGANIZATIONS and answer.status == 200:
        rows = [{k: v for k, v in row.items() if k != "id"} for row in answer.body["organizations"]]
        return answer.but(body=recoup.success(organizations=rows))
    return answer


def _recoup_add_422(request: Request, answer: Answer, world: World) -> Answer:
    return answer.but(status=422) if _is_recoup_add(request) and answer.status == 400 else answer


FAULTS: dict[str, Fault] = {
    "recoup 500 on malformed account_id": Fault("recoup", before=_recoup_500_on_malformed),
    "recoup 404 for unknown organizations": Fault("recoup", after=_recoup_404_unknown_org),
    "recoup 200 labelled text/plain": Fault("recoup", after=_recoup_text_plain),
    "recoup 200 body status ok": Fault("recoup", after=_recoup_status_ok),
    "recoup invalid input answered 200": Fault("recoup", after=_recoup_invalid_answered_200),
    "recoup only version-4 UUIDs": Fault("recoup", before=_recoup_only_v4),
    "recoup anonymous callers accepted": Fault("recoup", before=_recoup_anonymous),
    "recoup any credential accepted": Fault("recoup", before=_recoup_any_credential),
    "recoup x-api-key refused": Fault("recoup", before=_recoup_refuses_api_keys),
    "recoup bearer refused": Fault("recoup", before=_recoup_refuses_bearer),
    "recoup x-api-key removals answered 204": Fault("recoup", after=_recoup_api_key_204),
    "recoup bearer removals answered 202": Fault("recoup", after=_recoup_bearer_202),
    "recoup missing parameter answered 200": Fault("recoup", before=_recoup_missing_ok),
    "recoup malformed ids read as unknown ones": Fault("recoup", before=_recoup_malformed_as_unknown),
    "recoup repeated parameter: last wins": Fault("recoup", before=_recoup_last_wins),
    "recoup unknown organizations allowed": Fault("recoup", after=_recoup_unknown_org_allowed),
    "recoup foreign organization allowed": Fault("recoup", after=_recoup_foreign_allowed),
    "recoup non-member removal 404": Fault("recoup", after=_recoup_non_member_404),
    "recoup repeated removal 404": Fault("recoup", after=_recoup_repeat_404),
    "recoup member removal 403": Fault("recoup", before=_recoup_member_403),
    "recoup former member removal 404": Fault("recoup", after=_recoup_former_member_404),
    "recoup errors without status": Fault("recoup", after=_recoup_error_without_status),
    "recoup unknown-key 401 with message": Fault("recoup", after=_recoup_unknown_key_message),
    "recoup 401 to every removal": Fault("recoup", before=_recoup_always_401),
    "turso 500 on odd usernames": Fault("turso", before=_turso_500_odd_username),
    "turso 410 for non-members": Fault("turso", after=_turso_410),
    "turso 404 labelled text/html": Fault("turso", after=_turso_404_html),
    "turso 404 body with message": Fault("turso", after=_turso_404_message),
    "turso 400 for underscores": Fault("turso", before=_turso_400_underscore),
    "turso anonymous callers accepted": Fault("turso", before=_turso_anonymous),
    "turso any token accepted": Fault("turso", before=_turso_any_token),
    "turso non-member removal 200": Fault("turso", after=_turso_non_member_200),
    "turso vague 404": Fault("turso", after=_turso_vague_404),
    "turso removal body renamed": Fault("turso", after=_turso_renamed_body),
    "turso removal forgotten": Fault("turso", after=_turso_forgets),
    "turso 401 body with message": Fault("turso", after=_turso_401_message),
    "turso empty 200 body": Fault("turso", after=_turso_empty_200),
    # The lifecycle rules.
    "turso validate without a token": Fault("turso", before=_turso_validate_anonymous),
    "turso list hides plain members": Fault("turso", after=_turso_list_hides_members),
    "turso retrieve says viewer": Fault("turso", after=_turso_retrieve_says_viewer),
    "turso retrieve invents non-members": Fault("turso", after=_turso_retrieve_phantom),
    "turso add existing member 200": Fault("turso", after=_turso_add_existing_200),
    "turso add unknown user 200": Fault("turso", after=_turso_add_unknown_200),
    "turso add reads any role as member": Fault("turso", before=_turso_add_any_role),
    "turso bad bodies answered 200": Fault("turso", after=_turso_bad_body_200),
    "turso role update not persisted": Fault(
        "turso", before=_turso_update_not_persisted, after=_turso_update_not_persisted_after
    ),
    "turso update invents non-members": Fault("turso", after=_turso_update_phantom),
    "turso list stale after removal": Fault("turso", after=_turso_list_stale),
    "turso removal takes a neighbour": Fault("turso", after=_turso_removal_takes_neighbour),
    "turso add stores viewer": Fault("turso", after=_turso_add_ignores_role),
    "turso any member may remove": Fault("turso", before=_turso_viewer_may_remove),
    "turso re-add keeps the old role": Fault("turso", before=_turso_remember_role, after=_turso_readd_keeps_old_role),
    "turso members without username": Fault("turso", after=_turso_members_without_username),
    "turso add 422 for bad bodies": Fault("turso", after=_turso_add_422),
    "recoup who-am-I refuses bearer": Fault("recoup", before=_recoup_whoami_refuses_bearer),
    "recoup add mints a new id each time": Fault("recoup", after=_recoup_add_new_id),
    "recoup add guesses the organization": Fault("recoup", before=_recoup_add_guesses_organization),
    "recoup add without credentials": Fault("recoup", before=_recoup_add_anonymous),
    "recoup add anywhere": Fault("recoup", after=_recoup_add_anywhere),
    "recoup organizations stale after removal": Fault("recoup", after=_recoup_orgs_stale),
    "recoup removal takes the caller elsewhere": Fault("recoup", after=_recoup_removal_takes_caller),
    "recoup re-add not persisted": Fault("recoup", after=_recoup_readd_not_persisted),
    "recoup re-add writes two rows": Fault("recoup", after=_recoup_readd_duplicates),
    "recoup organizations without membership id": Fault("recoup", after=_recoup_orgs_without_id),
    "recoup add 422 for bad bodies": Fault("recoup", after=_recoup_add_422),
}
