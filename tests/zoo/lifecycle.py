"""The lifecycle checks the contract suite registers (section "lifecycle"), by their fixed names.

The zoo's broken members name them in `catches` before the suite registers them: a member whose checks are
all registered (and whose operation the suite's conformance covers) is run through the suite and must be
caught; every member is also proven to break its rule by raw HTTP (`test_breaks.py`), whatever the suite has.
"""

from __future__ import annotations

CHECKS: dict[str, tuple[str, ...]] = {
    "turso": (
        "validates_token",
        "lists_members",
        "retrieves_member",
        "retrieve_non_member_not_found",
        "add_existing_member_conflicts",
        "add_unknown_user_not_found",
        "add_rejects_bad_input",
        "update_role_persists",
        "update_non_member_not_found",
        "removal_is_observed",
        "removal_spares_others",
        "restores_disposable_member",
        "non_manager_forbidden",
        "lifecycle_model",
    ),
    "recoup": (
        "identifies_caller",
        "add_is_idempotent",
        "add_rejects_malformed_body",
        "add_requires_credentials",
        "add_forbids_outside_organizations",
        "removal_is_observed",
        "removal_spares_others",
        "restores_disposable_member",
        "lifecycle_model",
    ),
}

IDS = frozenset(f"{vendor}.{name}" for vendor, names in CHECKS.items() for name in names)
