"""The requests under load, built from the seed's `demo:` block so they follow whatever the seed says."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import yaml

from .settings import BenchError

NOBODY = "bench-nobody"  # a Turso username the demo seed does not have
SESSION = ("x-stub-session", "bench")
FAULT_HEADER = ("x-bench-fault", "on")


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    method: str
    target: str  # path and query
    headers: tuple[tuple[str, str], ...]
    expected: int  # the status every response must have; anything else is an error
    body: str = ""  # a JSON request body
    paired: bool = False  # also driven on bare Starlette, which has a route answering the same way (baseline.py)
    compared_with: str = ""  # the key of the plain scenario this one's cost is reported against
    # control API calls (method, path, JSON body) made before this scenario's spot checks and load, and after
    setup: tuple[tuple[str, str, str], ...] = ()
    teardown: tuple[tuple[str, str, str], ...] = ()


def read_demo(seed: Path) -> dict[str, str]:
    try:
        data = yaml.safe_load(seed.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BenchError(f"cannot read the seed {seed}: {exc}") from None
    demo = data.get("demo") if isinstance(data, dict) else None
    if not isinstance(demo, dict):
        raise BenchError(f"the seed {seed} has no `demo:` block; the bench takes its credentials from there")
    return {str(k): str(v) for k, v in demo.items()}


def build_scenarios(demo: dict[str, str]) -> dict[str, Scenario]:
    needed = ["RECOUP_API_KEY", "RECOUP_ORG_ID", "RECOUP_FOREIGN_ORG_ID", "RECOUP_DISPOSABLE_MEMBER_ID"]
    needed += ["TURSO_TOKEN", "TURSO_ORG", "TURSO_DISPOSABLE_MEMBER"]
    missing = [name for name in needed if name not in demo]
    if missing:
        raise BenchError(f"the seed's `demo:` block lacks {', '.join(missing)}")
    member = demo["RECOUP_DISPOSABLE_MEMBER_ID"]
    recoup_key = (("x-api-key", demo["RECOUP_API_KEY"]),)
    turso_token = (("Authorization", f"Bearer {demo['TURSO_TOKEN']}"),)
    turso_members = f"/v1/organizations/{demo['TURSO_ORG']}/members"
    existing = json.dumps({"username": demo["TURSO_DISPOSABLE_MEMBER"], "role": "member"})
    recoup_add = json.dumps({"organizationId": demo["RECOUP_ORG_ID"], "accountId": member})

    def recoup(org: str) -> str:
        return "/api/organizations/members?" + urlencode({"organization_id": org, "account_id": member})

    def fault_rule(**rule: object) -> tuple[tuple[str, str, str], ...]:
        selected = {"operation": "recoupRemoveOrganizationMember", "match_headers": dict([FAULT_HEADER])}
        return (("POST", "/__admin/faults", json.dumps(selected | rule)),)

    clear_faults = (("DELETE", "/__admin/faults", ""),)
    removal = recoup(demo["RECOUP_ORG_ID"])

    return {
        s.key: s
        for s in (
            Scenario("recoup_200", "Recoup 200 (removal)", "DELETE", recoup(demo["RECOUP_ORG_ID"]), recoup_key, 200),
            Scenario(
                "recoup_403",
                "Recoup 403 (foreign org)",
                "DELETE",
                recoup(demo["RECOUP_FOREIGN_ORG_ID"]),
                recoup_key,
                403,
            ),
            Scenario(
                "turso_404",
                "Turso 404 (not a member)",
                "DELETE",
                f"{turso_members}/{NOBODY}",
                turso_token,
                404,
            ),
            Scenario("turso_list", "Turso 200 (list members)", "GET", turso_members, turso_token, 200, paired=True),
            # An add of an existing member: the whole add path (token, permission, body, user, membership)
            # on every request, and the state stays the same for the next one.
            Scenario(
                "turso_add",
                "Turso 409 (add an existing member)",
                "POST",
                turso_members,
                turso_token,
                409,
                body=existing,
                paired=True,
            ),
            Scenario(
                "recoup_add",
                "Recoup 200 (add, idempotent)",
                "POST",
                "/api/organizations/members",
                recoup_key,
                200,
                body=recoup_add,
                paired=True,
            ),
            # What sessions and fault rules cost, against the plain Recoup 200 path (no rule, no session header).
            Scenario(
                "recoup_200_session",
                "Recoup 200 (removal) in a session (X-Stub-Session)",
                "DELETE",
                removal,
                (*recoup_key, SESSION),
                200,
                compared_with="recoup_200",
            ),
            # A rule on the same operation that this request's headers do not select: matched by operation, not fired.
            Scenario(
                "recoup_200_fault_rule",
                "Recoup 200 (removal), a fault rule on it not selecting it",
                "DELETE",
                removal,
                recoup_key,
                200,
                compared_with="recoup_200",
                setup=fault_rule(status=503),
                teardown=clear_faults,
            ),
            Scenario(
                "recoup_503_fault",
                "Recoup removal answered by a fault rule (503, no delay)",
                "DELETE",
                removal,
                (*recoup_key, FAULT_HEADER),
                503,
                compared_with="recoup_200",
                setup=fault_rule(status=503, times=10**12),
                teardown=clear_faults,
            ),
        )
    }
