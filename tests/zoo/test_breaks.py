"""Each lifecycle broken member really breaks its rule, shown by raw HTTP (not through the contract suite), and the
same requests find the rule kept by correct members that differ in every way the contracts allow."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .lifecycle import IDS
from .members import BROKEN, CORRECT, LIFECYCLE
from .proofs import PROOFS
from .run import serve
from .server import Served

FAIR = ("plain", "starlette", "other-ids", "everything-at-once")


@pytest.mark.parametrize("name", sorted(PROOFS))
def test_broken_member_breaks_its_rule(name: str) -> None:
    with serve(BROKEN[name]) as served:
        violation = PROOFS[name](served)
    assert violation, f"{name}: the rule of {BROKEN[name].catches} held"


@pytest.fixture(scope="module", params=FAIR)
def fair(request: pytest.FixtureRequest) -> Iterator[tuple[str, Served]]:
    """One server per correct member for all the proofs, put back to a fresh world before each."""
    with serve(CORRECT[request.param]) as served:
        yield request.param, served


@pytest.mark.parametrize("name", sorted(PROOFS))
def test_correct_member_keeps_the_rule(name: str, fair: tuple[str, Served]) -> None:
    correct, served = fair
    served.reset()
    violation = PROOFS[name](served)
    assert violation is None, f"{correct} broke the rule that {name} breaks: {violation}"


def test_every_lifecycle_member_has_a_proof_and_every_lifecycle_check_a_member() -> None:
    assert sorted(PROOFS) == sorted(LIFECYCLE)
    claimed = {check for name in PROOFS for check in BROKEN[name].catches}
    assert not sorted(IDS - claimed), f"lifecycle checks without a proven broken member: {sorted(IDS - claimed)}"
