"""Schemathesis-generated cases, made safe and meaningful before they are sent.

- Member parts move into the probe space (`probes.rewrite_*`), so no generated request can remove a member.
  The client would refuse the request otherwise; rewriting keeps what the generator meant (valid stays valid).
- Every other case is pinned to RECOUP_ORG_ID / TURSO_ORG, so Recoup's 200 and Turso's 404 answers are reached;
  the rest keep the generated organization, which the caller is outside of (403).
- Credentials are added per call, never generated and never put in the schema's config; Recoup cases take the
  configured schemes in turn.
"""

from __future__ import annotations

import itertools
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

    def prepare(self, case: Case[Any]) -> dict[str, str]:
        """Edit the case in place; returns the credential headers to send with it."""
        credentials, pin = next(self._plan)
        if self.vendor == "recoup":
            _recoup(case, self.suite.target.get("RECOUP_ORG_ID") if pin else None)
        else:
            _turso(case, self.suite.target.get("TURSO_ORG") if pin else None)
        return dict(credentials)


def _recoup(case: Case[Any], organization: str | None) -> None:
    query = case.query if isinstance(case.query, dict) else {}
    for name in list(query):
        if name != "organization_id":
            query[name] = probes.rewrite_recoup(query[name])
    generated = query.get("organization_id")
    if organization and isinstance(generated, str) and probes.is_uuid(generated):
        query["organization_id"] = organization
    case.query = query


def _turso(case: Case[Any], organization: str | None) -> None:
    # Schemathesis generates path parameters already percent-encoded.
    params = case.path_parameters
    params["username"] = quote(probes.rewrite_turso(unquote(str(params.get("username", "")))), safe="")
    if organization and isinstance(params.get("organizationSlug"), str):
        params["organizationSlug"] = quote(organization, safe="")


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
