"""Schemathesis-generated cases of every operation, made safe and meaningful before they are sent.

- Member parts move into the probe space (`probes.rewrite_*`), so no generated request can add, re-role or
  remove a member: Recoup's `account_id` (query) and `accountId` (add body), Turso's `username` (path, add body).
  The client would refuse the request otherwise; rewriting keeps what the generator meant (valid stays valid).
- A Recoup add by email goes to a probe address (`@probe.invalid`) in stub mode; against a live target it is
  never sent (the real server creates an account for an unknown email): the case is recorded as not applicable.
- Every other case is pinned to RECOUP_ORG_ID / TURSO_ORG, so Recoup's 200 and Turso's 404 answers are reached;
  the rest keep the generated organization, which the caller is outside of (403).
- Credentials are added per call, never generated and never put in the schema's config; Recoup cases take the
  configured schemes in turn.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, unquote

from schemathesis import Case
from schemathesis.core.failures import CustomFailure, FailureGroup

from . import probes
from .checks import Check, Violation
from .checks.bodies import NOT_AN_ERROR
from .checks.conformance import ConformanceFailure, applies
from .http import Exchange
from .suite import Suite

CheckFn = Callable[[Any, Any, Any], Any]


class CaseRunner:
    """Prepares, sends and validates the generated cases of one vendor's operation."""

    def __init__(self, suite: Suite, vendor: str) -> None:
        self.suite = suite
        self.vendor = vendor
        self.checks = [c for c in suite.selected(vendor) if c.section in ("conformance", "error bodies")]
        self._fns: list[CheckFn] = [c.fn if c.section == "conformance" else _body_check(c) for c in self.checks]
        self._by_name = {c.name: c for c in self.checks}
        credentials = suite.recoup.credentials() if vendor == "recoup" else [suite.turso.token()]
        # Every combination of credential scheme and pinned / generated organization, in turn.
        self._plan = itertools.cycle(itertools.product(credentials, (True, False)))

    def run(self, case: Case[Any]) -> None:
        headers = self.prepare(case)
        if headers is None:
            for check in self.checks:
                self.suite.results.not_applicable(check, LIVE_EMAIL)
            return
        _ = case.meta  # re-validates what the generated parts now are, after the edits above
        client = self.suite.client
        response = case.call(base_url=client.base_url, session=client, headers=headers)
        self.suite.results.generated_cases += 1
        failed: dict[Check, str] = {}
        try:
            case.validate_response(response, checks=self._fns)
        except FailureGroup as group:
            for failure in group.exceptions:
                named = failure.exception if isinstance(failure, CustomFailure) else None
                if isinstance(named, ConformanceFailure):
                    failed.setdefault(self._by_name[named.check], str(named))
                else:  # not one of ours; keep it visible under the first check
                    failed.setdefault(self.checks[0], f"{failure.title}: {failure.message}")
        results = self.suite.results
        for check in self.checks:
            if check in failed:
                continue
            why_not = self._why_not(check, case, response)
            if why_not is None:
                results.passed(check)
            else:
                results.not_applicable(check, why_not)
        if not failed:
            return
        exchange = client.exchange(response)
        violations = [Violation(problem, exchange).named(check) for check, problem in failed.items()]
        for v in violations:
            assert v.check is not None
            self.suite.results.failed(v.check, v.problem, str(v))
        raise violations[0]

    def _why_not(self, check: Check, case: Case[Any], response: Any) -> str | None:
        """None when `check` applied to this case and answer; otherwise why it did not."""
        if check.section == "error bodies":
            return None if response.status_code >= 400 else NOT_AN_ERROR
        return applies(check.name, self.vendor, case, response)

    def prepare(self, case: Case[Any]) -> dict[str, str] | None:
        """Edit the case in place; returns the credential headers to send with it, or None: do not send it."""
        credentials, pin = next(self._plan)
        if self.vendor == "recoup":
            emails = self.suite.target.mode == "stub"
            if not _recoup(case, self.suite.target.get("RECOUP_ORG_ID") if pin else None, emails=emails):
                return None
        else:
            _turso(case, self.suite.target.get("TURSO_ORG") if pin else None)
        return dict(credentials)


LIVE_EMAIL = "an add by email is never sent to a live target (the real Recoup server creates the account)"
PROBE_DOMAIN = "probe.invalid"  # RFC 2606: a domain that cannot exist


def _recoup(case: Case[Any], organization: str | None, *, emails: bool) -> bool:
    """Rewrite a Recoup case; False when it must not be sent (an add by email on a live target)."""
    if isinstance(case.query, dict):
        query = case.query
        for name in list(query):
            if name != "organization_id":
                query[name] = probes.rewrite_recoup(query[name])
        generated = query.get("organization_id")
        if organization and isinstance(generated, str) and probes.is_uuid(generated):
            query["organization_id"] = organization
        case.query = query
    body = case.body
    if isinstance(body, dict):
        if any(str(k).lower() == "email" for k in body):
            if not emails:
                return False
            for key in [k for k in body if str(k).lower() == "email"]:
                body[key] = probe_email(body[key])
        for key in [k for k in body if str(k).lower() == "accountid"]:
            body[key] = _rewrite_ids(body[key])
        generated = body.get("organizationId")
        if organization and isinstance(generated, str) and probes.is_uuid(generated):
            body["organizationId"] = organization
    return True


def _rewrite_ids(value: Any) -> Any:
    """Every string inside a generated accountId moved into the probe space; other values kept."""
    if isinstance(value, str):
        return probes.rewrite_recoup(value)
    if isinstance(value, list):
        return [_rewrite_ids(v) for v in value]
    if isinstance(value, dict):
        return {k: _rewrite_ids(v) for k, v in value.items()}
    return value


def probe_email(value: Any) -> Any:
    """A generated email on the reserved probe domain; a value without '@' (invalid anyway) is kept."""
    if not isinstance(value, str) or "@" not in value:
        return value
    local = value.rsplit("@", 1)[0]
    return f"{local}@{PROBE_DOMAIN}"


def _turso(case: Case[Any], organization: str | None) -> None:
    # Schemathesis generates path parameters already percent-encoded.
    params = case.path_parameters or {}
    if "username" in params:
        params["username"] = quote(probes.rewrite_turso(unquote(str(params.get("username", "")))), safe="")
    if organization and isinstance(params.get("organizationSlug"), str):
        params["organizationSlug"] = quote(organization, safe="")
    body = case.body
    if case.operation.method.upper() == "POST" and isinstance(body, dict) and "username" in body:
        value = body["username"]
        # A non-string username could be read as some user's name by a lenient server: it becomes a probe too.
        body["username"] = probes.rewrite_turso(value if isinstance(value, str) else json.dumps(value))


def _body_check(check: Check) -> CheckFn:
    """A vendor error-body check in schemathesis' (ctx, response, case) form, for responses of 400 and up."""

    def error_body(ctx: Any, response: Any, case: Any) -> None:
        if response.status_code < 400:
            return
        try:
            check.fn(Exchange.of(response, _NO_SECRETS))
        except Violation as v:
            raise ConformanceFailure(check.name, "Error body", v.problem) from None

    return error_body


_NO_SECRETS: Mapping[str, str] = {}
