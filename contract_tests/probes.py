"""The reserved probe space: the only member identifiers the suite sends, besides the named disposable member.

A probe can never name a real member, on either vendor:

- Recoup account ids are random version-4 UUIDs. A Recoup probe is a version-8 UUID whose first group is the
  marker `5afe7e57`: a version-8 UUID never equals a version-4 one, nor the nil or max UUID (versions 0 and f).
  Malformed probes (for the 400 checks) start with the marker and hold fewer than 32 hex digits (Unicode
  digits counted too), so no UUID parser, however lenient (braces, no hyphens), can read a UUID out of them;
  a value with exactly 32 must spell the version-8 probe.
- Turso usernames are GitHub-style logins: letters, digits and single hyphens. A Turso probe starts with
  `probe__`; no login has an underscore, so no account is called that. A probe never holds '/', '\\' or '%',
  so no server can decode it into a different path.

`rewrite_*` map any generated value into the probe space while keeping what the generator meant: a valid UUID
stays a valid UUID (upper case stays upper case), an invalid value stays invalid.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache

from hypothesis import strategies as st

RECOUP_MARKER = "5afe7e57"
TURSO_PREFIX = "probe__"

_HEX_DIGITS = frozenset("0123456789abcdef")
_MALFORMED_DIGITS = 20
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TURSO_FORBIDDEN = re.compile(r"[/\\%\x00-\x1f\x7f]")


def recoup_probe_id(bits: int) -> str:
    """The version-8 probe UUID for 90 bits of `bits` (any integer; only the low 90 bits count)."""
    n = bits & ((1 << 90) - 1)
    text = f"{n:023x}"  # 92 bits of room: 12 + 12 + 2 + 12 + 48 + 4 spare
    a, b, c, d = text[-4:], text[-7:-4], text[-10:-7], text[-22:-10]
    variant = "89ab"[(n >> 88) & 3]
    return f"{RECOUP_MARKER}-{a}-8{b}-{variant}{c}-{d}"


def is_recoup_probe(value: str) -> bool:
    """True for a probe account id, well-formed or malformed."""
    if not value.lower().startswith(RECOUP_MARKER):
        return False
    digits = "".join(c for c in value.lower() if c in _HEX_DIGITS or c.isdecimal())
    if len(digits) < 32:
        return True
    return len(digits) == 32 and digits.isascii() and digits[12] == "8" and digits[16] in "89ab"


def is_turso_probe(value: str) -> bool:
    return value.startswith(TURSO_PREFIX) and not _TURSO_FORBIDDEN.search(value)


def is_uuid(value: str) -> bool:
    return _UUID.fullmatch(value) is not None


def rewrite_recoup(value: object) -> object:
    """A generated account id (or list of them) moved into the probe space; None stays None."""
    if value is None:  # left out of the query string
        return None
    if isinstance(value, list):
        return [rewrite_recoup(v if isinstance(v, str) or v is None else str(v)) for v in value]
    text = str(value)
    if is_recoup_probe(text):
        return text
    if is_uuid(text):
        probe = recoup_probe_id(_digest(text))
        return probe.upper() if text.isupper() else probe
    # Keep the generated text after the marker, with at most 20 hex digits so no UUID fits in it.
    kept, count = [], 0
    for c in text:
        digit = c.lower() in _HEX_DIGITS or c.isdecimal()
        count += digit
        if not digit or count <= _MALFORMED_DIGITS:
            kept.append(c)
    return f"{RECOUP_MARKER}-{''.join(kept)}"


def rewrite_turso(value: object) -> str:
    """A generated username moved into the probe space."""
    text = str(value)
    if is_turso_probe(text):
        return text
    return TURSO_PREFIX + _TURSO_FORBIDDEN.sub("_", text)


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:12], "big")


# Hypothesis strategies for hand-written properties.


@cache
def recoup_probe_ids() -> st.SearchStrategy[str]:
    """Well-formed probe account ids, lower or upper case."""
    ids = st.integers(min_value=0, max_value=(1 << 90) - 1).map(recoup_probe_id)
    return st.one_of(ids, ids.map(str.upper))


@cache
def malformed_recoup_probes() -> st.SearchStrategy[str]:
    """Probe account ids that are not UUIDs: cut, padded, mis-hyphenated or with non-hex characters."""
    base = recoup_probe_ids()
    return st.one_of(
        st.tuples(base, st.integers(8, 35)).map(lambda t: t[0][: t[1]]),
        base.map(lambda s: s.replace("-", "")),
        base.map(lambda s: s[:-1] + "g"),
        base.map(lambda s: s[:8] + s[9:] + "-"),
        base.map(lambda s: s + "}"),
        base.map(lambda s: s.replace("-", "_")),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=30).map(rewrite_recoup),
    ).filter(lambda s: not is_uuid(s))


@cache
def turso_probe_usernames(*, plain: bool = False) -> st.SearchStrategy[str]:
    """Probe usernames; `plain` keeps to letters, digits and hyphens (readable in error messages)."""
    if plain:
        tail = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", max_size=30)
    else:
        tail = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=30)
    return tail.map(rewrite_turso)


@cache
def invalid_secrets() -> st.SearchStrategy[str]:
    """Credentials no server can know: printable, header-safe, with a marker no issued secret has."""
    body = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=40)
    return body.map(lambda s: f"{TURSO_PREFIX}invalid_{s}")
