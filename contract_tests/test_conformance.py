"""Section 1: conformance of both operations over generated valid and invalid inputs."""

from __future__ import annotations

from typing import Any

from schemathesis import Case

from . import schemas
from .cases import CaseRunner
from .checks import conformance
from .plugin import covers

NAMES = [fn.__name__ for fn in conformance.CHECKS]
RECOUP = schemas.load("recoup")
TURSO = schemas.load("turso")


@RECOUP.parametrize()
@covers("recoup", *NAMES, "error_body")
def test_recoup_conformance(case: Case[Any], recoup_cases: CaseRunner) -> None:
    recoup_cases.run(case)


@TURSO.parametrize()
@covers("turso", *NAMES, "error_body")
def test_turso_conformance(case: Case[Any], turso_cases: CaseRunner) -> None:
    turso_cases.run(case)
