"""Turso behaviour: specs/turso.yaml, DELETE /v1/organizations/{organizationSlug}/members/{username}.

Usernames are always probes (see `probes`) or TURSO_DISPOSABLE_MEMBER; the client refuses anything else.
"""

from __future__ import annotations

from ..apis import TursoApi
from ..http import Exchange
from . import Inapplicable, expect, expect_documented, expect_json

ORG_HINT = " (TURSO_TOKEN must belong to an owner or admin of TURSO_ORG)"


def _status(ex: Exchange, wanted: int, problem: str) -> None:
    hint = ORG_HINT if ex.status == 403 and wanted in (200, 404) else ""
    expect(ex.status == wanted, f"{problem}: expected HTTP {wanted}, got {ex.status}{hint}", ex)


def rejects_missing_credentials(api: TursoApi, organization: str, username: str) -> None:
    """turso.yaml 401 "Unauthorized - the token is missing, invalid or expired": no token -> 401."""
    _status(api.remove(organization, username, {}), 401, "a removal without an Authorization header")


def rejects_unknown_credentials(api: TursoApi, organization: str, username: str, authorization: str) -> None:
    """turso.yaml 401 "Unauthorized - the token is missing, invalid or expired": an invalid token -> 401."""
    ex = api.remove(organization, username, {"Authorization": authorization})
    _status(ex, 401, "a removal with an invalid token")


def rejects_non_member(api: TursoApi, username: str) -> None:
    """turso.yaml 404 "Member not found": removing a username that is not a member of TURSO_ORG -> 404."""
    org = api.target.require("TURSO_ORG")
    _status(api.remove(org, username, api.token()), 404, f"removing non-member {username!r} from TURSO_ORG={org}")


def not_found_names_user_and_org(api: TursoApi, username: str) -> None:
    """turso.yaml Error example "user [username] is not a member of org [organizationSlug]": the 404 names both."""
    org = api.target.require("TURSO_ORG")
    ex = api.remove(org, username, api.token())
    _status(ex, 404, f"removing non-member {username!r} from TURSO_ORG={org}")
    body = expect_json(ex)
    text = body.get("error") if isinstance(body, dict) else None
    expect(isinstance(text, str), 'the 404 body has no "error" text', ex)
    assert isinstance(text, str)
    expect(username in text, f"the 404 error text does not name the user {username!r}", ex)
    expect(org in text, f"the 404 error text does not name the organization {org!r}", ex)


def removes_disposable_member(api: TursoApi) -> None:
    """turso.yaml 200 "Successful response": removing TURSO_DISPOSABLE_MEMBER -> 200 {"member": "<its username>"}."""
    org, member = api.target.require_all("TURSO_ORG", "TURSO_DISPOSABLE_MEMBER")
    ex = api.remove(org, member, api.token())
    if ex.status == 404 and member in ex.body.decode("utf-8", "replace") and api.target.mode == "live":
        again = "POST /__admin/memberships or /__admin/reset" if api.target.is_stub else "turso org members add"
        raise Inapplicable(
            f"TURSO_DISPOSABLE_MEMBER={member} is no longer a member of {org} (removed by an earlier run?); "
            f"add it again ({again}) or name another member"
        )
    what = f"removing TURSO_DISPOSABLE_MEMBER={member} from {org}"
    _status(ex, 200, what)
    body = expect_documented(ex, "turso", 200, what)
    expect(body.get("member") == member, f'{what}: "member" is {body.get("member")!r}, not {member!r}', ex)


def removal_persists(api: TursoApi) -> None:
    """turso.yaml 404 "Member not found": once removed, TURSO_DISPOSABLE_MEMBER is gone; removing it again -> 404."""
    org, member = api.target.require_all("TURSO_ORG", "TURSO_DISPOSABLE_MEMBER")
    ex = api.remove(org, member, api.token())
    _status(ex, 404, f"removing TURSO_DISPOSABLE_MEMBER={member} a second time")


CHECKS = (
    rejects_missing_credentials,
    rejects_unknown_credentials,
    rejects_non_member,
    not_found_names_user_and_org,
    removes_disposable_member,
    removal_persists,
)
