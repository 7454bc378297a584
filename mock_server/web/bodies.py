"""Every response body the stub sends, built here and only here, per vendor shape."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..core.recoup import Membership
from ..core.turso import Member, Organization

RECOUP_SUCCESS = b'{"status":"success"}\n'


def recoup_error(message: str) -> bytes:
    """Recoup's error envelope: {"status": "error", "error": "..."}."""
    return _dump({"status": "error", "error": message})


def recoup_account_error(message: str) -> bytes:
    """Recoup's error body on GET /api/accounts/id: {"status": "error", "message": "..."}."""
    return _dump({"status": "error", "message": message})


def recoup_account_id(account_id: str) -> bytes:
    return _dump({"status": "success", "accountId": account_id})


def recoup_organizations(memberships: Sequence[Membership]) -> bytes:
    """GET /api/organizations: the account's organizations; the stub holds no organization images."""
    organizations = [
        {
            "id": m.id,
            "organization_id": m.organization_id,
            "organization_name": m.organization_name,
            "organization_image": None,
        }
        for m in memberships
    ]
    return _dump({"status": "success", "organizations": organizations})


def recoup_added(membership_id: str, account_id: str) -> bytes:
    """Add: {"status": "success", "id": ..., "account_id": ...}; both are UUIDs the rules produced or validated
    (hexadecimal digits and hyphens, nothing to escape), so the body is formatted directly."""
    return b'{"status":"success","id":"%s","account_id":"%s"}\n' % (membership_id.encode(), account_id.encode())


def turso_error(message: str) -> bytes:
    """Turso's error body: {"error": "..."}."""
    return _dump({"error": message})


def control_error(message: str) -> dict[str, str]:
    """The control API's (and unknown paths') error body: {"error": "..."}."""
    return {"error": message}


def turso_removed(username: str) -> bytes:
    """Turso's 200 body: {"member": "<username>"}."""
    return _dump({"member": username})


def turso_token(exp: int) -> bytes:
    return _dump({"exp": exp})


def turso_user(username: str, name: str, email: str) -> bytes:
    user: dict[str, Any] = {"username": username, "name": name or username}
    if email:
        user["email"] = email
    return _dump({"user": {**user, "mfa": False, "has_pending_invites": False}})


def _organization(org: Organization) -> dict[str, Any]:
    return {
        "name": org.name or org.slug,
        "slug": org.slug,
        "type": "team",
        "overages": False,
        "require_mfa": False,
        "blocked_reads": False,
        "blocked_writes": False,
    }


def turso_organizations(orgs: Sequence[Organization]) -> bytes:
    """GET /v1/organizations: a bare array, as the contract documents it."""
    return _dump([_organization(o) for o in orgs])


def turso_organization(org: Organization) -> bytes:
    return _dump({"organization": _organization(org)})


def _member(m: Member) -> dict[str, str]:
    return (
        {"username": m.username, "role": m.role, "email": m.email}
        if m.email
        else {"username": m.username, "role": m.role}
    )


def turso_members(members: Sequence[Member]) -> bytes:
    rows = [
        {"username": name, "role": role, "email": email} if email else {"username": name, "role": role}
        for name, role, email in members
    ]
    return _dump({"members": rows})


def turso_member(member: Member) -> bytes:
    """Retrieve and update-role: {"member": {username, role, email}}."""
    return _dump({"member": _member(member)})


def turso_added(username: str, role: str) -> bytes:
    """Add: {"member": "<username>", "role": "<role>"} (a username string, as the contract has it)."""
    return _dump({"member": username, "role": role})


def document(value: Any) -> bytes:
    """Any other JSON document (index, state, journal)."""
    return _dump(value)


# One encoder, built once: json.dumps with non-default options would build a new one per body.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _dump(value: Any) -> bytes:
    """Compact JSON ending with a newline, so a terminal prompt does not land on the body's line."""
    text = _ENCODER.encode(value)
    try:
        return text.encode("utf-8") + b"\n"
    except UnicodeEncodeError:  # an unpaired surrogate: sent as a \u escape, still valid JSON
        return json.dumps(value, separators=(",", ":")).encode("ascii") + b"\n"
