"""Before the properties run: one harmless request per configured credential, to stop early on a bad setting.

Each request removes a probe (which no organization has) from the configured organization, so it changes
nothing. A refused credential (401), or an organization the caller may not act on (403), is a setting to
fix, not a contract failure: the run ends with one message naming the variable and what came back.
Any other answer lets the run go on; the checks judge it.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import probes
from .http import Exchange
from .suite import Suite

PROBE_ACCOUNT = probes.recoup_probe_id(0x0F1167)
PROBE_ORGANIZATION = probes.recoup_probe_id(0x0F1168)  # no such organization: for when RECOUP_ORG_ID is unset
PROBE_USERNAME = probes.TURSO_PREFIX + "preflight"
PROBE_SLUG = probes.TURSO_PREFIX + "preflight-org"


REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Problem:
    variable: str
    message: str
    exchange: Exchange

    def __str__(self) -> str:
        return f"{self.message}\n  sent:     {self.exchange.curl()}\n  received: {self.exchange.describe()}"


def preflight(suite: Suite) -> list[Problem]:
    """The configured credentials of the selected vendors that the target refuses, one problem each."""
    found: list[Problem] = []
    vendors = {c.vendor for c in suite.checks}
    if "recoup" in vendors:
        found += _recoup(suite)
    if "turso" in vendors:
        found += _turso(suite)
    return found


def _recoup(suite: Suite) -> list[Problem]:
    target, found = suite.target, []
    org = target.get("RECOUP_ORG_ID")
    for name, header, prefix in (
        ("RECOUP_API_KEY", "x-api-key", ""),
        ("RECOUP_BEARER_TOKEN", "Authorization", "Bearer "),
    ):
        secret = target.get(name)
        if not secret:
            continue
        ex = suite.recoup.remove_member(org or PROBE_ORGANIZATION, PROBE_ACCOUNT, {header: prefix + secret})
        if ex.status in REDIRECTS:
            return [_redirected(ex)]
        if ex.status == 401:
            found.append(Problem(name, f"{name} is refused: the target answered HTTP 401 to it", ex))
        elif ex.status == 403 and org:
            found.append(
                Problem(
                    "RECOUP_ORG_ID",
                    f"RECOUP_ORG_ID={org} answered HTTP 403 to the caller of {name}: set RECOUP_ORG_ID to an "
                    "organization that caller is a member of",
                    ex,
                )
            )
    return found


def _turso(suite: Suite) -> list[Problem]:
    target = suite.target
    token = target.get("TURSO_TOKEN")
    if not token:
        return []
    org = target.get("TURSO_ORG")
    ex = suite.turso.remove(org or PROBE_SLUG, PROBE_USERNAME, {"Authorization": f"Bearer {token}"})
    if ex.status in REDIRECTS:
        return [_redirected(ex)]
    if ex.status == 401:
        return [Problem("TURSO_TOKEN", "TURSO_TOKEN is refused: the target answered HTTP 401 to it", ex)]
    if ex.status == 403 and org:
        message = (
            f"TURSO_TOKEN gets HTTP 403 on TURSO_ORG={org}: set TURSO_TOKEN to a token of an owner or admin of "
            "TURSO_ORG (or TURSO_ORG to that token's organization)"
        )
        return [Problem("TURSO_ORG", message, ex)]
    return []


def _redirected(ex: Exchange) -> Problem:
    where = ex.headers.get("location", "elsewhere")
    return Problem("URL", f"the target redirects the operation to {where}: set URL to the deployment's own address", ex)
