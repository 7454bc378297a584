"""Recoup (specs/recoup.yaml): accounts, organizations and members."""

from __future__ import annotations

from . import Operation, Vendor

MEMBERS = "/api/organizations/members"
ADD = "recoupAddOrganizationMember"
REMOVE = "recoupRemoveOrganizationMember"
WHO_AM_I = "recoupGetAccountId"
ORGANIZATIONS = "recoupListOrganizations"

VENDOR = Vendor(
    name="recoup",
    operations=(
        Operation(WHO_AM_I, "GET", "/api/accounts/id"),
        Operation(ORGANIZATIONS, "GET", "/api/organizations"),
        Operation(ADD, "POST", MEMBERS, changes_members=True),
        Operation(REMOVE, "DELETE", MEMBERS, changes_members=True),
    ),
    variables=(
        "RECOUP_API_KEY",
        "RECOUP_BEARER_TOKEN",
        "RECOUP_ORG_ID",
        "RECOUP_FOREIGN_ORG_ID",
        "RECOUP_DISPOSABLE_MEMBER_ID",
    ),
    secrets=("RECOUP_API_KEY", "RECOUP_BEARER_TOKEN"),
    uuids=("RECOUP_ORG_ID", "RECOUP_FOREIGN_ORG_ID", "RECOUP_DISPOSABLE_MEMBER_ID"),
    credentials=("RECOUP_API_KEY", "RECOUP_BEARER_TOKEN"),
    organization="RECOUP_ORG_ID",
    disposable="RECOUP_DISPOSABLE_MEMBER_ID",
    remove=REMOVE,
    restore=ADD,
)
