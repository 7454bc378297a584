"""Turso (specs/turso.yaml): the Platform API's token, user, organization and member operations."""

from __future__ import annotations

from . import Operation, Vendor

ORG = "/v1/organizations/{organizationSlug}"
VALIDATE = "tursoValidateAPIToken"
CURRENT_USER = "tursoGetCurrentUser"
ORGANIZATIONS = "tursoListOrganizations"
ORGANIZATION = "tursoGetOrganization"
LIST = "tursoListOrganizationMembers"
ADD = "tursoAddOrganizationMember"
RETRIEVE = "tursoGetOrganizationMember"
UPDATE = "tursoUpdateMemberRole"
REMOVE = "tursoRemoveOrganizationMember"
ROLES = ("admin", "member", "viewer")  # the assignable roles (`owner` cannot be given)

VENDOR = Vendor(
    name="turso",
    operations=(
        Operation(VALIDATE, "GET", "/v1/auth/validate"),
        Operation(CURRENT_USER, "GET", "/v1/user"),
        Operation(ORGANIZATIONS, "GET", "/v1/organizations"),
        Operation(ORGANIZATION, "GET", ORG),
        Operation(LIST, "GET", ORG + "/members"),
        Operation(ADD, "POST", ORG + "/members", changes_members=True),
        Operation(RETRIEVE, "GET", ORG + "/members/{username}"),
        Operation(UPDATE, "PATCH", ORG + "/members/{username}", changes_members=True),
        Operation(REMOVE, "DELETE", ORG + "/members/{username}", changes_members=True),
    ),
    variables=("TURSO_TOKEN", "TURSO_ORG", "TURSO_DISPOSABLE_MEMBER", "TURSO_MEMBER_TOKEN"),
    secrets=("TURSO_TOKEN", "TURSO_MEMBER_TOKEN"),
    uuids=(),
    credentials=("TURSO_TOKEN",),
    organization="TURSO_ORG",
    disposable="TURSO_DISPOSABLE_MEMBER",
    remove=REMOVE,
    restore=ADD,
)
