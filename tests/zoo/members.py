"""The zoo's members, as data: name -> what the deployment is, and for broken ones the checks that must fail.

Correct members differ from a plain deployment only in ways specs/recoup.yaml and specs/turso.yaml allow;
the suite must pass each. Broken members each break one rule; the suite must fail each and name the check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .variant import RateLimit, Variant

BOTH = ("recoup", "turso")


@dataclass(frozen=True)
class Member:
    description: str
    variant: Variant = field(default_factory=Variant)
    implementation: str = "stdlib"  # "stdlib", "starlette", or "file server" (python3 -m http.server)
    vendors: tuple[str, ...] = BOTH  # the vendors a run of the suite tests
    catches: tuple[str, ...] = ()  # broken members: the check ids the suite must report as failed
    # Variables a suite may instead stop on (exit 2, "refused") before any check runs: a server that refuses
    # a credential outright cannot be told apart from a wrong setting by a pre-flight request.
    refused: tuple[str, ...] = ()
    # Broken members: the operationIds the suite's conformance must generate cases for to meet the break.
    needs: tuple[str, ...] = ()

    @property
    def broken(self) -> bool:
        return bool(self.catches)


EVERYTHING = Variant(
    base_path="/edge/recoup-turso",
    extra_properties=True,
    media_type='Application/JSON; charset="UTF-8"',
    header_case="upper",
    gzip=True,
    chunked=True,
    close=True,
    latency_ms=(0.5, 2.5),
    rate_limit=RateLimit(quota=100),
    wording="alternate",
    newest_first=True,
    ids="time-ordered",
    side_org=True,
)

CORRECT: dict[str, Member] = {
    "plain": Member("the zoo's own deployment with no differences: the baseline of every other member"),
    "extra-properties": Member(
        "every body, success and error, carries request_id and a nested meta object",
        Variant(extra_properties=True),
    ),
    "media-type-and-header-case": Member(
        "Content-Type: application/json; charset=utf-8, every response header name in lower case",
        Variant(media_type="application/json; charset=utf-8", header_case="lower"),
    ),
    "gzip": Member("bodies gzip-compressed whenever Accept-Encoding allows it", Variant(gzip=True)),
    "chunked": Member("Transfer-Encoding: chunked bodies in 16-byte chunks, no Content-Length", Variant(chunked=True)),
    "connection-close": Member("Connection: close on every answer: no connection reuse", Variant(close=True)),
    "latency": Member("1-4 ms of random latency per answer", Variant(latency_ms=(1.0, 4.0))),
    "base-path": Member(
        "both vendors served under /gateway/v2 (URL=http://127.0.0.1:PORT/gateway/v2); 404 elsewhere",
        Variant(base_path="/gateway/v2"),
    ),
    "rate-limited": Member(
        "a quota of 100 requests per credential, then 429 with Retry-After: 1; renewed a second later",
        Variant(rate_limit=RateLimit(quota=100)),
    ),
    "other-wording": Member(
        "its own error texts for every error; the Turso 404 still names the user and the organization",
        Variant(wording="alternate"),
    ),
    "member-order": Member(
        "member and organization lists in reverse joining order (newest first)", Variant(newest_first=True)
    ),
    "other-ids": Member(
        "time-ordered (version 7) membership ids; the disposable Recoup account also shares a second "
        "organization with the caller, so its organizations stay readable after its removal",
        Variant(ids="time-ordered", side_org=True),
    ),
    "everything-at-once": Member("all the differences above together, under /edge/recoup-turso", EVERYTHING),
    "starlette": Member(
        "a separate implementation: a bare Starlette app served by uvicorn", implementation="starlette"
    ),
}


def _broken(
    fault: str,
    vendor: str,
    *checks: str,
    description: str = "",
    refused: tuple[str, ...] = (),
    needs: tuple[str, ...] = (),
    variant: Variant | None = None,
) -> Member:
    chosen = variant or Variant(fault=fault)
    return Member(description or fault, chosen, vendors=(vendor,), catches=checks, refused=refused, needs=needs)


BROKEN: dict[str, Member] = {
    "recoup-500-on-failure": _broken(
        "recoup 500 on malformed account_id",
        "recoup",
        "recoup.no_server_errors",
        description="the real server's drift: an undocumented 500 when it fails (here: a non-UUID account_id)",
    ),
    "recoup-404-unknown-org": _broken(
        "recoup 404 for unknown organizations", "recoup", "recoup.documented_status_codes"
    ),
    "recoup-200-text-plain": _broken("recoup 200 labelled text/plain", "recoup", "recoup.documented_content_type"),
    "recoup-200-status-ok": _broken("recoup 200 body status ok", "recoup", "recoup.response_matches_schema"),
    "recoup-invalid-input-200": _broken("recoup invalid input answered 200", "recoup", "recoup.invalid_input_rejected"),
    "recoup-only-v4-uuids": _broken("recoup only version-4 UUIDs", "recoup", "recoup.valid_input_accepted"),
    "recoup-anonymous-accepted": _broken(
        "recoup anonymous callers accepted", "recoup", "recoup.rejects_missing_credentials"
    ),
    "recoup-any-credential": _broken("recoup any credential accepted", "recoup", "recoup.rejects_unknown_credentials"),
    "recoup-api-key-refused": _broken(
        "recoup x-api-key refused", "recoup", "recoup.accepts_api_key", refused=("RECOUP_API_KEY",)
    ),
    "recoup-bearer-refused": _broken(
        "recoup bearer refused", "recoup", "recoup.accepts_bearer_token", refused=("RECOUP_BEARER_TOKEN",)
    ),
    "recoup-api-key-204": _broken(
        "recoup x-api-key removals answered 204",
        "recoup",
        "recoup.accepts_api_key",
        description="removals authenticated with x-api-key answer 204 No Content instead of 200 success",
    ),
    "recoup-bearer-202": _broken(
        "recoup bearer removals answered 202",
        "recoup",
        "recoup.accepts_bearer_token",
        description="removals authenticated with a bearer token answer 202 Accepted instead of 200",
    ),
    "recoup-missing-parameter-200": _broken(
        "recoup missing parameter answered 200", "recoup", "recoup.rejects_missing_parameters"
    ),
    "recoup-malformed-as-unknown": _broken(
        "recoup malformed ids read as unknown ones", "recoup", "recoup.rejects_malformed_parameters"
    ),
    "recoup-last-value-wins": _broken(
        "recoup repeated parameter: last wins", "recoup", "recoup.rejects_repeated_parameters"
    ),
    "recoup-unknown-org-allowed": _broken(
        "recoup unknown organizations allowed", "recoup", "recoup.forbids_outside_organizations"
    ),
    "recoup-foreign-org-allowed": _broken(
        "recoup foreign organization allowed", "recoup", "recoup.forbids_foreign_organization"
    ),
    "recoup-non-member-404": _broken("recoup non-member removal 404", "recoup", "recoup.removes_non_member"),
    "recoup-repeat-404": _broken("recoup repeated removal 404", "recoup", "recoup.removal_is_idempotent"),
    "recoup-member-removal-403": _broken("recoup member removal 403", "recoup", "recoup.removes_disposable_member"),
    "recoup-former-member-404": _broken(
        "recoup former member removal 404", "recoup", "recoup.disposable_removal_is_idempotent"
    ),
    "recoup-error-without-status": _broken("recoup errors without status", "recoup", "recoup.error_body"),
    "recoup-unknown-key-message": _broken(
        "recoup unknown-key 401 with message",
        "recoup",
        "recoup.error_body",
        description='the real server\'s drift: unknown-key 401 body {"status": "error", "message": "Unauthorized"}',
    ),
    "recoup-401-always": _broken(
        "recoup 401 to every removal",
        "recoup",
        "recoup.removal_is_idempotent",
        description="401 to every removal: two equal answers, neither of them the documented success",
        refused=("RECOUP_API_KEY", "RECOUP_BEARER_TOKEN"),
    ),
    "recoup-file-server": Member(
        "python3 -m http.server: 501 HTML to every DELETE (two equal answers, neither a success)",
        implementation="file server",
        vendors=("recoup",),
        catches=("recoup.removal_is_idempotent",),
    ),
    "turso-500-odd-username": _broken("turso 500 on odd usernames", "turso", "turso.no_server_errors"),
    "turso-410-non-member": _broken("turso 410 for non-members", "turso", "turso.documented_status_codes"),
    "turso-404-text-html": _broken("turso 404 labelled text/html", "turso", "turso.documented_content_type"),
    "turso-404-message": _broken("turso 404 body with message", "turso", "turso.response_matches_schema"),
    "turso-400-underscore": _broken("turso 400 for underscores", "turso", "turso.valid_input_accepted"),
    "turso-anonymous-accepted": _broken(
        "turso anonymous callers accepted", "turso", "turso.rejects_missing_credentials"
    ),
    "turso-any-token": _broken("turso any token accepted", "turso", "turso.rejects_unknown_credentials"),
    "turso-non-member-200": _broken("turso non-member removal 200", "turso", "turso.rejects_non_member"),
    "turso-vague-404": _broken("turso vague 404", "turso", "turso.not_found_names_user_and_org"),
    "turso-removal-body-renamed": _broken("turso removal body renamed", "turso", "turso.removes_disposable_member"),
    "turso-removal-forgotten": _broken("turso removal forgotten", "turso", "turso.removal_persists"),
    "turso-401-message": _broken("turso 401 body with message", "turso", "turso.error_body"),
    "turso-empty-200": _broken(
        "turso empty 200 body",
        "turso",
        "turso.removes_disposable_member",
        description="an empty 200 body on removal (breaks @tursodatabase/api clients)",
    ),
}

# The lifecycle rules (lifecycle.py), and conformance on the lifecycle operations, one break each.
LIFECYCLE: dict[str, Member] = {
    "turso-validate-anonymous": _broken(
        "turso validate without a token",
        "turso",
        "turso.validates_token",
        description="GET /v1/auth/validate without a token answers 200 {exp: -1} instead of 401",
    ),
    "turso-list-hides-members": _broken(
        "turso list hides plain members",
        "turso",
        "turso.lists_members",
        description="the member list leaves out members whose role is `member` (the disposable one among them)",
    ),
    "turso-retrieve-says-viewer": _broken(
        "turso retrieve says viewer",
        "turso",
        "turso.retrieves_member",
        description="retrieve reports every non-owner as `viewer`, whatever the list says",
    ),
    "turso-retrieve-phantom": _broken(
        "turso retrieve invents non-members",
        "turso",
        "turso.retrieve_non_member_not_found",
        description="retrieving a non-member answers 200 with a made-up viewer instead of 404",
    ),
    "turso-add-existing-200": _broken(
        "turso add existing member 200",
        "turso",
        "turso.add_existing_member_conflicts",
        description="adding an existing member answers 200 (changing nothing) instead of 409",
    ),
    "turso-add-unknown-200": _broken(
        "turso add unknown user 200",
        "turso",
        "turso.add_unknown_user_not_found",
        description="adding a username no user has answers 200 and lists it, instead of 404",
    ),
    "turso-add-any-role": _broken(
        "turso add reads any role as member",
        "turso",
        "turso.add_rejects_bad_input",
        description="an add with a role outside admin/member/viewer is read as `member` instead of 400",
    ),
    "turso-bad-body-200": _broken(
        "turso bad bodies answered 200",
        "turso",
        "turso.invalid_input_rejected",
        description="an add or role update with a body outside the schema answers 200, as if done",
        needs=("tursoAddOrganizationMember", "tursoUpdateMemberRole"),
    ),
    "turso-update-not-persisted": _broken(
        "turso role update not persisted",
        "turso",
        "turso.update_role_persists",
        description="PATCH answers 200 with the new role but keeps the old one",
    ),
    "turso-update-phantom": _broken(
        "turso update invents non-members",
        "turso",
        "turso.update_non_member_not_found",
        description="PATCH of a non-member answers 200 instead of 404",
    ),
    "turso-list-stale": _broken(
        "turso list stale after removal",
        "turso",
        "turso.removal_is_observed",
        description="the member list still shows removed members (retrieve says 404)",
    ),
    "turso-removal-takes-neighbour": _broken(
        "turso removal takes a neighbour",
        "turso",
        "turso.removal_spares_others",
        description="a removal also removes the first other member whose role is `member`",
    ),
    "turso-add-stores-viewer": _broken(
        "turso add stores viewer",
        "turso",
        "turso.restores_disposable_member",
        description="an add answers the requested role but stores `viewer` (a restored member loses its role)",
    ),
    "turso-any-member-may-remove": _broken(
        "turso any member may remove",
        "turso",
        "turso.non_manager_forbidden",
        description="any member, a viewer included, may remove members (403 only for non-members)",
    ),
    "turso-readd-keeps-old-role": _broken(
        "turso re-add keeps the old role",
        "turso",
        "turso.lifecycle_model",
        description="a member removed and added again gets the role it had, not the requested one",
    ),
    "turso-members-without-username": _broken(
        "turso members without username",
        "turso",
        "turso.response_matches_schema",
        description="the member list gives `name` instead of the required `username`",
        needs=("tursoListOrganizationMembers",),
    ),
    "turso-add-422": _broken(
        "turso add 422 for bad bodies",
        "turso",
        "turso.documented_status_codes",
        description="an add with a bad body answers 422, a status the contract does not document",
        needs=("tursoAddOrganizationMember",),
    ),
    "recoup-whoami-refuses-bearer": _broken(
        "recoup who-am-I refuses bearer",
        "recoup",
        "recoup.identifies_caller",
        description="GET /api/accounts/id answers 401 to a valid bearer token",
        refused=("RECOUP_BEARER_TOKEN",),
    ),
    "recoup-add-new-id-each-time": _broken(
        "recoup add mints a new id each time",
        "recoup",
        "recoup.add_is_idempotent",
        description="adding an existing member answers 200 with a new membership id each time",
    ),
    "recoup-add-guesses-organization": _broken(
        "recoup add guesses the organization",
        "recoup",
        "recoup.add_rejects_malformed_body",
        description="an add without organizationId goes to the caller's organization instead of a 400",
    ),
    "recoup-add-anonymous": _broken(
        "recoup add without credentials",
        "recoup",
        "recoup.add_requires_credentials",
        description="an add without credentials is served as the API key's account",
    ),
    "recoup-add-anywhere": _broken(
        "recoup add anywhere",
        "recoup",
        "recoup.add_forbids_outside_organizations",
        description="an add to an organization the caller is outside of answers 200 instead of 403",
    ),
    "recoup-organizations-stale": _broken(
        "recoup organizations stale after removal",
        "recoup",
        "recoup.removal_is_observed",
        description="an account's organizations still list those it was removed from",
    ),
    "recoup-removal-takes-caller": _broken(
        "recoup removal takes the caller elsewhere",
        "recoup",
        "recoup.removal_spares_others",
        description="a removal also removes the caller from every other organization it shares with the member",
        variant=Variant(side_org=True, fault="recoup removal takes the caller elsewhere"),
    ),
    "recoup-readd-not-persisted": _broken(
        "recoup re-add not persisted",
        "recoup",
        "recoup.restores_disposable_member",
        description="adding a removed member back answers 200 but stores nothing",
    ),
    "recoup-readd-two-rows": _broken(
        "recoup re-add writes two rows",
        "recoup",
        "recoup.lifecycle_model",
        description="re-adding a removed member writes two rows; the next removal deletes only one",
    ),
    "recoup-organizations-without-id": _broken(
        "recoup organizations without membership id",
        "recoup",
        "recoup.response_matches_schema",
        description="the organizations read leaves out each row's required membership `id`",
        needs=("recoupListOrganizations",),
    ),
    "recoup-add-422": _broken(
        "recoup add 422 for bad bodies",
        "recoup",
        "recoup.documented_status_codes",
        description="an add with a malformed body answers 422, a status the contract does not document",
        needs=("recoupAddOrganizationMember",),
    ),
}
BROKEN.update(LIFECYCLE)

MEMBERS: dict[str, Member] = {**CORRECT, **BROKEN}
