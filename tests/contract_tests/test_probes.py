from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from contract_tests import probes

# Values generators love, and members a real organization could have.
LOVED = ["", "a", "0", "A", "-", "_", "null", "true", "0.5", "iku", "probe", "probe_", "5afe7e57"]
LOVED_UUIDS = [
    "00000000-0000-0000-0000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "e3e70682-c209-4cac-a29f-6fbed82c07cd",
    "5afe7e57-0000-4000-8000-000000000000",  # a version-4 id that happens to start with the marker
]


def test_no_loved_value_is_a_probe() -> None:
    for value in LOVED + LOVED_UUIDS:
        assert not probes.is_turso_probe(value)
    for value in LOVED_UUIDS:
        assert not probes.is_recoup_probe(value)
        assert not probes.is_recoup_probe(value.upper())


@given(st.integers(min_value=0))
def test_recoup_probe_ids_are_marked_version_8_uuids(bits: int) -> None:
    probe = probes.recoup_probe_id(bits)
    parsed = uuid.UUID(probe)
    assert parsed.version == 8 and parsed.variant == uuid.RFC_4122
    assert probe.startswith(probes.RECOUP_MARKER) and probes.is_uuid(probe)
    assert probes.is_recoup_probe(probe) and probes.is_recoup_probe(probe.upper())


@given(probes.malformed_recoup_probes())
def test_malformed_probes_are_probes_and_not_uuids(value: str) -> None:
    assert probes.is_recoup_probe(value)
    assert not probes.is_uuid(value)


@given(st.one_of(st.text(), st.uuids().map(str), st.uuids().map(lambda u: str(u).upper())))
def test_rewriting_a_recoup_value_keeps_its_validity(value: str) -> None:
    probe = probes.rewrite_recoup(value)
    assert isinstance(probe, str) and probes.is_recoup_probe(probe)
    assert probes.is_uuid(probe) == probes.is_uuid(value)
    assert probes.rewrite_recoup(probe) == probe


def test_rewriting_keeps_lists_and_absence() -> None:
    assert probes.rewrite_recoup(None) is None
    rewritten = probes.rewrite_recoup(["a", ["b"], 1])
    assert isinstance(rewritten, list) and all(probes.is_recoup_probe(v) for v in rewritten)


@given(st.text())
def test_rewriting_a_username_gives_a_probe(value: str) -> None:
    probe = probes.rewrite_turso(value)
    assert probes.is_turso_probe(probe)
    assert "/" not in probe and "%" not in probe


@given(probes.turso_probe_usernames(), probes.turso_probe_usernames(plain=True), probes.invalid_secrets())
def test_strategies_stay_in_the_probe_space(name: str, plain: str, secret: str) -> None:
    assert probes.is_turso_probe(name) and probes.is_turso_probe(plain)
    assert plain.isascii()
    assert secret.isprintable() and " " not in secret
