"""Named breaks, one contract rule each, applied around the zoo's correct vendor logic.

`before(request, world)` may rewrite the request or answer it outright; `after(request, answer, world)` may
change the answer. Each fault is deterministic on common inputs, so a short run of the suite meets it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import recoup, turso
from .exchange import Answer, Request
from .world import World

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
}
